"""amp.genres: the one genre table that the parser, composer, mixer and QA read."""

import pytest

from amp.genres import (
    FALLBACK_DRUM_FEEL,
    FALLBACK_FAMILY,
    GENRES,
    DrumFeel,
    Family,
    drum_feel_for,
    family_for,
    profile_of,
    sidechain_for,
)
from amp.mixing.mixer import wants_sidechain
from amp.prompt.words import MOOD_WORDS


def test_every_family_has_genres_in_the_table() -> None:
    assert {profile.family for profile in GENRES} == set(Family)


@pytest.mark.parametrize("profile", GENRES, ids=[p.name for p in GENRES])
def test_profile_moods_are_canonical_and_family_lookups_agree(profile: object) -> None:
    from amp.genres import GenreProfile

    assert isinstance(profile, GenreProfile)
    assert all(MOOD_WORDS[mood].mood == mood for mood in profile.moods if mood in MOOD_WORDS)
    assert family_for(profile.name) is profile.family
    assert drum_feel_for(profile.name) is profile.drum_feel
    assert sidechain_for(profile.name) is profile.sidechain


@pytest.mark.parametrize(
    ("genre", "family", "feel"),
    [
        ("baroque", Family.CLASSICAL, DrumFeel.NONE),
        ("string quartet music", Family.CLASSICAL, DrumFeel.NONE),
        ("choral music", Family.CHORAL, DrumFeel.NONE),
        ("hymn", Family.CHORAL, DrumFeel.NONE),
        ("celtic", Family.FOLK, DrumFeel.FOLK),
        ("bluegrass", Family.FOLK, DrumFeel.BACKBEAT),
        ("heavy metal", Family.ROCK, DrumFeel.ROCK),
        ("delta blues", Family.BLUES, DrumFeel.SHUFFLE),
        ("bossa nova", Family.LATIN, DrumFeel.BOSSA),
        ("tango", Family.LATIN, DrumFeel.TANGO),
        ("salsa", Family.LATIN, DrumFeel.CLAVE),
        ("samba", Family.LATIN, DrumFeel.SAMBA),
        ("indian classical", Family.WORLD, DrumFeel.WORLD),
        ("gamelan", Family.WORLD, DrumFeel.WORLD),
        ("film score", Family.ORCHESTRAL, DrumFeel.ORCHESTRAL),
        ("march", Family.ORCHESTRAL, DrumFeel.MARCH),
        ("jazz", Family.JAZZ, DrumFeel.SWING),
        ("reggaeton", Family.HIPHOP, DrumFeel.DEMBOW),
        ("techno", Family.EDM, DrumFeel.FOUR_ON_THE_FLOOR),
        ("rock", Family.ROCK, DrumFeel.ROCK),
    ],
)
def test_family_and_feel_come_from_the_table(genre: str, family: Family, feel: DrumFeel) -> None:
    assert family_for(genre) is family
    assert drum_feel_for(genre) is feel


def test_unknown_genre_names_fall_back_to_a_neutral_idiom() -> None:
    assert profile_of("dark polka fusion") is not None  # "polka" is inside it
    assert profile_of("zzz unheard of") is None
    assert family_for("zzz unheard of") is FALLBACK_FAMILY is Family.POP
    assert drum_feel_for("zzz unheard of") is FALLBACK_DRUM_FEEL is DrumFeel.BACKBEAT
    assert not sidechain_for("zzz unheard of")


def test_mixer_sidechain_reads_the_profile() -> None:
    assert wants_sidechain("techno") and wants_sidechain("dubstep") and wants_sidechain("reggaeton")
    assert (
        not wants_sidechain("cinematic")
        and not wants_sidechain("reggae")
        and not wants_sidechain("string quartet music")
    )
