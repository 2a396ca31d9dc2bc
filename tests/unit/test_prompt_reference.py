"""apply_reference: the analysed reference fills what the text left open, never what it stated or an
option overrode, and marks what it filled as REFERENCE."""

import math

import pytest

from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions
from amp.domain.spec import Mode, Provenance, SpecOverrides
from amp.prompt import apply_reference, parse_prompt


def test_reference_fills_inferred_and_defaulted_fields() -> None:
    spec = parse_prompt("a house track")
    merged = apply_reference(spec, bpm=122.4, key="D#", mode="minor", time_signature="4/4")
    assert (merged.bpm, merged.key, merged.mode, merged.time_signature) == (122.4, "Eb", Mode.MINOR, "4/4")
    for field in ("bpm", "key", "mode", "time_signature"):
        assert merged.provenance[field] == Provenance.REFERENCE
    assert merged.genre == spec.genre and merged.seed == spec.seed


def test_stated_text_wins_over_the_reference() -> None:
    spec = parse_prompt("house at 124 bpm in F minor, 3/4")
    merged = apply_reference(spec, bpm=90, key="C", mode=Mode.MAJOR, time_signature="4/4")
    assert (merged.bpm, merged.key, merged.mode, merged.time_signature) == (124, "F", Mode.MINOR, "3/4")
    assert merged.provenance["bpm"] == Provenance.STATED


def test_overridden_values_win_over_the_reference() -> None:
    spec = parse_prompt("house", options=JobOptions(overrides=SpecOverrides(bpm=100, key="A")))
    merged = apply_reference(spec, bpm=130, key="C")
    assert (merged.bpm, merged.key) == (100, "A")


def test_reference_fills_only_the_gap_next_to_a_stated_value() -> None:
    spec = parse_prompt("in C, house")  # key stated, mode not
    merged = apply_reference(spec, key="A", mode="minor")
    assert (merged.key, merged.mode) == ("C", Mode.MINOR)
    assert merged.provenance["key"] == Provenance.STATED
    assert merged.provenance["mode"] == Provenance.REFERENCE


def test_a_key_with_its_mode_sets_both() -> None:
    merged = apply_reference(parse_prompt("house"), key="F#m")
    assert (merged.key, merged.mode) == ("F#", Mode.MINOR)


def test_nothing_analysed_returns_the_spec_unchanged() -> None:
    spec = parse_prompt("house")
    assert apply_reference(spec) is spec


def test_reference_tempo_outside_the_range_is_clamped_with_a_note() -> None:
    merged = apply_reference(parse_prompt("house"), bpm=260)
    assert merged.bpm == 220
    assert any("clamped" in note for note in merged.notes)


@pytest.mark.parametrize(
    "kwargs",
    [{"bpm": math.nan}, {"bpm": -3.0}, {"key": "H"}, {"mode": "happy"}, {"time_signature": "11/8"}],
)
def test_values_that_are_not_music_raise_invalid_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        apply_reference(parse_prompt("house"), **kwargs)  # type: ignore[arg-type]


def test_a_reference_tempo_refits_the_length_to_whole_bars_at_that_tempo() -> None:
    # "techno" asks 30 s at the genre's tempo; the reference's 100 bpm makes a bar 2.4 s: 12.5 -> 13 bars
    spec = parse_prompt("techno", options=JobOptions(duration_s=30))
    moved = apply_reference(spec, bpm=100.0)
    assert moved.bpm == 100 and moved.asked_duration_s == 30
    assert moved.total_bars == 13 and moved.duration_s == pytest.approx(13 * 2.4)
    assert moved.plan is not None and moved.plan.total_bars == 13
    assert moved.provenance["plan"] == Provenance.DEFAULTED
    # a plan the prompt's words shaped keeps its bars; the length is theirs at the new tempo
    shaped = parse_prompt("techno with a long intro", options=JobOptions(duration_s=30))
    assert shaped.provenance["plan"] == Provenance.INFERRED and shaped.plan is not None
    refit = apply_reference(shaped, bpm=100.0)
    assert refit.plan == shaped.plan and refit.total_bars == shaped.plan.total_bars
    assert refit.duration_s == pytest.approx(shaped.plan.total_bars * 2.4)
    assert refit.provenance["plan"] == Provenance.INFERRED
