"""Spectral-balance bounds come from the one genre module and the ensemble that actually plays: every
family has bounds, and a piece with no bass part and no drums is never held to a low-band floor."""

import pytest

from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.genres import Family
from amp.genres.qa_bounds import (
    BAND,
    BASS_DRIVEN,
    FAMILY_BOUNDS,
    ORCHESTRAL,
    SECTION_BOUNDS,
    UNPLUGGED,
    Ensemble,
    Section,
    balance_bounds,
    family_bounds,
    section_of,
)
from amp.qa import musical

FULL_BAND = Ensemble.of([Role.DRUMS, Role.BASS, Role.CHORDS, Role.LEAD])
NO_LOW_END = {"low": -60.0, "low_mid": -2.0, "mid": -5.0, "high": -30.0}
"""What a piano, a quartet or a choir measures: almost nothing under 150 Hz."""


def test_every_family_has_bounds_and_every_band_a_ceiling() -> None:
    assert set(FAMILY_BOUNDS) == set(Family)
    for bounds in [*FAMILY_BOUNDS.values(), *SECTION_BOUNDS.values()]:
        assert set(bounds.bounds_db) == {"low", "low_mid", "mid", "high"}
        for floor_db, ceiling_db in bounds.bounds_db.values():
            assert ceiling_db < 0
            assert floor_db is None or floor_db < ceiling_db
    assert set(SECTION_BOUNDS) == set(Section)


@pytest.mark.parametrize(
    ("genre", "expected"),
    [
        ("techno", BASS_DRIVEN),
        ("drum and bass", BASS_DRIVEN),
        ("trap", BASS_DRIVEN),
        ("reggaeton", BASS_DRIVEN),  # a pop-family genre on a kick-and-sub groove
        ("rock", BAND),
        ("jazz", BAND),
        ("bossa nova", BAND),
        ("cinematic", ORCHESTRAL),  # half-time drums, but judged as an orchestra, not as dubstep
        ("classical", UNPLUGGED),
        ("ambient", UNPLUGGED),
        ("a genre nobody knows", BAND),
    ],
)
def test_the_genres_usual_band_sets_the_bounds(genre: str, expected: object) -> None:
    assert family_bounds(genre) is expected
    assert balance_bounds(genre) is expected
    assert balance_bounds(genre, FULL_BAND) is expected


@pytest.mark.parametrize("genre", ["techno", "rock", "cinematic", "gospel", "pop", "classical"])
def test_no_bass_and_no_drums_means_no_low_floor_in_any_genre(genre: str) -> None:
    for roles in ([Role.PAD, Role.LEAD], [Role.CHORDS], [Role.PERCUSSION, Role.PAD, Role.VOCAL]):
        bounds = balance_bounds(genre, Ensemble.of(roles, ["synth pad", "flute", "shaker"]))
        floor_db, _ = bounds.bounds_db["low"]
        assert floor_db is None, (genre, roles, bounds)
    check = musical.spectral_balance_check(genre, NO_LOW_END, Ensemble.of([Role.CHORDS], ["piano"]))
    assert check.passed, check.message


def test_one_low_end_role_relaxes_the_floor_by_ten_db() -> None:
    kick_only = balance_bounds("techno", Ensemble.of([Role.DRUMS, Role.PAD]))
    bass_only = balance_bounds("rock", Ensemble.of([Role.BASS, Role.CHORDS]))
    assert kick_only.bounds_db["low"] == (-19.0, -0.1)
    assert "no bass" in kick_only.family
    assert bass_only.bounds_db["low"] == (-30.0, -0.1)
    assert "no drums" in bass_only.family


@pytest.mark.parametrize(
    ("instruments", "section"),
    [
        (["piano"], Section.KEYBOARD),
        (["harpsichord", "organ"], Section.KEYBOARD),
        (["violin", "viola", "cello", "strings"], Section.BOWED_STRINGS),
        (["choir"], Section.VOICES),
        (["soprano", "alto", "tenor", "baritone"], Section.VOICES),
    ],
)
def test_one_section_ensembles_get_their_own_bounds(instruments: list[str], section: Section) -> None:
    roles = [Role.CHORDS if section is Section.KEYBOARD else Role.LEAD]
    assert balance_bounds("classical", Ensemble.of(roles, instruments)) is SECTION_BOUNDS[section]


def test_a_wind_instrument_named_by_its_size_is_not_a_voice() -> None:
    assert section_of("tenor sax") is None
    assert section_of("alto flute") is None
    assert section_of("male vocals") is Section.VOICES
    assert section_of("grand piano") is Section.KEYBOARD


def test_mixed_sections_keep_the_family_bounds_without_a_low_floor() -> None:
    bounds = balance_bounds("classical", Ensemble.of([Role.LEAD, Role.CHORDS], ["flute", "piano"]))
    assert bounds.bounds_db["low"] == (None, UNPLUGGED.bounds_db["low"][1])
    assert bounds.bounds_db["high"] == UNPLUGGED.bounds_db["high"]


def test_the_ensemble_comes_from_the_mixed_roles_and_their_instruments() -> None:
    spec = MusicSpec(
        genre="classical", bpm=80, key="D", mode=Mode.MAJOR, duration_s=10, seed=0,
        instruments=[Instrument(name="piano", role=Role.CHORDS), Instrument(name="upright bass", role=Role.BASS)],
        excluded_roles=[Role.BASS],
    )  # fmt: skip
    ensemble = Ensemble.of_spec(spec)
    assert ensemble.roles == {Role.CHORDS}
    assert ensemble.instruments == ("piano",)
    assert Ensemble.of_spec(spec, ["chords", "bass"]).low_end_roles == {Role.BASS}


def test_a_string_quartet_measured_with_no_low_end_passes_but_hiss_is_still_flagged() -> None:
    quartet = Ensemble.of([Role.LEAD, Role.PAD], ["violin", "viola", "cello", "strings"])
    assert musical.spectral_balance_check("classical", {**NO_LOW_END, "low": -77.0}, quartet).passed
    hiss = musical.spectral_balance_check("classical", {**NO_LOW_END, "high": -1.0}, quartet)
    assert not hiss.passed
    assert "strings only" in hiss.message and "high -1.0 dB" in hiss.message
    assert "low <= -0.1 dB" in hiss.threshold
