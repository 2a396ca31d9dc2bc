"""The one instrument source table: every instrument name the parser knows -> where its sound comes from.

An acoustic or electric instrument (violin, cello, piano, nylon guitar, choir, sax, drum kit) is a
General MIDI SoundFont program; a sound that *is* a synthesizer (supersaw, reese, 808, acid, pads,
plucks, FX, drum machines) stays a patch of `amp.synth`. A generic name ("bass", "lead", "chords")
names no instrument: the part keeps the role's default patch from the composer's Style, and that
patch name is looked up in `PATCH_SOURCES`.

Adding an instrument name is one line in `SOURCES`; `tests/unit/test_synth_sources.py` fails for a
parser name that has no line here.
"""

from dataclasses import dataclass

from amp.compose.score import Part
from amp.domain.spec import Role


@dataclass(frozen=True, slots=True)
class SoundFontProgram:
    """A preset of the General MIDI SoundFont: bank 0 for melodic programs, bank 128 for drum kits."""

    program: int
    bank: int = 0

    @property
    def is_drum_kit(self) -> bool:
        return self.bank == 128


@dataclass(frozen=True, slots=True)
class SynthPatch:
    """A patch of amp.synth.instruments (or a drum kit of amp.synth.drums); "" means the role's default
    patch (the part's own `patch`), for names that say which role but not which sound."""

    patch: str = ""


Source = SoundFontProgram | SynthPatch

ROLE_DEFAULT = SynthPatch()
GM_KIT = SoundFontProgram(0, 128)
ROOM_KIT = SoundFontProgram(8, 128)
JAZZ_KIT = SoundFontProgram(32, 128)
BRUSH_KIT = SoundFontProgram(40, 128)
ORCHESTRA_KIT = SoundFontProgram(48, 128)


def _gm(program: int) -> SoundFontProgram:
    return SoundFontProgram(program)


# fmt: off
SOURCES: dict[str, Source] = {
    # drums: acoustic kits are SoundFont kits, machines and breaks stay synthesised
    "drum kit": GM_KIT, "kick drum": ROLE_DEFAULT, "snare": ROLE_DEFAULT, "hi-hats": ROLE_DEFAULT,
    "cymbals": ROLE_DEFAULT, "brushed drums": BRUSH_KIT, "jazz drums": JAZZ_KIT, "rock drums": ROOM_KIT,
    "drum machine": ROLE_DEFAULT, "808 drum machine": SynthPatch("kit808"),
    "909 drum machine": SynthPatch("kit909"), "breakbeat": SynthPatch("breaks"),
    # percussion: drum parts play General MIDI drum notes, so every acoustic percussion is a kit
    "percussion": ROLE_DEFAULT, "shaker": GM_KIT, "tambourine": GM_KIT, "congas": GM_KIT, "bongos": GM_KIT,
    "tabla": GM_KIT, "djembe": GM_KIT, "dhol": GM_KIT, "cajon": GM_KIT, "hand claps": ROLE_DEFAULT,
    "cowbell": GM_KIT, "timpani": ORCHESTRA_KIT, "taiko": ORCHESTRA_KIT, "triangle": GM_KIT,
    "woodblock": GM_KIT, "beatbox": ROLE_DEFAULT, "frame drum": GM_KIT, "darbuka": GM_KIT,
    "bodhran": GM_KIT, "castanets": ORCHESTRA_KIT, "gong": ORCHESTRA_KIT,
    "mridangam": GM_KIT, "talking drum": GM_KIT, "shekere": GM_KIT, "timbales": GM_KIT, "guiro": GM_KIT,
    "surdo": GM_KIT, "singing bowl": ORCHESTRA_KIT,
    # bass
    "bass": ROLE_DEFAULT, "bass guitar": _gm(33), "upright bass": _gm(32), "slap bass": _gm(36),
    "fretless bass": _gm(35), "synth bass": ROLE_DEFAULT, "808 bass": SynthPatch("808"),
    "sub bass": SynthPatch("sub_bass"), "reese bass": SynthPatch("reese"), "acid bass": SynthPatch("acid"),
    "wobble bass": SynthPatch("wobble"), "tuba": _gm(58), "bassoon": _gm(70), "contrabassoon": _gm(70),
    "double bass": _gm(43),
    # keys, guitars and chordal instruments
    "chords": ROLE_DEFAULT, "piano": _gm(0), "electric piano": _gm(4), "harmonium": _gm(20),
    "organ": _gm(16), "church organ": _gm(19), "keyboard": ROLE_DEFAULT, "synth chords": SynthPatch("stab"),
    "clavinet": _gm(7), "harpsichord": _gm(6), "guitar": _gm(25), "acoustic guitar": _gm(24),
    "nylon guitar": _gm(24), "steel guitar": _gm(25), "jazz guitar": _gm(26), "electric guitar": _gm(27),
    "distorted guitar": _gm(30), "overdriven guitar": _gm(29), "muted guitar": _gm(28), "ukulele": _gm(24),
    "banjo": _gm(105), "brass section": _gm(61), "orchestra": _gm(48), "dulcimer": _gm(15),
    "hammered dulcimer": _gm(15), "lute": _gm(24), "charango": _gm(24), "cavaquinho": _gm(25),
    "bouzouki": _gm(105), "balalaika": _gm(105), "guzheng": _gm(107), "zither": _gm(15),
    # pads and textures
    "synth pad": ROLE_DEFAULT, "strings": _gm(48), "string ensemble": _gm(48), "drone": SynthPatch("dark_pad"),
    "mellotron": _gm(49), "atmosphere": SynthPatch("warm_pad"), "didgeridoo": _gm(109),
    "tanpura": _gm(104), "tremolo strings": _gm(44), "pizzicato strings": _gm(45),
    # leads and solo instruments
    "lead": ROLE_DEFAULT, "synth lead": ROLE_DEFAULT, "supersaw": SynthPatch("supersaw"),
    "hoover": SynthPatch("supersaw"), "chiptune lead": SynthPatch("square_lead"), "lead guitar": _gm(29),
    "saxophone": _gm(65), "alto sax": _gm(65), "tenor sax": _gm(66), "soprano sax": _gm(64),
    "baritone sax": _gm(67), "trumpet": _gm(56), "muted trumpet": _gm(59), "trombone": _gm(57),
    "french horn": _gm(60), "flute": _gm(73), "piccolo": _gm(72), "recorder": _gm(74), "pan flute": _gm(75),
    "clarinet": _gm(71), "oboe": _gm(68), "english horn": _gm(69), "harmonica": _gm(22), "whistle": _gm(78),
    "tin whistle": _gm(78), "violin": _gm(40), "fiddle": _gm(110), "cello": _gm(42), "viola": _gm(41),
    "sitar": _gm(104), "koto": _gm(107), "shamisen": _gm(106), "erhu": _gm(110), "shakuhachi": _gm(77),
    "bagpipes": _gm(109), "uilleann pipes": _gm(109), "steel drums": _gm(114), "marimba": _gm(12),
    "xylophone": _gm(13), "vibraphone": _gm(11), "glockenspiel": _gm(9), "music box": _gm(10),
    # world and folk melody instruments: the nearest General MIDI program in sound and technique
    "pipe organ": _gm(19), "yangqin": _gm(15), "cimbalom": _gm(15), "guqin": _gm(107),
    "balafon": _gm(12), "gamelan": _gm(12), "angklung": _gm(13), "hang drum": _gm(108),
    "sarod": _gm(104), "veena": _gm(104), "sarangi": _gm(110), "ngoni": _gm(105), "berimbau": _gm(105),
    "quena": _gm(75), "kaval": _gm(77), "hurdy-gurdy": _gm(110),
    "kalimba": _gm(108), "mbira": _gm(108), "bells": _gm(14), "tubular bells": _gm(14), "celesta": _gm(8),
    "theremin": SynthPatch("saw_lead"), "mandolin": _gm(25), "accordion": _gm(21),
    "bandoneon": _gm(23), "concertina": _gm(21), "ocarina": _gm(79), "oud": _gm(24), "saz": _gm(105),
    "duduk": _gm(68), "zurna": _gm(111), "shanai": _gm(111), "shehnai": _gm(111), "bansuri": _gm(73),
    "dizi": _gm(73), "ney": _gm(77), "pipa": _gm(105), "santoor": _gm(15), "qanun": _gm(46),
    "kora": _gm(46), "hurdy gurdy": _gm(110), "nyckelharpa": _gm(110), "gaita": _gm(109),
    "melodica": _gm(22), "harmonium lead": _gm(20),
    # arpeggios and plucks
    "arpeggiator": ROLE_DEFAULT, "pluck": SynthPatch("pluck"), "harp": _gm(46), "lyre": _gm(46),
    # effects: the FX role renders cues (risers, impacts, ...), which are synthesised
    "risers": ROLE_DEFAULT, "impacts": ROLE_DEFAULT, "vinyl crackle": ROLE_DEFAULT,
    "field recordings": ROLE_DEFAULT, "scratching": ROLE_DEFAULT, "sound effects": ROLE_DEFAULT,
    "glitch": ROLE_DEFAULT, "sirens": ROLE_DEFAULT, "wind chimes": ROLE_DEFAULT,
    # voices: sung vowels from the SoundFont's voice programs; chops, rap and speech stay synthesised
    "vocals": _gm(53), "female vocals": _gm(53), "male vocals": _gm(53), "choir": _gm(52),
    "vocal chops": SynthPatch("choir"), "rap vocals": SynthPatch("choir"), "backing vocals": _gm(53),
    "vocalise": _gm(53), "speech": SynthPatch("choir"),
}
"""Instrument name -> source. Names absent from the parser's vocabulary are kept ready for it."""

PATCH_SOURCES: dict[str, Source] = {
    "acoustic": GM_KIT, "piano": _gm(0), "rhodes": _gm(4), "organ": _gm(16), "guitar": _gm(25),
    "dist_guitar": _gm(30), "upright": _gm(32), "finger_bass": _gm(33), "strings": _gm(48),
    "choir": _gm(52), "brass": _gm(61), "flute": _gm(73), "bell": _gm(14), "mallet": _gm(11),
}
"""Synth patch names (the Style's role defaults) that stand for acoustic or electric instruments, so
a part with no named instrument still sounds like the instrument its patch imitates. Any patch not
listed is itself the sound (supersaw, reese, 808, acid, pads, plucks, FX cues, drum machines)."""
# fmt: on

ARTICULATION_PROGRAMS: dict[str, int] = {"pizzicato": 45, "tremolo": 44, "palm_mute": 28, "harmonic": 31}
"""Articulations played on another GM program (staccato and legato change note lengths instead)."""

BOWED_STRINGS = frozenset({40, 41, 42, 43, 44, 45, 48, 49, 110})
PLUCKED_GUITARS = frozenset(range(24, 32))


def source_named(name: str) -> Source:
    """The source for an instrument name; a name missing from the table is a programming error the
    table test catches, so it raises KeyError rather than guessing."""
    return SOURCES[name.lower()]


def source_for_part(part: Part) -> Source:
    """The first named instrument with a specific source wins; otherwise the part's patch decides.
    FX parts are cues (risers, impacts), never notes, so they always keep their synth patch."""
    if part.role is Role.FX:
        return SynthPatch(part.patch)
    for name in part.instruments:
        source = SOURCES.get(name.lower(), ROLE_DEFAULT)
        if source != ROLE_DEFAULT:
            if isinstance(source, SoundFontProgram) and part.is_drum != source.is_drum_kit:
                continue  # a pitched program cannot play drum-map notes (or the reverse)
            return source
    source = PATCH_SOURCES.get(part.patch, SynthPatch(part.patch))
    if isinstance(source, SoundFontProgram) and part.is_drum != source.is_drum_kit:
        return SynthPatch(part.patch)
    return source


def articulation_program(source: SoundFontProgram, articulation: str) -> int:
    """The GM program a note is played on: the articulation's program where the instrument has one
    (pizzicato and tremolo for bowed strings, palm mute and harmonics for guitars)."""
    switched = ARTICULATION_PROGRAMS.get(articulation)
    if switched is None or source.is_drum_kit:
        return source.program
    if articulation in ("pizzicato", "tremolo") and source.program in BOWED_STRINGS:
        return switched
    if articulation in ("palm_mute", "harmonic") and source.program in PLUCKED_GUITARS:
        return switched
    return source.program
