"""Issue 16 end to end: one job with a section plan through the real state machine and every real
stage (SQLite + filesystem), and its published section list, MIDI markers, QA checks and timeouts."""

import io
import json
from typing import Any

import mido
import numpy as np
import pytest

from amp.audio_io import SAMPLE_RATE, decode_audio
from amp.domain.job import Job, JobRequest, JobStatus
from amp.orchestration.asl import ExecutionStatus
from amp.orchestration.local_pipeline import run_job_locally

PLAN: dict[str, Any] = {
    "sections": [
        {"name": "intro", "bars": 1, "energy": 0.3, "mute_roles": ["drums"]},
        {"name": "build", "bars": 1, "energy": 0.6},
        {"name": "drop", "bars": 4, "energy": 0.95},
        {"name": "outro", "bars": 2, "energy": 0.4, "text": "filtered"},
    ]
}
BAR_S = 4 * 60.0 / 160
BARS = 8


def create(values: dict[str, Any]) -> Job:
    from amp.application import stage_context

    request = JobRequest.model_validate(values)
    job = Job(owner="e2e-user", prompt=request.prompt, options=request.options("streaming"))
    stage_context().jobs.create(job)
    return job


@pytest.mark.slow
def test_a_planned_job_publishes_its_sections_and_marks_them_in_every_midi_file() -> None:
    from amp.application import stage_context

    job = create({"prompt": "techno at 160 bpm in A minor", "seed": 5, "duration_s": 60, "plan": PLAN})
    result = run_job_locally(job.id)
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    final = stage_context().jobs.get(job.id)
    assert final.status is JobStatus.SUCCEEDED and final.spec is not None
    assert final.spec.duration_s == pytest.approx(BARS * BAR_S)  # the plan's bars, not the 60 s asked
    audio = stage_context().audio

    sections = next(a for a in final.artifacts if a.kind == "sections")
    document = json.loads(audio.get_bytes(sections.key))
    assert [(s["name"], s["start_bar"]) for s in document["sections"]] == [
        ("intro", 0), ("build", 1), ("drop", 2), ("outro", 6)
    ]  # fmt: skip
    assert document["sections"][2]["start_s"] == pytest.approx(2 * BAR_S)
    assert document["sections"][-1]["end_s"] == pytest.approx(BARS * BAR_S)

    midis = [a for a in final.artifacts if a.kind == "midi"]
    assert midis
    for artifact in midis:
        midi = mido.MidiFile(file=io.BytesIO(audio.get_bytes(artifact.key)))
        assert [m.text for m in midi.tracks[0] if m.type == "marker"] == ["intro", "build", "drop", "outro"]

    mix, rate = decode_audio(audio.get_bytes(final.artifact("mix").key))  # type: ignore[union-attr]
    assert rate == SAMPLE_RATE and mix.shape[1] == round(BARS * BAR_S * SAMPLE_RATE)
    drums = next(a for a in final.artifacts if a.kind == "stem" and a.role == "drums")
    drum_stem, _ = decode_audio(audio.get_bytes(drums.key))
    assert np.max(np.abs(drum_stem[:, : round(BAR_S * SAMPLE_RATE) - 64])) < 1e-4  # muted intro

    assert final.qa is not None
    checks = {check.name: check for check in final.qa.checks}
    assert checks["downbeats_on_plan"].passed and checks["downbeats_on_plan"].severity.value == "hard"
    assert "section_energy" in checks


@pytest.mark.slow
def test_a_job_without_a_plan_is_rounded_to_whole_bars_and_every_artifact_agrees(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """12 s at 174 bpm is 8.7 bars: the song is the nearest whole number, 9 bars (12.414 s), and
    the spec, job.json, the CLI, the mix, sections.json and QA all say so."""
    from amp.cli.main import main

    out = tmp_path / "dnb"
    argv = ["generate", "drum and bass at 174 bpm", "--duration", "12", "--seed", "2", "--out", str(out)]
    assert main(argv) == 0
    bar_s = 4 * 60.0 / 174
    length_s = 9 * bar_s
    assert f"length: {length_s:.3f} s = 9 bars of 4/4 at 174 bpm (asked 12 s)" in capsys.readouterr().err

    job = json.loads((out / "job.json").read_text())
    spec = job["spec"]
    assert (spec["asked_duration_s"], spec["total_bars"]) == (12, 9)
    assert spec["duration_s"] == pytest.approx(length_s, abs=1e-6)
    assert sum(section["bars"] for section in spec["plan"]["sections"]) == 9
    assert any("rounded to 9 whole bars" in note for note in spec["notes"])

    mix, rate = decode_audio((out / "mix.wav").read_bytes())
    assert rate == SAMPLE_RATE and mix.shape[1] == round(length_s * SAMPLE_RATE)
    for stem in (out / "stems").iterdir():
        assert decode_audio(stem.read_bytes())[0].shape[1] == mix.shape[1], stem.name
    sections = json.loads((out / "sections.json").read_text())["sections"]
    assert sections[0]["start_s"] == 0 and sections[-1]["end_s"] == pytest.approx(length_s, abs=1e-6)
    assert sum(section["bars"] for section in sections) == 9
    assert job["qa"]["passed"] is True
    checks = {check["name"]: check for check in job["qa"]["checks"]}
    assert checks["downbeats_on_plan"]["passed"]


@pytest.mark.slow
def test_an_extend_edit_publishes_the_extended_section_list_everywhere() -> None:
    """The child of an extend is published with its own plan: spec.plan, sections.json and every MIDI
    file's markers list the added section, and QA holds the mix's downbeats to those bar lines."""
    from amp.application import get_application
    from amp.domain.edit import ExtendEdit
    from amp.domain.job import LOCAL_OWNER
    from tests.support.fakes import FakeLauncher

    application = get_application()
    service = application.job_service_with(FakeLauncher())
    root = service.create(
        LOCAL_OWNER,
        JobRequest.model_validate({"prompt": "techno at 160 bpm in A minor", "seed": 5, "plan": PLAN}),
    )
    assert run_job_locally(root.id).status is ExecutionStatus.SUCCEEDED
    child = service.create(
        LOCAL_OWNER, JobRequest(prompt=root.prompt, parent_id=root.id, edit=ExtendEdit(bars=2))
    )
    result = run_job_locally(child.id)
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    final = application.stage_context.jobs.get(child.id)
    assert final.spec is not None and final.spec.plan is not None
    names = ["intro", "build", "drop", "drop", "outro"]  # the 2 bars before the outro are the drop's
    assert [(s.name, s.bars) for s in final.spec.plan.sections] == list(
        zip(names, [1, 1, 4, 2, 2], strict=True)
    )
    assert final.spec.total_bars == BARS + 2
    audio = application.stage_context.audio
    document = json.loads(audio.get_bytes(final.artifact("sections").key))  # type: ignore[union-attr]
    assert [s["name"] for s in document["sections"]] == names
    assert document["sections"][3]["start_s"] == pytest.approx(6 * BAR_S)
    assert document["sections"][-1]["end_s"] == pytest.approx((BARS + 2) * BAR_S)
    for artifact in (a for a in final.artifacts if a.kind == "midi"):
        midi = mido.MidiFile(file=io.BytesIO(audio.get_bytes(artifact.key)))
        assert [m.text for m in midi.tracks[0] if m.type == "marker"] == names
    mix, _ = decode_audio(audio.get_bytes(final.artifact("mix").key))  # type: ignore[union-attr]
    assert mix.shape[1] == round((BARS + 2) * BAR_S * SAMPLE_RATE)
    assert final.qa is not None
    checks = {check.name: check for check in final.qa.checks}
    assert checks["downbeats_on_plan"].passed, checks["downbeats_on_plan"].message
