"""Spectral-balance bounds QA judges a mix against: by the genre's family and drum feel, and by the
ensemble actually playing.

A band share (amp.analysis.spectrum: energy of low 20-150 Hz, low_mid 150-600 Hz, mid 600 Hz-4 kHz,
high 4-20 kHz over the whole, in dB) is only a fair thing to ask for when something in the ensemble
plays there: a kick-and-bass genre must carry its low end, but a piano, a string quartet or a choir
has no bass part and no drums, and no mastering pass can give it one. So the low-band floor comes
from the roles present, and ensembles of one section (keyboards, bowed strings, voices) have bounds of
their own. Every family in `amp.genres.families.Family` has a row in `FAMILY_BOUNDS`.

The bounds are generous on purpose: the check they feed is advisory (it reports, it never fails a
job). They catch a mix that is plainly lopsided (all sub, all hiss, a missing body), not a matter of
taste. Calibrated on renders of every family and of the bass-less ensembles (tests/e2e/test_qa_families.py).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from amp.domain.spec import MusicSpec, Role
from amp.genres import drum_feel_for, family_for
from amp.genres.families import DrumFeel, Family

BandBound = tuple[float | None, float]
"""(floor_db, ceiling_db) of one band's share; a None floor means the band may be empty."""

LOW_END_ROLES = frozenset({Role.BASS, Role.DRUMS})
"""Roles that put energy below 150 Hz on purpose (the bass line, the kick). Percussion does not count:
a shaker or a triangle has no low end, and timpani hits are too sparse to owe the band a share."""
PARTIAL_LOW_END_RELIEF_DB = 10.0
"""A bass without a kick, or a kick without a bass, fills the low band less than both do."""


@dataclass(frozen=True)
class BalanceBounds:
    family: str
    """Which bounds these are, in words ("bass-driven", "solo keyboard", ...), for the report."""
    bounds_db: dict[str, BandBound]

    def describe(self) -> str:
        return "; ".join(f"{band} {_range_text(bound)} dB" for band, bound in self.bounds_db.items())

    def outside(self, balance_db: dict[str, float], silent_db: float = -120.0) -> list[str]:
        """Each band whose share is outside its bound, as words."""
        found: list[str] = []
        for band, (floor_db, ceiling_db) in self.bounds_db.items():
            share = balance_db.get(band, silent_db)
            if (floor_db is not None and share < floor_db) or share > ceiling_db:
                found.append(f"{band} {share:.1f} dB (bounds {_range_text((floor_db, ceiling_db))})")
        return found


def _range_text(bound: BandBound) -> str:
    floor_db, ceiling_db = bound
    return f"<= {ceiling_db:g}" if floor_db is None else f"{floor_db:g}..{ceiling_db:g}"


def _bounds(name: str, low: BandBound, low_mid: BandBound, mid: BandBound, high: BandBound) -> BalanceBounds:
    return BalanceBounds(name, {"low": low, "low_mid": low_mid, "mid": mid, "high": high})


BASS_DRIVEN = _bounds("bass-driven", (-9.0, -0.1), (-22.0, -1.0), (-32.0, -2.0), (-40.0, -3.0))
"""Kick-and-bass genres: the low band carries the track; no genre may be all hiss (high above -3 dB)."""
BAND = _bounds("band", (-20.0, -0.1), (-22.0, -0.5), (-32.0, -0.5), (-40.0, -3.0))
"""A rhythm section (bass, drums) under chords and a melody: rock, pop, jazz, blues, folk, latin, world."""
ORCHESTRAL = _bounds("orchestral", (-40.0, -0.1), (-25.0, -0.3), (-32.0, -0.3), (-45.0, -3.0))
"""Sections and percussion hits: the low end comes and goes with the basses and the timpani."""
CHORAL = _bounds("choral", (-30.0, -0.1), (-25.0, -0.3), (-30.0, -0.3), (-45.0, -3.0))
"""Voices carry the body and the presence band; a gospel band may add a bass line under them."""
UNPLUGGED = _bounds("no rhythm section", (-70.0, -0.1), (-30.0, -0.2), (-35.0, -0.2), (-50.0, -2.0))
"""Chamber, ambient and drone music: little or no low end, soft highs; only the extremes are wrong."""

FAMILY_BOUNDS: dict[Family, BalanceBounds] = {
    Family.EDM: BASS_DRIVEN,
    Family.DNB: BASS_DRIVEN,
    Family.HIPHOP: BASS_DRIVEN,
    Family.POP: BAND,
    Family.ROCK: BAND,
    Family.JAZZ: BAND,
    Family.BLUES: BAND,
    Family.FOLK: BAND,
    Family.LATIN: BAND,
    Family.WORLD: BAND,
    Family.ORCHESTRAL: ORCHESTRAL,
    Family.CHORAL: CHORAL,
    Family.CLASSICAL: UNPLUGGED,
    Family.AMBIENT: UNPLUGGED,
}
"""The bounds of each family's usual band."""

BASS_DRIVEN_FEELS = frozenset(
    {
        DrumFeel.FOUR_ON_THE_FLOOR,
        DrumFeel.BREAKBEAT,
        DrumFeel.TRAP,
        DrumFeel.HALF_TIME,
        DrumFeel.BOOM_BAP,
        DrumFeel.DEMBOW,
    }
)
"""Grooves built on kick and sub: a pop-family genre with one of them (future bass, reggaeton,
hardstyle, trip-hop) is judged as bass-driven."""


class Section(StrEnum):
    """An ensemble drawn from one section of instruments, which has its own sound and its own bounds."""

    KEYBOARD = "keyboard"
    BOWED_STRINGS = "bowed strings"
    VOICES = "voices"


_SECTION_WORDS: dict[Section, frozenset[str]] = {
    Section.KEYBOARD: frozenset(
        {"piano", "harpsichord", "organ", "harmonium", "clavinet", "clavichord", "celesta", "keyboard"}
    ),
    Section.BOWED_STRINGS: frozenset(
        {"violin", "violins", "viola", "violas", "cello", "cellos", "strings", "fiddle", "contrabass"}
    ),
    Section.VOICES: frozenset(
        {"choir", "choirs", "vocals", "vocal", "voice", "voices", "vocalise"}
        | {"soprano", "alto", "tenor", "baritone", "chorus"}
    ),
}
_NOT_A_VOICE = frozenset({"sax", "saxophone", "recorder", "horn", "trombone", "clarinet", "flute"})
"""'tenor sax', 'alto flute': a voice word before a wind instrument names the instrument's size."""

SECTION_BOUNDS: dict[Section, BalanceBounds] = {
    Section.KEYBOARD: _bounds("solo keyboard", (None, -0.1), (-30.0, -0.2), (-35.0, -0.2), (-55.0, -3.0)),
    Section.BOWED_STRINGS: _bounds("strings only", (None, -0.1), (-30.0, -0.2), (-30.0, -0.2), (-55.0, -3.0)),
    Section.VOICES: _bounds("voices only", (None, -1.0), (-30.0, -0.2), (-30.0, -0.2), (-55.0, -3.0)),
}
"""Bass-less, drum-less ensembles of one section: no low floor; the body and presence bands must
carry them (a piano lives in low_mid and mid, bowed strings and voices in mid), and none hisses."""


def section_of(instrument: str) -> Section | None:
    """The section an instrument name belongs to, when it is a keyboard, a bowed string or a voice."""
    words = set(re.findall(r"[a-z]+", instrument.lower()))
    for section, names in _SECTION_WORDS.items():
        if words & names and not (section is Section.VOICES and words & _NOT_A_VOICE):
            return section
    return None


@dataclass(frozen=True)
class Ensemble:
    """What actually plays: the roles rendered and the instruments on them."""

    roles: frozenset[Role]
    instruments: tuple[str, ...] = ()

    @classmethod
    def of(cls, roles: Iterable[Role | str], instruments: Iterable[str] = ()) -> "Ensemble":
        return cls(frozenset(Role(role) for role in roles), tuple(instruments))

    @classmethod
    def of_spec(cls, spec: MusicSpec, roles: Iterable[Role | str] | None = None) -> "Ensemble":
        """The spec's ensemble; `roles` (the stems actually mixed) wins over the spec's roles."""
        playing = frozenset(Role(role) for role in roles) if roles is not None else frozenset(spec.roles())
        names = tuple(instrument.name for instrument in spec.instruments if instrument.role in playing)
        return cls(playing, names)

    @property
    def low_end_roles(self) -> frozenset[Role]:
        return self.roles & LOW_END_ROLES

    def section(self) -> Section | None:
        """The one section every instrument belongs to, if there is one."""
        sections = {section_of(name) for name in self.instruments}
        if len(sections) == 1:
            return next(iter(sections))
        return None


def family_bounds(genre: str) -> BalanceBounds:
    """The bounds of the genre's usual band, by its family and drum feel."""
    family = family_for(genre)
    feel = drum_feel_for(genre)
    if family is Family.POP and feel in BASS_DRIVEN_FEELS:
        return BASS_DRIVEN
    if feel is DrumFeel.NONE and FAMILY_BOUNDS[family] in (BAND, BASS_DRIVEN):
        return UNPLUGGED
    return FAMILY_BOUNDS[family]


def balance_bounds(genre: str, ensemble: Ensemble | None = None) -> BalanceBounds:
    """Bounds for this genre played by this ensemble (the genre's usual band when None).

    No bass and no drums: no low-band floor (and one section's own bounds when the ensemble is all
    keyboards, all bowed strings or all voices). Only one of bass and kick: a floor 10 dB lower."""
    bounds = family_bounds(genre)
    if ensemble is None:
        return bounds
    low_end = ensemble.low_end_roles
    if not low_end:
        section = ensemble.section()
        if section is not None:
            return SECTION_BOUNDS[section]
        _, low_ceiling = bounds.bounds_db["low"]
        return replace(
            bounds,
            family=f"{bounds.family}, no bass or drums",
            bounds_db={**bounds.bounds_db, "low": (None, low_ceiling)},
        )
    low_floor, low_ceiling = bounds.bounds_db["low"]
    if low_end != LOW_END_ROLES and low_floor is not None:
        missing = "drums" if Role.BASS in low_end else "bass"
        return replace(
            bounds,
            family=f"{bounds.family}, no {missing}",
            bounds_db={**bounds.bounds_db, "low": (low_floor - PARTIAL_LOW_END_RELIEF_DB, low_ceiling)},
        )
    return bounds
