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
    """One instrument or sound.

    suggests_genre: a genre (and through it a family and tradition) that the instrument alone
        implies (a 303 implies acid house, a sitar Indian classical music); used only when the text
        names no genre.
    register: the MIDI note at the middle of an acoustic pitched instrument's usual range, or None
        for synths, drums and sound effects. Only instruments with a register are moved to another
        role when several named ones share a default role (`amp.prompt.ensembles.spread_roles`), so
        each gets its own stem; the register decides which keeps the melody and which takes the bass.
    """

    name: str
    role: Role
    aliases: tuple[str, ...]
    suggests_genre: str | None = None
    register: int | None = None

    def instrument(self) -> Instrument:
        return Instrument(name=self.name, role=self.role)


def _e(
    name: str, role: Role, *aliases: str, genre: str | None = None, reg: int | None = None
) -> InstrumentEntry:
    return InstrumentEntry(name=name, role=role, aliases=(name, *aliases), suggests_genre=genre, register=reg)


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
    _e("percussion", P, "percussions", "hand percussion", "hand drums", "percussive elements", "latin percussion",
       "perc", "percs", "wooden percussion", "wooden percussions"),
    _e("shaker", P, "shakers", "maracas", "egg shaker"),
    _e("tambourine", P, "tambourines", "tamb"),
    _e("congas", P, "conga", "conga drums"),
    _e("bongos", P, "bongo", "bongo drums"),
    _e("tabla", P, "tablas", genre="world"),
    _e("mridangam", P, "mridangams", "ghatam", "kanjira", genre="indian classical"),
    _e("djembe", P, "djembes", "african drums", "djembe drums", genre="african traditional"),
    _e("dhol", P, "dholak", "dhols", genre="world"),
    _e("darbuka", P, "darbukas", "doumbek", "dumbek", "darabukka", "goblet drum", genre="middle eastern"),
    _e("frame drum", P, "frame drums", "daf", "bendir", "riq", "tar drum", genre="middle eastern"),
    _e("talking drum", P, "talking drums", "dundun", genre="african traditional"),
    _e("shekere", P, "shekeres", "sekere", genre="african traditional"),
    _e("bodhran", P, "bodhrán", "bodhrans", genre="celtic"),
    _e("castanets", P, "castanet", "palmas", genre="flamenco"),
    _e("timbales", P, "timbale", genre="latin"),
    _e("guiro", P, "güiro", "guiros", genre="cumbia"),
    _e("surdo", P, "surdos", "cuica", "cuíca", "pandeiro", "agogo", "agogô", "samba percussion",
       "batucada", genre="samba"),
    _e("singing bowl", P, "singing bowls", "tibetan singing bowl", "tibetan bowls", genre="new age"),
    _e("gong", P, "gongs", "tam-tam", "tam tam"),
    _e("cajon", P, "cajón", "cajons", genre="flamenco"),
    _e("hand claps", P, "claps", "clap", "handclaps", "hand clap", "clapping"),
    _e("cowbell", P, "cowbells"),
    _e("timpani", P, "kettle drums", "kettledrums"),
    _e("taiko", P, "taiko drums", "taiko drum", "wadaiko", genre="japanese traditional"),
    _e("triangle", P),
    _e("woodblock", P, "wood block", "woodblocks", "claves"),
    _e("beatbox", P, "beatboxing", "beat box", "beat boxing", "mouth percussion"),
    # bass
    _e("bass", B, "bassline", "basslines", "bass line", "bass lines", "low end", "bass part"),
    _e("bass guitar", B, "electric bass", "e-bass", "bass guitars", "fingered bass", "fretless bass",
       "picked bass"),
    _e("upright bass", B, "acoustic bass", "standup bass", "stand-up bass",
       "walking bass", genre="jazz", reg=36),
    _e("double bass", B, "contrabass", "string bass", "bowed bass", "double basses", "contrabasses",
       genre="classical", reg=36),
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
    _e("tuba", B, "sousaphone", "tubas", reg=36),
    _e("bassoon", B, "bassoons", "contrabassoon", genre="classical", reg=45),
    # chords / keys / guitars
    _e("chords", C, "chord", "chord progression", "chord progressions", "chord stabs", "stabs",
       "harmonic backing", "chordal backing"),
    _e("piano", C, "acoustic piano", "grand piano", "pianos", "upright piano", "piano chords",
       "piano accompaniment", "piano melody", "felt piano", "soft piano", "honky tonk piano", reg=60),
    _e("electric piano", C, "rhodes", "fender rhodes", "wurlitzer", "wurli", "e-piano", "epiano",
       "electric pianos", "rhodes piano", "dx7 piano"),
    _e("harmonium", C, "harmoniums", genre="indian classical", reg=60),
    _e("organ", C, "hammond", "hammond organ", "b3", "organs", "electric organ"),
    _e("pipe organ", C, "church organ", "cathedral organ", "pipe organs", genre="baroque", reg=55),
    _e("keyboard", C, "keyboards", "keys", "synth keys", "keyboard accompaniment", "keyboard harmony"),
    _e("synth chords", C, "synth stabs", "synth chord", "chord synth", "polysynth", "poly synth"),
    _e("clavinet", C, "clav", "clavinet stabs", genre="funk"),
    _e("harpsichord", C, "harpsichords", "cembalo", "clavichord", genre="baroque", reg=62),
    _e("guitar", C, "guitars", "guitar string", "guitar strings",
       "guitar chords", "rhythm guitar", "guitar rhythm", "strummed guitar",
       "guitar accompaniment", "guitar strumming", "strumming", reg=55),
    _e("acoustic guitar", C, "acoustic guitars", "nylon guitar", "nylon-string guitar", "nylon string guitar",
       "classical guitar", "spanish guitar", "flamenco guitar", "nylon guitars", "classical guitars",
       "fingerpicked guitar", "folk guitar", "steel-string guitar", "acoustic rhythm guitar", "12-string guitar",
       reg=55),
    _e("electric guitar", C, "electric guitars", "e-guitar", "e-guitars", "clean guitar", "twangy guitar",
       "jangly guitar", "funk guitar", "chicken scratch guitar", "amplified guitar", reg=57),
    _e("distorted guitar", C, "distorted guitars", "distortion guitar", "overdriven guitar", "power chords",
       "heavy guitars", "heavy guitar", "crunchy guitar", "fuzz guitar", "distorted electric guitar",
       "riffs", "guitar riffs", "guitar riff", genre="rock"),
    _e("ukulele", C, "uke", "ukelele", "ukuleles", reg=64),
    _e("banjo", C, "banjos", "clawhammer banjo", genre="bluegrass", reg=64),
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
       "string pad", "string pads", "lush strings", "string instruments"),
    _e("drone", PAD, "drones", "droning", "sustained drone"),
    _e("tanpura", PAD, "tanpuras", "tambura", "tamboura", "tanpuri", genre="indian classical"),
    _e("mellotron", PAD, "mellotron strings"),
    _e("atmosphere", PAD, "atmospheres", "soundscape", "soundscapes", "textures", "texture",
       "ambient textures"),
    _e("didgeridoo", PAD, "didgeridoos", "didjeridu", "yidaki", genre="world"),
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
       "soprano sax", "baritone sax", "smooth sax", reg=65),
    _e("trumpet", L, "trumpets", "muted trumpet", "flugelhorn", "cornet", "trumpet melody", reg=70),
    _e("trombone", L, "trombones", "bass trombone", reg=52),
    _e("french horn", L, "french horns", "horn in f", genre="classical", reg=60),
    _e("flute", L, "flutes", "recorder", "recorders", "breathy flute", "piccolo", "wooden flute", "bamboo flute",
       "alto flute", "transverse flute", genre="classical", reg=79),
    _e("clarinet", L, "clarinets", "bass clarinet", genre="classical", reg=67),
    _e("oboe", L, "oboes", "cor anglais", "english horn", genre="classical", reg=74),
    _e("harmonica", L, "harmonicas", "blues harp", "mouth harp", reg=72),
    _e("whistle", L, "whistling"),
    _e("tin whistle", L, "penny whistle", "irish whistle", "tin whistles", genre="celtic", reg=81),
    _e("violin", L, "violins", "solo violin", "violin melody", "violin solo", "first violin", "second violin",
       genre="classical", reg=76),
    _e("fiddle", L, "fiddles", "fiddle tune", genre="country", reg=74),
    _e("cello", L, "cellos", "solo cello", "violoncello", "cello solo", genre="classical", reg=50),
    _e("viola", L, "violas", "solo viola", "viola solo", genre="classical", reg=62),
    _e("sitar", L, "sitars", genre="world", reg=62),
    _e("koto", L, "kotos", genre="japanese traditional", reg=67),
    _e("shamisen", L, "shamisens", "sanshin", genre="japanese traditional", reg=64),
    _e("erhu", L, "erhus", "huqin", genre="chinese traditional", reg=69),
    _e("guzheng", A, "zheng", "chinese zither", genre="chinese traditional", reg=67),
    _e("pipa", L, "chinese lute", genre="chinese traditional", reg=67),
    _e("dizi", L, "chinese flute", genre="chinese traditional", reg=79),
    _e("yangqin", A, "chinese hammered dulcimer", genre="chinese traditional", reg=67),
    _e("guqin", L, "qin", genre="chinese traditional", reg=55),
    _e("shakuhachi", L, "shakuhachis", genre="japanese traditional", reg=72),
    _e("bagpipes", L, "bagpipe", "uilleann pipes", "highland pipes", "pipes and drums", genre="celtic", reg=70),
    _e("steel drums", L, "steel drum", "steelpan", "steel pan", "steel pans", "steel band", genre="calypso", reg=67),
    _e("marimba", L, "marimbas", reg=64),
    _e("balafon", L, "balafons", genre="african traditional", reg=67),
    _e("xylophone", L, "xylophones"),
    _e("vibraphone", L, "vibes", "vibraphones"),
    _e("glockenspiel", L, "glock", "glockenspiels"),
    _e("music box", L, "musicbox"),
    _e("kalimba", L, "thumb piano", "kalimbas", reg=72),
    _e("mbira", L, "mbiras", genre="african traditional", reg=67),
    _e("bells", L, "bell", "tubular bells", "church bells", "bell melody", "handbells"),
    _e("celesta", L, "celeste", reg=79),
    _e("theremin", L, "theremins"),
    _e("mandolin", L, "mandolins", genre="bluegrass", reg=72),
    _e("bouzouki", L, "bouzoukis", "greek bouzouki", genre="balkan", reg=64),
    _e("balalaika", L, "balalaikas", "domra", genre="folk", reg=67),
    _e("accordion", L, "accordions", "concertina", "squeezebox", "button accordion", genre="folk", reg=64),
    _e("bandoneon", L, "bandoneons", "bandoneón", genre="tango", reg=62),
    _e("ocarina", L, "ocarinas"),
    _e("oud", L, "ouds", "arabic lute", genre="middle eastern", reg=57),
    _e("saz", L, "baglama", "bağlama", "saz lute", genre="middle eastern", reg=62),
    _e("qanun", A, "kanun", "qanoon", genre="middle eastern", reg=67),
    _e("santoor", A, "santur", "santoors", genre="indian classical", reg=67),
    _e("duduk", L, "duduks", "armenian duduk", genre="middle eastern", reg=62),
    _e("zurna", L, "zurnas", genre="middle eastern", reg=72),
    _e("ney", L, "nay", "ney flute", genre="middle eastern", reg=69),
    _e("shehnai", L, "shehnais", "nadaswaram", genre="indian classical", reg=70),
    _e("bansuri", L, "bansuris", genre="indian classical", reg=74),
    _e("sarod", L, "sarods", genre="indian classical", reg=57),
    _e("sarangi", L, "sarangis", genre="indian classical", reg=64),
    _e("veena", L, "vina", "saraswati veena", genre="indian classical", reg=57),
    _e("kora", A, "koras", genre="african traditional", reg=64),
    _e("ngoni", L, "n'goni", "ngonis", genre="african traditional", reg=64),
    _e("gamelan", A, "gamelan orchestra", "gamelan ensemble", "metallophones", "bonang", "gender wayang",
       genre="gamelan", reg=67),
    _e("angklung", A, "angklungs", genre="gamelan", reg=72),
    _e("charango", C, "charangos", genre="andean", reg=67),
    _e("pan flute", L, "pan flutes", "panpipes", "pan pipes", "panpipe", "zampona", "zampoña", "siku",
       genre="andean", reg=76),
    _e("quena", L, "quenas", "kena", genre="andean", reg=76),
    _e("berimbau", L, "berimbaus", genre="samba", reg=52),
    _e("cavaquinho", C, "cavaquinhos", genre="samba", reg=69),
    _e("hang drum", L, "handpan", "handpans", "hang drums", genre="world", reg=62),
    _e("kaval", L, "kavals", genre="balkan", reg=74),
    _e("cimbalom", A, "cimbaloms", "hammered dulcimer", "dulcimer", genre="balkan", reg=67),
    _e("hurdy-gurdy", L, "hurdy gurdy", "hurdy-gurdies", genre="folk", reg=64),
    # arpeggios / plucks
    _e("arpeggiator", A, "arp", "arps", "arpeggio", "arpeggios", "arpeggiated synth", "arpeggiated",
       "synth arp", "synth arpeggio", "sequenced synth", "arpeggiated chords"),
    _e("pluck", A, "plucks", "synth pluck", "synth plucks", "plucky synth", "plucked synth"),
    _e("harp", A, "harps", "harp arpeggios", "harp glissando", "lyre", "celtic harp", "concert harp", reg=64),
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
       "chanting", "monks chanting", "chamber choir", "mixed choir", "satb", "satb choir",
       "church choir", "boys choir", "men's choir", "women's choir", "choir voices"),
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


def alias_pattern(aliases: list[str], suffixes: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One regex for many aliases, built as a character trie so a scan costs the length of the text,
    not text x aliases. The longest alias wins at each position (shorter ones are tried only when the
    word edge after the longer one fails). A space or hyphen in an alias matches any run of spaces and
    hyphens; word edges treat '-' and '#' as part of a word.

    `suffixes` (such as " style") may follow any alias: the pattern matches what the aliases x
    suffixes would, the longest first, but compiles one trie of the aliases and one of the suffixes
    instead of a trie of every combination (the style names' pattern: 0.16 -> 0.03 s of a cold start)."""
    body = _trie_regex(_trie({normalise_alias(alias) for alias in aliases}))
    ends = {_SEPARATORS.sub(" ", suffix.lower()) for suffix in suffixes if suffix}  # keeps a leading space
    if ends:
        tail = _trie_regex(_trie(ends))
        body = f"(?:{body})(?:{tail})?" if "" in suffixes else f"(?:{body})(?:{tail})"
    return re.compile(rf"(?<![\w#-])(?:{body})(?![\w#]|-\w)")


def _trie(words: set[str]) -> dict[str, Any]:
    """Nested dicts, one level per character; "" marks the end of a word."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return trie


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
