"""The one genre module: every genre's profile, read by the parser, the composer, the mixer and QA.

`families` holds the small fixed vocabularies (harmony/texture family, drum feel) that the rest of
AMP switches on; `profiles` holds the table that maps each genre name to them. Callers never
re-derive a family or a feel from genre names: they ask here.

Unknown genre names (a spec written by hand, an old job record): `profile_of` first looks for a known
genre inside the name ("dark minimal techno" -> techno); when there is none, the documented fallback
is a pop-family backbeat without sidechain ducking (`FALLBACK_FAMILY`, `FALLBACK_DRUM_FEEL`): the
most neutral idiom, which neither adds a four-on-the-floor kick nor removes a drum part.
"""

from amp.genres.families import DrumFeel, Family
from amp.genres.profiles import DEFAULT_GENRE, GENRES, GENRES_BY_NAME, GenreProfile

__all__ = [
    "DEFAULT_GENRE",
    "FALLBACK_DRUM_FEEL",
    "FALLBACK_FAMILY",
    "GENRES",
    "GENRES_BY_NAME",
    "DrumFeel",
    "Family",
    "GenreProfile",
    "drum_feel_for",
    "family_for",
    "profile_of",
    "sidechain_for",
]

FALLBACK_FAMILY = Family.POP
FALLBACK_DRUM_FEEL = DrumFeel.BACKBEAT


def profile_of(genre: str) -> GenreProfile | None:
    """The table's profile for a genre name or alias, or for a known genre inside the name; None
    when the name holds no known genre."""
    from amp.prompt.genres import UnknownGenre, profile_for  # the alias matcher lives with the parser

    try:
        return profile_for(genre)
    except UnknownGenre:
        return None


def family_for(genre: str) -> Family:
    """The idiom a genre is written in (FALLBACK_FAMILY for a name with no known genre in it)."""
    profile = profile_of(genre)
    return profile.family if profile is not None else FALLBACK_FAMILY


def drum_feel_for(genre: str) -> DrumFeel:
    """The genre's groove family (FALLBACK_DRUM_FEEL for a name with no known genre in it)."""
    profile = profile_of(genre)
    return profile.drum_feel if profile is not None else FALLBACK_DRUM_FEEL


def sidechain_for(genre: str) -> bool:
    """Whether the mixer ducks the bass under the kick (False for a name with no known genre in it)."""
    profile = profile_of(genre)
    return profile.sidechain if profile is not None else False
