"""The real ranges of instruments and voices, so each part's notes stay playable by what plays it.

A part's register is its role's usual register narrowed to the instrument's range (a cello in the
bass role plays a bass line in cello range, a violin in the lead role sings in violin range).
"""

from dataclasses import dataclass

from amp.domain.spec import Role


@dataclass(frozen=True, slots=True)
class Range:
    """Lowest and highest MIDI pitch, both playable."""

    low: int
    high: int

    def fit(self, pitch: int) -> int:
        """The pitch moved by whole octaves into the range (the nearest end when the range is narrow)."""
        while pitch < self.low:
            pitch += 12
        while pitch > self.high:
            pitch -= 12
        return max(self.low, pitch)

    def __contains__(self, pitch: object) -> bool:
        return isinstance(pitch, int) and self.low <= pitch <= self.high


SATB: dict[str, Range] = {
    "soprano": Range(60, 79),  # C4-G5
    "alto": Range(55, 74),  # G3-D5
    "tenor": Range(48, 67),  # C3-G4
    "bass": Range(40, 60),  # E2-C4
}
"""The choral voices' ranges, as a choir director writes for an amateur choir."""

_RANGES: dict[str, Range] = {
    # bowed strings
    "violin": Range(55, 105),  # G3-A7
    "fiddle": Range(55, 93),
    "viola": Range(48, 88),  # C3-E6
    "cello": Range(36, 81),  # C2-A5
    "double bass": Range(28, 67),  # E1-G4
    "contrabass": Range(28, 67),
    "upright bass": Range(28, 67),
    "upright": Range(28, 67),
    "erhu": Range(62, 93),
    "strings": Range(36, 100),
    "string": Range(36, 100),
    # woodwinds
    "piccolo": Range(74, 108),
    "flute": Range(60, 96),  # C4-C7
    "clarinet": Range(50, 94),  # D3-Bb6
    "oboe": Range(58, 93),  # Bb3-A6
    "bassoon": Range(34, 75),  # Bb1-Eb5
    "saxophone": Range(49, 81),
    "alto sax": Range(49, 81),
    "tenor sax": Range(44, 76),
    "sax": Range(49, 81),
    "recorder": Range(60, 86),
    "tin whistle": Range(74, 98),
    "whistle": Range(74, 98),
    "bansuri": Range(52, 88),
    "shakuhachi": Range(62, 86),
    "ney": Range(60, 88),
    "pan pipe": Range(60, 88),
    "harmonica": Range(60, 96),
    # brass
    "trumpet": Range(54, 86),  # F#3-D6
    "french horn": Range(35, 77),  # B1-F5
    "horn": Range(35, 77),
    "trombone": Range(40, 77),  # E2-F5
    "tuba": Range(26, 65),  # D1-F4
    "brass": Range(34, 86),
    # voices
    "soprano": SATB["soprano"],
    "alto": SATB["alto"],
    "tenor": SATB["tenor"],
    "baritone": Range(43, 65),
    "bass voice": SATB["bass"],
    "choir": Range(40, 79),
    "vocal": Range(48, 79),
    "voice": Range(48, 79),
    "singer": Range(48, 79),
    # plucked
    "bass guitar": Range(28, 67),  # E1-G4
    "guitar": Range(40, 88),  # E2-E6
    "banjo": Range(48, 84),
    "mandolin": Range(55, 93),  # G3-A6
    "ukulele": Range(60, 81),
    "harp": Range(24, 103),  # C1-G7
    "sitar": Range(48, 84),
    "oud": Range(40, 77),
    "lute": Range(40, 79),
    "koto": Range(48, 84),
    "bouzouki": Range(50, 86),
    "balalaika": Range(52, 86),
    "charango": Range(55, 88),
    "qanun": Range(43, 89),
    # keyboards and mallets
    "piano": Range(21, 108),
    "harpsichord": Range(29, 89),  # F1-F6
    "organ": Range(36, 96),
    "accordion": Range(53, 93),
    "celesta": Range(60, 108),
    "glockenspiel": Range(79, 108),
    "marimba": Range(45, 96),
    "vibraphone": Range(53, 89),
    "xylophone": Range(65, 108),
    "timpani": Range(38, 57),
}
"""Written-at-sounding-pitch ranges for common instruments, keyed by the words the parser writes."""

_BY_LENGTH = sorted(_RANGES, key=len, reverse=True)

_ROLE_REGISTER: dict[Role, Range] = {
    Role.BASS: Range(28, 55),
    Role.CHORDS: Range(48, 79),
    Role.PAD: Range(50, 79),
    Role.LEAD: Range(60, 88),
    Role.ARP: Range(55, 86),
    Role.VOCAL: Range(55, 79),
}
"""Where each role's line sits when the instrument allows it."""

_MIN_SPAN = 19
"""A line needs at least an octave and a fifth to move in."""


def instrument_range(name: str) -> Range | None:
    """The range of the instrument a name calls for ("solo cello" -> cello); None when unknown."""
    text = name.lower()
    return next((_RANGES[key] for key in _BY_LENGTH if key in text), None)


def range_of(names: list[str] | tuple[str, ...]) -> Range | None:
    """The range every named instrument can play (their overlap); None when none is known."""
    known = [r for r in (instrument_range(name) for name in names) if r is not None]
    if not known:
        return None
    low, high = max(r.low for r in known), min(r.high for r in known)
    return Range(low, high) if high - low >= 12 else known[0]


def register_for(role: Role, names: list[str] | tuple[str, ...]) -> Range:
    """The role's register narrowed to the instruments' range; when they barely overlap, the part of
    the instrument's range nearest the role's register (a violin in the bass role plays low violin)."""
    wanted = _ROLE_REGISTER.get(role, Range(48, 84))
    playable = range_of(names)
    if playable is None:
        return wanted
    low, high = max(wanted.low, playable.low), min(wanted.high, playable.high)
    if high - low >= _MIN_SPAN:
        return Range(low, high)
    span = min(_MIN_SPAN, playable.high - playable.low)
    if playable.low >= wanted.low:
        return Range(playable.low, playable.low + span)
    return Range(playable.high - span, playable.high)
