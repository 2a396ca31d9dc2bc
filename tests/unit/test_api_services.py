"""JobService rules over the real local adapters (SQLite, filesystem, SQLite idempotency)."""

import io
import threading
import time
import zipfile
from pathlib import Path

import pytest

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.adapters.local.idempotency import SqliteIdempotencyStore
from amp.adapters.local.sqlite_jobs import SqliteJobStore
from amp.config import Settings
from amp.domain import keys
from amp.domain.errors import Conflict, InvalidAudio, InvalidInput, NotFound
from amp.domain.job import JobRequest, JobStatus
from amp.domain.stage_io import GenerateOutput, MixOutput, PublishInput
from amp.services.jobs import (
    MAX_UPLOAD_BYTES,
    IdempotencyKeyReused,
    JobService,
    UnsupportedUploadType,
    UploadTooLarge,
)
from amp.stages import publish
from amp.stages.context import StageContext
from tests.support.fakes import FakeLauncher

WAV_HEAD = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24)


def make_service(tmp_path: Path, launcher: FakeLauncher) -> JobService:
    settings = Settings(data_dir=tmp_path)
    return JobService(
        jobs=SqliteJobStore(tmp_path / "jobs.sqlite3"),
        audio=FilesystemAudioStore(tmp_path / "audio"),
        launcher=launcher,
        settings=settings,
        idempotency_store=SqliteIdempotencyStore(tmp_path / "idempotency.sqlite3"),
    )


def test_created_job_is_queued_and_carries_the_execution_id(tmp_path: Path) -> None:
    launcher = FakeLauncher()
    service = make_service(tmp_path, launcher)
    job = service.create("alice", JobRequest(prompt="  warm lo-fi  ", duration_s=6))
    assert job.status is JobStatus.QUEUED
    assert job.prompt == "warm lo-fi"
    assert job.execution_id == launcher.execution_id(job.id)
    assert service.jobs.get(job.id).owner == "alice"


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t", "x" * 2001])
def test_empty_or_overlong_prompt_is_invalid(tmp_path: Path, prompt: str) -> None:
    service = make_service(tmp_path, FakeLauncher())
    with pytest.raises(InvalidInput):
        service.create("alice", JobRequest.from_values({"prompt": prompt}))
    assert service.list_jobs("alice").jobs == []


def test_concurrent_duplicates_with_one_key_create_one_job(tmp_path: Path) -> None:
    launcher = FakeLauncher(delay_s=0.3)
    service = make_service(tmp_path, launcher)
    results: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            results.append(
                service.create("alice", JobRequest(prompt="house", duration_s=6), idempotency_key="k").id
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
    service = make_service(tmp_path, FakeLauncher())
    service.create("alice", JobRequest(prompt="house"), idempotency_key="k")
    with pytest.raises(IdempotencyKeyReused):
        service.create("alice", JobRequest(prompt="jazz"), idempotency_key="k")


def test_failed_launch_frees_the_key_and_leaves_no_queued_job(tmp_path: Path) -> None:
    launcher = FakeLauncher(error=RuntimeError("state machine unavailable"))
    service = make_service(tmp_path, launcher)
    with pytest.raises(RuntimeError):
        service.create("alice", JobRequest(prompt="house"), idempotency_key="k")
    [failed] = service.list_jobs("alice").jobs
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None and failed.error.stage == "launch"
    launcher.error = None
    retried = service.create("alice", JobRequest(prompt="house"), idempotency_key="k")
    assert retried.status is JobStatus.QUEUED and retried.id != failed.id


def test_reference_upload_must_exist_under_the_callers_prefix(tmp_path: Path) -> None:
    service = make_service(tmp_path, FakeLauncher())
    ticket = service.reserve_upload("alice", "audio/wav", len(WAV_HEAD))
    service.store_upload("alice", ticket.upload_id, "audio/wav", WAV_HEAD)
    job = service.create("alice", JobRequest(prompt="like this"), reference_upload_id=ticket.upload_id)
    assert job.reference_key == ticket.key
    with pytest.raises(InvalidInput):
        service.create("bob", JobRequest(prompt="steal it"), reference_upload_id=ticket.upload_id)
    with pytest.raises(InvalidInput):
        service.create("alice", JobRequest(prompt="never sent"), reference_upload_id="0" * 32)


def test_upload_checks_type_size_and_magic_bytes(tmp_path: Path) -> None:
    service = make_service(tmp_path, FakeLauncher())
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
    service = make_service(tmp_path, FakeLauncher())
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
    launcher = FakeLauncher()
    service = make_service(tmp_path, launcher)
    job = service.create("alice", JobRequest(prompt="house"))
    cancelled = service.cancel_job("alice", job.id)
    assert cancelled.status is JobStatus.CANCELLED
    assert launcher.stopped == [job.id]
    with pytest.raises(Conflict):
        service.cancel_job("alice", job.id)


def test_retry_only_for_failed_or_cancelled_and_keeps_the_request(tmp_path: Path) -> None:
    service = make_service(tmp_path, FakeLauncher())
    job = service.create("alice", JobRequest(prompt="house", duration_s=7, seed=3, master_preset="club"))
    with pytest.raises(Conflict):
        service.retry_job("alice", job.id)
    service.jobs.update(job.id, {"status": "FAILED"})
    retried = service.retry_job("alice", job.id)
    assert (retried.parent_job_id, retried.prompt, retried.options) == (job.id, job.prompt, job.options)
    with pytest.raises(NotFound):
        service.retry_job("bob", job.id)


def test_delete_removes_published_and_work_files_but_not_other_jobs(tmp_path: Path) -> None:
    service = make_service(tmp_path, FakeLauncher())
    doomed = service.create("alice", JobRequest(prompt="a"))
    kept = service.create("alice", JobRequest(prompt="b"))
    for job in (doomed, kept):
        service.audio.put_bytes(f"jobs/alice/{job.id}/mix.wav", b"x", "audio/wav")
        service.audio.put_bytes(f"work/alice/{job.id}/generated/bass.wav", b"x", "audio/wav")
    service.delete_job("alice", doomed.id)
    assert service.audio.list_keys("jobs/alice/") == [f"jobs/alice/{kept.id}/mix.wav"]
    assert service.audio.list_keys("work/alice/") == [f"work/alice/{kept.id}/generated/bass.wav"]
    with pytest.raises(NotFound):
        service.get_job("alice", doomed.id)


def test_malformed_ids_and_foreign_jobs_are_not_found(tmp_path: Path) -> None:
    service = make_service(tmp_path, FakeLauncher())
    job = service.create("alice", JobRequest(prompt="a"))
    for owner, job_id in (("bob", job.id), ("alice", "../../etc/passwd"), ("alice", job.id.upper())):
        with pytest.raises(NotFound):
            service.get_job(owner, job_id)


def test_list_limit_is_bounded(tmp_path: Path) -> None:
    service = make_service(tmp_path, FakeLauncher())
    for bad in (0, 101):
        with pytest.raises(InvalidInput):
            service.list_jobs("alice", limit=bad)


def test_stems_zip_is_built_on_first_download_not_stored_by_publish(tmp_path: Path) -> None:
    """Publish stores no second copy of the stems: the API builds the one archive on the first
    download (stems and MIDI in the job's folder) and caches it; when the cache has expired the next
    download rebuilds it byte for byte; a job without stems has no zip."""
    service = make_service(tmp_path, FakeLauncher())
    job = service.create("alice", JobRequest(prompt="house"))
    service.jobs.begin_stage(job.id, JobStatus.CHECKING, "qa", 0.9)
    with pytest.raises(Conflict):
        service.stems_zip_url("alice", job.id)
    audio = service.audio
    audio.put_bytes(keys.mix_key("alice", job.id, 1), b"RIFFmix", "audio/wav")
    stem_keys, stems = {}, []
    for role in ("drums", "bass"):
        stem_keys[role] = keys.mixed_stem_key("alice", job.id, 1, role)
        audio.put_bytes(stem_keys[role], f"RIFF{role}".encode(), "audio/wav")
        midi_key = keys.raw_midi_key("alice", job.id, role)
        audio.put_bytes(midi_key, f"MThd{role}".encode(), "audio/midi")
        stems.append(
            GenerateOutput(role=role, stem_key=keys.raw_stem_key("alice", job.id, role), midi_key=midi_key)
        )
    mix = MixOutput(
        mix_key=keys.mix_key("alice", job.id, 1), stem_keys=stem_keys, mastering_pass=1, target_lufs=-14.0
    )
    context = StageContext(jobs=service.jobs, audio=audio, settings=service.settings)
    publish.run(PublishInput(job_id=job.id, mix=mix, stems=stems), context)

    assert not audio.exists(keys.published_key("alice", job.id, "stems.zip"))
    assert service.jobs.get(job.id).artifact("stems_zip") is None
    zip_key = keys.stems_zip_cache_key("alice", job.id)
    assert not audio.exists(zip_key)
    assert "stems.zip" in service.stems_zip_url("alice", job.id)
    published = audio.get_bytes(zip_key)
    folder = f"amp-{job.id[:8]}"
    with zipfile.ZipFile(io.BytesIO(published)) as archive:
        assert archive.namelist() == [
            f"{folder}/stems/bass.wav",
            f"{folder}/stems/drums.wav",
            f"{folder}/midi/bass.mid",
            f"{folder}/midi/drums.mid",
        ]
        assert archive.read(f"{folder}/midi/drums.mid") == b"MThddrums"
    assert "stems.zip" in service.stems_zip_url("alice", job.id)

    assert audio.delete_prefix(zip_key) == 1
    assert "stems.zip" in service.stems_zip_url("alice", job.id)
    assert audio.get_bytes(zip_key) == published

    bare = service.create("alice", JobRequest(prompt="no stems"))
    service.jobs.succeed(bare.id, [])
    with pytest.raises(NotFound):
        service.stems_zip_url("alice", bare.id)
