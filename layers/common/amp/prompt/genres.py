"""Finding genres in text: alias lookup and `profile_for` over the one genre profile table.

The table itself (`GenreProfile`, `GENRES`) lives in `amp.genres.profiles`, the single source of truth
that the composer, mixer and QA read too; it is re-exported here so parser callers keep one import.
Look a profile up with `profile_for(spec.genre)`; every genre the parser writes into a spec is in it.
"""

from amp.domain.errors import InvalidInput
from amp.genres.families import DrumFeel
from amp.genres.profiles import DEFAULT_GENRE, GENRES, GENRES_BY_NAME, GenreProfile
from amp.prompt.instruments import alias_pattern, normalise_alias

__all__ = [
    "DEFAULT_GENRE",
    "GENRES",
    "GENRES_BY_NAME",
    "GENRE_PATTERN",
    "DrumFeel",
    "GenreProfile",
    "UnknownGenre",
    "genre_for_alias",
    "profile_for",
]


class UnknownGenre(InvalidInput, LookupError):
    """A genre name that is neither a table name nor an alias. Also a LookupError, so callers that
    treat "not in the table" like a missing key can catch it as one."""


_ALIAS_TO_GENRE: dict[str, GenreProfile] = {}
for _profile in GENRES:
    for _alias in (_profile.name, *_profile.aliases):
        _ALIAS_TO_GENRE.setdefault(normalise_alias(_alias), _profile)

GENRE_PATTERN = alias_pattern(list(_ALIAS_TO_GENRE))


def genre_for_alias(alias: str) -> GenreProfile | None:
    """The profile an alias names (any case/spacing), or None."""
    return _ALIAS_TO_GENRE.get(normalise_alias(alias))


def profile_for(genre_name: str) -> GenreProfile:
    """The profile of a genre name or alias ("dnb" -> drum and bass). A name that is not an alias is
    searched for a known genre inside it ("dark minimal techno" -> techno); raises UnknownGenre (an
    InvalidInput) when none is found."""
    profile = genre_for_alias(genre_name)
    if profile is not None:
        return profile
    found = [genre_for_alias(m.group(0)) for m in GENRE_PATTERN.finditer(genre_name.lower())]
    specific = [p for p in found if p is not None and not p.generic]
    chosen = specific or [p for p in found if p is not None]
    if not chosen:
        known = ", ".join(sorted(GENRES_BY_NAME))
        raise UnknownGenre(f"unknown genre {genre_name!r}; known genres: {known}")
    return chosen[0]
