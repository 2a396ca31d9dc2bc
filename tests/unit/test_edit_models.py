"""Edit models, the child spec derived from the parent's, the score re-performed by an edit and the
splice of replaced bars. Pure: no store, no render."""

from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from amp.compose.rendition import extend, performed_score, replace_bars, retempo, transpose
from amp.domain.edit import (
    AddPartEdit,
    Edit,
    ExtendEdit,
    RemasterEdit,
    RemovePartEdit,
    ReplaceBarsEdit,
    RetempoEdit,
    SwapEdit,
    TransposeEdit,
    VariationEdit,
    derive_spec,
    roles_to_render,
)
from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions, JobRequest
from amp.domain.spec import Instrument, MusicSpec, Role
from amp.prompt.parser import parse_prompt
from amp.stages.generate import crossfade_splice

CHILD = "c" * 32
EDIT: TypeAdapter[Edit] = TypeAdapter(Edit)


@pytest.fixture(scope="module")
def parent() -> MusicSpec:
    return parse_prompt("dark techno at 130 bpm with a reese bass", options=JobOptions(duration_s=20, seed=3))


def derive(parent: MusicSpec, edit: Edit) -> MusicSpec:
    return derive_spec(
        parent, edit, seed_source=CHILD, instrument=lambda role: Instrument(name="808 bass", role=role)
    )


@pytest.mark.parametrize(
    ("body", "model"),
    [
        ({"kind": "variation", "roles": ["bass"]}, VariationEdit),
        ({"kind": "swap", "role": "bass", "instrument": "808"}, SwapEdit),
        ({"kind": "add", "role": "chords"}, AddPartEdit),
        ({"kind": "remove", "role": "pad"}, RemovePartEdit),
        ({"kind": "retempo", "bpm": 128}, RetempoEdit),
        ({"kind": "transpose", "semitones": -3}, TransposeEdit),
        ({"kind": "extend", "bars": 8, "before": True}, ExtendEdit),
        ({"kind": "replace_bars", "start_bar": 3, "end_bar": 4, "text": "quiet"}, ReplaceBarsEdit),
        ({"kind": "remaster", "master_preset": "club"}, RemasterEdit),
    ],
)
def test_each_kind_parses_into_its_own_model(body: dict[str, Any], model: type) -> None:
    assert type(EDIT.validate_python(body)) is model


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "rewind"}, "kind"),
        ({"kind": "swap"}, "role"),
        ({"kind": "swap", "role": "kazoo"}, "role"),
        ({"kind": "retempo", "bpm": 500}, "bpm"),
        ({"kind": "replace_bars", "start_bar": 9, "end_bar": 3}, "end_bar"),
        ({"kind": "remaster"}, "master_preset"),
        ({"kind": "extend", "bars": 8, "colour": "red"}, "colour"),
    ],
)
def test_bad_bodies_are_refused_naming_the_problem(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        EDIT.validate_python(body)
    assert field in str(error.value)


def test_a_manifest_line_names_a_parent_and_an_edit_without_a_prompt() -> None:
    request = JobRequest.from_values({"parent_id": "a" * 32, "edit": {"kind": "remove", "role": "pad"}})
    assert isinstance(request.edit, RemovePartEdit)
    with pytest.raises(InvalidInput, match="parent_id and edit go together"):
        JobRequest.from_values({"prompt": "techno", "edit": {"kind": "remove", "role": "pad"}})


def test_swap_keeps_everything_but_the_role_and_keeps_its_notes_when_only_the_instrument_changes(
    parent: MusicSpec,
) -> None:
    child = derive(parent, SwapEdit(role=Role.BASS, instrument="808"))
    assert child.instruments_for(Role.BASS) == [Instrument(name="808 bass", role=Role.BASS)]
    assert [i for i in child.instruments if i.role is not Role.BASS] == [
        i for i in parent.instruments if i.role is not Role.BASS
    ]
    assert (child.seed, child.bpm, child.key, child.duration_s, child.part_seeds) == (
        parent.seed, parent.bpm, parent.key, parent.duration_s, {},
    )  # fmt: skip
    assert roles_to_render(parent, SwapEdit(role=Role.BASS, instrument="808")) == {Role.BASS}
    reseeded = derive(parent, SwapEdit(role=Role.BASS))
    assert reseeded.part_seeds[Role.BASS] != parent.seed and reseeded.instruments == parent.instruments


def test_variation_of_chosen_roles_reseeds_only_their_parts(parent: MusicSpec) -> None:
    edit = VariationEdit(roles=[Role.LEAD])
    child = derive(parent, edit)
    assert child.seed == parent.seed and set(child.part_seeds) == {Role.LEAD}
    base, varied = performed_score(parent), performed_score(child)
    assert varied.parts[Role.LEAD].notes != base.parts[Role.LEAD].notes
    assert all(varied.parts[r].notes == base.parts[r].notes for r in parent.roles() if r is not Role.LEAD)
    assert roles_to_render(parent, edit) == {Role.LEAD}
    whole = derive(parent, VariationEdit(seed=99))
    assert whole.seed == 99 and roles_to_render(parent, VariationEdit(seed=99)) == set(parent.roles())


def test_add_and_remove_change_the_roles_and_render_at_most_the_added_one(parent: MusicSpec) -> None:
    added = derive(parent, AddPartEdit(role=Role.CHORDS))
    assert Role.CHORDS in added.roles() and roles_to_render(parent, AddPartEdit(role=Role.CHORDS)) == {
        Role.CHORDS
    }
    removed = derive(parent, RemovePartEdit(role=Role.PAD))
    assert Role.PAD not in removed.roles() and roles_to_render(parent, RemovePartEdit(role=Role.PAD)) == set()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (SwapEdit(role=Role.VOCAL), "edit.role: the song has no vocal-like part"),
        (VariationEdit(roles=[Role.ARP]), "edit.roles: the song has no arp part"),
        (AddPartEdit(role=Role.BASS), "already has a bass part"),
        (
            ReplaceBarsEdit(start_bar=9, end_bar=12),  # 20 s at 130 bpm: the nearest whole bars, 11
            "edit.end_bar: the song has 11 bars; bar 12 is outside it",
        ),
        (RetempoEdit(bpm=130), "already at 130 bpm"),
        (TransposeEdit(semitones=0), "edit.semitones"),
    ],
)
def test_an_edit_the_song_cannot_take_is_refused_naming_the_field(
    parent: MusicSpec, edit: Edit, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        derive(parent, edit)


def test_a_retempo_or_extension_past_the_longest_song_is_refused(parent: MusicSpec) -> None:
    assert derive(parent, RetempoEdit(bpm=40)).duration_s == pytest.approx(11 * 4 * 60 / 40)  # 11 bars
    long = parent.model_copy(update={"duration_s": 200.0})
    with pytest.raises(InvalidInput, match=r"edit.bpm: the song would last 650.0 s"):
        derive(long, RetempoEdit(bpm=40))
    with pytest.raises(InvalidInput, match=r"edit.bars: the song would last"):
        derive(parent.model_copy(update={"duration_s": 590.0}), ExtendEdit(bars=8))


def test_retempo_plays_the_same_quarter_notes_at_the_new_tempo(parent: MusicSpec) -> None:
    child = derive(parent, RetempoEdit(bpm=104))
    assert child.bpm == 104 and child.duration_s == pytest.approx(11 * 4 * 60 / 130 * 130 / 104)
    base, played = performed_score(parent), performed_score(child)
    assert played.bpm == 104 and played.total_bars == base.total_bars
    assert all(played.parts[r].notes == base.parts[r].notes for r in parent.roles())
    assert retempo(base, 65).duration_s == pytest.approx(base.duration_s * 2)


def test_transpose_moves_pitched_notes_and_the_key_but_not_the_drums(parent: MusicSpec) -> None:
    child = derive(parent, TransposeEdit(semitones=2))
    assert (parent.key, child.key) == ("D", "E")
    base, played = performed_score(parent), performed_score(child)
    assert played.parts[Role.DRUMS].notes == base.parts[Role.DRUMS].notes
    assert [n.pitch + 2 for n in base.parts[Role.BASS].notes] == [
        n.pitch for n in played.parts[Role.BASS].notes
    ]
    assert transpose(base, 2).key_pc == (base.key_pc + 2) % 12


def test_extend_after_repeats_the_bars_before_the_last_section_and_keeps_the_start(parent: MusicSpec) -> None:
    base = performed_score(parent)
    longer = extend(base, 4, before=False)
    at = base.sections[-1].start_bar * base.bar_qn
    assert longer.total_bars == base.total_bars + 4
    for role in parent.roles():
        old, new = base.parts[role].notes, longer.parts[role].notes
        assert [n for n in new if n.start_qn < at] == [n for n in old if n.start_qn < at]
        shifted = [n.start_qn - 4 * base.bar_qn for n in new if n.start_qn >= at + 4 * base.bar_qn]
        assert shifted == [n.start_qn for n in old if n.start_qn >= at]
    child = derive(parent, ExtendEdit(bars=4))
    assert performed_score(child).total_bars == base.total_bars + 4
    assert child.duration_s == pytest.approx(parent.duration_s + 4 * 4 * 60 / 130)


def test_extend_before_leads_in_with_the_opening_bars_rising() -> None:
    spec = parse_prompt("dark techno at 130 bpm", options=JobOptions(duration_s=20, seed=3))
    base = performed_score(spec)
    longer = extend(base, 2, before=True)
    drums_old = base.parts[Role.DRUMS].notes
    drums_new = longer.parts[Role.DRUMS].notes
    first_bar = [n for n in drums_old if n.start_qn < base.bar_qn]
    lead_in = [n for n in drums_new if n.start_qn < base.bar_qn]
    assert [n.pitch for n in lead_in] == [n.pitch for n in first_bar]
    assert all(a.velocity <= b.velocity for a, b in zip(lead_in, first_bar, strict=True))
    assert longer.sections[0].start_bar == 0 and longer.sections[1].start_bar == 2


def test_replace_takes_only_the_range_from_the_other_composition(parent: MusicSpec) -> None:
    base = performed_score(parent)
    other = performed_score(parent.model_copy(update={"seed": 77}))
    mixed = replace_bars(base, other, 2, 4)
    low, high = 2 * base.bar_qn, 4 * base.bar_qn
    for role in parent.roles():
        outside = [n for n in mixed.parts[role].notes if not low <= n.start_qn < high]
        assert outside == [n for n in base.parts[role].notes if not low <= n.start_qn < high]
        inside = [n for n in mixed.parts[role].notes if low <= n.start_qn < high]
        assert inside == [n for n in other.parts[role].notes if low <= n.start_qn < high]
    child = derive(parent, ReplaceBarsEdit(start_bar=3, end_bar=4, text="a quiet break"))
    assert performed_score(child).total_bars == base.total_bars


def test_an_edit_of_an_edit_replays_both_operations(parent: MusicSpec) -> None:
    child = derive(derive(parent, TransposeEdit(semitones=2)), RetempoEdit(bpm=104))
    assert child.rendition is not None and [op.op for op in child.rendition.ops] == ["transpose", "retempo"]
    assert child.rendition.composed_bpm == 130 and child.rendition.composed_key == "D"
    played = performed_score(child)
    base = performed_score(parent)
    assert [n.pitch + 2 for n in base.parts[Role.BASS].notes] == [
        n.pitch for n in played.parts[Role.BASS].notes
    ]


def test_splice_is_the_old_audio_bit_for_bit_outside_the_range_and_its_crossfades() -> None:
    rng = np.random.default_rng(0)
    old = rng.uniform(-0.5, 0.5, (2, 44100)).astype(np.float32)
    new = rng.uniform(-0.5, 0.5, (2, 44100)).astype(np.float32)
    out = crossfade_splice(old, new, 10_000, 20_000)
    fade = round(0.02 * 44100)
    assert np.array_equal(out[:, : 10_000 - fade], old[:, : 10_000 - fade])
    assert np.array_equal(out[:, 20_000 + fade :], old[:, 20_000 + fade :])
    assert np.array_equal(out[:, 10_000:20_000], new[:, 10_000:20_000])
    between = out[:, 10_000 - fade : 10_000]
    assert not np.array_equal(between, old[:, 10_000 - fade : 10_000])


def test_a_section_text_sets_the_new_bars_energy_and_seed(parent: MusicSpec) -> None:
    from amp.services.edits import text_energy

    assert text_energy("a quiet sparse breakdown") == pytest.approx(0.15)
    assert text_energy("more of it") is None
    edit = ReplaceBarsEdit(start_bar=3, end_bar=6, text="a quiet sparse breakdown")
    child = derive_spec(parent, edit, seed_source=CHILD, text_energy=text_energy)
    assert child.rendition is not None
    (op,) = child.rendition.ops
    assert op.op == "replace" and op.energy == pytest.approx(0.15)
    same_text = derive_spec(parent, edit, seed_source="d" * 32, text_energy=text_energy)
    assert same_text.rendition == child.rendition  # the seed comes from the text, not the job
    quiet, loud = performed_score(child), performed_score(parent)
    low, high = 2 * loud.bar_qn, 6 * loud.bar_qn
    count = lambda score: sum(low <= n.start_qn < high for p in score.parts.values() for n in p.notes)  # noqa: E731
    assert count(quiet) < count(loud)
