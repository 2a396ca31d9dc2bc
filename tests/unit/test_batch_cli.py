"""`amp batch MANIFEST`: the local twin of the S3 batch, with the real in-process pipeline."""

import json
from pathlib import Path

import pytest

from amp.application import stage_context
from amp.batch.manifest import MAX_MANIFEST_BYTES, ManifestSource, content_digest
from amp.cli.main import EXIT_USAGE, main
from amp.domain.job import Job, JobOptions, JobStatus


def write_manifest(path: Path, *rows: str) -> Path:
    path.write_text("".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.slow
def test_batch_runs_every_valid_line_to_the_end_and_reports_the_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write_manifest(
        tmp_path / "songs.jsonl",
        json.dumps({"prompt": "calm ambient pads in C major", "duration_s": 5, "seed": 2}),
        '{"prompt": "x", "duration_s": 1}',
    )
    report_path = tmp_path / "out" / "report.jsonl"

    exit_code = main(["batch", str(manifest), "--out", str(report_path), "--workers", "1"])

    assert exit_code == 1  # one line was invalid
    report = [json.loads(line) for line in report_path.read_text().splitlines()]
    source = ManifestSource(location=str(manifest.resolve()), revision=content_digest(manifest.read_bytes()))
    assert report[0] == {"line": 1, "status": "started", "job_id": source.job_id(1)}
    assert report[1]["line"] == 2 and report[1]["status"] == "invalid" and "duration_s" in report[1]["error"]
    job = stage_context().jobs.get(source.job_id(1))
    assert job.status is JobStatus.SUCCEEDED
    assert stage_context().audio.exists(job.artifact("mix").key)  # type: ignore[union-attr]
    assert f"line 1: job {job.id} SUCCEEDED" in capsys.readouterr().out

    # Running the unchanged manifest again starts nothing new.
    assert main(["batch", str(manifest), "--out", str(report_path)]) == 1
    again = [json.loads(line) for line in report_path.read_text().splitlines()]
    assert again[0] == {"line": 1, "status": "already_started", "job_id": job.id}
    assert len(stage_context().jobs.list_by_owner("local", limit=10).jobs) == 1


def test_the_report_defaults_to_beside_the_manifest_and_all_valid_lines_exit_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jobs that already ran are not run again: a manifest whose jobs all SUCCEEDED exits 0."""
    manifest = write_manifest(tmp_path / "one.jsonl", json.dumps({"prompt": "ambient pads", "duration_s": 5}))
    source = ManifestSource(location=str(manifest.resolve()), revision=content_digest(manifest.read_bytes()))

    jobs = stage_context().jobs
    jobs.create(
        Job(id=source.job_id(1), owner="local", prompt="ambient pads", options=JobOptions(duration_s=5))
    )
    jobs.update(source.job_id(1), {"status": JobStatus.SUCCEEDED.value, "execution_id": "local:done"})

    assert main(["batch", str(manifest)]) == 0
    report = (tmp_path / "one.jsonl.report.jsonl").read_text().splitlines()
    assert json.loads(report[0])["status"] == "already_started"


def test_a_missing_or_oversized_manifest_is_refused_before_any_job(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", str(tmp_path / "absent.jsonl")]) == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err
    big = tmp_path / "big.jsonl"
    big.write_bytes(b" " * (MAX_MANIFEST_BYTES + 1))
    assert main(["batch", str(big)]) == EXIT_USAGE
    assert "split it" in capsys.readouterr().err
    assert not stage_context().jobs.list_by_owner("local", limit=10).jobs
