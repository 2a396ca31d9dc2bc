"""Starting jobs from manifest lines through the JobService: idempotent, line errors isolated."""

import json
from pathlib import Path

import pytest

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.adapters.local.sqlite_jobs import SqliteJobStore
from amp.batch.manifest import ManifestSource, parse_manifest
from amp.batch.runner import start_jobs
from amp.config import get_settings
from amp.domain.errors import ProviderUnavailable
from amp.domain.job import Job, JobOptions, JobStatus
from amp.services.jobs import JobService
from tests.support.fakes import FakeLauncher

SOURCE = ManifestSource(location="s3://bucket/batch/alice/songs.jsonl", revision="v1")


@pytest.fixture
def launcher() -> FakeLauncher:
    """Batch never stops jobs; StartExecution is throttled for the ids added to fail_for."""
    return FakeLauncher(error=ProviderUnavailable("StartExecution throttled"), fail_for=set(), may_stop=False)


@pytest.fixture
def service(tmp_path: Path, launcher: FakeLauncher) -> JobService:
    return JobService(
        jobs=SqliteJobStore(tmp_path / "jobs.sqlite3"),
        audio=FilesystemAudioStore(tmp_path / "audio"),
        launcher=launcher,
        settings=get_settings(),
    )


MANIFEST = b"\n".join(
    [
        json.dumps({"prompt": "dark techno at 132 bpm", "duration_s": 5, "seed": 1}).encode(),
        b"{broken",
        json.dumps({"prompt": "lofi with rhodes", "duration_s": 5, "master_preset": "club"}).encode(),
        json.dumps({"prompt": "x", "duration_s": 9999}).encode(),
    ]
)


def test_every_valid_line_starts_one_job_and_bad_lines_are_reported(
    service: JobService, launcher: FakeLauncher
) -> None:
    result = start_jobs(
        parse_manifest(MANIFEST), SOURCE, owner="alice", service=service, default_preset="streaming"
    )
    assert result.next_index is None
    assert [(line.line, line.status) for line in result.report] == [
        (1, "started"),
        (2, "invalid"),
        (3, "started"),
        (4, "invalid"),
    ]
    assert launcher.started == [SOURCE.job_id(1), SOURCE.job_id(3)]
    job = service.jobs.get(SOURCE.job_id(3))
    assert job.owner == "alice"
    assert job.status is JobStatus.QUEUED
    assert job.execution_id == f"test:{job.id}"
    assert job.options.master_preset == "club"
    assert service.jobs.get(SOURCE.job_id(1)).options.master_preset == "streaming"
    assert result.report[1].error is not None and "not JSON" in result.report[1].error


def test_a_repeated_manifest_starts_nothing_new(service: JobService, launcher: FakeLauncher) -> None:
    lines = parse_manifest(MANIFEST)
    first = start_jobs(lines, SOURCE, owner="alice", service=service, default_preset="streaming")
    second = start_jobs(lines, SOURCE, owner="alice", service=service, default_preset="streaming")
    assert [line.status for line in second.report] == [
        "already_started",
        "invalid",
        "already_started",
        "invalid",
    ]
    assert [line.job_id for line in second.report] == [line.job_id for line in first.report]
    assert len(launcher.started) == 2
    assert len(service.jobs.list_by_owner("alice", limit=50).jobs) == 2


def test_a_job_left_queued_and_unlaunched_by_a_crash_is_launched_on_redelivery(
    service: JobService, launcher: FakeLauncher
) -> None:
    stranded = Job(id=SOURCE.job_id(1), owner="alice", prompt="dark techno", options=JobOptions(duration_s=5))
    service.jobs.create(stranded)  # the first delivery died between create and launch
    result = start_jobs(
        parse_manifest(MANIFEST)[:1], SOURCE, owner="alice", service=service, default_preset="streaming"
    )
    assert result.report[0].status == "started"
    assert launcher.started == [stranded.id]
    assert service.jobs.get(stranded.id).execution_id == f"test:{stranded.id}"


def test_a_line_whose_launch_fails_is_reported_failed_and_the_rest_still_start(
    service: JobService, launcher: FakeLauncher
) -> None:
    launcher.fail_for.add(SOURCE.job_id(1))
    result = start_jobs(
        parse_manifest(MANIFEST), SOURCE, owner="alice", service=service, default_preset="streaming"
    )
    assert result.report[0].status == "failed"
    assert result.report[0].error is not None and "throttled" in result.report[0].error
    assert result.report[2].status == "started"
    assert service.jobs.get(SOURCE.job_id(1)).status is JobStatus.FAILED
    again = start_jobs(
        parse_manifest(MANIFEST), SOURCE, owner="alice", service=service, default_preset="streaming"
    )
    assert again.report[0].status == "failed"


def test_a_chunk_stops_when_time_runs_out_but_always_makes_progress(service: JobService) -> None:
    lines = parse_manifest(MANIFEST)
    first = start_jobs(
        lines, SOURCE, owner="alice", service=service, default_preset="streaming", has_time=lambda: False
    )
    assert [line.line for line in first.report] == [1]
    assert first.next_index == 1
    rest = start_jobs(
        lines, SOURCE, owner="alice", service=service, default_preset="streaming", start_index=1, max_lines=2
    )
    assert [line.line for line in rest.report] == [2, 3]
    assert rest.next_index == 3


def test_a_store_outage_propagates_so_the_chunk_is_retried(service: JobService, tmp_path: Path) -> None:
    class BrokenStore(SqliteJobStore):
        def create(self, job: Job) -> None:
            raise ProviderUnavailable("DynamoDB is unavailable")

    broken = JobService(
        jobs=BrokenStore(tmp_path / "broken.sqlite3"),
        audio=service.audio,
        launcher=service.launcher,
        settings=service.settings,
    )
    with pytest.raises(ProviderUnavailable):
        start_jobs(
            parse_manifest(MANIFEST), SOURCE, owner="alice", service=broken, default_preset="streaming"
        )
