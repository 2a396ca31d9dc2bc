"""Genre -> the musical choices the composer makes (drum feel, swing, bass idiom, harmony family).

`drum_feel_for` and `swing_for` read the parser's genre profile (`amp.prompt.genres.profile_for`),
so parse and generate agree on a genre's groove; the composer's own keyword groups refine it (jazz
swing, dembow) and cover genre names the profile table does not know.
"""

from dataclasses import dataclass
from enum import StrEnum

from amp.domain.spec import Role


class DrumFeel(StrEnum):
    FOUR_ON_THE_FLOOR = "four_on_the_floor"
    BREAKBEAT = "breakbeat"
    BOOM_BAP = "boom_bap"
    TRAP = "trap"
    HALF_TIME = "half_time"
    WALTZ = "waltz"
    BACKBEAT = "backbeat"
    SWING = "swing"
    DEMBOW = "dembow"
    AMBIENT = "ambient"


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


class HarmonyFamily(StrEnum):
    EDM = "edm"
    DNB = "dnb"
    HIPHOP = "hiphop"
    JAZZ = "jazz"
    AMBIENT = "ambient"
    POP = "pop"


@dataclass(frozen=True)
class Style:
    family: HarmonyFamily
    drum_feel: DrumFeel
    bass_style: BassStyle
    swing_pct: float
    """Position of the off-16th inside a 16th pair, MPC style: 50 straight, 66 triplet swing."""
    swing_unit_qn: float
    """0.5 swings 16ths, 1.0 swings eighths (jazz)."""
    humanise_ms: float
    seventh_chords: bool
    bars_per_chord: int
    default_patches: dict[Role, str]


_FAMILY_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("drum and bass", "drum & bass", "drum n bass", "dnb", "jungle", "liquid", "neurofunk"), "dnb"),
    (("dubstep", "half time", "halftime", "riddim"), "dubstep"),
    (("trap", "drill", "phonk"), "trap"),
    (("lofi", "lo-fi", "lo fi", "chillhop"), "lofi"),
    (("boom bap", "boom-bap", "hip hop", "hip-hop", "hiphop", "rap"), "boom_bap"),
    (("jazz", "swing", "bebop", "bossa"), "jazz"),
    (("neo soul", "neo-soul", "soul", "r&b", "rnb", "funk", "motown"), "soul"),
    (("techno", "minimal"), "techno"),
    (("trance", "psytrance", "eurodance"), "trance"),
    (
        (
            "house",
            "disco",
            "garage",
            "edm",
            "electro",
            "dance",
            "big room",
            "future bass",
            "synthwave",
            "synth-wave",
            "outrun",
            "club",
        ),
        "house",
    ),
    (("breakbeat", "breaks", "big beat"), "breaks"),
    (
        ("ambient", "drone", "cinematic", "soundtrack", "orchestral", "score", "new age", "meditation"),
        "ambient",
    ),
    (("waltz",), "waltz"),
    (("reggaeton", "dembow", "latin", "dancehall", "afrobeat", "afro"), "reggaeton"),
    (("rock", "metal", "punk", "indie", "grunge", "emo"), "rock"),
    (("pop", "folk", "country", "singer", "ballad", "acoustic", "k-pop", "kpop"), "pop"),
)


def genre_group(genre: str) -> str:
    """A coarse genre group from keywords in the genre name; 'pop' when nothing matches."""
    text = genre.lower().replace("_", " ")
    for keywords, group in _FAMILY_KEYWORDS:
        if any(keyword in text for keyword in keywords):
            return group
    return "pop"


_GROUP_FEEL: dict[str, DrumFeel] = {
    "dnb": DrumFeel.BREAKBEAT,
    "breaks": DrumFeel.BREAKBEAT,
    "dubstep": DrumFeel.HALF_TIME,
    "trap": DrumFeel.TRAP,
    "boom_bap": DrumFeel.BOOM_BAP,
    "lofi": DrumFeel.BOOM_BAP,
    "jazz": DrumFeel.SWING,
    "soul": DrumFeel.BACKBEAT,
    "techno": DrumFeel.FOUR_ON_THE_FLOOR,
    "trance": DrumFeel.FOUR_ON_THE_FLOOR,
    "house": DrumFeel.FOUR_ON_THE_FLOOR,
    "ambient": DrumFeel.AMBIENT,
    "waltz": DrumFeel.WALTZ,
    "reggaeton": DrumFeel.DEMBOW,
    "rock": DrumFeel.BACKBEAT,
    "pop": DrumFeel.BACKBEAT,
}


_PROFILE_FEELS: dict[str, DrumFeel] = {
    "four_on_the_floor": DrumFeel.FOUR_ON_THE_FLOOR,
    "breakbeat": DrumFeel.BREAKBEAT,
    "boom_bap": DrumFeel.BOOM_BAP,
    "trap": DrumFeel.TRAP,
    "half_time": DrumFeel.HALF_TIME,
    "waltz": DrumFeel.WALTZ,
    "straight_rock": DrumFeel.BACKBEAT,
    "none": DrumFeel.AMBIENT,
}
"""amp.prompt.genres.DrumFeel values -> the composer's feels (which split jazz swing and dembow out)."""


def _profile(genre: str) -> object | None:
    """The parser's GenreProfile for the genre, or None when the genre is not in its table."""
    from amp.domain.errors import AmpError
    from amp.prompt.genres import profile_for

    try:
        return profile_for(genre)
    except (AmpError, LookupError):
        return None


def drum_feel_for(genre: str, beats_per_bar: int) -> DrumFeel:
    """The genre's drum feel, from the parser's genre profile (amp.prompt.genres) so both stages
    agree; the composer's own keyword groups refine jazz (swing ride) and reggaeton (dembow) and
    cover genres the table does not know. Triple meters always get the waltz/triple feel."""
    if beats_per_bar in (3, 6, 9, 12):
        return DrumFeel.WALTZ
    group = genre_group(genre)
    if group in ("jazz", "reggaeton"):
        return _GROUP_FEEL[group]
    profile = _profile(genre)
    feel = str(getattr(profile, "drum_feel", "")) if profile is not None else ""
    return _PROFILE_FEELS.get(feel, _GROUP_FEEL[group])


def swing_for(genre: str, group: str) -> tuple[float, float]:
    """(swing_pct, swing unit in qn): the profile's swing (0 straight .. 1 triplet) as an MPC-style
    percentage; jazz swings eighths, everything else sixteenths."""
    unit = 1.0 if group == "jazz" else 0.5
    profile = _profile(genre)
    amount = getattr(profile, "swing", None)
    if isinstance(amount, float | int):
        return 50.0 + (200.0 / 3.0 - 50.0) * min(1.0, max(0.0, float(amount))), unit
    return _SWING.get(group, (50.0, 0.5))


_DEFAULTS: dict[str, dict[Role, str]] = {
    "dnb": {
        Role.BASS: "reese",
        Role.CHORDS: "rhodes",
        Role.PAD: "warm_pad",
        Role.LEAD: "saw_lead",
        Role.ARP: "pluck",
    },
    "dubstep": {Role.BASS: "wobble", Role.CHORDS: "supersaw", Role.LEAD: "square_lead"},
    "trap": {
        Role.BASS: "808",
        Role.CHORDS: "bell",
        Role.LEAD: "bell",
        Role.ARP: "bell",
        Role.PAD: "dark_pad",
    },
    "boom_bap": {Role.BASS: "upright", Role.CHORDS: "rhodes", Role.LEAD: "flute", Role.ARP: "pluck"},
    "lofi": {Role.BASS: "sub_bass", Role.CHORDS: "rhodes", Role.LEAD: "bell", Role.PAD: "warm_pad"},
    "jazz": {Role.BASS: "upright", Role.CHORDS: "piano", Role.LEAD: "flute", Role.PAD: "strings"},
    "soul": {Role.BASS: "finger_bass", Role.CHORDS: "rhodes", Role.LEAD: "square_lead"},
    "techno": {Role.BASS: "acid", Role.CHORDS: "stab", Role.LEAD: "saw_lead", Role.PAD: "dark_pad"},
    "trance": {Role.BASS: "rolling_bass", Role.CHORDS: "supersaw", Role.LEAD: "supersaw", Role.ARP: "pluck"},
    "house": {Role.BASS: "house_bass", Role.CHORDS: "stab", Role.LEAD: "saw_lead", Role.PAD: "warm_pad"},
    "breaks": {Role.BASS: "reese", Role.CHORDS: "stab", Role.LEAD: "saw_lead"},
    "ambient": {
        Role.BASS: "sub_bass",
        Role.CHORDS: "strings",
        Role.LEAD: "bell",
        Role.PAD: "warm_pad",
        Role.ARP: "bell",
    },
    "waltz": {Role.BASS: "upright", Role.CHORDS: "piano", Role.LEAD: "strings", Role.PAD: "strings"},
    "reggaeton": {Role.BASS: "808", Role.CHORDS: "pluck", Role.LEAD: "square_lead"},
    "rock": {Role.BASS: "finger_bass", Role.CHORDS: "guitar", Role.LEAD: "saw_lead", Role.PAD: "organ"},
    "pop": {Role.BASS: "finger_bass", Role.CHORDS: "piano", Role.LEAD: "saw_lead", Role.PAD: "warm_pad"},
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

_BASS_STYLE: dict[str, BassStyle] = {
    "dnb": BassStyle.REESE,
    "breaks": BassStyle.REESE,
    "dubstep": BassStyle.WOBBLE,
    "trap": BassStyle.GLIDE_808,
    "reggaeton": BassStyle.GLIDE_808,
    "boom_bap": BassStyle.SYNCOPATED,
    "lofi": BassStyle.SYNCOPATED,
    "jazz": BassStyle.WALKING,
    "soul": BassStyle.SYNCOPATED,
    "techno": BassStyle.ROLLING,
    "trance": BassStyle.ROLLING,
    "house": BassStyle.OFFBEAT,
    "ambient": BassStyle.SUSTAINED,
    "waltz": BassStyle.SUSTAINED,
    "rock": BassStyle.ROOT_EIGHTHS,
    "pop": BassStyle.ROOT_EIGHTHS,
}

_FAMILY: dict[str, HarmonyFamily] = {
    "dnb": HarmonyFamily.DNB,
    "breaks": HarmonyFamily.DNB,
    "dubstep": HarmonyFamily.EDM,
    "trap": HarmonyFamily.HIPHOP,
    "reggaeton": HarmonyFamily.HIPHOP,
    "boom_bap": HarmonyFamily.JAZZ,
    "lofi": HarmonyFamily.JAZZ,
    "jazz": HarmonyFamily.JAZZ,
    "soul": HarmonyFamily.JAZZ,
    "techno": HarmonyFamily.EDM,
    "trance": HarmonyFamily.EDM,
    "house": HarmonyFamily.EDM,
    "ambient": HarmonyFamily.AMBIENT,
    "waltz": HarmonyFamily.POP,
    "rock": HarmonyFamily.POP,
    "pop": HarmonyFamily.POP,
}

_SWING: dict[str, tuple[float, float]] = {
    "boom_bap": (58.0, 0.5),
    "lofi": (60.0, 0.5),
    "jazz": (66.0, 1.0),
    "soul": (54.0, 0.5),
    "house": (52.0, 0.5),
    "reggaeton": (50.0, 0.5),
    "trap": (50.0, 0.5),
}


def style_for(genre: str, beats_per_bar: int) -> Style:
    group = genre_group(genre)
    swing_pct, swing_unit_qn = swing_for(genre, group)
    family = _FAMILY[group]
    return Style(
        family=family,
        drum_feel=drum_feel_for(genre, beats_per_bar),
        bass_style=_BASS_STYLE[group],
        swing_pct=swing_pct,
        swing_unit_qn=swing_unit_qn,
        humanise_ms={"jazz": 12.0, "lofi": 10.0, "boom_bap": 9.0, "soul": 8.0, "rock": 7.0}.get(group, 3.0),
        seventh_chords=family in (HarmonyFamily.JAZZ,) or group in ("house", "dnb"),
        bars_per_chord=2 if group in ("ambient", "techno", "dubstep") else 1,
        default_patches={**_ROLE_FALLBACK, **_DEFAULTS.get(group, {})},
    )


_BASS_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("reese",), "reese"),
    (("303", "acid"), "acid"),
    (("808",), "808"),
    (("wobble", "growl"), "wobble"),
    (("sub",), "sub_bass"),
    (("upright", "double bass", "contrabass", "walking", "acoustic bass"), "upright"),
    (("slap", "finger", "bass guitar", "electric bass", "fretless"), "finger_bass"),
    (("tuba", "sousaphone", "brass"), "brass"),
    (("rolling",), "rolling_bass"),
)

_INSTRUMENT_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("distorted", "overdrive", "power chord", "electric guitar lead", "lead guitar", "metal guitar"),
        "dist_guitar",
    ),
    (("rhodes", "electric piano", "e-piano", "epiano", "wurli", "keys"), "rhodes"),
    (("piano", "grand"), "piano"),
    (("organ", "hammond", "accordion", "harmonium", "melodica"), "organ"),
    (("supersaw", "trance", "hoover"), "supersaw"),
    (("string", "violin", "cello", "viola", "orchestra", "fiddle"), "strings"),
    (("guitar",), "guitar"),
    (("pluck", "harp", "koto", "banjo", "mandolin", "sitar", "oud", "ukulele"), "pluck"),
    (("bell", "glock", "celesta", "music box", "chime"), "bell"),
    (("marimba", "vibraphone", "vibes", "mallet", "xylophone", "kalimba", "steel drum"), "mallet"),
    (("brass", "horn", "trumpet", "trombone", "sax", "tuba"), "brass"),
    (("flute", "whistle", "pan pipe", "ocarina", "recorder", "bansuri", "harmonica"), "flute"),
    (("choir", "vocal", "voice", "ooh", "aah", "vox", "singer", "chant"), "choir"),
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
        }.get(style.drum_feel, "kit909")
    return style.default_patches[role]
