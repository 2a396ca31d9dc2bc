"""Least privilege in data: every object a real job writes is keyed under its owner; another owner
gets 404 for everything of it; download links stop working after their expiry; oversized requests
and uploads are refused before a byte is stored or a job exists.

Proven elsewhere, not repeated: presigned S3 GETs carry X-Amz-Expires <= 900 and S3 upload forms bind
size and type (tests/contract/test_audio_store.py, tests/unit/test_api_cloud.py); every verb on a
foreign job is 404 at the handler (tests/unit/test_api_handler.py); an oversized JSON body is 413
(tests/unit/test_api_local_server.py)."""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from amp.adapters.local import fs_audio
from amp.adapters.local.api_keys import SqliteApiKeyStore
from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.api import dependencies
from amp.api.handler import lambda_handler
from amp.config import Settings
from amp.domain.errors import InvalidInput
from amp.domain.job import Job
from amp.domain.keys import owner_slug
from amp.local_server import LocalServer, ServerConfig
from amp.orchestration.local_pipeline import run_job_locally
from amp.services.jobs import MAX_UPLOAD_BYTES
from tests.support.fakes import FakeLauncher
from tests.support.reliability import context, qa_that_passes

ALICE = "alice@example.com"  # not a safe path segment as is: keys must use the slug
BOB = "bob"


@dataclass
class PipelineThreads:
    """Runs the real pipeline for each started job in a thread (QA verdict forced to pass, see
    qa_that_passes)."""

    threads: list[threading.Thread] = field(default_factory=list)

    def __call__(self, job: Job) -> None:
        thread = threading.Thread(
            target=run_job_locally, args=(job.id,), kwargs={"handlers": {"qa": qa_that_passes}}
        )
        self.threads.append(thread)
        thread.start()


@dataclass
class Front:
    url: str
    keys: dict[str, str]
    launcher: FakeLauncher
    pipelines: PipelineThreads
    written: list[str]
    """Every key any stage writes (put_bytes and copy of the audio store are recorded)."""
    audio: FilesystemAudioStore


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    """The local HTTP front bound as if exposed (an API key required), with keys for two owners."""
    pipelines = PipelineThreads()
    launcher = FakeLauncher(on_start=pipelines, may_stop=False)
    written: list[str] = []
    audio = context().audio
    assert isinstance(audio, FilesystemAudioStore)
    for method in ("put_bytes", "copy"):
        original = getattr(audio, method)

        def recording(*args: Any, _original: Any = original, _method: str = method) -> Any:
            written.append(args[0] if _method == "put_bytes" else args[1])
            return _original(*args)

        setattr(audio, method, recording)
    dependencies.use_local_launcher(launcher)
    key_store = SqliteApiKeyStore(tmp_path / "api_keys.sqlite3")
    keys = {owner: key_store.create(owner)[0] for owner in (ALICE, BOB)}
    served_audio = dependencies.job_service().audio
    assert isinstance(served_audio, FilesystemAudioStore)
    server = LocalServer(
        "127.0.0.1",
        0,
        ServerConfig(
            handler=lambda_handler, keys=key_store, audio=served_audio, web_dir=None, allow_anonymous=False
        ),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Front(f"http://127.0.0.1:{server.port}", keys, launcher, pipelines, written, served_audio)
    finally:
        for job_thread in pipelines.threads:
            job_thread.join(timeout=300)
        server.shutdown()
        server.close()
        thread.join(timeout=5)
        dependencies.use_local_launcher(None)


def as_owner(front: Front, owner: str) -> httpx.Client:
    return httpx.Client(
        base_url=front.url, timeout=30, headers={"Authorization": f"Bearer {front.keys[owner]}"}
    )


@pytest.mark.slow
def test_a_real_job_writes_only_under_its_owner_and_is_invisible_to_another_owner(front: Front) -> None:
    with as_owner(front, ALICE) as alice:
        created = alice.post(
            "/jobs", json={"prompt": "warm lo-fi hip hop with rhodes", "duration_s": 5, "seed": 2}
        )
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]
        front.pipelines.threads[0].join(timeout=300)
        job = alice.get(f"/jobs/{job_id}").json()
    assert job["status"] == "SUCCEEDED", job["error"]

    slug = owner_slug(ALICE)
    assert slug != ALICE
    allowed = (f"jobs/{slug}/{job_id}/", f"work/{slug}/{job_id}/")
    assert front.written, "the recorder saw no writes"
    assert [key for key in front.written if not key.startswith(allowed)] == []

    with as_owner(front, BOB) as bob:
        for method, path in [
            ("GET", f"/jobs/{job_id}"),
            ("GET", f"/jobs/{job_id}/stems.zip"),
            ("POST", f"/jobs/{job_id}/cancel"),
            ("POST", f"/jobs/{job_id}/retry"),
            ("DELETE", f"/jobs/{job_id}"),
        ]:
            assert bob.request(method, path).status_code == 404, (method, path)
        assert bob.get("/jobs").json()["jobs"] == []
    assert httpx.get(f"{front.url}/jobs/{job_id}").status_code == 401  # no key, not loopback-anonymous

    mix_url = next(a["url"] for a in job["artifacts"] if a["kind"] == "mix")
    assert httpx.get(mix_url).status_code == 200  # the link is the capability, valid for its owner
    parts = urlsplit(mix_url)
    expires = int(parse_qs(parts.query)["expires"][0])
    assert 0 < expires - time.time() <= 900
    forged = mix_url.replace(f"/jobs/{slug}/", f"/jobs/{BOB}/")
    assert httpx.get(forged).status_code in (403, 404)


def test_a_local_download_link_is_refused_once_expired(front: Front, monkeypatch: pytest.MonkeyPatch) -> None:
    key = f"jobs/{owner_slug(ALICE)}/{'a' * 32}/mix.wav"
    front.audio.put_bytes(key, b"RIFF0000WAVE", "audio/wav")
    url = front.url + front.audio.download_url(key, expires_s=900)
    assert httpx.get(url).status_code == 200
    later = time.time() + 901
    monkeypatch.setattr(fs_audio, "time", SimpleNamespace(time=lambda: later))
    assert httpx.get(url).status_code == 403


def test_link_lifetimes_above_15_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="900"):
        Settings(presigned_url_expiry_s=3600)
    store = FilesystemAudioStore(Path(context().settings.data_dir) / "audio")
    with pytest.raises(InvalidInput, match="900"):
        store.download_url("jobs/x/y.wav", expires_s=901)


def test_oversized_upload_is_refused_before_its_body_is_read_and_nothing_is_stored(front: Front) -> None:
    with as_owner(front, ALICE) as alice:
        declared = alice.post(
            "/uploads", json={"content_type": "audio/wav", "size_bytes": MAX_UPLOAD_BYTES + 1}
        )
        assert declared.status_code in (413, 422), declared.text
        ticket = alice.post("/uploads", json={"content_type": "audio/wav", "size_bytes": 1000})
        assert ticket.status_code == 201, ticket.text
        upload_path = urlsplit(ticket.json()["url"]).path

    # Announce 1 byte more than allowed and send none of it: the answer must come at once (413),
    # without the server waiting for (reading) the body.
    port = int(urlsplit(front.url).port or 0)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(
            (
                f"PUT {upload_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {front.keys[ALICE]}\r\n"
                f"Content-Type: audio/wav\r\nContent-Length: {MAX_UPLOAD_BYTES + 1}\r\n\r\n"
            ).encode()
        )
        answer = raw.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]

    with as_owner(front, ALICE) as alice:
        huge_prompt = alice.post("/jobs", json={"prompt": "x" * 5000, "duration_s": 5})
        assert huge_prompt.status_code in (413, 422)
        assert alice.get("/jobs").json()["jobs"] == []
    assert front.audio.list_keys("uploads/") == []
    assert front.pipelines.threads == []
