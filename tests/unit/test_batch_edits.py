"""Manifest lines that edit a finished job (`parent_id` + `edit`, no prompt): started like any line,
and a parent that cannot be edited is that line's error, never a retried chunk."""

import json
from pathlib import Path

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.adapters.local.sqlite_jobs import SqliteJobStore
from amp.batch.manifest import ManifestSource, parse_manifest
from amp.batch.runner import start_jobs
from amp.config import get_settings
from amp.domain.job import JobStatus
from amp.services.jobs import JobService
from tests.support.fakes import FakeLauncher
from tests.unit.test_api_edits import finished_job

SOURCE = ManifestSource(location="s3://bucket/batch/alice/edits.jsonl", revision="v1")


def test_edit_lines_start_children_and_unusable_parents_are_reported_per_line(tmp_path: Path) -> None:
    launcher = FakeLauncher()
    service = JobService(
        jobs=SqliteJobStore(tmp_path / "jobs.sqlite3"),
        audio=FilesystemAudioStore(tmp_path / "audio"),
        launcher=launcher,
        settings=get_settings(),
    )
    parent = finished_job(service, owner="alice")
    running = finished_job(service, owner="alice", status=JobStatus.MIXING)
    theirs = finished_job(service, owner="mallory")
    lines = [
        {"parent_id": parent.id, "edit": {"kind": "swap", "role": "bass", "instrument": "808"}},
        {"parent_id": running.id, "edit": {"kind": "remove", "role": "pad"}},
        {"parent_id": theirs.id, "edit": {"kind": "remove", "role": "pad"}},
        {"parent_id": parent.id, "edit": {"kind": "swap", "role": "vocal-like"}},
        {"parent_id": parent.id},
    ]
    manifest = b"\n".join(json.dumps(line).encode() for line in lines)
    result = start_jobs(
        parse_manifest(manifest), SOURCE, owner="alice", service=service, default_preset="club"
    )
    report = [(line.line, line.status, line.error) for line in result.report]
    assert report[0] == (1, "started", None)
    assert report[1][1] == "invalid" and "only a SUCCEEDED job can be edited" in (report[1][2] or "")
    assert report[2] == (3, "invalid", "parent_id: no such job of this owner")
    assert report[3][1] == "invalid" and "no vocal-like part" in (report[3][2] or "")
    assert report[4][1] == "invalid" and "parent_id and edit go together" in (report[4][2] or "")
    child = service.jobs.get(SOURCE.job_id(1))
    assert (child.parent_id, child.owner, launcher.started) == (parent.id, "alice", [child.id])
    again = start_jobs(
        parse_manifest(manifest), SOURCE, owner="alice", service=service, default_preset="club"
    )
    assert again.report[0].status == "already_started" and launcher.started == [child.id]
