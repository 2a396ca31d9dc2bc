"""Explicit options win over the text and are marked OVERRIDDEN; options that cannot be honoured are
refused with InvalidInput; the seed comes from the job id when not given."""

import pytest

from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions
from amp.domain.spec import Mode, Provenance, Role, SpecOverrides
from amp.prompt import derive_seed, parse_prompt
from tests.support.lengths import delivered_s

JOB_ID = "0123456789abcdef0123456789abcdef"


def test_overrides_win_over_stated_text_and_are_marked_overridden() -> None:
    options = JobOptions(
        duration_s=30,
        seed=5,
        overrides=SpecOverrides(
            genre="dnb",
            bpm=170,
            key="Gb",
            mode=Mode.DORIAN,
            time_signature="6/8",
            energy=0.3,
            excluded_roles=[Role.VOCAL],
        ),
    )
    spec = parse_prompt("techno at 128 bpm in C major, 3/4, 2 minutes, high energy, seed 9", options=options)
    assert (spec.genre, spec.bpm, spec.key, spec.mode) == ("drum and bass", 170, "F#", Mode.DORIAN)
    assert (spec.time_signature, spec.seed, spec.energy) == ("6/8", 5, 0.3)
    assert spec.duration_s == delivered_s(spec, 30)
    assert spec.excluded_roles == [Role.VOCAL]
    for field in ("genre", "bpm", "key", "mode", "time_signature", "duration_s", "seed", "energy"):
        assert spec.provenance[field] == Provenance.OVERRIDDEN, field
    assert spec.provenance["excluded_roles"] == Provenance.OVERRIDDEN


def test_overridden_genre_drives_what_is_inferred() -> None:
    spec = parse_prompt("something groovy", options=JobOptions(overrides=SpecOverrides(genre="dnb")))
    assert spec.bpm == 174 and spec.provenance["bpm"] == Provenance.INFERRED
    assert "reese bass" in [instrument.name for instrument in spec.instruments]


def test_key_override_carries_its_mode_unless_mode_is_overridden_too() -> None:
    spec = parse_prompt("in C major", options=JobOptions(overrides=SpecOverrides(key="F#m")))
    assert (spec.key, spec.mode) == ("F#", Mode.MINOR)
    assert spec.provenance["mode"] == Provenance.OVERRIDDEN
    spec = parse_prompt(
        "in C major", options=JobOptions(overrides=SpecOverrides(key="F#m", mode=Mode.LYDIAN))
    )
    assert (spec.key, spec.mode) == ("F#", Mode.LYDIAN)


def test_key_override_alone_keeps_the_stated_mode() -> None:
    spec = parse_prompt("in C major", options=JobOptions(overrides=SpecOverrides(key="D")))
    assert (spec.key, spec.mode) == ("D", Mode.MAJOR)
    assert spec.provenance["mode"] == Provenance.STATED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (SpecOverrides(key="H#"), "not a key"),
        (SpecOverrides(genre="polka-dub-xyz"), "unknown genre"),
        (SpecOverrides(time_signature="11/8"), "time signature '11/8' is not supported"),
    ],
)
def test_options_that_cannot_be_honoured_raise_invalid_input(overrides: SpecOverrides, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_prompt("techno", options=JobOptions(overrides=overrides))


def test_seed_is_derived_from_the_job_id_never_from_random_state() -> None:
    first = parse_prompt("techno", seed_source=JOB_ID)
    again = parse_prompt("techno", seed_source=JOB_ID)
    other = parse_prompt("techno", seed_source="f" * 32)
    assert first.seed == again.seed == derive_seed(JOB_ID)
    assert other.seed != first.seed
    assert first.provenance["seed"] == Provenance.DEFAULTED
    assert 0 <= first.seed < 2**32


def test_seed_without_a_job_id_comes_from_the_text() -> None:
    assert parse_prompt("techno").seed == derive_seed("techno")
    assert parse_prompt("techno").seed != parse_prompt("house").seed


def test_an_option_duration_is_used_as_given_while_a_stated_one_is_clamped() -> None:
    # The limit is 10 minutes (issue 16): a stated 12 minutes is clamped to it, an option is used as given.
    given = parse_prompt("12 minutes", options=JobOptions(duration_s=300))
    assert given.duration_s == delivered_s(given, 300)
    stated = parse_prompt("12 minutes of ambient")
    assert stated.duration_s == delivered_s(stated, 600) <= 600
    assert any("clamped to 600 s" in note for note in stated.notes)


def test_default_duration_is_60_seconds() -> None:
    spec = parse_prompt("techno")
    assert spec.duration_s == delivered_s(spec, 60)
    assert spec.provenance["duration_s"] == Provenance.DEFAULTED


def test_instruments_provenance_tells_stated_roles_from_genre_defaults() -> None:
    spec = parse_prompt("techno with a 303")
    assert spec.provenance["instruments"] == Provenance.STATED
    assert spec.provenance["instruments.bass"] == Provenance.STATED
    assert spec.provenance["instruments.drums"] == Provenance.INFERRED
    assert [i.name for i in spec.instruments_for(Role.BASS)] == ["acid bass"]


def test_genre_with_drums_gives_drums_bass_harmony_and_lead() -> None:
    roles = parse_prompt("house").roles()
    assert {Role.DRUMS, Role.BASS, Role.LEAD} <= set(roles)
    assert {Role.CHORDS, Role.PAD} & set(roles)


def test_excluding_every_role_keeps_a_pad_and_says_so() -> None:
    options = JobOptions(overrides=SpecOverrides(excluded_roles=list(Role)))
    spec = parse_prompt("techno", options=options)
    assert spec.roles() == [Role.PAD]
    assert Role.PAD not in spec.excluded_roles
    assert any("every role was excluded" in note for note in spec.notes)


def test_a_named_instrument_in_an_excluded_role_is_left_out_with_a_note() -> None:
    spec = parse_prompt("no percussion, tabla and sitar")
    assert "tabla" not in [instrument.name for instrument in spec.instruments]
    assert any("tabla left out" in note for note in spec.notes)
