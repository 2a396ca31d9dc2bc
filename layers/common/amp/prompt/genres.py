"""The genre taxonomy: what each genre implies when the listener does not say.

`GenreProfile` is also the generator's source of style: it switches on `drum_feel` (a small fixed
vocabulary) and reads `swing`, `instrumentation` and the tempo range. Look a profile up with
`profile_for(spec.genre)`; every genre the parser writes into a spec is in this table.
"""

from dataclasses import dataclass
from enum import StrEnum

from amp.domain.errors import InvalidInput
from amp.domain.spec import Instrument, Mode
from amp.prompt.instruments import alias_pattern, instrument_named, normalise_alias
from amp.prompt.words import MOOD_WORDS


class DrumFeel(StrEnum):
    """The groove family of a genre. Fixed on purpose: the generator has one pattern family per value."""

    FOUR_ON_THE_FLOOR = "four_on_the_floor"
    """Kick on every beat, off-beat hats (house, techno, trance, disco)."""
    BREAKBEAT = "breakbeat"
    """Syncopated break: kick on 1 and the 'and' of 2/3, snare on 2 and 4 (dnb, jungle, breaks)."""
    BOOM_BAP = "boom_bap"
    """Swung hip-hop: heavy kick, snare on 2 and 4, loose hats."""
    TRAP = "trap"
    """Half-time snare on 3, rolling 1/16-1/32 hats, sparse kicks that follow the 808."""
    HALF_TIME = "half_time"
    """Snare on beat 3 of the bar at a fast tempo (dubstep, reggae one-drop, half-time dnb)."""
    WALTZ = "waltz"
    """Three beats: kick on 1, snare/hat on 2 and 3 (3/4 and 6/8)."""
    STRAIGHT_ROCK = "straight_rock"
    """Backbeat: kick on 1 and 3, snare on 2 and 4, straight eighths (rock, pop, funk, country)."""
    NONE = "none"
    """No drum part by default (ambient, classical, drone)."""


@dataclass(frozen=True)
class GenreProfile:
    """What a genre implies.

    name: canonical genre name as written into `MusicSpec.genre`.
    aliases: other spellings people use ("dnb", "drum & bass").
    bpm_min, bpm_max: the genre's usual tempo range; tempo words ("slow", "fast") land inside it.
    default_bpm: the tempo used when the text gives no tempo at all.
    swing: 0.0 = straight; 1.0 = full triplet swing of the genre's subdivision (16ths for hip-hop and
        house, 8ths for jazz and blues). Typical values 0.0-0.6.
    drum_feel: groove family (see DrumFeel).
    modes: usual modes, most typical first; the first is used when mood gives no hint.
    keys: usual tonic pitch classes (canonical spelling); one is picked by seed when none is stated.
    instrumentation: the default band, one or more Instruments per role, used for roles the text
        does not cover.
    energy: default energy 0..1.
    moods: mood words the genre implies when the text states none.
    time_signature: default meter.
    generic: an umbrella genre ("electronic", "world"); a more specific genre in the same text wins.
    """

    name: str
    aliases: tuple[str, ...]
    bpm_min: float
    bpm_max: float
    default_bpm: float
    swing: float
    drum_feel: DrumFeel
    modes: tuple[Mode, ...]
    keys: tuple[str, ...]
    instrumentation: tuple[Instrument, ...]
    energy: float
    moods: tuple[str, ...] = ()
    time_signature: str = "4/4"
    generic: bool = False

    def bpm_at(self, position: float) -> float:
        """The tempo at a relative position in the range (0 = slowest usual, 1 = fastest)."""
        position = min(1.0, max(0.0, position))
        return round(self.bpm_min + (self.bpm_max - self.bpm_min) * position)


F = DrumFeel
MAJ, MIN, DOR, PHR, MIX, LYD, AEO = (
    Mode.MAJOR,
    Mode.MINOR,
    Mode.DORIAN,
    Mode.PHRYGIAN,
    Mode.MIXOLYDIAN,
    Mode.LYDIAN,
    Mode.AEOLIAN,
)

_MINOR_KEYS = ("A", "F", "C", "D", "G", "E")
_MAJOR_KEYS = ("C", "G", "D", "F", "A", "Bb")
_FLAT_KEYS = ("Bb", "Eb", "F", "C", "Ab")
_GUITAR_KEYS = ("E", "A", "D", "G", "C")


def _g(  # noqa: PLR0917 - positional on purpose: one compact table row per genre
    name: str,
    aliases: tuple[str, ...],
    bpm: tuple[float, float, float],
    swing: float,
    feel: DrumFeel,
    modes: tuple[Mode, ...],
    keys: tuple[str, ...],
    band: tuple[str, ...],
    energy: float,
    moods: tuple[str, ...] = (),
    time_signature: str = "4/4",
    generic: bool = False,
) -> GenreProfile:
    low, high, default = bpm
    return GenreProfile(
        name=name,
        aliases=aliases,
        bpm_min=low,
        bpm_max=high,
        default_bpm=default,
        swing=swing,
        drum_feel=feel,
        modes=modes,
        keys=keys,
        instrumentation=tuple(instrument_named(n) for n in band),
        energy=energy,
        moods=tuple(dict.fromkeys(MOOD_WORDS[m].mood if m in MOOD_WORDS else m for m in moods)),
        time_signature=time_signature,
        generic=generic,
    )


_ELECTRONIC_BAND = ("drum machine", "synth bass", "synth pad", "synth lead")

# fmt: off
GENRES: tuple[GenreProfile, ...] = (
    _g("techno", ("techno music", "minimal techno", "detroit techno", "berlin techno", "industrial techno",
                  "hard techno", "peak time techno"),
       (125, 140, 130), 0.0, F.FOUR_ON_THE_FLOOR, (MIN, PHR, DOR), _MINOR_KEYS,
       ("909 drum machine", "synth bass", "synth pad", "synth lead", "percussion"), 0.75,
       ("driving", "hypnotic")),
    _g("acid house", ("acid", "acid techno", "acid music"),
       (120, 135, 126), 0.1, F.FOUR_ON_THE_FLOOR, (MIN, PHR), _MINOR_KEYS,
       ("909 drum machine", "acid bass", "synth pad", "synth lead"), 0.75, ("hypnotic",)),
    _g("house", ("house music", "chicago house", "classic house", "vocal house", "piano house"),
       (118, 130, 124), 0.15, F.FOUR_ON_THE_FLOOR, (MIN, MAJ, DOR), ("A", "F", "C", "G", "D"),
       ("909 drum machine", "bass", "electric piano", "synth pad", "synth lead", "hand claps"), 0.7,
       ("groovy",)),
    _g("deep house", ("deephouse",),
       (115, 125, 120), 0.2, F.FOUR_ON_THE_FLOOR, (MIN, DOR), ("A", "F", "D", "C", "G"),
       ("drum machine", "sub bass", "electric piano", "synth pad", "synth lead"), 0.55, ("warm", "groovy")),
    _g("tech house", ("tech-house",),
       (122, 130, 126), 0.1, F.FOUR_ON_THE_FLOOR, (MIN,), _MINOR_KEYS,
       ("909 drum machine", "synth bass", "synth pad", "synth lead", "percussion"), 0.75, ("groovy",)),
    _g("progressive house", ("prog house", "melodic house", "melodic techno"),
       (120, 128, 124), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), _MINOR_KEYS,
       ("drum machine", "synth bass", "synth pad", "arpeggiator", "synth lead"), 0.65, ("uplifting",)),
    _g("trance", ("trance music", "uplifting trance", "progressive trance", "vocal trance"),
       (130, 145, 138), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), ("A", "F", "G", "D", "E", "C#"),
       ("drum machine", "synth bass", "synth pad", "supersaw", "arpeggiator", "risers"), 0.8,
       ("euphoric", "uplifting")),
    _g("psytrance", ("psy trance", "psy-trance", "psychedelic trance", "goa", "goa trance", "psy"),
       (138, 150, 145), 0.0, F.FOUR_ON_THE_FLOOR, (PHR, MIN), ("E", "F#", "D", "A"),
       ("drum machine", "acid bass", "synth lead", "synth pad", "sound effects"), 0.9,
       ("hypnotic", "psychedelic")),
    _g("drum and bass", ("dnb", "d&b", "d'n'b", "d n b", "drum & bass", "drum n bass", "drum'n'bass",
                         "drum 'n' bass", "drumnbass", "liquid dnb", "liquid drum and bass", "neurofunk",
                         "drum and bass music"),
       (165, 180, 174), 0.0, F.BREAKBEAT, (MIN, DOR), ("F", "E", "G", "A", "D"),
       ("breakbeat", "reese bass", "synth pad", "synth lead"), 0.85, ("energetic",)),
    _g("jungle", ("jungle music", "ragga jungle"),
       (160, 175, 170), 0.1, F.BREAKBEAT, (MIN,), ("A", "G", "E", "D"),
       ("breakbeat", "sub bass", "synth pad", "vocal chops"), 0.85, ("energetic",)),
    _g("breakbeat", ("breaks", "big beat", "nu skool breaks", "breakbeat music"),
       (120, 140, 130), 0.1, F.BREAKBEAT, (MIN,), _MINOR_KEYS,
       ("breakbeat", "synth bass", "synth pad", "synth lead"), 0.75, ("energetic",)),
    _g("uk garage", ("garage", "ukg", "2-step", "2 step", "two-step", "speed garage", "uk garage music"),
       (128, 136, 132), 0.35, F.BREAKBEAT, (MIN,), ("F", "G", "A", "C"),
       ("drum machine", "sub bass", "electric piano", "vocal chops", "synth pad"), 0.7, ("groovy",)),
    _g("dubstep", ("brostep", "riddim", "dubstep music"),
       (138, 150, 140), 0.0, F.HALF_TIME, (MIN, PHR), ("F", "E", "G", "D"),
       ("drum machine", "wobble bass", "sub bass", "synth pad", "synth lead"), 0.85, ("aggressive", "dark")),
    _g("future bass", ("future-bass",),
       (130, 160, 150), 0.1, F.HALF_TIME, (MAJ, MIN), ("F", "C", "G", "Bb"),
       ("drum machine", "synth bass", "synth chords", "vocal chops", "pluck"), 0.7, ("uplifting", "dreamy")),
    _g("trap", ("trap music", "trap beat", "edm trap"),
       (130, 160, 140), 0.0, F.TRAP, (MIN, PHR), ("C", "F", "G", "C#", "A"),
       ("808 drum machine", "808 bass", "synth pad", "synth lead", "hi-hats"), 0.75, ("dark",)),
    _g("drill", ("uk drill", "ny drill", "chicago drill", "drill beat"),
       (138, 145, 142), 0.0, F.TRAP, (MIN, PHR), ("C#", "F", "G", "Eb"),
       ("808 drum machine", "808 bass", "strings", "bells"), 0.8, ("dark", "menacing")),
    _g("phonk", ("drift phonk", "memphis phonk"),
       (130, 160, 145), 0.0, F.TRAP, (MIN, PHR), ("C#", "F", "G"),
       ("808 drum machine", "808 bass", "cowbell", "synth lead"), 0.85, ("dark", "aggressive")),
    _g("hip-hop", ("hip hop", "hiphop", "hip-hop music", "hip hop music", "rap music", "rap beat",
                   "instrumental hip hop", "old school hip hop", "west coast", "g-funk"),
       (80, 100, 90), 0.3, F.BOOM_BAP, (MIN, DOR), ("C", "F", "G", "A", "D", "Eb"),
       ("drum machine", "bass", "electric piano", "synth pad", "synth lead"), 0.6, ("groovy",)),
    _g("boom bap", ("boom-bap", "boombap", "90s hip hop", "golden era hip hop"),
       (84, 96, 90), 0.4, F.BOOM_BAP, (MIN, DOR), ("C", "F", "G", "A", "D"),
       ("drum machine", "upright bass", "piano", "vinyl crackle", "scratching"), 0.6, ("gritty",)),
    _g("lo-fi hip hop", ("lo-fi", "lofi", "lo fi", "lofi hip hop", "lo-fi hip-hop", "lofi beats",
                         "lo-fi beats", "chillhop", "jazzhop", "jazz hop", "study beats"),
       (70, 90, 80), 0.45, F.BOOM_BAP, (MAJ, DOR, MIN), ("F", "C", "Eb", "Bb", "A"),
       ("drum machine", "bass", "electric piano", "vinyl crackle", "synth pad"), 0.3, ("chill", "nostalgic")),
    _g("grime", ("grime music",),
       (136, 142, 140), 0.0, F.HALF_TIME, (MIN, PHR), ("C", "F", "G"),
       ("drum machine", "synth bass", "synth lead", "strings"), 0.85, ("aggressive", "dark")),
    _g("r&b", ("rnb", "r and b", "r'n'b", "rhythm and blues", "contemporary r&b", "neo soul", "neo-soul",
               "r&b music"),
       (60, 100, 80), 0.3, F.BOOM_BAP, (MIN, DOR, MAJ), ("Eb", "Ab", "Bb", "F", "C", "C#"),
       ("drum machine", "bass", "electric piano", "synth pad", "female vocals"), 0.5, ("smooth", "romantic")),
    _g("soul", ("soul music", "motown", "northern soul", "classic soul"),
       (70, 110, 92), 0.25, F.STRAIGHT_ROCK, (MAJ, DOR), ("C", "F", "G", "Bb", "Eb"),
       ("drum kit", "bass guitar", "organ", "brass section", "vocals"), 0.55, ("soulful", "warm")),
    _g("funk", ("funky music", "funk music", "p-funk", "electro funk", "nu funk"),
       (95, 120, 108), 0.2, F.STRAIGHT_ROCK, (DOR, MIX), ("E", "A", "D", "G", "C"),
       ("drum kit", "slap bass", "electric guitar", "clavinet", "brass section"), 0.75, ("groovy", "funky")),
    _g("disco", ("disco music", "nu disco", "nu-disco", "italo disco", "italo-disco"),
       (110, 128, 118), 0.05, F.FOUR_ON_THE_FLOOR, (MAJ, MIN, DOR), ("A", "D", "E", "G", "F"),
       ("drum kit", "bass guitar", "strings", "electric guitar", "electric piano"), 0.75,
       ("groovy", "happy")),
    _g("pop", ("pop music", "pop song", "top 40", "mainstream pop", "dance pop", "dance-pop", "teen pop",
               "k-pop", "kpop", "j-pop", "jpop", "pop ballad", "bubblegum pop", "pop rock"),
       (95, 130, 110), 0.0, F.STRAIGHT_ROCK, (MAJ, MIN), ("C", "G", "D", "A", "E", "F"),
       ("drum machine", "bass", "piano", "synth pad", "synth lead"), 0.65, ("catchy", "upbeat")),
    _g("synthpop", ("synth pop", "synth-pop", "electropop", "electro pop", "electro-pop", "new wave",
                    "indietronica"),
       (100, 130, 118), 0.0, F.STRAIGHT_ROCK, (MIN, MAJ), ("A", "E", "C", "G", "D"),
       ("drum machine", "synth bass", "synth chords", "synth lead", "arpeggiator"), 0.65, ("nostalgic",)),
    _g("synthwave", ("retrowave", "outrun", "darksynth", "dreamwave", "80s synthwave"),
       (80, 118, 100), 0.0, F.STRAIGHT_ROCK, (MIN,), ("A", "E", "F#", "D", "C"),
       ("drum machine", "synth bass", "synth pad", "synth lead", "arpeggiator"), 0.6,
       ("nostalgic", "dreamy")),
    _g("vaporwave", ("vapor wave", "mallsoft"),
       (60, 90, 75), 0.1, F.STRAIGHT_ROCK, (MAJ, LYD), ("C", "F", "Eb", "Bb"),
       ("drum machine", "bass", "electric piano", "synth pad", "saxophone"), 0.3, ("nostalgic", "dreamy")),
    _g("edm", ("electronic dance music", "big room", "bigroom", "electro house", "festival edm",
               "complextro", "dance music", "club music", "dance track", "club track", "eurodance"),
       (124, 132, 128), 0.0, F.FOUR_ON_THE_FLOOR, (MIN, MAJ), ("F", "A", "G", "C", "D"),
       ("drum machine", "synth bass", "supersaw", "synth pad", "risers"), 0.85, ("energetic", "euphoric")),
    _g("hardstyle", ("hard style", "rawstyle", "euphoric hardstyle"),
       (145, 160, 150), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), ("F", "G", "A", "D"),
       ("drum machine", "synth bass", "supersaw", "synth pad", "risers"), 0.95, ("aggressive", "euphoric")),
    _g("hardcore", ("gabber", "happy hardcore", "frenchcore", "hardcore techno", "speedcore"),
       (160, 200, 180), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), ("A", "F", "E"),
       ("drum machine", "synth bass", "hoover", "synth pad"), 0.95, ("aggressive", "intense")),
    _g("electro", ("electro music", "electro bass", "miami bass"),
       (110, 135, 125), 0.0, F.BREAKBEAT, (MIN, PHR), ("A", "E", "F", "C"),
       ("808 drum machine", "synth bass", "synth lead", "arpeggiator"), 0.7, ("futuristic",)),
    _g("idm", ("intelligent dance music", "glitch", "glitch hop", "braindance", "experimental electronic"),
       (90, 160, 120), 0.1, F.BREAKBEAT, (MIN, LYD, DOR), ("D", "F#", "A", "E"),
       ("drum machine", "synth bass", "synth pad", "glitch", "arpeggiator"), 0.55, ("experimental",)),
    _g("electronic", ("electronic music", "electronica", "electronic track", "edm-ish", "synth music",
                      "electronic beat"),
       (100, 130, 120), 0.0, F.FOUR_ON_THE_FLOOR, (MIN, MAJ), ("A", "C", "D", "F", "G"),
       _ELECTRONIC_BAND, 0.6, (), generic=True),
    _g("ambient", ("ambient music", "dark ambient", "space ambient", "drone music", "ambient drone",
                   "ambience", "soundscape music"),
       (60, 90, 72), 0.0, F.NONE, (LYD, MAJ, MIN), ("D", "E", "A", "C", "F"),
       ("synth pad", "drone", "bells", "field recordings"), 0.2, ("calm", "ethereal")),
    _g("new age", ("meditation music", "meditation", "healing music", "spa music", "relaxation music",
                   "yoga music", "sleep music"),
       (50, 80, 65), 0.0, F.NONE, (MAJ, LYD), ("C", "D", "F", "G"),
       ("synth pad", "piano", "flute", "wind chimes"), 0.15, ("peaceful", "meditative")),
    _g("downtempo", ("down tempo", "down-tempo", "chillout", "chill-out", "chill out", "chillwave",
                     "lounge", "lounge music", "chill music", "chillout music", "balearic"),
       (80, 110, 95), 0.15, F.BOOM_BAP, (MIN, DOR, MAJ), ("D", "A", "F", "C", "G"),
       ("drum machine", "bass", "electric piano", "synth pad", "synth lead"), 0.35, ("chill", "relaxed")),
    _g("trip-hop", ("trip hop", "triphop", "bristol sound"),
       (70, 100, 85), 0.2, F.BOOM_BAP, (MIN,), ("D", "A", "E", "G", "C"),
       ("drum machine", "bass", "strings", "synth pad", "vinyl crackle", "female vocals"), 0.4,
       ("moody", "dark")),
    _g("rock", ("rock music", "rock song", "classic rock", "soft rock", "rock and roll", "rock n roll",
                "rock 'n' roll", "garage rock", "stoner rock", "southern rock", "blues rock"),
       (100, 150, 120), 0.0, F.STRAIGHT_ROCK, (MAJ, MIX, MIN), _GUITAR_KEYS,
       ("drum kit", "bass guitar", "distorted guitar", "lead guitar"), 0.75, ("energetic",)),
    _g("hard rock", ("heavy rock", "arena rock", "grunge"),
       (110, 160, 130), 0.0, F.STRAIGHT_ROCK, (MIN, MIX), ("E", "A", "D", "G"),
       ("drum kit", "bass guitar", "distorted guitar", "lead guitar"), 0.85, ("aggressive", "powerful")),
    _g("metal", ("heavy metal", "metal music", "thrash metal", "death metal", "black metal", "metalcore",
                 "doom metal", "nu metal", "nu-metal", "power metal", "djent", "thrash", "progressive metal"),
       (100, 200, 150), 0.0, F.STRAIGHT_ROCK, (MIN, PHR), ("E", "D", "C", "B", "A"),
       ("drum kit", "bass guitar", "distorted guitar", "lead guitar"), 0.95, ("aggressive", "heavy")),
    _g("punk", ("punk rock", "pop punk", "pop-punk", "hardcore punk", "skate punk", "post-punk",
                "post punk", "emo"),
       (150, 200, 170), 0.0, F.STRAIGHT_ROCK, (MAJ, MIN), _GUITAR_KEYS,
       ("drum kit", "bass guitar", "distorted guitar", "male vocals"), 0.9, ("energetic", "rebellious")),
    _g("indie rock", ("indie", "alternative rock", "alt rock", "alt-rock", "alternative", "indie pop",
                      "indie-pop", "britpop", "indie folk", "dream pop", "bedroom pop", "shoegaze",
                      "post-rock", "post rock", "math rock"),
       (90, 140, 118), 0.0, F.STRAIGHT_ROCK, (MAJ, MIN, MIX), ("D", "G", "A", "E", "C"),
       ("drum kit", "bass guitar", "electric guitar", "lead guitar", "synth pad"), 0.65, ("nostalgic",)),
    _g("jazz", ("jazz music", "smooth jazz", "bebop", "cool jazz", "jazz fusion", "swing jazz",
                "big band", "jazz trio", "jazz quartet", "nu jazz", "acid jazz", "modal jazz", "jazzy"),
       (80, 200, 120), 0.6, F.STRAIGHT_ROCK, (DOR, MAJ, MIX), ("Bb", "F", "Eb", "C", "Ab"),
       ("brushed drums", "upright bass", "piano", "saxophone"), 0.5, ("smooth", "sophisticated")),
    _g("swing", ("swing music", "electro swing", "big band swing"),
       (120, 200, 160), 0.65, F.STRAIGHT_ROCK, (MAJ,), _FLAT_KEYS,
       ("drum kit", "upright bass", "piano", "brass section", "trumpet"), 0.75, ("happy", "playful")),
    _g("blues", ("blues music", "delta blues", "chicago blues", "12-bar blues", "twelve bar blues",
                 "bluesy"),
       (60, 130, 90), 0.55, F.STRAIGHT_ROCK, (MIX, MIN, MAJ), ("E", "A", "G", "C", "Bb"),
       ("drum kit", "bass guitar", "electric guitar", "harmonica", "lead guitar"), 0.5,
       ("soulful", "gritty")),
    _g("gospel", ("gospel music", "praise and worship", "worship music", "christian music", "hymn", "hymns",
                  "spiritual music"),
       (70, 120, 90), 0.3, F.STRAIGHT_ROCK, (MAJ,), ("Ab", "Eb", "Bb", "F", "C", "C#"),
       ("drum kit", "bass guitar", "organ", "piano", "choir"), 0.65, ("uplifting", "spiritual")),
    _g("country", ("country music", "country song", "americana", "honky tonk", "country pop",
                   "country rock", "western", "outlaw country"),
       (80, 130, 104), 0.1, F.STRAIGHT_ROCK, (MAJ, MIX), ("G", "D", "A", "E", "C"),
       ("drum kit", "bass guitar", "acoustic guitar", "fiddle", "lead guitar"), 0.55, ("warm", "nostalgic")),
    _g("bluegrass", ("bluegrass music", "old-time", "appalachian", "hillbilly"),
       (100, 160, 130), 0.05, F.STRAIGHT_ROCK, (MAJ, MIX), ("G", "A", "D", "C", "E"),
       ("upright bass", "banjo", "acoustic guitar", "fiddle", "mandolin"), 0.7, ("lively", "happy")),
    _g("folk", ("folk music", "folk song", "traditional folk", "celtic", "irish folk", "celtic music",
                "singer-songwriter", "acoustic folk", "sea shanty", "shanty", "folklore"),
       (70, 130, 100), 0.05, F.STRAIGHT_ROCK, (MAJ, DOR, MIX, MIN), ("G", "D", "A", "C", "E"),
       ("percussion", "upright bass", "acoustic guitar", "violin"), 0.45, ("warm", "nostalgic")),
    _g("reggae", ("reggae music", "roots reggae", "ska", "rocksteady", "lovers rock"),
       (60, 90, 75), 0.2, F.HALF_TIME, (MAJ, MIN), ("A", "G", "D", "C", "E"),
       ("drum kit", "bass guitar", "electric guitar", "organ"), 0.5, ("relaxed", "positive")),
    _g("dub", ("dub music", "dub reggae", "dub techno"),
       (60, 90, 72), 0.2, F.HALF_TIME, (MIN,), ("A", "G", "D", "E"),
       ("drum kit", "sub bass", "organ", "sound effects"), 0.4, ("hypnotic", "spacious")),
    _g("dancehall", ("dance hall", "ragga", "bashment", "soca"),
       (90, 110, 100), 0.1, F.HALF_TIME, (MIN, MAJ), ("C", "D", "F", "G"),
       ("drum machine", "synth bass", "synth lead", "percussion"), 0.75, ("energetic",)),
    _g("reggaeton", ("reggaetón", "dembow", "latin trap", "perreo", "urbano"),
       (88, 100, 94), 0.0, F.HALF_TIME, (MIN,), ("C#", "F", "A", "G"),
       ("drum machine", "808 bass", "synth pad", "synth lead"), 0.75, ("sensual", "energetic")),
    _g("afrobeats", ("afrobeat", "afro beats", "afro-beat", "afro pop", "afropop", "amapiano", "afro house",
                     "highlife"),
       (95, 125, 105), 0.3, F.FOUR_ON_THE_FLOOR, (MAJ, MIN, DOR), ("C", "F", "G", "A", "Bb"),
       ("drum machine", "bass", "percussion", "electric guitar", "synth pad"), 0.7, ("groovy", "sunny")),
    _g("latin", ("latin music", "salsa", "cumbia", "merengue", "bachata", "mambo", "cha cha", "son cubano",
                 "latin dance music", "latin dance", "latin jazz", "tango", "flamenco", "samba"),
       (90, 130, 110), 0.1, F.STRAIGHT_ROCK, (MIN, MAJ), ("A", "D", "E", "G", "C"),
       ("percussion", "congas", "bass", "piano", "brass section", "acoustic guitar"), 0.75,
       ("festive", "sensual")),
    _g("bossa nova", ("bossa", "bossanova", "mpb", "brazilian jazz"),
       (110, 145, 130), 0.1, F.STRAIGHT_ROCK, (MAJ, DOR), ("F", "C", "D", "G", "Bb"),
       ("brushed drums", "upright bass", "acoustic guitar", "flute"), 0.4, ("smooth", "romantic")),
    _g("classical", ("classical music", "western classical music", "orchestral music", "baroque",
                     "romantic era", "chamber music", "symphony", "concerto", "sonata",
                     "string quartet music",
                     "opera", "piano sonata", "classical piece", "neoclassical", "neo-classical",
                     "modern classical", "contemporary classical", "minimalism", "minimalist music"),
       (60, 140, 90), 0.0, F.NONE, (MAJ, MIN), ("C", "D", "G", "F", "Bb", "A"),
       ("strings", "piano", "cello", "flute"), 0.4, ("elegant",)),
    _g("cinematic", ("film score", "movie soundtrack", "soundtrack", "film music", "movie music",
                     "epic orchestral", "trailer music", "orchestral", "epic music", "cinematic music",
                     "game music", "video game music"),
       (70, 130, 90), 0.0, F.HALF_TIME, (MIN, AEO, DOR), ("D", "C", "A", "E", "F"),
       ("taiko", "timpani", "strings", "brass section", "choir", "cello"), 0.7, ("epic", "dramatic")),
    _g("chiptune", ("8-bit", "8 bit", "8bit", "chip music", "chiptunes", "bitpop", "16-bit", "nes music"),
       (120, 170, 140), 0.0, F.STRAIGHT_ROCK, (MAJ, MIN), ("C", "A", "G", "E"),
       ("drum machine", "synth bass", "chiptune lead", "arpeggiator"), 0.75, ("playful", "nostalgic")),
    _g("world", ("world music", "ethnic", "traditional music", "bollywood",
                 "middle eastern", "arabic music", "african music", "asian music", "regional music",
                 "oriental", "devotional", "qawwali", "klezmer"),
       (70, 130, 100), 0.1, F.STRAIGHT_ROCK, (PHR, DOR, MIN, MAJ), ("D", "C#", "E", "A", "G"),
       ("tabla", "percussion", "sitar", "drone", "bass"), 0.55, ("spiritual",), generic=True),
    _g("indian classical", ("hindustani", "hindustani classical", "carnatic", "carnatic music", "raga",
                            "indian classical music", "hindustani classical music"),
       (60, 140, 90), 0.0, F.NONE, (PHR, DOR, MAJ), ("C#", "D", "E", "C"),
       ("tabla", "drone", "sitar", "bansuri"), 0.45, ("spiritual", "meditative")),
    _g("waltz", ("waltz music", "valse", "viennese waltz", "jazz waltz"),
       (84, 180, 150), 0.0, F.WALTZ, (MAJ, MIN), ("D", "G", "C", "F", "A"),
       ("drum kit", "upright bass", "piano", "strings", "accordion"), 0.45, ("elegant", "romantic"), "3/4"),
    _g("lullaby", ("lullabies", "nursery rhyme", "cradle song", "children's music", "kids music"),
       (60, 90, 72), 0.0, F.WALTZ, (MAJ,), ("C", "F", "G", "D"),
       ("music box", "synth pad", "harp", "piano"), 0.15, ("gentle", "calm"), "3/4"),
    _g("ballad", ("power ballad", "love song", "slow song", "piano ballad"),
       (60, 90, 72), 0.1, F.STRAIGHT_ROCK, (MAJ, MIN), ("C", "G", "D", "F", "Eb", "Bb"),
       ("drum kit", "bass", "piano", "strings", "vocals"), 0.4, ("emotional", "romantic")),
    _g("jingle", ("commercial jingle", "advertising music", "corporate music", "corporate", "ad music",
                  "commercial music", "upbeat corporate"),
       (100, 130, 118), 0.0, F.STRAIGHT_ROCK, (MAJ,), ("C", "G", "D", "F"),
       ("drum machine", "bass", "acoustic guitar", "piano", "hand claps", "glockenspiel"), 0.65,
       ("upbeat", "positive")),
    _g("march", ("marching band", "military march", "brass band", "marching music"),
       (100, 130, 116), 0.0, F.STRAIGHT_ROCK, (MAJ,), _FLAT_KEYS,
       ("snare", "tuba", "brass section", "trumpet", "cymbals"), 0.7, ("triumphant", "proud"), "2/4"),
)
# fmt: on


class UnknownGenre(InvalidInput, LookupError):
    """A genre name that is neither a table name nor an alias. Also a LookupError, so callers that
    treat "not in the table" like a missing key can catch it as one."""


DEFAULT_GENRE = "electronic"
"""Used when the text names no genre and nothing implies one."""

GENRES_BY_NAME: dict[str, GenreProfile] = {profile.name: profile for profile in GENRES}

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
