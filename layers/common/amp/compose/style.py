"""Genre -> the musical choices the composer makes (drum feel, swing, bass idiom, harmony family).

`drum_feel_for` is the one place that maps a genre to a drum feel; when `amp.prompt.genres`
(`profile_for(genre).drum_feel`) is available it is preferred, so both stages agree.
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
    (("boom bap", "boom-bap", "hip hop", "hip-hop", "hiphop", "rap"), "boom_bap"),
    (("lofi", "lo-fi", "lo fi", "chillhop"), "lofi"),
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


def drum_feel_for(genre: str, beats_per_bar: int) -> DrumFeel:
    """The genre's drum feel; odd meters (3/4, 6/8, ...) always get the waltz/triple feel.

    Prefers amp.prompt.genres.profile_for when that module exists and knows the feel.
    """
    if beats_per_bar in (3, 6, 9, 12):
        return DrumFeel.WALTZ
    try:
        from amp.prompt.genres import profile_for  # type: ignore[import-not-found,unused-ignore]

        feel = str(getattr(profile_for(genre), "drum_feel", "")).lower()
        if feel in DrumFeel.__members__.values():
            return DrumFeel(feel)
    except (ImportError, LookupError, ValueError, AttributeError):
        pass
    return _GROUP_FEEL[genre_group(genre)]


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
    swing_pct, swing_unit_qn = _SWING.get(group, (50.0, 0.5))
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


_INSTRUMENT_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("reese",), "reese"),
    (("303", "acid"), "acid"),
    (("808",), "808"),
    (("wobble", "growl"), "wobble"),
    (("sub",), "sub_bass"),
    (("upright", "double bass", "contrabass", "walking"), "upright"),
    (("slap", "finger", "bass guitar", "electric bass"), "finger_bass"),
    (("rhodes", "electric piano", "e-piano", "epiano", "wurli", "keys"), "rhodes"),
    (("piano", "grand"), "piano"),
    (("organ", "hammond"), "organ"),
    (("supersaw", "trance", "hoover"), "supersaw"),
    (("string", "violin", "cello", "viola", "orchestra"), "strings"),
    (("guitar", "pluck", "harp", "koto", "banjo", "mandolin", "sitar"), "pluck"),
    (("bell", "glock", "celesta", "music box", "chime"), "bell"),
    (("marimba", "vibraphone", "vibes", "mallet", "xylophone", "kalimba"), "mallet"),
    (("brass", "horn", "trumpet", "trombone", "sax"), "brass"),
    (("flute", "whistle", "pan pipe", "ocarina", "recorder"), "flute"),
    (("choir", "vocal", "voice", "ooh", "aah", "vox", "singer"), "choir"),
    (("stab", "chord"), "stab"),
    (("square", "chiptune", "8-bit", "8bit", "chip"), "square_lead"),
    (("pad", "warm", "atmos"), "warm_pad"),
    (("saw", "lead", "synth"), "saw_lead"),
)

_DRUM_KITS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("808", "trap"), "kit808"),
    (("909", "techno", "house"), "kit909"),
    (("acoustic", "live", "jazz", "brush", "rock", "real"), "acoustic"),
    (("break", "amen", "jungle"), "breaks"),
)


def patch_for(role: Role, instrument_names: list[str], style: Style) -> str:
    """Map the spec's instrument names for a role to a synth patch by keyword; the genre's default
    patch for the role otherwise. Guitar under the chords role becomes the strummed guitar patch."""
    for name in instrument_names:
        text = name.lower()
        if role in (Role.DRUMS, Role.PERCUSSION):
            for keywords, kit in _DRUM_KITS:
                if any(keyword in text for keyword in keywords):
                    return kit if role is Role.DRUMS else "percussion"
            continue
        if role is Role.BASS and "808" not in text and "reese" not in text and "303" not in text:
            for keywords, patch in _INSTRUMENT_KEYWORDS[:6]:
                if any(keyword in text for keyword in keywords):
                    return patch
        for keywords, patch in _INSTRUMENT_KEYWORDS:
            if any(keyword in text for keyword in keywords):
                if patch == "pluck" and role is Role.CHORDS and "guitar" in text:
                    return "guitar"
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
