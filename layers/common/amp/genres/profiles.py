"""The genre profile table: what each genre implies when the listener does not say.

The one source of truth for genres: the parser reads a profile's defaults, the composer its family
and drum feel (`amp.genres.family_for` / `drum_feel_for`), the mixer its `sidechain` setting and QA
its family. Every genre the parser writes into a spec is in this table. The alias matching that
finds a genre inside free text lives with the parser (`amp.prompt.genres.profile_for`).

This module is data plus the dataclass; it imports nothing from `amp.prompt` at import time (the
prompt package imports it), so the band's instrument roles are resolved on first use.
"""

from dataclasses import dataclass
from functools import cached_property

from amp.domain.spec import Instrument, Mode
from amp.genres.families import DrumFeel, Family


@dataclass(frozen=True)
class GenreProfile:
    """What a genre implies.

    name: canonical genre name as written into `MusicSpec.genre`.
    aliases: other spellings people use ("dnb", "drum & bass").
    bpm_min, bpm_max: the genre's usual tempo range; tempo words ("slow", "fast") land inside it.
    default_bpm: the tempo used when the text gives no tempo at all.
    swing: 0.0 = straight; 1.0 = full triplet swing of the genre's subdivision (16ths for hip-hop and
        house, 8ths for jazz and blues). Typical values 0.0-0.6.
    drum_feel: groove family (see amp.genres.families.DrumFeel).
    modes: usual modes, most typical first; the first is used when mood gives no hint.
    keys: usual tonic pitch classes (canonical spelling); one is picked by seed when none is stated.
    band: the default band as instrument names of the parser's vocabulary (amp.prompt.instruments),
        used for roles the text does not cover; `instrumentation` gives them with their roles.
    energy: default energy 0..1.
    family: the idiom the composer writes the genre in (harmony, texture, rhythm conventions).
    sidechain: the mixer ducks the bass under the kick (kick-driven electronic grooves); acoustic
        styles keep the bass steady.
    moods: canonical mood words (amp.prompt.words) the genre implies when the text states none.
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
    band: tuple[str, ...]
    energy: float
    family: Family
    sidechain: bool = False
    moods: tuple[str, ...] = ()
    time_signature: str = "4/4"
    generic: bool = False

    @cached_property
    def instrumentation(self) -> tuple[Instrument, ...]:
        """The default band with each instrument's role from the instrument vocabulary."""
        from amp.prompt.instruments import instrument_named

        return tuple(instrument_named(name) for name in self.band)

    def bpm_at(self, position: float) -> float:
        """The tempo at a relative position in the range (0 = slowest usual, 1 = fastest)."""
        position = min(1.0, max(0.0, position))
        return round(self.bpm_min + (self.bpm_max - self.bpm_min) * position)


F = DrumFeel
FA = Family
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
_FLAT_KEYS = ("Bb", "Eb", "F", "C", "Ab")
_GUITAR_KEYS = ("E", "A", "D", "G", "C")
_CLASSICAL_KEYS = ("C", "D", "G", "F", "Bb", "A", "Eb")


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
    *,
    family: Family,
    sidechain: bool = False,
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
        band=band,
        energy=energy,
        family=family,
        sidechain=sidechain,
        moods=moods,
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
       ("driving", "hypnotic"), family=FA.EDM, sidechain=True),
    _g("acid house", ("acid", "acid techno", "acid music"),
       (120, 135, 126), 0.1, F.FOUR_ON_THE_FLOOR, (MIN, PHR), _MINOR_KEYS,
       ("909 drum machine", "acid bass", "synth pad", "synth lead"), 0.75, ("hypnotic",), family=FA.EDM, sidechain=True),
    _g("house", ("house music", "chicago house", "classic house", "vocal house", "piano house"),
       (118, 130, 124), 0.15, F.FOUR_ON_THE_FLOOR, (MIN, MAJ, DOR), ("A", "F", "C", "G", "D"),
       ("909 drum machine", "bass", "electric piano", "synth pad", "synth lead", "hand claps"), 0.7,
       ("groovy",), family=FA.EDM, sidechain=True),
    _g("deep house", ("deephouse",),
       (115, 125, 120), 0.2, F.FOUR_ON_THE_FLOOR, (MIN, DOR), ("A", "F", "D", "C", "G"),
       ("drum machine", "sub bass", "electric piano", "synth pad", "synth lead"), 0.55, ("warm", "groovy"), family=FA.EDM, sidechain=True),
    _g("tech house", ("tech-house",),
       (122, 130, 126), 0.1, F.FOUR_ON_THE_FLOOR, (MIN,), _MINOR_KEYS,
       ("909 drum machine", "synth bass", "synth pad", "synth lead", "percussion"), 0.75, ("groovy",), family=FA.EDM, sidechain=True),
    _g("progressive house", ("prog house", "melodic house", "melodic techno"),
       (120, 128, 124), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), _MINOR_KEYS,
       ("drum machine", "synth bass", "synth pad", "arpeggiator", "synth lead"), 0.65, ("uplifting",), family=FA.EDM, sidechain=True),
    _g("trance", ("trance music", "uplifting trance", "progressive trance", "vocal trance"),
       (130, 145, 138), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), ("A", "F", "G", "D", "E", "C#"),
       ("drum machine", "synth bass", "synth pad", "supersaw", "arpeggiator", "risers"), 0.8,
       ("euphoric", "uplifting"), family=FA.EDM, sidechain=True),
    _g("psytrance", ("psy trance", "psy-trance", "psychedelic trance", "goa", "goa trance", "psy"),
       (138, 150, 145), 0.0, F.FOUR_ON_THE_FLOOR, (PHR, MIN), ("E", "F#", "D", "A"),
       ("drum machine", "acid bass", "synth lead", "synth pad", "sound effects"), 0.9,
       ("hypnotic",), family=FA.EDM, sidechain=True),
    _g("drum and bass", ("dnb", "d&b", "d'n'b", "d n b", "drum & bass", "drum n bass", "drum'n'bass",
                         "drum 'n' bass", "drumnbass", "liquid dnb", "liquid drum and bass", "neurofunk",
                         "drum and bass music"),
       (165, 180, 174), 0.0, F.BREAKBEAT, (MIN, DOR), ("F", "E", "G", "A", "D"),
       ("breakbeat", "reese bass", "synth pad", "synth lead"), 0.85, ("energetic",), family=FA.DNB, sidechain=True),
    _g("jungle", ("jungle music", "ragga jungle"),
       (160, 175, 170), 0.1, F.BREAKBEAT, (MIN,), ("A", "G", "E", "D"),
       ("breakbeat", "sub bass", "synth pad", "vocal chops"), 0.85, ("energetic",), family=FA.DNB, sidechain=True),
    _g("breakbeat", ("breaks", "big beat", "nu skool breaks", "breakbeat music"),
       (120, 140, 130), 0.1, F.BREAKBEAT, (MIN,), _MINOR_KEYS,
       ("breakbeat", "synth bass", "synth pad", "synth lead"), 0.75, ("energetic",), family=FA.DNB, sidechain=True),
    _g("uk garage", ("garage", "ukg", "2-step", "2 step", "two-step", "speed garage", "uk garage music"),
       (128, 136, 132), 0.35, F.BREAKBEAT, (MIN,), ("F", "G", "A", "C"),
       ("drum machine", "sub bass", "electric piano", "vocal chops", "synth pad"), 0.7, ("groovy",), family=FA.EDM, sidechain=True),
    _g("dubstep", ("brostep", "riddim", "dubstep music"),
       (138, 150, 140), 0.0, F.HALF_TIME, (MIN, PHR), ("F", "E", "G", "D"),
       ("drum machine", "wobble bass", "sub bass", "synth pad", "synth lead"), 0.85, ("aggressive", "dark"), family=FA.EDM, sidechain=True),
    _g("future bass", ("future-bass",),
       (130, 160, 150), 0.1, F.HALF_TIME, (MAJ, MIN), ("F", "C", "G", "Bb"),
       ("drum machine", "synth bass", "synth chords", "vocal chops", "pluck"), 0.7, ("uplifting", "dreamy"), family=FA.EDM, sidechain=True),
    _g("trap", ("trap music", "trap beat", "edm trap"),
       (130, 160, 140), 0.0, F.TRAP, (MIN, PHR), ("C", "F", "G", "C#", "A"),
       ("808 drum machine", "808 bass", "synth pad", "synth lead", "hi-hats"), 0.75, ("dark",), family=FA.HIPHOP, sidechain=True),
    _g("drill", ("uk drill", "ny drill", "chicago drill", "drill beat"),
       (138, 145, 142), 0.0, F.TRAP, (MIN, PHR), ("C#", "F", "G", "Eb"),
       ("808 drum machine", "808 bass", "strings", "bells"), 0.8, ("dark", "aggressive"), family=FA.HIPHOP, sidechain=True),
    _g("phonk", ("drift phonk", "memphis phonk"),
       (130, 160, 145), 0.0, F.TRAP, (MIN, PHR), ("C#", "F", "G"),
       ("808 drum machine", "808 bass", "cowbell", "synth lead"), 0.85, ("dark", "aggressive"), family=FA.HIPHOP, sidechain=True),
    _g("hip-hop", ("hip hop", "hiphop", "hip-hop music", "hip hop music", "rap music", "rap beat",
                   "instrumental hip hop", "old school hip hop", "west coast", "g-funk"),
       (80, 100, 90), 0.3, F.BOOM_BAP, (MIN, DOR), ("C", "F", "G", "A", "D", "Eb"),
       ("drum machine", "bass", "electric piano", "synth pad", "synth lead"), 0.6, ("groovy",), family=FA.HIPHOP),
    _g("boom bap", ("boom-bap", "boombap", "90s hip hop", "golden era hip hop"),
       (84, 96, 90), 0.4, F.BOOM_BAP, (MIN, DOR), ("C", "F", "G", "A", "D"),
       ("drum machine", "upright bass", "piano", "vinyl crackle", "scratching"), 0.6, ("gritty",), family=FA.HIPHOP),
    _g("lo-fi hip hop", ("lo-fi", "lofi", "lo fi", "lofi hip hop", "lo-fi hip-hop", "lofi beats",
                         "lo-fi beats", "chillhop", "jazzhop", "jazz hop", "study beats"),
       (70, 90, 80), 0.45, F.BOOM_BAP, (MAJ, DOR, MIN), ("F", "C", "Eb", "Bb", "A"),
       ("drum machine", "bass", "electric piano", "vinyl crackle", "synth pad"), 0.3, ("chill", "nostalgic"), family=FA.HIPHOP),
    _g("grime", ("grime music",),
       (136, 142, 140), 0.0, F.HALF_TIME, (MIN, PHR), ("C", "F", "G"),
       ("drum machine", "synth bass", "synth lead", "strings"), 0.85, ("aggressive", "dark"), family=FA.HIPHOP, sidechain=True),
    _g("r&b", ("rnb", "r and b", "r'n'b", "rhythm and blues", "contemporary r&b", "neo soul", "neo-soul",
               "r&b music"),
       (60, 100, 80), 0.3, F.BOOM_BAP, (MIN, DOR, MAJ), ("Eb", "Ab", "Bb", "F", "C", "C#"),
       ("drum machine", "bass", "electric piano", "synth pad", "female vocals"), 0.5, ("chill", "romantic"), family=FA.POP),
    _g("soul", ("soul music", "motown", "northern soul", "classic soul"),
       (70, 110, 92), 0.25, F.BACKBEAT, (MAJ, DOR), ("C", "F", "G", "Bb", "Eb"),
       ("drum kit", "bass guitar", "organ", "brass section", "vocals"), 0.55, ("emotional", "warm"), family=FA.POP),
    _g("funk", ("funky music", "funk music", "p-funk", "electro funk", "nu funk"),
       (95, 120, 108), 0.2, F.BACKBEAT, (DOR, MIX), ("E", "A", "D", "G", "C"),
       ("drum kit", "slap bass", "electric guitar", "clavinet", "brass section"), 0.75, ("groovy",), family=FA.POP),
    _g("disco", ("disco music", "nu disco", "nu-disco", "italo disco", "italo-disco"),
       (110, 128, 118), 0.05, F.FOUR_ON_THE_FLOOR, (MAJ, MIN, DOR), ("A", "D", "E", "G", "F"),
       ("drum kit", "bass guitar", "strings", "electric guitar", "electric piano"), 0.75,
       ("groovy", "happy"), family=FA.EDM, sidechain=True),
    _g("pop", ("pop music", "pop song", "top 40", "mainstream pop", "dance pop", "dance-pop", "teen pop",
               "k-pop", "kpop", "j-pop", "jpop", "pop ballad", "bubblegum pop", "pop rock"),
       (95, 130, 110), 0.0, F.BACKBEAT, (MAJ, MIN), ("C", "G", "D", "A", "E", "F"),
       ("drum machine", "bass", "piano", "synth pad", "synth lead"), 0.65, ("groovy", "energetic"), family=FA.POP),
    _g("synthpop", ("synth pop", "synth-pop", "electropop", "electro pop", "electro-pop", "new wave",
                    "indietronica"),
       (100, 130, 118), 0.0, F.BACKBEAT, (MIN, MAJ), ("A", "E", "C", "G", "D"),
       ("drum machine", "synth bass", "synth chords", "synth lead", "arpeggiator"), 0.65, ("nostalgic",), family=FA.EDM),
    _g("synthwave", ("retrowave", "outrun", "darksynth", "dreamwave", "80s synthwave"),
       (80, 118, 100), 0.0, F.BACKBEAT, (MIN,), ("A", "E", "F#", "D", "C"),
       ("drum machine", "synth bass", "synth pad", "synth lead", "arpeggiator"), 0.6,
       ("nostalgic", "dreamy"), family=FA.EDM, sidechain=True),
    _g("vaporwave", ("vapor wave", "mallsoft"),
       (60, 90, 75), 0.1, F.BACKBEAT, (MAJ, LYD), ("C", "F", "Eb", "Bb"),
       ("drum machine", "bass", "electric piano", "synth pad", "saxophone"), 0.3, ("nostalgic", "dreamy"), family=FA.POP),
    _g("edm", ("electronic dance music", "big room", "bigroom", "electro house", "festival edm",
               "complextro", "dance music", "club music", "dance track", "club track", "eurodance"),
       (124, 132, 128), 0.0, F.FOUR_ON_THE_FLOOR, (MIN, MAJ), ("F", "A", "G", "C", "D"),
       ("drum machine", "synth bass", "supersaw", "synth pad", "risers"), 0.85, ("energetic", "euphoric"), family=FA.EDM, sidechain=True),
    _g("hardstyle", ("hard style", "rawstyle", "euphoric hardstyle"),
       (145, 160, 150), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), ("F", "G", "A", "D"),
       ("drum machine", "synth bass", "supersaw", "synth pad", "risers"), 0.95, ("aggressive", "euphoric"), family=FA.EDM, sidechain=True),
    _g("hardcore", ("gabber", "happy hardcore", "frenchcore", "hardcore techno", "speedcore"),
       (160, 200, 180), 0.0, F.FOUR_ON_THE_FLOOR, (MIN,), ("A", "F", "E"),
       ("drum machine", "synth bass", "hoover", "synth pad"), 0.95, ("aggressive", "intense"), family=FA.EDM, sidechain=True),
    _g("electro", ("electro music", "electro bass", "miami bass"),
       (110, 135, 125), 0.0, F.BREAKBEAT, (MIN, PHR), ("A", "E", "F", "C"),
       ("808 drum machine", "synth bass", "synth lead", "arpeggiator"), 0.7, ("futuristic",), family=FA.EDM, sidechain=True),
    _g("idm", ("intelligent dance music", "glitch", "glitch hop", "braindance", "experimental electronic"),
       (90, 160, 120), 0.1, F.BREAKBEAT, (MIN, LYD, DOR), ("D", "F#", "A", "E"),
       ("drum machine", "synth bass", "synth pad", "glitch", "arpeggiator"), 0.55, ("experimental",), family=FA.EDM, sidechain=True),
    _g("electronic", ("electronic music", "electronica", "electronic track", "edm-ish", "synth music",
                      "electronic beat"),
       (100, 130, 120), 0.0, F.FOUR_ON_THE_FLOOR, (MIN, MAJ), ("A", "C", "D", "F", "G"),
       _ELECTRONIC_BAND, 0.6, (), generic=True, family=FA.EDM, sidechain=True),
    _g("ambient", ("ambient music", "dark ambient", "space ambient", "drone music", "ambient drone",
                   "ambience", "soundscape music"),
       (60, 90, 72), 0.0, F.NONE, (LYD, MAJ, MIN), ("D", "E", "A", "C", "F"),
       ("synth pad", "drone", "bells", "field recordings"), 0.2, ("calm", "dreamy"), family=FA.AMBIENT),
    _g("new age", ("meditation music", "meditation", "healing music", "spa music", "relaxation music",
                   "yoga music", "sleep music"),
       (50, 80, 65), 0.0, F.NONE, (MAJ, LYD), ("C", "D", "F", "G"),
       ("synth pad", "piano", "flute", "wind chimes"), 0.15, ("calm",), family=FA.AMBIENT),
    _g("downtempo", ("down tempo", "down-tempo", "chillout", "chill-out", "chill out", "chillwave",
                     "lounge", "lounge music", "chill music", "chillout music", "balearic"),
       (80, 110, 95), 0.15, F.BOOM_BAP, (MIN, DOR, MAJ), ("D", "A", "F", "C", "G"),
       ("drum machine", "bass", "electric piano", "synth pad", "synth lead"), 0.35, ("chill",), family=FA.AMBIENT),
    _g("trip-hop", ("trip hop", "triphop", "bristol sound"),
       (70, 100, 85), 0.2, F.BOOM_BAP, (MIN,), ("D", "A", "E", "G", "C"),
       ("drum machine", "bass", "strings", "synth pad", "vinyl crackle", "female vocals"), 0.4,
       ("moody", "dark"), family=FA.HIPHOP),
    _g("rock", ("rock music", "rock song", "classic rock", "soft rock", "rock and roll", "rock n roll",
                "rock 'n' roll", "garage rock", "stoner rock", "southern rock", "blues rock", "progressive rock", "prog rock", "psychedelic rock", "surf rock"),
       (100, 150, 120), 0.0, F.ROCK, (MAJ, MIX, MIN), _GUITAR_KEYS,
       ("drum kit", "bass guitar", "distorted guitar", "lead guitar"), 0.75, ("energetic",), family=FA.ROCK),
    _g("hard rock", ("heavy rock", "arena rock", "grunge"),
       (110, 160, 130), 0.0, F.ROCK, (MIN, MIX), ("E", "A", "D", "G"),
       ("drum kit", "bass guitar", "distorted guitar", "lead guitar"), 0.85, ("aggressive", "intense"), family=FA.ROCK),
    _g("metal", ("heavy metal", "metal music", "thrash metal", "death metal", "black metal", "metalcore",
                 "doom metal", "nu metal", "nu-metal", "power metal", "djent", "thrash", "progressive metal"),
       (100, 200, 150), 0.0, F.ROCK, (MIN, PHR), ("E", "D", "C", "B", "A"),
       ("drum kit", "bass guitar", "distorted guitar", "lead guitar"), 0.95, ("aggressive", "intense"), family=FA.ROCK),
    _g("punk", ("punk rock", "pop punk", "pop-punk", "hardcore punk", "skate punk", "post-punk",
                "post punk", "emo"),
       (150, 200, 170), 0.0, F.ROCK, (MAJ, MIN), _GUITAR_KEYS,
       ("drum kit", "bass guitar", "distorted guitar", "male vocals"), 0.9, ("energetic", "rebellious"), family=FA.ROCK),
    _g("indie rock", ("indie", "alternative rock", "alt rock", "alt-rock", "alternative", "indie pop",
                      "indie-pop", "britpop", "indie folk", "dream pop", "bedroom pop", "shoegaze",
                      "post-rock", "post rock", "math rock"),
       (90, 140, 118), 0.0, F.BACKBEAT, (MAJ, MIN, MIX), ("D", "G", "A", "E", "C"),
       ("drum kit", "bass guitar", "electric guitar", "lead guitar", "synth pad"), 0.65, ("nostalgic",), family=FA.ROCK),
    _g("jazz", ("jazz music", "smooth jazz", "bebop", "cool jazz", "jazz fusion", "swing jazz",
                "big band", "jazz trio", "jazz quartet", "nu jazz", "acid jazz", "modal jazz", "jazzy"),
       (80, 200, 120), 0.6, F.SWING, (DOR, MAJ, MIX), ("Bb", "F", "Eb", "C", "Ab"),
       ("brushed drums", "upright bass", "piano", "saxophone"), 0.5, ("chill", "elegant"), family=FA.JAZZ),
    _g("swing", ("swing music", "electro swing", "big band swing"),
       (120, 200, 160), 0.65, F.SWING, (MAJ,), _FLAT_KEYS,
       ("drum kit", "upright bass", "piano", "brass section", "trumpet"), 0.75, ("happy", "playful"), family=FA.JAZZ),
    _g("blues", ("blues music", "12-bar blues", "twelve bar blues",
                 "bluesy"),
       (60, 130, 90), 0.55, F.SHUFFLE, (MIX, MIN, MAJ), ("E", "A", "G", "C", "Bb"),
       ("drum kit", "bass guitar", "electric guitar", "harmonica", "lead guitar"), 0.5,
       ("emotional", "gritty"), family=FA.BLUES),
    _g("gospel", ("gospel music", "praise and worship", "worship music", "christian music",
                  "spiritual music"),
       (70, 120, 90), 0.3, F.BACKBEAT, (MAJ,), ("Ab", "Eb", "Bb", "F", "C", "C#"),
       ("drum kit", "bass guitar", "organ", "piano", "choir"), 0.65, ("uplifting", "spiritual"), family=FA.CHORAL),
    _g("country", ("country music", "country song", "americana", "honky tonk", "country pop",
                   "country rock", "western", "outlaw country"),
       (80, 130, 104), 0.1, F.BACKBEAT, (MAJ, MIX), ("G", "D", "A", "E", "C"),
       ("drum kit", "bass guitar", "acoustic guitar", "fiddle", "lead guitar"), 0.55, ("warm", "nostalgic"), family=FA.FOLK),
    _g("bluegrass", ("bluegrass music", "old-time", "appalachian", "hillbilly"),
       (100, 160, 130), 0.05, F.BACKBEAT, (MAJ, MIX), ("G", "A", "D", "C", "E"),
       ("upright bass", "banjo", "acoustic guitar", "fiddle", "mandolin"), 0.7, ("energetic", "happy"), family=FA.FOLK),
    _g("folk", ("folk music", "folk song", "traditional folk",
                "singer-songwriter", "acoustic folk", "sea shanty", "shanty", "folklore"),
       (70, 130, 100), 0.05, F.FOLK, (MAJ, DOR, MIX, MIN), ("G", "D", "A", "C", "E"),
       ("percussion", "upright bass", "acoustic guitar", "violin"), 0.45, ("warm", "nostalgic"), family=FA.FOLK),
    _g("reggae", ("reggae music", "roots reggae", "ska", "rocksteady", "lovers rock"),
       (60, 90, 75), 0.2, F.HALF_TIME, (MAJ, MIN), ("A", "G", "D", "C", "E"),
       ("drum kit", "bass guitar", "electric guitar", "organ"), 0.5, ("chill", "uplifting"), family=FA.POP),
    _g("dub", ("dub music", "dub reggae", "dub techno"),
       (60, 90, 72), 0.2, F.HALF_TIME, (MIN,), ("A", "G", "D", "E"),
       ("drum kit", "sub bass", "organ", "sound effects"), 0.4, ("hypnotic", "dreamy"), family=FA.POP),
    _g("dancehall", ("dance hall", "ragga", "bashment", "soca"),
       (90, 110, 100), 0.1, F.HALF_TIME, (MIN, MAJ), ("C", "D", "F", "G"),
       ("drum machine", "synth bass", "synth lead", "percussion"), 0.75, ("energetic",), family=FA.POP, sidechain=True),
    _g("reggaeton", ("reggaetón", "dembow", "latin trap", "perreo", "urbano"),
       (88, 100, 94), 0.0, F.DEMBOW, (MIN,), ("C#", "F", "A", "G"),
       ("drum machine", "808 bass", "synth pad", "synth lead"), 0.75, ("romantic", "energetic"), family=FA.HIPHOP, sidechain=True),
    _g("afrobeats", ("afrobeat", "afro beats", "afro-beat", "afro pop", "afropop", "amapiano", "afro house",
                     "highlife"),
       (95, 125, 105), 0.3, F.FOUR_ON_THE_FLOOR, (MAJ, MIN, DOR), ("C", "F", "G", "A", "Bb"),
       ("drum machine", "bass", "percussion", "electric guitar", "synth pad"), 0.7, ("groovy", "happy"), family=FA.POP, sidechain=True),
    _g("latin", ("latin music", "salsa", "salsa music", "salsa dura", "son montuno", "timba", "merengue", "bachata", "mambo", "cha cha", "son cubano",
                 "latin dance music", "latin dance", "latin jazz"),
       (90, 130, 110), 0.1, F.CLAVE, (MIN, MAJ), ("A", "D", "E", "G", "C"),
       ("percussion", "congas", "bass", "piano", "brass section", "acoustic guitar"), 0.75,
       ("happy", "romantic"), family=FA.LATIN),
    _g("bossa nova", ("bossa", "bossanova", "mpb", "brazilian jazz"),
       (110, 145, 130), 0.1, F.BOSSA, (MAJ, DOR), ("F", "C", "D", "G", "Bb"),
       ("brushed drums", "upright bass", "acoustic guitar", "flute"), 0.4, ("chill", "romantic"), family=FA.LATIN),
    _g("classical", ("classical music", "western classical music", "western classical", "orchestral music",
                     "symphony", "concerto", "sonata",
                     "opera", "piano sonata", "classical piece", "neoclassical", "neo-classical",
                     "modern classical", "contemporary classical", "minimalism", "minimalist music"),
       (60, 140, 90), 0.0, F.NONE, (MAJ, MIN), ("C", "D", "G", "F", "Bb", "A"),
       ("strings", "piano", "cello", "flute"), 0.4, ("elegant",), family=FA.CLASSICAL),
    _g("cinematic", ("film score", "movie soundtrack", "soundtrack", "film music", "movie music",
                     "epic orchestral", "trailer music", "orchestral", "epic music", "cinematic music",
                     "game music", "video game music"),
       (70, 130, 90), 0.0, F.ORCHESTRAL, (MIN, AEO, DOR), ("D", "C", "A", "E", "F"),
       ("taiko", "timpani", "strings", "brass section", "choir", "cello"), 0.7, ("epic", "dramatic"), family=FA.ORCHESTRAL),
    _g("chiptune", ("8-bit", "8 bit", "8bit", "chip music", "chiptunes", "bitpop", "16-bit", "nes music"),
       (120, 170, 140), 0.0, F.BACKBEAT, (MAJ, MIN), ("C", "A", "G", "E"),
       ("drum machine", "synth bass", "chiptune lead", "arpeggiator"), 0.75, ("playful", "nostalgic"), family=FA.POP),
    _g("world", ("world music", "ethnic", "traditional music", "bollywood",
                 "asian music", "regional music",
                 "oriental", "devotional", "qawwali"),
       (70, 130, 100), 0.1, F.WORLD, (PHR, DOR, MIN, MAJ), ("D", "C#", "E", "A", "G"),
       ("tabla", "percussion", "sitar", "drone", "bass"), 0.55, ("spiritual",), generic=True, family=FA.WORLD),
    _g("indian classical", ("hindustani", "hindustani classical", "carnatic", "carnatic music", "raga",
                            "indian classical music", "hindustani classical music"),
       (60, 140, 90), 0.0, F.WORLD, (PHR, DOR, MAJ), ("C#", "D", "E", "C"),
       ("tabla", "tanpura", "sitar", "bansuri"), 0.45, ("spiritual", "calm"), family=FA.WORLD),
    _g("waltz", ("waltz music", "valse", "viennese waltz", "jazz waltz"),
       (84, 180, 150), 0.0, F.WALTZ, (MAJ, MIN), ("D", "G", "C", "F", "A"),
       ("drum kit", "upright bass", "piano", "strings", "accordion"), 0.45, ("elegant", "romantic"), "3/4", family=FA.POP),
    _g("lullaby", ("lullabies", "nursery rhyme", "cradle song", "children's music", "kids music"),
       (60, 90, 72), 0.0, F.WALTZ, (MAJ,), ("C", "F", "G", "D"),
       ("music box", "synth pad", "harp", "piano"), 0.15, ("calm",), "3/4", family=FA.POP),
    _g("ballad", ("power ballad", "love song", "slow song", "piano ballad"),
       (60, 90, 72), 0.1, F.BACKBEAT, (MAJ, MIN), ("C", "G", "D", "F", "Eb", "Bb"),
       ("drum kit", "bass", "piano", "strings", "vocals"), 0.4, ("emotional", "romantic"), family=FA.POP),
    _g("jingle", ("commercial jingle", "advertising music", "corporate music", "corporate", "ad music",
                  "commercial music", "upbeat corporate"),
       (100, 130, 118), 0.0, F.BACKBEAT, (MAJ,), ("C", "G", "D", "F"),
       ("drum machine", "bass", "acoustic guitar", "piano", "hand claps", "glockenspiel"), 0.65,
       ("energetic", "uplifting"), family=FA.POP),
    _g("march", ("marching band", "military march", "brass band", "marching music"),
       (100, 130, 116), 0.0, F.MARCH, (MAJ,), _FLAT_KEYS,
       ("snare", "tuba", "brass section", "trumpet", "cymbals"), 0.7, ("epic", "proud"), "2/4", family=FA.ORCHESTRAL),
    # ---- classical and chamber (no drum part; the ensemble word or these bands decide the parts)
    _g("baroque", ("baroque music", "baroque era", "baroque period", "baroque style", "baroque piece",
                   "concerto grosso", "baroque concerto", "baroque suite"),
       (60, 130, 96), 0.0, F.NONE, (MAJ, MIN), _CLASSICAL_KEYS,
       ("harpsichord", "strings", "violin", "cello"), 0.5, ("elegant",), family=FA.CLASSICAL),
    _g("classical era", ("classical period", "viennese classical", "classical style", "galant style",
                         "classical-era", "classical sonata", "classical symphony"),
       (60, 150, 108), 0.0, F.NONE, (MAJ, MIN), _CLASSICAL_KEYS,
       ("piano", "strings", "violin", "cello"), 0.5, ("elegant", "happy"), family=FA.CLASSICAL),
    _g("romantic era", ("romantic period", "romanticism", "late romantic", "romantic classical",
                        "19th century romantic", "romantic piano music", "romantic-era"),
       (50, 140, 80), 0.0, F.NONE, (MIN, MAJ), ("C#", "Eb", "Ab", "F", "Bb", "E", "A"),
       ("piano", "strings", "violin", "cello"), 0.45, ("romantic", "emotional"), family=FA.CLASSICAL),
    _g("impressionist", ("impressionism", "impressionist music", "impressionistic", "impressionist style"),
       (50, 110, 72), 0.0, F.NONE, (LYD, MAJ, DOR), ("C#", "F#", "Eb", "E", "A"),
       ("piano", "harp", "flute", "strings"), 0.3, ("dreamy", "calm"), family=FA.CLASSICAL),
    _g("chamber music", ("chamber piece", "chamber work", "chamber ensemble", "chamber style",
                         "string quartet music", "chamber music piece"),
       (60, 140, 96), 0.0, F.NONE, (MAJ, MIN), _CLASSICAL_KEYS,
       ("violin", "violin", "viola", "cello"), 0.45, ("elegant",), family=FA.CLASSICAL),
    # ---- choral
    _g("choral music", ("choir music", "sacred choral", "sacred choral music", "motet", "madrigal",
                  "mass setting", "requiem", "gregorian chant", "plainchant", "plainsong", "choral piece",
                  "oratorio", "cantata", "choral work"),
       (50, 110, 72), 0.0, F.NONE, (MAJ, MIN, AEO), _CLASSICAL_KEYS,
       ("choir",), 0.4, ("spiritual", "calm"), family=FA.CHORAL),
    _g("hymn", ("hymns", "chorale", "chorales", "hymnal", "church hymn", "hymn tune", "psalm", "psalms",
                "hymn singing"),
       (56, 100, 76), 0.0, F.NONE, (MAJ,), ("G", "D", "F", "Eb", "C", "Bb"),
       ("choir", "pipe organ"), 0.4, ("spiritual",), family=FA.CHORAL),
    # ---- folk traditions
    _g("celtic", ("celtic music", "irish folk", "scottish folk", "celtic folk", "irish trad",
                  "trad irish", "gaelic", "breton", "irish traditional", "irish music", "scottish music",
                  "celtic traditional", "ceili"),
       (90, 180, 120), 0.0, F.FOLK, (DOR, MAJ, MIX), ("D", "G", "A", "E"),
       ("fiddle", "tin whistle", "acoustic guitar", "bodhran"), 0.65, ("energetic", "happy"),
       family=FA.FOLK),
    _g("klezmer", ("klezmer music", "jewish folk", "freilach", "yiddish folk"),
       (80, 160, 120), 0.0, F.FOLK, (PHR, MIN, DOR), ("D", "A", "G", "E"),
       ("clarinet", "violin", "accordion", "upright bass"), 0.65, ("happy", "melancholic"), family=FA.FOLK),
    _g("balkan", ("balkan music", "balkan brass", "balkan folk", "gypsy music", "romani music", "greek folk",
                  "rebetiko", "bulgarian folk", "balkan beat", "gypsy brass"),
       (90, 170, 130), 0.0, F.FOLK, (PHR, MIN), ("D", "G", "A", "E"),
       ("trumpet", "clarinet", "accordion", "tuba", "frame drum"), 0.75, ("energetic", "happy"), "7/8",
       family=FA.FOLK),
    _g("flamenco", ("flamenco music", "rumba flamenca", "sevillanas", "bulerias", "bulerías", "solea",
                    "soleá", "nuevo flamenco", "spanish flamenco"),
       (80, 170, 120), 0.0, F.FOLK, (PHR, MIN), ("E", "A", "B", "F#"),
       ("acoustic guitar", "cajon", "castanets"), 0.7, ("romantic", "dramatic"), family=FA.FOLK),
    _g("polka", ("polka music", "polkas", "oberkrainer", "oompah", "oom-pah"),
       (100, 150, 124), 0.0, F.MARCH, (MAJ,), ("F", "Bb", "C", "G", "Eb"),
       ("accordion", "tuba", "clarinet", "snare"), 0.75, ("happy", "playful"), "2/4", family=FA.FOLK),
    # ---- blues variants
    _g("delta blues", ("country blues", "acoustic blues", "mississippi blues", "delta-blues"),
       (60, 120, 84), 0.6, F.SHUFFLE, (MIX, MIN), ("E", "A", "G", "D"),
       ("acoustic guitar", "harmonica"), 0.4, ("emotional", "gritty"), family=FA.BLUES),
    _g("chicago blues", ("electric blues", "chicago-style blues", "chicago style blues"),
       (70, 140, 100), 0.55, F.SHUFFLE, (MIX, MIN), ("E", "A", "G", "C", "Bb"),
       ("drum kit", "bass guitar", "electric guitar", "harmonica", "piano"), 0.6, ("emotional", "gritty"),
       family=FA.BLUES),
    # ---- latin
    _g("tango", ("tango music", "argentine tango", "tango nuevo", "nuevo tango", "milonga", "tango argentino"),
       (100, 132, 118), 0.0, F.TANGO, (MIN, MAJ), ("A", "D", "E", "G", "C"),
       ("bandoneon", "violin", "piano", "double bass"), 0.65, ("dramatic", "romantic"), family=FA.LATIN),
    _g("samba", ("samba music", "samba de roda", "pagode", "samba enredo", "brazilian samba", "samba reggae"),
       (90, 130, 104), 0.1, F.SAMBA, (MAJ, MIN), ("D", "G", "A", "C", "F"),
       ("surdo", "cavaquinho", "acoustic guitar", "bass", "flute"), 0.8, ("happy", "energetic"), "2/4",
       family=FA.LATIN),
    _g("cumbia", ("cumbia music", "cumbia colombiana", "cumbia villera", "chicha", "cumbia sonidera"),
       (80, 110, 92), 0.1, F.CLAVE, (MIN, MAJ), ("A", "D", "G", "C", "E"),
       ("accordion", "bass guitar", "guiro", "congas", "acoustic guitar"), 0.7, ("happy", "groovy"),
       family=FA.LATIN),
    # ---- world traditions
    _g("middle eastern", ("arabic music", "middle eastern music", "maqam", "arabic classical",
                          "persian classical", "persian music", "turkish music", "turkish classical",
                          "armenian music", "belly dance", "bellydance", "arab music"),
       (70, 130, 96), 0.1, F.WORLD, (PHR, MIN), ("D", "E", "C", "A", "G"),
       ("oud", "qanun", "ney", "darbuka"), 0.55, ("mysterious", "spiritual"), family=FA.WORLD),
    _g("african traditional", ("west african", "african music", "african traditional music", "griot",
                               "mande", "mandinka", "african drumming", "west african music", "afro traditional",
                               "african folk"),
       (90, 140, 110), 0.1, F.WORLD, (MAJ, MIX), ("C", "F", "G", "D", "A"),
       ("kora", "balafon", "djembe", "talking drum"), 0.65, ("happy", "warm"), family=FA.WORLD),
    _g("gamelan", ("gamelan music", "balinese gamelan", "javanese gamelan",
                   "indonesian music", "kecak"),
       (60, 140, 90), 0.0, F.WORLD, (MAJ, PHR), ("D", "E", "G", "A"),
       ("gamelan", "angklung", "gong"), 0.5, ("hypnotic", "mysterious"), family=FA.WORLD),
    _g("japanese traditional", ("japanese traditional music", "gagaku", "min'yo", "minyo", "hogaku",
                                "japanese folk", "japanese music", "traditional japanese", "edo period"),
       (50, 120, 72), 0.0, F.WORLD, (PHR, AEO), ("D", "E", "A", "G"),
       ("koto", "shakuhachi", "taiko"), 0.4, ("calm", "mysterious"), family=FA.WORLD),
    _g("chinese traditional", ("chinese traditional music", "chinese folk", "guoyue", "chinese classical",
                               "chinese music", "traditional chinese"),
       (60, 120, 84), 0.0, F.WORLD, (MAJ, AEO), ("D", "G", "C", "F", "A"),
       ("guzheng", "erhu", "dizi"), 0.4, ("calm", "elegant"), family=FA.WORLD),
    _g("andean", ("andean music", "huayno", "peruvian folk", "andean folk",
                  "music of the andes"),
       (80, 140, 108), 0.0, F.WORLD, (MIN, AEO), ("A", "D", "E", "G"),
       ("pan flute", "charango", "frame drum"), 0.55, ("melancholic", "warm"), family=FA.WORLD),
    _g("calypso", ("calypso music", "steel band music", "steelpan music", "trinidadian"),
       (100, 130, 112), 0.1, F.CLAVE, (MAJ,), ("C", "F", "G", "D", "Bb"),
       ("steel drums", "bass guitar", "drum kit", "congas"), 0.7, ("happy",), family=FA.WORLD),
    # ---- ambient with sparse, textural percussion
    _g("psybient", ("psychill", "ambient psy", "psy ambient", "psychedelic ambient", "psydub"),
       (70, 110, 90), 0.0, F.AMBIENT, (PHR, MIN, DOR), ("D", "E", "F#", "A"),
       ("synth pad", "synth bass", "percussion", "atmosphere", "synth lead"), 0.4, ("hypnotic", "dreamy"),
       family=FA.AMBIENT),
)
# fmt: on

DEFAULT_GENRE = "electronic"
"""Used when the text names no genre and nothing in it implies one."""

GENRES_BY_NAME: dict[str, GenreProfile] = {profile.name: profile for profile in GENRES}
