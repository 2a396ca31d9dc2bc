"""The one genre module: every genre's profile, read by the parser, the composer, the mixer and QA.

`families` holds the small fixed vocabularies (harmony/texture family, drum feel) that the rest of
AMP switches on; the profile table maps each genre name to them.
"""

from amp.genres.families import DrumFeel, Family

__all__ = ["DrumFeel", "Family", "drum_feel_for", "family_for"]

# PROVISIONAL (replaced by lookups in the genre profile table): keyword groups -> family.
_PROVISIONAL_FAMILY_KEYWORDS: tuple[tuple[tuple[str, ...], Family], ...] = (
    (("drum and bass", "drum & bass", "dnb", "jungle", "liquid", "neurofunk"), Family.DNB),
    (("trap", "drill", "phonk", "hip hop", "hip-hop", "boom bap", "lofi", "lo-fi", "rap"), Family.HIPHOP),
    (("jazz", "bebop", "swing"), Family.JAZZ),
    (("blues",), Family.BLUES),
    (("bossa", "tango", "salsa", "latin", "samba", "cumbia"), Family.LATIN),
    (("choir", "choral", "gospel", "a cappella"), Family.CHORAL),
    (("orchestral", "cinematic", "soundtrack", "film score", "epic"), Family.ORCHESTRAL),
    (("classical", "baroque", "chamber", "romantic", "string quartet", "sonata"), Family.CLASSICAL),
    (("folk", "celtic", "bluegrass", "country", "irish"), Family.FOLK),
    (("rock", "metal", "punk", "grunge", "indie"), Family.ROCK),
    (("indian", "raga", "world", "arabic", "flamenco", "african"), Family.WORLD),
    (("ambient", "drone", "new age", "meditation"), Family.AMBIENT),
    (("techno", "house", "trance", "edm", "dubstep", "electro", "dance", "disco", "garage"), Family.EDM),
)


def family_for(genre: str) -> Family:
    """The idiom a genre is written in. PROVISIONAL: keyword groups until the profile table has it."""
    text = genre.lower().replace("_", " ")
    for keywords, family in _PROVISIONAL_FAMILY_KEYWORDS:
        if any(keyword in text for keyword in keywords):
            return family
    return Family.POP


# PROVISIONAL (replaced by the profile table): genres whose feel the parser's profile cannot name yet.
_PROVISIONAL_FEEL_KEYWORDS: tuple[tuple[tuple[str, ...], DrumFeel], ...] = (
    (("reggaeton", "dembow"), DrumFeel.DEMBOW),
    (("bossa",), DrumFeel.BOSSA),
    (("tango",), DrumFeel.TANGO),
    (("salsa", "latin", "mambo", "son cubano"), DrumFeel.CLAVE),
    (("blues",), DrumFeel.SHUFFLE),
    (("jazz", "bebop", "swing"), DrumFeel.SWING),
    (("metal", "hard rock", "punk"), DrumFeel.ROCK),
    (("march",), DrumFeel.MARCH),
    (("folk", "celtic", "irish", "bluegrass"), DrumFeel.FOLK),
    (("indian", "raga", "world", "arabic"), DrumFeel.WORLD),
    (("orchestral", "cinematic", "soundtrack", "film score", "epic"), DrumFeel.ORCHESTRAL),
    (("choir", "choral", "a cappella", "classical", "chamber", "baroque", "string quartet"), DrumFeel.NONE),
)


def drum_feel_for(genre: str) -> DrumFeel:
    """The genre's groove family. PROVISIONAL: read from the parser's profile until the table moves here."""
    from amp.domain.errors import InvalidInput
    from amp.prompt import profile_for

    text = genre.lower().replace("_", " ")
    for keywords, keyword_feel in _PROVISIONAL_FEEL_KEYWORDS:
        if any(keyword in text for keyword in keywords):
            return keyword_feel
    try:
        feel = profile_for(genre).drum_feel.value
    except InvalidInput:
        return DrumFeel.BACKBEAT
    return DrumFeel.BACKBEAT if feel == "straight_rock" else DrumFeel(feel)
