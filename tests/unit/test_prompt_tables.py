"""The genre and instrument tables: big enough, internally consistent, every alias reachable."""

import re

import pytest

from amp.domain.errors import InvalidInput
from amp.domain.spec import PITCH_CLASSES, Role
from amp.prompt.genres import GENRES, GENRES_BY_NAME, DrumFeel, UnknownGenre, genre_for_alias, profile_for
from amp.prompt.instruments import INSTRUMENTS, INSTRUMENTS_BY_NAME, entry_for_alias, instrument_named


def test_taxonomy_has_at_least_40_genres_and_60_instruments() -> None:
    assert len(GENRES) >= 40
    assert len(INSTRUMENTS) >= 60
    assert len(GENRES_BY_NAME) == len(GENRES), "duplicate genre names"
    assert len(INSTRUMENTS_BY_NAME) == len(INSTRUMENTS), "duplicate instrument names"


@pytest.mark.parametrize("profile", GENRES, ids=[p.name for p in GENRES])
def test_genre_profile_is_usable_by_the_generator(profile: object) -> None:
    from amp.prompt.genres import GenreProfile

    assert isinstance(profile, GenreProfile)
    assert 40 <= profile.bpm_min <= profile.default_bpm <= profile.bpm_max <= 220
    assert 0.0 <= profile.swing <= 1.0
    assert 0.0 <= profile.energy <= 1.0
    assert isinstance(profile.drum_feel, DrumFeel)
    assert profile.modes and profile.keys
    assert all(key in PITCH_CLASSES for key in profile.keys)
    assert re.match(r"^(2|3|4|5|6|7|9|12)/(2|4|8|16)$", profile.time_signature)
    roles = {instrument.role for instrument in profile.instrumentation}
    assert roles - {Role.DRUMS, Role.PERCUSSION}, "a genre's band needs a part that is not drums"
    if profile.drum_feel is DrumFeel.NONE:
        assert Role.DRUMS not in roles
    for instrument in profile.instrumentation:
        assert INSTRUMENTS_BY_NAME[instrument.name].role == instrument.role


def test_every_genre_alias_resolves_to_its_own_genre() -> None:
    for profile in GENRES:
        for alias in (profile.name, *profile.aliases):
            found = genre_for_alias(alias)
            assert found is not None and found.name == profile.name, f"{alias!r} -> {found and found.name}"


def test_every_instrument_alias_resolves_to_its_own_entry() -> None:
    for entry in INSTRUMENTS:
        for alias in entry.aliases:
            assert entry_for_alias(alias) == entry, f"{alias!r} is shadowed by {entry_for_alias(alias).name}"


def test_instrument_genre_suggestions_name_known_genres() -> None:
    for entry in INSTRUMENTS:
        if entry.suggests_genre is not None:
            assert entry.suggests_genre in GENRES_BY_NAME


@pytest.mark.parametrize(
    ("name", "genre"),
    [
        ("dnb", "drum and bass"),
        ("Drum & Bass", "drum and bass"),
        ("lo-fi", "lo-fi hip hop"),
        ("LOFI", "lo-fi hip hop"),
        ("hip hop", "hip-hop"),
        ("edm", "edm"),
        ("dark minimal techno", "techno"),
        ("techno", "techno"),
    ],
)
def test_profile_for_accepts_names_aliases_and_phrases(name: str, genre: str) -> None:
    assert profile_for(name).name == genre


def test_profile_for_unknown_genre_raises_invalid_input_that_is_also_a_lookup_error() -> None:
    with pytest.raises(UnknownGenre, match="unknown genre 'polka-dub-xyz'") as caught:
        profile_for("polka-dub-xyz")
    assert isinstance(caught.value, InvalidInput)
    assert isinstance(caught.value, LookupError)


def test_genre_feels_cover_the_fixed_vocabulary() -> None:
    assert {profile.drum_feel for profile in GENRES} == set(DrumFeel)
    assert [feel.value for feel in DrumFeel] == [
        "four_on_the_floor",
        "breakbeat",
        "boom_bap",
        "trap",
        "half_time",
        "waltz",
        "backbeat",
        "swing",
        "dembow",
        "ambient",
        "none",
        "shuffle",
        "rock",
        "bossa",
        "tango",
        "clave",
        "march",
        "folk",
        "world",
        "orchestral",
        "samba",
    ]


def test_unknown_instrument_name_raises_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown instrument"):
        instrument_named("hurdy-gurdy-9000")
    assert instrument_named("Rhodes").name == "electric piano"


def test_prompt_package_and_parse_stage_never_import_boto3() -> None:
    """boto3 belongs to amp.adapters.aws only; the rule path must not pay for it (or need it)."""
    import subprocess
    import sys

    code = (
        "import sys, amp.prompt, amp.prompt.bedrock, amp.stages.parse, amp.cli.parse_cmd; "
        "sys.exit('boto3' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
