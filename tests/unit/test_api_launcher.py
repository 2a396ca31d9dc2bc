"""LocalJobLauncher: bounded pool, stop, never-stuck endings and crash recovery. The runner is a small
function that moves the job like the pipeline would, so these run without rendering audio."""

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from amp.adapters.local.sqlite_jobs import SqliteJobStore
from amp.domain.job import Job, JobStatus
from amp.orchestration.local_launcher import (
    INTERRUPTED_REASON,
    MAX_INTERRUPTIONS,
    LocalJobLauncher,
    workers_from_env,
)


class StageWalker:
    """Walks a job through two stages, checking should_stop between them; records concurrency."""

    def __init__(self, jobs: SqliteJobStore, step_s: float = 0.05, crash: bool = False) -> None:
        self.jobs = jobs
        self.step_s = step_s
        self.crash = crash
        self.running = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, job_id: str, *, should_stop: Any) -> None:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            for status in (JobStatus.PARSING, JobStatus.GENERATING):
                if should_stop():
                    return
                self.jobs.update(job_id, {"status": status.value, "stage": status.value.lower()})
                time.sleep(self.step_s)
            if self.crash:
                raise RuntimeError("renderer segfaulted")
            self.jobs.update(job_id, {"status": JobStatus.SUCCEEDED.value, "progress": 1.0})
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def jobs(tmp_path: Path) -> SqliteJobStore:
    return SqliteJobStore(tmp_path / "jobs.sqlite3")


def submit(jobs: SqliteJobStore, launcher: LocalJobLauncher, n: int) -> list[Job]:
    created = []
    for index in range(n):
        job = Job(owner="local", prompt=f"song {index}")
        jobs.create(job)
        launcher.start(job)
        created.append(job)
    return created


def test_pool_never_runs_more_jobs_than_workers_and_finishes_all(jobs: SqliteJobStore) -> None:
    walker = StageWalker(jobs)
    launcher = LocalJobLauncher(jobs, workers=2, runner=walker)
    created = submit(jobs, launcher, 6)
    for job in created:
        assert launcher.wait(job.id, timeout_s=10)
    assert walker.peak == 2
    assert {jobs.get(job.id).status for job in created} == {JobStatus.SUCCEEDED}
    launcher.shutdown()


def test_stop_cancels_a_running_job_and_a_queued_one_never_starts(jobs: SqliteJobStore) -> None:
    walker = StageWalker(jobs, step_s=0.3)
    launcher = LocalJobLauncher(jobs, workers=1, runner=walker)
    running, queued = submit(jobs, launcher, 2)
    time.sleep(0.1)
    for job in (running, queued):
        jobs.update(job.id, {"status": JobStatus.CANCELLED.value})
        launcher.stop(job, "test")
    assert launcher.wait(running.id, timeout_s=5)
    assert launcher.wait(queued.id, timeout_s=5)
    assert jobs.get(running.id).status is JobStatus.CANCELLED
    assert jobs.get(queued.id).status is JobStatus.CANCELLED
    assert jobs.get(queued.id).stage is None  # never started
    launcher.shutdown()


def test_a_crashing_runner_still_ends_the_job_failed(jobs: SqliteJobStore) -> None:
    launcher = LocalJobLauncher(jobs, workers=1, runner=StageWalker(jobs, crash=True))
    [job] = submit(jobs, launcher, 1)
    assert launcher.wait(job.id, timeout_s=5)
    ended = jobs.get(job.id)
    assert ended.status is JobStatus.FAILED
    assert ended.error is not None and "renderer segfaulted" in ended.error.reason
    assert ended.error.stage == "generating"
    launcher.shutdown()


def test_recovery_requeues_queued_jobs_and_resumes_interrupted_ones(jobs: SqliteJobStore) -> None:
    queued = Job(owner="local", prompt="waiting")
    mid_stage = Job(owner="local", prompt="rendering", status=JobStatus.GENERATING, stage="generate")
    done = Job(owner="local", prompt="done", status=JobStatus.SUCCEEDED)
    for job in (queued, mid_stage, done):
        jobs.create(job)
    launcher = LocalJobLauncher(jobs, workers=1, runner=StageWalker(jobs))
    assert launcher.recover() == (1, 1, 0)
    assert launcher.wait(queued.id, timeout_s=5)
    assert launcher.wait(mid_stage.id, timeout_s=5)
    assert jobs.get(queued.id).status is JobStatus.SUCCEEDED
    assert jobs.get(mid_stage.id).status is JobStatus.SUCCEEDED
    assert jobs.get(done.id).status is JobStatus.SUCCEEDED
    launcher.shutdown()


def test_a_job_interrupted_the_third_time_ends_failed_with_that_reason(jobs: SqliteJobStore) -> None:
    mid_stage = Job(owner="local", prompt="crashes us", status=JobStatus.MIXING, stage="mix")
    jobs.create(mid_stage)
    walker = StageWalker(jobs)
    for _ in range(MAX_INTERRUPTIONS - 1):  # two crashes: resumed each time (the run "dies" again)
        launcher = LocalJobLauncher(jobs, workers=1, runner=walker)
        assert launcher.checkpoints is not None
        launcher._executor.shutdown()  # the crashed server: nothing of it runs the job any more
        with pytest.raises(RuntimeError):
            launcher.recover()  # resuming means submitting the run: a dead pool refuses it
    launcher = LocalJobLauncher(jobs, workers=1, runner=walker)
    assert launcher.recover() == (0, 0, 1)
    failed = jobs.get(mid_stage.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None
    assert (failed.error.reason, failed.error.stage) == (INTERRUPTED_REASON, "mix")
    assert "interrupted 3 times" in INTERRUPTED_REASON
    assert walker.peak == 0
    launcher.shutdown()


@pytest.mark.parametrize(("raw", "expected"), [("", 2), ("3", 3), ("0", 1), ("999", 32), ("two", 2)])
def test_worker_count_from_env_is_clamped(monkeypatch: pytest.MonkeyPatch, raw: str, expected: int) -> None:
    monkeypatch.setenv("AMP_LOCAL_WORKERS", raw)
    assert workers_from_env() == expected
