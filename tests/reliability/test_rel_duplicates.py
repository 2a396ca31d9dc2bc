"""Duplicates arriving at the same moment: the same Idempotency-Key from many clients at once through
the local HTTP front, and the same S3 "Object Created" event handled by two batch invocations at
once. One job each, one execution each.

Already proven elsewhere (not repeated here): concurrent duplicates at the service level
(tests/unit/test_api_services.py), sequential redelivery of a batch event and retried chunks
(tests/unit/test_batch_handler.py), a Step Functions task run twice (test_rel_faults.py)."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from amp.adapters.local.api_keys import SqliteApiKeyStore
from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.adapters.local.sqlite_jobs import SqliteJobStore
from amp.api import dependencies
from amp.api.handler import lambda_handler
from amp.batch.manifest import ManifestSource
from amp.config import get_settings
from amp.entrypoints.batch import BatchDeps, handle_event
from amp.lambda_context import LocalLambdaContext
from amp.local_server import LocalServer, ServerConfig
from amp.services.jobs import JobService
from tests.support.fakes import FakeLauncher

CLIENTS = 8


def named_executions(delay_s: float) -> FakeLauncher:
    """A launcher with Step Functions' naming contract: the execution is named after the job, and a
    start under a name that exists is that execution (tests/contract/test_sfn_launcher.py proves the
    contract for the real one). The delay makes concurrent duplicates overlap inside the create."""
    return FakeLauncher(
        delay_s=delay_s, may_stop=False, prefix="arn:aws:states:us-east-1:123456789012:execution:amp"
    )


@dataclass
class Front:
    url: str
    launcher: FakeLauncher


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    """The local HTTP front of `amp serve` (loopback, keyless = owner 'local') in a thread."""
    launcher = named_executions(delay_s=0.2)
    dependencies.use_local_launcher(launcher)
    audio = dependencies.job_service().audio
    assert isinstance(audio, FilesystemAudioStore)
    server = LocalServer(
        "127.0.0.1",
        0,
        ServerConfig(
            handler=lambda_handler,
            keys=SqliteApiKeyStore(tmp_path / "api_keys.sqlite3"),
            audio=audio,
            web_dir=None,
            allow_anonymous=True,
        ),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Front(f"http://127.0.0.1:{server.port}", launcher)
    finally:
        server.shutdown()
        server.close()
        thread.join(timeout=5)
        dependencies.use_local_launcher(None)


def test_one_idempotency_key_from_many_clients_at_once_creates_one_job(front: Front) -> None:
    barrier = threading.Barrier(CLIENTS)
    answers: list[httpx.Response] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    body = {"prompt": "dark techno at 130 bpm", "duration_s": 5, "seed": 1}

    def client() -> None:
        try:
            with httpx.Client(base_url=front.url, timeout=30) as http:
                barrier.wait(timeout=10)
                response = http.post("/jobs", json=body, headers={"Idempotency-Key": "same-click"})
            with lock:
                answers.append(response)
        except BaseException as error:  # collected and asserted below
            with lock:
                failures.append(error)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert [r.status_code for r in answers] == [202] * CLIENTS, [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert len(front.launcher.started) == 1
    listed = httpx.get(f"{front.url}/jobs", params={"limit": 100}).json()["jobs"]
    assert [job["id"] for job in listed] == [answers[0].json()["id"]]


def test_the_same_s3_event_handled_by_two_invocations_at_once_makes_one_job_per_line(
    tmp_path: Path,
) -> None:
    """EventBridge delivers at least once, and two deliveries can run in parallel Lambdas."""
    bucket, key, lines = "amp-audio-test", "batch/alice/weekend.jsonl", 6
    audio = FilesystemAudioStore(tmp_path / "audio")
    rows = [json.dumps({"prompt": f"song {n}", "duration_s": 5, "seed": n}) for n in range(1, lines + 1)]
    audio.put_bytes(key, ("\n".join(rows) + "\n").encode(), "application/x-ndjson")
    launcher = named_executions(delay_s=0.05)
    jobs = SqliteJobStore(tmp_path / "jobs.sqlite3")
    event = {
        "version": "0",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 200, "etag": "e1", "version-id": "v1"},
            "reason": "PutObject",
        },
    }
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def invocation() -> None:
        deps = BatchDeps(
            service=JobService(jobs=jobs, audio=audio, launcher=launcher, settings=get_settings()),
            audio=audio,
            bucket=bucket,
            default_preset="streaming",
            continue_with=lambda task: failures.append(AssertionError(f"unexpected hand-over {task}")),
        )
        try:
            barrier.wait(timeout=10)
            handle_event(event, LocalLambdaContext(), deps)
        except BaseException as error:  # collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=invocation) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    source = ManifestSource(location=f"s3://{bucket}/{key}", revision="v1")
    expected = {source.job_id(n) for n in range(1, lines + 1)}
    stored = {job.id for job in jobs.list_by_owner("alice", limit=100).jobs}
    assert stored == expected
    assert set(launcher.started) == expected
