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
