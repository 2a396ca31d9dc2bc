"""The instrument vocabulary: what a listener may name, mapped to the role (stem) that plays it.

Names are the canonical spelling the generator sees in `MusicSpec.instruments`; aliases are what
people write. Aliases are matched as whole words, longest first, on lower-cased text, so "reese bass"
wins over "bass" and "tenor sax" over "tenor".
"""

import re
from dataclasses import dataclass
from typing import Any

from amp.domain.errors import InvalidInput
from amp.domain.spec import Instrument, Role


@dataclass(frozen=True)
class InstrumentEntry:
    """One instrument or sound. `suggests_genre` names a genre that the instrument alone implies
    (a 303 implies acid house) and is used only when the text names no genre."""

    name: str
    role: Role
    aliases: tuple[str, ...]
    suggests_genre: str | None = None

    def instrument(self) -> Instrument:
        return Instrument(name=self.name, role=self.role)


def _e(name: str, role: Role, *aliases: str, genre: str | None = None) -> InstrumentEntry:
    return InstrumentEntry(name=name, role=role, aliases=(name, *aliases), suggests_genre=genre)


D, P, B, C, PAD, L, A, FX, V = (
    Role.DRUMS,
    Role.PERCUSSION,
    Role.BASS,
    Role.CHORDS,
    Role.PAD,
    Role.LEAD,
    Role.ARP,
    Role.FX,
    Role.VOCAL,
)

# fmt: off
INSTRUMENTS: tuple[InstrumentEntry, ...] = (
    # drums
    _e("drum kit", D, "drums", "drum", "drum set", "drumkit", "acoustic drums", "live drums", "drumming",
       "drummer", "drum beat", "drum groove", "drum track", "drum pattern"),
    _e("drum machine", D, "electronic drums", "digital drums", "programmed drums", "programmed beat",
       "programmed percussion", "beat machine", "drum loop", "drum loops"),
    _e("808 drum machine", D, "tr-808 drums", "808 drums", "808 kit", "tr-808", "tr808"),
    _e("909 drum machine", D, "909", "tr-909", "tr909", "909 drums", "909 kick", "909 hats"),
    _e("breakbeat", D, "amen break", "amen", "chopped breaks", "drum breaks", "breakbeats", "break beat"),
    _e("kick drum", D, "kick", "kicks", "bass drum", "four on the floor kick", "4 on the floor kick",
       "punchy kick", "kick pattern"),
    _e("snare", D, "snare drum", "snares", "rimshot", "rimshots", "rim shots", "rim shot", "clap snare"),
    _e("hi-hats", D, "hi-hat", "hihat", "hihats", "hi hats", "hi hat", "hats", "open hats", "closed hats",
       "trap hats"),
    _e("cymbals", D, "cymbal", "crash cymbal", "ride cymbal", "crash", "ride"),
    _e("brushed drums", D, "brushes", "brush drums", "brushed snare", "jazz drums"),
    # percussion
    _e("percussion", P, "percussions", "hand percussion", "percussive elements", "latin percussion",
       "perc", "percs", "wooden percussion", "wooden percussions"),
    _e("shaker", P, "shakers", "maracas", "egg shaker"),
    _e("tambourine", P, "tambourines", "tamb"),
    _e("congas", P, "conga", "conga drums"),
    _e("bongos", P, "bongo", "bongo drums"),
    _e("tabla", P, "tablas", genre="world"),
    _e("djembe", P, "djembes", "african drums", "hand drums"),
    _e("dhol", P, "dholak", "darbuka", "doumbek", "frame drum", "daf", genre="world"),
    _e("cajon", P, "cajón"),
    _e("hand claps", P, "claps", "clap", "handclaps", "hand clap", "clapping"),
    _e("cowbell", P, "cowbells"),
    _e("timpani", P, "kettle drums", "kettledrums"),
    _e("taiko", P, "taiko drums"),
    _e("triangle", P),
    _e("woodblock", P, "wood block", "woodblocks", "claves"),
    _e("beatbox", P, "beatboxing", "beat box", "beat boxing", "mouth percussion"),
    # bass
    _e("bass", B, "bassline", "basslines", "bass line", "bass lines", "low end", "bass part"),
    _e("bass guitar", B, "electric bass", "e-bass", "bass guitars", "fingered bass", "fretless bass",
       "picked bass"),
    _e("upright bass", B, "double bass", "acoustic bass", "contrabass", "standup bass", "stand-up bass",
       "walking bass", genre="jazz"),
    _e("slap bass", B, "slapped bass", "funk bass", "popping bass", genre="funk"),
    _e("synth bass", B, "synth bassline", "synthesizer bass", "synthesiser bass", "bass synth",
       "analog bass", "moog bass", "analogue bass", "pulsing bass"),
    _e("808 bass", B, "808", "808s", "sub 808", "808 slides", "gliding 808", "booming 808", genre="trap"),
    _e("sub bass", B, "sub-bass", "subbass", "sub", "subs", "deep sub"),
    _e("reese bass", B, "reese", "reese bassline", genre="drum and bass"),
    _e("acid bass", B, "303", "tb-303", "tb303", "acid line", "acid bassline", "squelchy bass",
       "acid squelch", genre="acid house"),
    _e("wobble bass", B, "wobble", "wobbles", "wub", "wubs", "dubstep bass", "growl bass", "growls",
       genre="dubstep"),
    _e("tuba", B, "sousaphone"),
    _e("bassoon", B, "bassoons"),
    # chords / keys / guitars
    _e("chords", C, "chord", "chord progression", "chord progressions", "chord stabs", "stabs",
       "harmonic backing", "chordal backing"),
    _e("piano", C, "acoustic piano", "grand piano", "pianos", "upright piano", "piano chords",
       "piano accompaniment", "piano melody", "felt piano", "soft piano", "honky tonk piano"),
    _e("electric piano", C, "rhodes", "fender rhodes", "wurlitzer", "wurli", "e-piano", "epiano",
       "electric pianos", "rhodes piano", "dx7 piano"),
    _e("harmonium", C, "harmoniums", genre="world"),
    _e("organ", C, "hammond", "hammond organ", "b3", "church organ", "pipe organ", "organs",
       "electric organ"),
    _e("keyboard", C, "keyboards", "keys", "synth keys", "keyboard accompaniment", "keyboard harmony"),
    _e("synth chords", C, "synth stabs", "synth chord", "chord synth", "polysynth", "poly synth"),
    _e("clavinet", C, "clav", "clavinet stabs", genre="funk"),
    _e("harpsichord", C, "harpsichords", genre="classical"),
    _e("guitar", C, "guitars", "guitar string", "guitar strings",
       "guitar chords", "rhythm guitar", "guitar rhythm", "strummed guitar",
       "guitar accompaniment", "guitar strumming", "strumming"),
    _e("acoustic guitar", C, "acoustic guitars", "nylon guitar", "nylon-string guitar", "classical guitar",
       "spanish guitar", "fingerpicked guitar", "folk guitar", "steel-string guitar",
       "acoustic rhythm guitar"),
    _e("electric guitar", C, "electric guitars", "e-guitar", "e-guitars", "clean guitar", "twangy guitar",
       "jangly guitar", "funk guitar", "chicken scratch guitar", "amplified guitar"),
    _e("distorted guitar", C, "distorted guitars", "distortion guitar", "overdriven guitar", "power chords",
       "heavy guitars", "heavy guitar", "crunchy guitar", "fuzz guitar", "distorted electric guitar",
       "riffs", "guitar riffs", "guitar riff", genre="rock"),
    _e("ukulele", C, "uke", "ukelele"),
    _e("banjo", C, "banjos", genre="bluegrass"),
    _e("brass section", C, "brass", "horns", "horn section", "brass stabs", "brass instruments",
       "brass ensemble"),
    _e("orchestra", C, "orchestral", "symphony orchestra", "philharmonic", "full orchestra",
       "chamber orchestra", genre="cinematic"),
    # pads / textures
    _e("synth pad", PAD, "pad", "pads", "synth pads", "warm pad", "warm pads", "lush pads", "lush pad",
       "ambient pad", "ambient pads", "atmospheric pad", "evolving pads"),
    _e("strings", PAD, "string sample", "strings sample", "string sound", "string sounds", "string melody",
       "string arrangement", "string arrangements", "synth strings", "string orchestra", "bowed strings",
       "synthesised violins", "synthesized violins", "string section", "string ensemble",
       "orchestral strings", "sustained strings",
       "string pad", "string pads", "lush strings", "string instruments", "violins", "string quartet"),
    _e("drone", PAD, "drones", "droning", "sustained drone"),
    _e("mellotron", PAD, "mellotron strings"),
    _e("atmosphere", PAD, "atmospheres", "soundscape", "soundscapes", "textures", "texture",
       "ambient textures"),
    _e("didgeridoo", PAD, "didgeridoos"),
    # leads / melodic solo instruments
    _e("lead", L, "leads", "melody", "melodies", "lead melody", "lead line", "topline", "main melody",
       "melodic line", "hook", "riff"),
    _e("synth lead", L, "synth", "synths", "synthesizer", "synthesiser", "synthesizers", "synthesisers",
       "synth sound", "synth sounds", "synthesizer sounds", "synthesiser sounds", "synthesiser arrangement",
       "synthesiser arrangements", "synthesizer arrangement", "synthesizer arrangements", "lead synth",
       "synth melody", "synth leads", "synthesizer lead", "synth line",
       "saw lead", "mono synth", "monosynth"),
    _e("supersaw", L, "supersaws", "super saw", "trance lead", "trance leads", genre="trance"),
    _e("hoover", L, "hoover synth", "hoovers", genre="hardcore"),
    _e("chiptune lead", L, "8-bit lead", "square lead", "square wave", "8-bit melody", "chip lead",
       genre="chiptune"),
    _e("lead guitar", L, "guitar solo", "guitar solos", "guitar lead", "guitar melody", "shredding",
       "electric guitar lead", "electric guitar melody", "guitar licks", "slide guitar", "lap steel",
       "pedal steel"),
    _e("saxophone", L, "sax", "saxophones", "alto sax", "tenor sax", "alto saxophone", "tenor saxophone",
       "soprano sax", "baritone sax", "smooth sax"),
    _e("trumpet", L, "trumpets", "muted trumpet", "flugelhorn", "cornet", "trumpet melody"),
    _e("trombone", L, "trombones"),
    _e("french horn", L, "french horns"),
    _e("flute", L, "flutes", "pan flute", "pan flutes", "recorder", "breathy flute", "piccolo",
       "wooden flute", "bamboo flute"),
    _e("clarinet", L, "clarinets"),
    _e("oboe", L, "oboes", "cor anglais", "english horn"),
    _e("harmonica", L, "harmonicas", "blues harp", "mouth harp"),
    _e("whistle", L, "whistling", "tin whistle", "penny whistle"),
    _e("violin", L, "solo violin", "violin melody", "violin solo"),
    _e("fiddle", L, "fiddles", genre="country"),
    _e("cello", L, "cellos", "solo cello", "violoncello"),
    _e("viola", L, "violas"),
    _e("sitar", L, "sitars", genre="world"),
    _e("koto", L, "kotos", "shamisen", genre="world"),
    _e("erhu", L, "guzheng", "pipa", genre="world"),
    _e("shakuhachi", L),
    _e("bagpipes", L, "bagpipe", "uilleann pipes", genre="folk"),
    _e("steel drums", L, "steel drum", "steelpan", "steel pan", "steel pans"),
    _e("marimba", L, "marimbas", "balafon"),
    _e("xylophone", L, "xylophones"),
    _e("vibraphone", L, "vibes", "vibraphones"),
    _e("glockenspiel", L, "glock", "glockenspiels"),
    _e("music box", L, "musicbox"),
    _e("kalimba", L, "mbira", "thumb piano"),
    _e("bells", L, "bell", "tubular bells", "church bells", "bell melody", "handbells"),
    _e("celesta", L, "celeste"),
    _e("theremin", L, "theremins"),
    _e("mandolin", L, "mandolins", "bouzouki"),
    _e("accordion", L, "accordions", "concertina", "bandoneon", genre="folk"),
    _e("ocarina", L, "ocarinas"),
    _e("oud", L, "ouds", "saz", "baglama", "bağlama", "qanun", "santoor", "santur", genre="world"),
    _e("duduk", L, "zurna", "shehnai", "ney", "nadaswaram", genre="world"),
    _e("bansuri", L, "bansuris", "dizi", genre="world"),
    # arpeggios / plucks
    _e("arpeggiator", A, "arp", "arps", "arpeggio", "arpeggios", "arpeggiated synth", "arpeggiated",
       "synth arp", "synth arpeggio", "sequenced synth", "arpeggiated chords"),
    _e("pluck", A, "plucks", "synth pluck", "synth plucks", "plucky synth", "plucked synth"),
    _e("harp", A, "harps", "harp arpeggios", "harp glissando", "lyre"),
    # effects
    _e("risers", FX, "riser", "uplifter", "uplifters", "sweep", "sweeps", "white noise sweep",
       "reverse cymbal", "noise sweep", "build fx"),
    _e("impacts", FX, "impact", "downlifter", "downlifters", "sub drop", "boom"),
    _e("vinyl crackle", FX, "crackle", "vinyl noise", "vinyl hiss", "tape hiss", "record crackle",
       genre="lo-fi hip hop"),
    _e("field recordings", FX, "field recording", "rain sounds", "nature sounds", "birds chirping",
       "birdsong", "ocean waves", "city sounds", "rain", "thunder"),
    _e("scratching", FX, "scratch", "scratches", "turntable scratching", "dj scratching", "turntables",
       "turntable", genre="hip-hop"),
    _e("sound effects", FX, "sfx", "fx", "foley", "effects", "sound fx"),
    _e("glitch", FX, "glitches", "glitchy", "stutter edits", "stutters"),
    _e("sirens", FX, "siren", "air horn", "airhorn", "air horns"),
    _e("wind chimes", FX, "chimes", "windchimes"),
    # vocal-like
    _e("vocals", V, "vocal", "vox", "voice", "voices", "singing", "singer", "singers", "vocalist",
       "vocalists", "lyrics", "sung vocals", "lead vocal", "lead vocals", genre="pop"),
    _e("female vocals", V, "female vocal", "female voice", "female voices", "female singer",
       "female vocalist", "woman singing", "soprano", "diva vocals", "female singing", genre="pop"),
    _e("male vocals", V, "male vocal", "male voice", "male voices", "male singer", "male vocalist",
       "man singing", "baritone", "male singing", genre="pop"),
    _e("choir", V, "choirs", "choral", "gospel choir", "choral voices", "chorale", "chant", "chants",
       "chanting", "monks chanting"),
    _e("vocal chops", V, "chopped vocals", "vocal samples", "vox chops", "vocal sample", "pitched vocals"),
    _e("rap vocals", V, "rap", "rapping", "rapper", "rappers", "mc", "emcee", "spoken word", genre="hip-hop"),
    _e("backing vocals", V, "backing vocal", "backup singers", "backup vocals", "vocal harmony",
       "vocal harmonies", "harmonizing vocals", "backing singers", genre="pop"),
    _e("vocalise", V, "humming", "hummed", "oohs", "aahs", "ooh", "aah", "vocalisation", "vocalization",
       "wordless vocals", "scat", "scatting", "yodel", "yodeling"),
    _e("speech", V, "narration", "narrator", "talking", "spoken", "speaking", "voiceover", "voice-over"),
)
# fmt: on

INSTRUMENTS_BY_NAME: dict[str, InstrumentEntry] = {entry.name: entry for entry in INSTRUMENTS}


def normalise_alias(text: str) -> str:
    """One spelling per alias: lower case, runs of spaces and hyphens as one space."""
    return _SEPARATORS.sub(" ", text.lower()).strip()


_SEPARATORS = re.compile(r"[\s-]+")

_ALIAS_TO_ENTRY: dict[str, InstrumentEntry] = {}
for _entry in INSTRUMENTS:
    for _alias in _entry.aliases:
        # First definition wins, so an alias listed twice cannot silently switch instrument.
        _ALIAS_TO_ENTRY.setdefault(normalise_alias(_alias), _entry)


def alias_pattern(aliases: list[str]) -> re.Pattern[str]:
    """One regex for many aliases, built as a character trie so a scan costs the length of the text,
    not text x aliases. The longest alias wins at each position (shorter ones are tried only when the
    word edge after the longer one fails). A space or hyphen in an alias matches any run of spaces and
    hyphens; word edges treat '-' and '#' as part of a word."""
    trie: dict[str, Any] = {}
    for alias in {normalise_alias(alias) for alias in aliases}:
        node = trie
        for char in alias:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(rf"(?<![\w#-])(?:{_trie_regex(trie)})(?![\w#]|-\w)")


def _trie_regex(node: dict[str, Any]) -> str:
    branches = [
        (r"[\s-]+" if char == " " else re.escape(char)) + _trie_regex(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


INSTRUMENT_PATTERN = alias_pattern(list(_ALIAS_TO_ENTRY))


def entry_for_alias(alias: str) -> InstrumentEntry:
    """The entry an alias (as matched, any spacing) names; raises InvalidInput when unknown."""
    entry = _ALIAS_TO_ENTRY.get(normalise_alias(alias))
    if entry is None:
        raise InvalidInput(f"unknown instrument {alias!r}")
    return entry


def instrument_named(name: str) -> Instrument:
    """The canonical Instrument for a table name or alias; raises InvalidInput when unknown."""
    return entry_for_alias(name).instrument()
