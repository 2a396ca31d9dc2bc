"""Issue 16 for edits: an extend or a replace-bars edit updates the child's spec.plan to the edited
song's section list (extensions inserted with their name, bars and energy; replaced bars keep their
sections, or are split out at the energy the edit's text implies), and sections.json, the MIDI
markers and QA read the same list, so the user can edit the child's plan and send it back."""

import io
from typing import Any

import mido
import pytest

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.compose.markers import sections_document
from amp.compose.midi import part_to_midi
from amp.compose.rendition import performed_form, performed_score
from amp.domain.edit import Edit, ExtendEdit, ReplaceBarsEdit, RetempoEdit, VariationEdit
from amp.domain.job import Artifact, Job, JobRequest, JobStatus
from amp.domain.spec import MusicSpec, Role
from amp.prompt.parser import parse_prompt
from amp.services.edits import child_job

PLAN: dict[str, Any] = {
    "sections": [
        {"name": "intro", "bars": 2, "energy": 0.3},
        {"name": "verse", "bars": 4, "energy": 0.55},
        {"name": "chorus", "bars": 4, "energy": 0.9, "add_roles": ["lead"]},
        {"name": "outro", "bars": 2, "energy": 0.35, "text": "fade out"},
    ]
}


@pytest.fixture(scope="module")
def parent() -> Job:
    request = JobRequest.model_validate({"prompt": "house at 124 bpm", "seed": 3, "plan": PLAN})
    spec = parse_prompt(request.prompt, options=request.options("streaming"), seed_source="edit-plans")
    return Job(owner="u", prompt=request.prompt, options=request.options("streaming"), spec=spec,
               status=JobStatus.SUCCEEDED)  # fmt: skip


def child_of(parent: Job, edit: Edit, tmp_path: Any) -> MusicSpec:
    """The child through services/edits.py; the parent's rendered stems exist (a splice reuses them)."""
    assert parent.spec is not None
    audio = FilesystemAudioStore(tmp_path)
    artifacts = []
    for role in parent.spec.roles():
        key = f"jobs/u/{parent.id}/source/{role.value}.wav"
        audio.put_bytes(key, b"RIFF....WAVE", "audio/wav")
        artifacts.append(Artifact(kind="source_stem", key=key, role=role.value, content_type="audio/wav"))
    published = parent.model_copy(update={"artifacts": artifacts})
    job = child_job(published, edit, child_id="c" * 32, audio=audio, reference_key=None)
    assert job.job.spec is not None
    return job.job.spec


def rows(spec: MusicSpec) -> list[tuple[str, int, float]]:
    assert spec.plan is not None
    return [(s.name, s.bars, s.energy) for s in spec.plan.sections]


def test_extend_after_inserts_the_new_bars_before_the_outro_as_a_section_of_their_own(
    parent: Job, tmp_path: Any
) -> None:
    child = child_of(parent, ExtendEdit(bars=4), tmp_path)
    # the 4 bars before the outro are the chorus's: played again as a chorus, then the outro
    assert rows(child) == [
        ("intro", 2, 0.3), ("verse", 4, 0.55), ("chorus", 4, 0.9), ("chorus", 4, 0.9), ("outro", 2, 0.35)
    ]  # fmt: skip
    assert child.plan is not None and child.plan.sections[3].add_roles == [Role.LEAD]
    assert child.plan.sections[4].text == "fade out"
    assert child.total_bars == 16 == child.bars()
    assert child.duration_s == pytest.approx(16 * 4 * 60 / 124, abs=1e-5)
    document = sections_document(child)
    assert [(s["name"], s["start_bar"], s["bars"]) for s in document["sections"]] == [
        ("intro", 0, 2), ("verse", 2, 4), ("chorus", 6, 4), ("chorus", 10, 4), ("outro", 14, 2)
    ]  # fmt: skip
    assert document["sections"][-1]["end_s"] == pytest.approx(child.duration_s, abs=1e-5)
    score = performed_score(child)
    midi = mido.MidiFile(file=io.BytesIO(part_to_midi(score, score.parts[Role.DRUMS], child.seed)))
    assert [m.text for m in midi.tracks[0] if m.type == "marker"] == [
        "intro",
        "verse",
        "chorus",
        "chorus",
        "outro",
    ]


def test_the_childs_plan_changes_nothing_it_plays(parent: Job, tmp_path: Any) -> None:
    """The score is composed from the plan it was first composed with (the rendition's), so writing
    the new section list into the child's spec moves no note."""
    child = child_of(parent, ExtendEdit(bars=4), tmp_path)
    assert child.rendition is not None and child.rendition.composed_plan == parent.spec.plan  # type: ignore[union-attr]
    as_before = child.model_copy(update={"plan": parent.spec.plan, "total_bars": None})  # type: ignore[union-attr]
    played, before = performed_score(child), performed_score(as_before)
    assert played.total_bars == before.total_bars == 16
    assert all(played.parts[r].notes == before.parts[r].notes for r in child.roles())


def test_extend_before_prepends_a_lead_in_shaped_like_the_opening(parent: Job, tmp_path: Any) -> None:
    child = child_of(parent, ExtendEdit(bars=2, before=True), tmp_path)
    assert rows(child)[0] == ("intro", 2, 0.18)  # the intro's energy x 0.6: the crescendo's lead-in
    assert rows(child)[1:] == rows(parent.spec)  # type: ignore[arg-type]
    assert child.total_bars == 14


def test_replaced_bars_keep_their_sections_or_split_out_at_the_energy_the_text_implies(
    parent: Job, tmp_path: Any
) -> None:
    same = child_of(parent, ReplaceBarsEdit(start_bar=7, end_bar=8, seed=9), tmp_path)
    assert rows(same) == rows(parent.spec)  # type: ignore[arg-type]
    quiet = child_of(parent, ReplaceBarsEdit(start_bar=8, end_bar=9, text="a quiet breakdown"), tmp_path)
    assert quiet.rendition is not None
    energy = quiet.rendition.ops[-1].energy  # type: ignore[union-attr]
    assert energy is not None and energy < 0.5
    # bars 8..9 (1-based) cut the chorus (bars 7..10): chorus 1 bar, 2 bars at the new energy, 1 bar
    assert rows(quiet) == [
        ("intro", 2, 0.3), ("verse", 4, 0.55), ("chorus", 1, 0.9), ("chorus", 2, round(energy, 2)),
        ("chorus", 1, 0.9), ("outro", 2, 0.35),
    ]  # fmt: skip
    assert quiet.total_bars == 12
    assert [s.energy for s in performed_form(quiet).sections][3] == pytest.approx(energy)


def test_edits_of_edits_keep_appending_and_a_score_keeping_edit_keeps_the_plan(
    parent: Job, tmp_path: Any
) -> None:
    first = child_of(parent, ExtendEdit(bars=4), tmp_path)
    middle = parent.model_copy(update={"id": "d" * 32, "spec": first})
    second = child_of(middle, ExtendEdit(bars=2, before=True), tmp_path)
    assert [name for name, _, _ in rows(second)] == ["intro", "intro", "verse", "chorus", "chorus", "outro"]
    assert second.total_bars == 18
    slower = child_of(middle, RetempoEdit(bpm=100), tmp_path)
    assert rows(slower) == rows(first) and slower.asked_duration_s is None
    assert rows(child_of(middle, VariationEdit(seed=8), tmp_path)) == rows(first)


def test_the_childs_plan_sent_back_as_a_new_jobs_plan_gives_that_section_list(
    parent: Job, tmp_path: Any
) -> None:
    child = child_of(parent, ExtendEdit(bars=4), tmp_path)
    assert child.plan is not None
    request = JobRequest.model_validate(
        {"prompt": "house at 124 bpm", "plan": child.plan.model_dump(mode="json")}
    )
    again = parse_prompt(request.prompt, options=request.options("streaming"))
    assert rows(again) == rows(child) and again.total_bars == child.total_bars
    assert [s["start_s"] for s in sections_document(again)["sections"]] == pytest.approx(
        [s["start_s"] for s in sections_document(child)["sections"]]
    )
