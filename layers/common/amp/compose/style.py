"""Genre -> the musical choices the composer makes (family, drum feel, swing, bass idiom, patches).

The family and the drum feel come from the one genre module (`amp.genres.family_for`,
`amp.genres.drum_feel_for`), so the parser, composer, mixer and QA agree on a genre; the composer
only adds what it alone needs on top of them: bass idiom, default patches, humanisation.
"""

from dataclasses import dataclass
from enum import StrEnum

from amp.domain.spec import Role
from amp.genres import DrumFeel, Family, drum_feel_for, family_for

__all__ = ["BassStyle", "DrumFeel", "Family", "Style", "patch_for", "style_for"]


class BassStyle(StrEnum):
    OFFBEAT = "offbeat"
    ROLLING = "rolling"
    REESE = "reese"
    GLIDE_808 = "808"
    WALKING = "walking"
    ROOT_EIGHTHS = "root_eighths"
    SYNCOPATED = "syncopated"
    SUSTAINED = "sustained"
    WOBBLE = "wobble"


@dataclass(frozen=True)
class Style:
    family: Family
    drum_feel: DrumFeel
    bass_style: BassStyle
    swing_pct: float
    """Position of the off-16th inside a 16th pair, MPC style: 50 straight, 66 triplet swing."""
    swing_unit_qn: float
    """0.5 swings 16ths, 1.0 swings eighths (jazz, blues shuffle)."""
    humanise_ms: float
    seventh_chords: bool
    bars_per_chord: int
    default_patches: dict[Role, str]


_TRIPLE_FEELS = frozenset(
    {DrumFeel.FOLK, DrumFeel.WORLD, DrumFeel.ORCHESTRAL, DrumFeel.NONE, DrumFeel.AMBIENT}
)
"""Feels whose patterns have their own triple-meter form (jigs, talas, timpani hits, none at all)."""


def _meter_feel(feel: DrumFeel, beats_per_bar: int) -> DrumFeel:
    """Triple meters take the waltz feel unless the feel writes its own compound pattern."""
    if beats_per_bar in (3, 6, 9, 12) and feel not in _TRIPLE_FEELS:
        return DrumFeel.WALTZ
    return feel


_SWUNG_EIGHTHS = frozenset({DrumFeel.SWING, DrumFeel.SHUFFLE})


def _swing(genre: str, feel: DrumFeel) -> tuple[float, float]:
    """(swing_pct, swing unit in qn): the profile's swing (0 straight .. 1 triplet) as an MPC-style
    percentage; jazz swing and the blues shuffle swing eighths (a full triplet for the shuffle),
    everything else sixteenths."""
    from amp.domain.errors import AmpError
    from amp.prompt import profile_for

    unit = 1.0 if feel in _SWUNG_EIGHTHS else 0.5
    if feel is DrumFeel.SHUFFLE:
        return 200.0 / 3.0, unit
    try:
        amount = float(profile_for(genre).swing)
    except (AmpError, LookupError):
        amount = 0.0
    return 50.0 + (200.0 / 3.0 - 50.0) * min(1.0, max(0.0, amount)), unit


def _bass_style(family: Family, feel: DrumFeel, bpm: float) -> BassStyle:
    if feel in (DrumFeel.TRAP, DrumFeel.DEMBOW):
        return BassStyle.GLIDE_808
    if feel in (DrumFeel.SWING, DrumFeel.SHUFFLE) or family is Family.JAZZ:
        return BassStyle.WALKING
    if family is Family.DNB or feel is DrumFeel.BREAKBEAT:
        return BassStyle.REESE
    if feel is DrumFeel.HALF_TIME and family is Family.EDM:
        return BassStyle.WOBBLE
    if feel is DrumFeel.FOUR_ON_THE_FLOOR:
        return BassStyle.ROLLING if bpm >= 128.0 else BassStyle.OFFBEAT
    if feel is DrumFeel.BOOM_BAP or family is Family.HIPHOP:
        return BassStyle.SYNCOPATED
    if family in (Family.POP, Family.ROCK, Family.FOLK, Family.BLUES, Family.LATIN):
        return BassStyle.ROOT_EIGHTHS
    return BassStyle.SUSTAINED


_DEFAULTS: dict[Family, dict[Role, str]] = {
    Family.DNB: {
        Role.BASS: "reese",
        Role.CHORDS: "rhodes",
        Role.PAD: "warm_pad",
        Role.LEAD: "saw_lead",
        Role.ARP: "pluck",
    },
    Family.EDM: {Role.BASS: "house_bass", Role.CHORDS: "stab", Role.LEAD: "saw_lead", Role.PAD: "warm_pad"},
    Family.HIPHOP: {
        Role.BASS: "808",
        Role.CHORDS: "bell",
        Role.LEAD: "bell",
        Role.ARP: "bell",
        Role.PAD: "dark_pad",
    },
    Family.JAZZ: {Role.BASS: "upright", Role.CHORDS: "piano", Role.LEAD: "flute", Role.PAD: "strings"},
    Family.AMBIENT: {
        Role.BASS: "sub_bass",
        Role.CHORDS: "strings",
        Role.LEAD: "bell",
        Role.PAD: "warm_pad",
        Role.ARP: "bell",
    },
    Family.POP: {Role.BASS: "finger_bass", Role.CHORDS: "piano", Role.LEAD: "saw_lead", Role.PAD: "warm_pad"},
    Family.CLASSICAL: {
        Role.BASS: "strings",
        Role.CHORDS: "piano",
        Role.LEAD: "strings",
        Role.PAD: "strings",
        Role.ARP: "strings",
        Role.VOCAL: "choir",
    },
    Family.CHORAL: {
        Role.BASS: "choir",
        Role.CHORDS: "choir",
        Role.LEAD: "choir",
        Role.PAD: "choir",
        Role.ARP: "choir",
    },
    Family.FOLK: {
        Role.BASS: "upright",
        Role.CHORDS: "guitar",
        Role.LEAD: "strings",
        Role.PAD: "organ",
        Role.ARP: "pluck",
    },
    Family.ROCK: {
        Role.BASS: "finger_bass",
        Role.CHORDS: "dist_guitar",
        Role.LEAD: "dist_guitar",
        Role.PAD: "organ",
    },
    Family.BLUES: {Role.BASS: "finger_bass", Role.CHORDS: "guitar", Role.LEAD: "guitar", Role.PAD: "organ"},
    Family.LATIN: {Role.BASS: "upright", Role.CHORDS: "guitar", Role.LEAD: "flute", Role.PAD: "strings"},
    Family.WORLD: {Role.BASS: "upright", Role.CHORDS: "pluck", Role.LEAD: "pluck", Role.PAD: "dark_pad"},
    Family.ORCHESTRAL: {
        Role.BASS: "strings",
        Role.CHORDS: "brass",
        Role.LEAD: "strings",
        Role.PAD: "strings",
        Role.ARP: "strings",
    },
}

_ROLE_FALLBACK: dict[Role, str] = {
    Role.DRUMS: "kit",
    Role.PERCUSSION: "percussion",
    Role.BASS: "finger_bass",
    Role.CHORDS: "piano",
    Role.PAD: "warm_pad",
    Role.LEAD: "saw_lead",
    Role.ARP: "pluck",
    Role.FX: "fx",
    Role.VOCAL: "choir",
}

_HUMANISE_MS: dict[Family, float] = {
    Family.JAZZ: 12.0,
    Family.ROCK: 7.0,
    Family.BLUES: 10.0,
    Family.FOLK: 9.0,
    Family.LATIN: 7.0,
    Family.WORLD: 10.0,
    Family.ORCHESTRAL: 6.0,
}


def _bars_per_chord(family: Family, feel: DrumFeel, bpm: float) -> int:
    """Slow harmonic rhythm (two bars a chord) for ambient and orchestral beds, dubstep and techno."""
    if family in (Family.AMBIENT, Family.ORCHESTRAL):
        return 2
    if family is Family.EDM and feel is DrumFeel.HALF_TIME:
        return 2
    techno_tempo = 128.0 <= bpm < 136.0
    return 2 if family is Family.EDM and feel is DrumFeel.FOUR_ON_THE_FLOOR and techno_tempo else 1


def style_for(genre: str, beats_per_bar: int, bpm: float = 120.0) -> Style:
    """The composer's style for a genre in a meter: the shared family and feel plus the composer's
    own choices for them. `bpm` splits the four-on-the-floor bass (offbeat house vs rolling techno)."""
    family = family_for(genre)
    feel = _meter_feel(drum_feel_for(genre), beats_per_bar)
    swing_pct, swing_unit_qn = _swing(genre, feel)
    defaults = dict(_DEFAULTS.get(family, {}))
    if family is Family.EDM and feel is DrumFeel.FOUR_ON_THE_FLOOR and 128.0 <= bpm < 136.0:  # techno
        defaults.update({Role.BASS: "acid", Role.PAD: "dark_pad"})
    if family is Family.EDM and feel is DrumFeel.FOUR_ON_THE_FLOOR and bpm >= 136.0:  # trance
        defaults.update(
            {Role.BASS: "rolling_bass", Role.CHORDS: "supersaw", Role.LEAD: "supersaw", Role.ARP: "pluck"}
        )
    if feel is DrumFeel.DEMBOW:
        defaults.update({Role.BASS: "808", Role.CHORDS: "pluck", Role.LEAD: "square_lead"})
    if feel is DrumFeel.BOOM_BAP:
        defaults.update({Role.BASS: "upright", Role.CHORDS: "rhodes", Role.LEAD: "flute", Role.ARP: "pluck"})
    if family is Family.EDM and feel is DrumFeel.HALF_TIME:
        defaults.update({Role.BASS: "wobble", Role.CHORDS: "supersaw", Role.LEAD: "square_lead"})
    return Style(
        family=family,
        drum_feel=feel,
        bass_style=_bass_style(family, feel, bpm),
        swing_pct=swing_pct,
        swing_unit_qn=swing_unit_qn,
        humanise_ms=9.0 if feel is DrumFeel.BOOM_BAP else _HUMANISE_MS.get(family, 3.0),
        seventh_chords=family in (Family.JAZZ, Family.DNB, Family.BLUES)
        or (family is Family.EDM and feel is DrumFeel.FOUR_ON_THE_FLOOR and bpm < 128.0),
        bars_per_chord=_bars_per_chord(family, feel, bpm),
        default_patches={**_ROLE_FALLBACK, **defaults},
    )


_BASS_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("reese",), "reese"),
    (("303", "acid"), "acid"),
    (("808",), "808"),
    (("wobble", "growl"), "wobble"),
    (("sub",), "sub_bass"),
    (("upright", "double bass", "contrabass", "walking", "acoustic bass"), "upright"),
    (("slap", "finger", "bass guitar", "electric bass", "fretless"), "finger_bass"),
    (("tuba", "sousaphone", "brass", "trombone", "bassoon", "horn"), "brass"),
    (("cello", "viola", "violin", "string"), "strings"),
    (("choir", "voice", "vocal", "bass singer", "baritone"), "choir"),
    (("piano", "harpsichord"), "piano"),
    (("guitar", "lute"), "guitar"),
    (("rolling",), "rolling_bass"),
)

_INSTRUMENT_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("distorted", "overdrive", "power chord", "electric guitar lead", "lead guitar", "metal guitar"),
        "dist_guitar",
    ),
    (("rhodes", "electric piano", "e-piano", "epiano", "wurli", "keys"), "rhodes"),
    (("piano", "grand"), "piano"),
    (("organ", "hammond", "accordion", "harmonium", "melodica", "bandoneon", "concertina"), "organ"),
    (("harpsichord", "clavichord", "fortepiano"), "piano"),
    (("supersaw", "trance", "hoover"), "supersaw"),
    (("string", "violin", "cello", "viola", "orchestra", "fiddle"), "strings"),
    (("guitar",), "guitar"),
    (("pluck", "harp", "koto", "banjo", "mandolin", "sitar", "oud", "ukulele", "lute", "qanun"), "pluck"),
    (("bell", "glock", "celesta", "music box", "chime"), "bell"),
    (("marimba", "vibraphone", "vibes", "mallet", "xylophone", "kalimba", "steel drum"), "mallet"),
    (("brass", "horn", "trumpet", "trombone", "sax", "tuba"), "brass"),
    (("flute", "whistle", "pan pipe", "ocarina", "recorder", "bansuri", "harmonica"), "flute"),
    (
        ("choir", "vocal", "voice", "ooh", "aah", "vox", "singer", "chant", "soprano", "alto", "tenor"),
        "choir",
    ),
    (("stab", "clav", "synth chord"), "stab"),
    (("square", "chiptune", "8-bit", "8bit", "chip"), "square_lead"),
    (("acid", "303"), "acid"),
    (("drone", "dark pad"), "dark_pad"),
    (("warm pad", "lush"), "warm_pad"),
)
"""Specific instrument words, checked before the generic ones ('synth lead', 'pad') that fall back
to the genre's default patch for the role."""

_DRUM_KITS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("808", "trap"), "kit808"),
    (("909", "techno", "house"), "kit909"),
    (("acoustic", "live", "jazz", "brush", "rock", "real", "kit", "snare", "cymbal"), "acoustic"),
    (("break", "amen", "jungle"), "breaks"),
)


def _match(text: str, table: tuple[tuple[tuple[str, ...], str], ...]) -> str | None:
    return next((patch for keywords, patch in table if any(keyword in text for keyword in keywords)), None)


def patch_for(role: Role, instrument_names: list[str], style: Style) -> str:
    """Map the spec's instrument names for a role to a synth patch by keyword; the genre's default
    patch for the role when no name is specific ('synth bass', 'synth pad', or no name at all)."""
    for name in instrument_names:
        text = name.lower()
        if role is Role.DRUMS:
            kit = _match(text, _DRUM_KITS)
            if kit:
                return kit
        elif role is Role.PERCUSSION:
            return "percussion"
        elif role is Role.FX:
            return "fx"
        elif role is Role.BASS:
            patch = _match(text, _BASS_KEYWORDS)
            if patch:
                return patch
        else:
            patch = _match(text, _INSTRUMENT_KEYWORDS)
            if patch:
                return patch
    if role is Role.DRUMS:
        return {
            DrumFeel.TRAP: "kit808",
            DrumFeel.FOUR_ON_THE_FLOOR: "kit909",
            DrumFeel.BREAKBEAT: "breaks",
            DrumFeel.SWING: "acoustic",
            DrumFeel.BOOM_BAP: "acoustic",
            DrumFeel.BACKBEAT: "acoustic",
            DrumFeel.WALTZ: "acoustic",
            DrumFeel.SHUFFLE: "acoustic",
            DrumFeel.ROCK: "acoustic",
            DrumFeel.BOSSA: "acoustic",
            DrumFeel.TANGO: "acoustic",
            DrumFeel.CLAVE: "acoustic",
            DrumFeel.MARCH: "acoustic",
            DrumFeel.FOLK: "acoustic",
            DrumFeel.WORLD: "acoustic",
            DrumFeel.ORCHESTRAL: "acoustic",
            DrumFeel.NONE: "kit909" if style.family is Family.AMBIENT else "acoustic",
        }.get(style.drum_feel, "kit909")
    return style.default_patches[role]
