"""The batch Lambda's event handling: event shapes, chunking by self-invocation, reports, refusals."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.adapters.local.sqlite_jobs import SqliteJobStore
from amp.batch.manifest import MAX_MANIFEST_BYTES, ManifestSource, read_report
from amp.config import get_settings
from amp.entrypoints.batch import CONTINUATION_KEY, BatchDeps, BatchTask, handle_event, tasks_from_event
from amp.lambda_context import LocalLambdaContext
from amp.services.jobs import JobService
from tests.support.fakes import FakeLauncher

BUCKET = "amp-audio-test"


KEY = "batch/alice/songs.jsonl"


def eventbridge_event(
    key: str = KEY, *, bucket: str = BUCKET, version: str = "v1", size: int = 100
) -> dict[str, Any]:
    return {
        "version": "0",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {
            "bucket": {"name": bucket},
            "object": {"key": key, "size": size, "etag": "etag-1", "version-id": version},
            "reason": "PutObject",
        },
    }


def manifest(count: int, *, bad_every: int = 0) -> bytes:
    rows = []
    for number in range(1, count + 1):
        if bad_every and number % bad_every == 0:
            rows.append('{"prompt": "x", "duration_s": -1}')
        else:
            rows.append(json.dumps({"prompt": f"song {number}", "duration_s": 5, "seed": number}))
    return ("\n".join(rows) + "\n").encode()


class Harness:
    def __init__(self, tmp_path: Path, max_lines: int | None = None) -> None:
        self.audio = FilesystemAudioStore(tmp_path / "audio")
        self.launcher = FakeLauncher(may_stop=False)  # batch never stops jobs
        self.service = JobService(
            jobs=SqliteJobStore(tmp_path / "jobs.sqlite3"),
            audio=self.audio,
            launcher=self.launcher,
            settings=get_settings(),
        )
        self.handed_over: list[BatchTask] = []
        self.deps = BatchDeps(
            service=self.service,
            audio=self.audio,
            bucket=BUCKET,
            default_preset="streaming",
            continue_with=self.handed_over.append,
            max_lines=max_lines,
        )

    def deliver(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        return handle_event(event, context or LocalLambdaContext(), self.deps)

    def drain(self, context: Any = None) -> int:
        """Run the hand-overs the way Lambda would (each one a new async invocation)."""
        invocations = 0
        while self.handed_over:
            task = self.handed_over.pop(0)
            self.deliver({CONTINUATION_KEY: task.model_dump(mode="json")}, context)
            invocations += 1
        return invocations

    def report(self, key: str = KEY) -> list[Any]:
        return read_report(self.audio.get_bytes(key + ".report.jsonl"))


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    return Harness(tmp_path)


def test_an_eventbridge_event_starts_the_good_lines_and_reports_every_line(harness: Harness) -> None:
    harness.audio.put_bytes(KEY, manifest(4, bad_every=3), "application/x-ndjson")
    result = harness.deliver(eventbridge_event())
    assert result["manifests"][0]["started"] == 3
    assert result["manifests"][0]["invalid"] == 1
    report = harness.report()
    assert [(line.line, line.status) for line in report] == [
        (1, "started"),
        (2, "started"),
        (3, "invalid"),
        (4, "started"),
    ]
    source = ManifestSource(location=f"s3://{BUCKET}/{KEY}", revision="v1")
    assert [line.job_id for line in report if line.job_id] == [source.job_id(n) for n in (1, 2, 4)]
    assert harness.service.jobs.get(source.job_id(1)).owner == "alice"
    assert not harness.handed_over


def test_the_same_event_delivered_twice_starts_each_job_once(harness: Harness) -> None:
    harness.audio.put_bytes(KEY, manifest(3), "application/x-ndjson")
    harness.deliver(eventbridge_event())
    first_report = harness.report()
    harness.deliver(eventbridge_event())
    assert len(harness.launcher.started) == 3
    assert [line.status for line in harness.report()] == ["already_started"] * 3
    assert [line.job_id for line in harness.report()] == [line.job_id for line in first_report]


def test_a_new_version_of_the_manifest_is_a_new_batch(harness: Harness) -> None:
    harness.audio.put_bytes(KEY, manifest(2), "application/x-ndjson")
    harness.deliver(eventbridge_event(version="v1"))
    harness.deliver(eventbridge_event(version="v2"))
    assert len(set(harness.launcher.started)) == 4


def test_an_s3_notification_with_an_encoded_key_is_handled_too(harness: Harness) -> None:
    key = "batch/bob/night-set.jsonl"
    harness.audio.put_bytes(key, manifest(1), "application/x-ndjson")
    event = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": BUCKET},
                    "object": {"key": "batch/bob/night%2Dset.jsonl", "size": 60, "eTag": "abc"},
                },
            }
        ]
    }
    assert tasks_from_event(event)[0].key == key
    harness.deliver(event)
    assert [line.status for line in harness.report(key)] == ["started"]


def test_a_large_manifest_is_worked_through_in_chunks_with_one_complete_report(tmp_path: Path) -> None:
    harness = Harness(tmp_path, max_lines=4)
    harness.audio.put_bytes(KEY, manifest(10, bad_every=5), "application/x-ndjson")
    first = harness.deliver(eventbridge_event())
    assert first["manifests"][0]["next_index"] == 4
    assert [line.line for line in harness.report()] == [1, 2, 3, 4]  # progress visible after chunk 0
    assert harness.drain() == 2
    report = harness.report()
    assert [line.line for line in report] == list(range(1, 11))
    assert [line.line for line in report if line.status == "invalid"] == [5, 10]
    assert len(harness.launcher.started) == 8


def test_a_retried_chunk_does_not_list_its_lines_twice(tmp_path: Path) -> None:
    harness = Harness(tmp_path, max_lines=2)
    harness.audio.put_bytes(KEY, manifest(5), "application/x-ndjson")
    harness.deliver(eventbridge_event())
    second_chunk = harness.handed_over[0]
    harness.drain()
    harness.deliver({CONTINUATION_KEY: second_chunk.model_dump(mode="json")})  # Lambda retried it
    harness.drain()
    assert [line.line for line in harness.report()] == [1, 2, 3, 4, 5]
    assert len(harness.launcher.started) == 5


def test_chunks_stop_when_the_invocation_is_running_out_of_time(harness: Harness) -> None:
    harness.audio.put_bytes(KEY, manifest(3), "application/x-ndjson")
    harness.deliver(eventbridge_event(), LocalLambdaContext(timeout_s=10))
    assert [line.line for line in harness.report()] == [1]
    assert harness.handed_over[0].start_index == 1
    harness.drain()
    assert [line.line for line in harness.report()] == [1, 2, 3]


def test_a_manifest_changed_between_chunks_stops_with_an_error_line(tmp_path: Path) -> None:
    harness = Harness(tmp_path, max_lines=1)
    harness.audio.put_bytes(KEY, manifest(3), "application/x-ndjson")
    harness.deliver(eventbridge_event())
    harness.audio.put_bytes(KEY, manifest(4), "application/x-ndjson")
    harness.drain()
    report = harness.report()
    assert [line.line for line in report] == [1, 0]
    assert report[-1].error is not None and "changed" in report[-1].error
    assert len(harness.launcher.started) == 1


def test_an_oversized_manifest_is_refused_from_the_event_before_it_is_read(harness: Harness) -> None:
    harness.audio.put_bytes(KEY, manifest(1), "application/x-ndjson")
    harness.deliver(eventbridge_event(size=MAX_MANIFEST_BYTES + 1))
    [line] = harness.report()
    assert line.line == 0 and line.status == "invalid"
    assert line.error is not None and "split it" in line.error
    assert not harness.launcher.started


@pytest.mark.parametrize(
    "event_for",
    [
        lambda: eventbridge_event(KEY + ".report.jsonl"),
        lambda: eventbridge_event("batch/readme.txt"),
        lambda: eventbridge_event(bucket="someone-elses-bucket"),
        lambda: {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectRemoved:Delete", "s3": {}}]},
    ],
)
def test_reports_other_files_other_buckets_and_deletions_are_ignored(
    harness: Harness, event_for: Callable[[], dict[str, Any]]
) -> None:
    harness.audio.put_bytes(KEY, manifest(1), "application/x-ndjson")
    harness.deliver(event_for())
    assert not harness.launcher.started
    assert not harness.audio.exists(KEY + ".report.jsonl")


def test_a_manifest_deleted_before_it_is_read_is_ignored(harness: Harness) -> None:
    result = harness.deliver(eventbridge_event())
    assert result["manifests"][0]["ignored"] is True


def test_a_manifest_whose_key_the_store_refuses_is_ignored_without_failing(harness: Harness) -> None:
    result = harness.deliver(eventbridge_event("batch/alice/my songs!.jsonl"))
    assert result["manifests"][0]["ignored"] is True
    assert not harness.launcher.started
