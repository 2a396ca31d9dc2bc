"""JobService rules over the real local adapters (SQLite, filesystem, SQLite idempotency)."""

import threading
import time
from pathlib import Path

import pytest

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.adapters.local.idempotency import SqliteIdempotencyStore
from amp.adapters.local.sqlite_jobs import SqliteJobStore
from amp.config import Settings
from amp.domain.errors import Conflict, InvalidAudio, InvalidInput, NotFound
from amp.domain.job import Job, JobOptions, JobStatus
from amp.services.jobs import (
    MAX_UPLOAD_BYTES,
    IdempotencyKeyReused,
    JobService,
    UnsupportedUploadType,
    UploadTooLarge,
)

WAV_HEAD = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24)


class SlowLauncher:
    """Counts starts; a delay widens the window in which concurrent duplicates overlap."""

    def __init__(self, delay_s: float = 0.0, fail: bool = False) -> None:
        self.delay_s = delay_s
        self.fail = fail
        self.started: list[str] = []
        self.stopped: list[str] = []
        self._lock = threading.Lock()

    def start(self, job: Job) -> str:
        time.sleep(self.delay_s)
        if self.fail:
            raise RuntimeError("state machine unavailable")
        with self._lock:
            self.started.append(job.id)
        return f"exec:{job.id}"

    def stop(self, job: Job, reason: str) -> None:
        self.stopped.append(job.id)


def make_service(tmp_path: Path, launcher: SlowLauncher) -> JobService:
    settings = Settings(data_dir=tmp_path)
    return JobService(
        jobs=SqliteJobStore(tmp_path / "jobs.sqlite3"),
        audio=FilesystemAudioStore(tmp_path / "audio"),
        launcher=launcher,
        settings=settings,
        idempotency_store=SqliteIdempotencyStore(tmp_path / "idempotency.sqlite3"),
    )


def test_created_job_is_queued_and_carries_the_execution_id(tmp_path: Path) -> None:
    launcher = SlowLauncher()
    service = make_service(tmp_path, launcher)
    job = service.create_job("alice", "  warm lo-fi  ", JobOptions(duration_s=6))
    assert job.status is JobStatus.QUEUED
    assert job.prompt == "warm lo-fi"
    assert job.execution_id == f"exec:{job.id}"
    assert service.jobs.get(job.id).owner == "alice"


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t", "x" * 2001])
def test_empty_or_overlong_prompt_is_invalid(tmp_path: Path, prompt: str) -> None:
    service = make_service(tmp_path, SlowLauncher())
    with pytest.raises(InvalidInput):
        service.create_job("alice", prompt)
    assert service.list_jobs("alice").jobs == []


def test_concurrent_duplicates_with_one_key_create_one_job(tmp_path: Path) -> None:
    launcher = SlowLauncher(delay_s=0.3)
    service = make_service(tmp_path, launcher)
    results: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            results.append(
                service.create_job("alice", "house", JobOptions(duration_s=6), idempotency_key="k").id
            )
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 8
    assert len(launcher.started) == 1
    assert len(service.list_jobs("alice").jobs) == 1


def test_key_reused_for_a_different_request_is_refused(tmp_path: Path) -> None:
    service = make_service(tmp_path, SlowLauncher())
    service.create_job("alice", "house", idempotency_key="k")
    with pytest.raises(IdempotencyKeyReused):
        service.create_job("alice", "jazz", idempotency_key="k")


def test_failed_launch_frees_the_key_and_leaves_no_queued_job(tmp_path: Path) -> None:
    launcher = SlowLauncher(fail=True)
    service = make_service(tmp_path, launcher)
    with pytest.raises(RuntimeError):
        service.create_job("alice", "house", idempotency_key="k")
    [failed] = service.list_jobs("alice").jobs
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None and failed.error.stage == "launch"
    launcher.fail = False
    retried = service.create_job("alice", "house", idempotency_key="k")
    assert retried.status is JobStatus.QUEUED and retried.id != failed.id


def test_reference_upload_must_exist_under_the_callers_prefix(tmp_path: Path) -> None:
    service = make_service(tmp_path, SlowLauncher())
    ticket = service.reserve_upload("alice", "audio/wav", len(WAV_HEAD))
    service.store_upload("alice", ticket.upload_id, "audio/wav", WAV_HEAD)
    job = service.create_job("alice", "like this", reference_upload_id=ticket.upload_id)
    assert job.reference_key == ticket.key
    with pytest.raises(InvalidInput):
        service.create_job("bob", "steal it", reference_upload_id=ticket.upload_id)
    with pytest.raises(InvalidInput):
        service.create_job("alice", "never sent", reference_upload_id="0" * 32)


def test_upload_checks_type_size_and_magic_bytes(tmp_path: Path) -> None:
    service = make_service(tmp_path, SlowLauncher())
    with pytest.raises(UnsupportedUploadType):
        service.reserve_upload("alice", "application/pdf", 100)
    with pytest.raises(UploadTooLarge):
        service.reserve_upload("alice", "audio/wav", MAX_UPLOAD_BYTES + 1)
    html = b"<html>not audio</html>"
    with pytest.raises(InvalidAudio):
        wav = service.reserve_upload("alice", "audio/wav", len(html))
        service.store_upload("alice", wav.upload_id, "audio/wav", html)
    with pytest.raises(InvalidAudio):
        flac = service.reserve_upload("alice", "audio/flac", len(WAV_HEAD))
        service.store_upload("alice", flac.upload_id, "audio/flac", WAV_HEAD)
    assert service.audio.list_keys("uploads/") == []
    flac = service.reserve_upload("alice", "audio/flac", 44)
    service.store_upload("alice", flac.upload_id, "audio/flac", b"fLaC" + bytes(40))
    assert service.audio.list_keys("uploads/") == [f"uploads/alice/{flac.upload_id}.flac"]


def test_only_a_reserved_unexpired_id_of_the_same_owner_takes_one_body_of_the_declared_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = make_service(tmp_path, SlowLauncher())
    with pytest.raises(NotFound):
        service.store_upload("alice", "b" * 32, "audio/wav", WAV_HEAD)  # never reserved
    ticket = service.reserve_upload("alice", "audio/wav", len(WAV_HEAD))
    with pytest.raises(NotFound):
        service.store_upload("bob", ticket.upload_id, "audio/wav", WAV_HEAD)  # someone else's
    with pytest.raises(InvalidInput, match="reserved for"):
        service.store_upload("alice", ticket.upload_id, "audio/wav", WAV_HEAD + b"\x00")
    with pytest.raises(UnsupportedUploadType):
        service.store_upload("alice", ticket.upload_id, "audio/flac", WAV_HEAD)
    assert service.audio.list_keys("uploads/") == []
    service.store_upload("alice", ticket.upload_id, "audio/wav", WAV_HEAD)
    with pytest.raises(Conflict):
        service.store_upload("alice", ticket.upload_id, "audio/wav", WAV_HEAD)  # no second body
    late = service.reserve_upload("alice", "audio/wav", len(WAV_HEAD))
    expiry_s = service.settings.presigned_url_expiry_s
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + expiry_s + 1)
    with pytest.raises(NotFound):
        service.store_upload("alice", late.upload_id, "audio/wav", WAV_HEAD)
    monkeypatch.undo()
    assert service.audio.list_keys("uploads/") == [ticket.key]


def test_cancel_marks_cancelled_then_stops_and_refuses_a_second_time(tmp_path: Path) -> None:
    launcher = SlowLauncher()
    service = make_service(tmp_path, launcher)
    job = service.create_job("alice", "house")
    cancelled = service.cancel_job("alice", job.id)
    assert cancelled.status is JobStatus.CANCELLED
    assert launcher.stopped == [job.id]
    with pytest.raises(Conflict):
        service.cancel_job("alice", job.id)


def test_retry_only_for_failed_or_cancelled_and_keeps_the_request(tmp_path: Path) -> None:
    service = make_service(tmp_path, SlowLauncher())
    job = service.create_job("alice", "house", JobOptions(duration_s=7, seed=3, master_preset="club"))
    with pytest.raises(Conflict):
        service.retry_job("alice", job.id)
    service.jobs.update(job.id, {"status": "FAILED"})
    retried = service.retry_job("alice", job.id)
    assert (retried.parent_job_id, retried.prompt, retried.options) == (job.id, job.prompt, job.options)
    with pytest.raises(NotFound):
        service.retry_job("bob", job.id)


def test_delete_removes_published_and_work_files_but_not_other_jobs(tmp_path: Path) -> None:
    service = make_service(tmp_path, SlowLauncher())
    doomed = service.create_job("alice", "a")
    kept = service.create_job("alice", "b")
    for job in (doomed, kept):
        service.audio.put_bytes(f"jobs/alice/{job.id}/mix.wav", b"x", "audio/wav")
        service.audio.put_bytes(f"work/alice/{job.id}/generated/bass.wav", b"x", "audio/wav")
    service.delete_job("alice", doomed.id)
    assert service.audio.list_keys("jobs/alice/") == [f"jobs/alice/{kept.id}/mix.wav"]
    assert service.audio.list_keys("work/alice/") == [f"work/alice/{kept.id}/generated/bass.wav"]
    with pytest.raises(NotFound):
        service.get_job("alice", doomed.id)


def test_malformed_ids_and_foreign_jobs_are_not_found(tmp_path: Path) -> None:
    service = make_service(tmp_path, SlowLauncher())
    job = service.create_job("alice", "a")
    for owner, job_id in (("bob", job.id), ("alice", "../../etc/passwd"), ("alice", job.id.upper())):
        with pytest.raises(NotFound):
            service.get_job(owner, job_id)


def test_list_limit_is_bounded(tmp_path: Path) -> None:
    service = make_service(tmp_path, SlowLauncher())
    for bad in (0, 101):
        with pytest.raises(InvalidInput):
            service.list_jobs("alice", limit=bad)
