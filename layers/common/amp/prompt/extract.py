"""Extractors: each reads one kind of fact from cleaned text. Pure functions over strings.

Lower-cased text is used everywhere except key names, where "A minor" (a key) and "a minor key"
(a mode) differ only by case.
"""

import re
from dataclasses import dataclass

from amp.domain.errors import InvalidInput
from amp.domain.spec import PITCH_CLASSES, SEED_LIMIT, Mode, Role
from amp.prompt.instruments import alias_pattern, normalise_alias
from amp.prompt.text import NegationScopes
from amp.prompt.words import (
    ENERGY_PHRASES,
    LESS_WORDS,
    MOOD_WORDS,
    ROLE_WORDS,
    STRUCTURE_WORDS,
    TEMPO_WORDS,
    MoodWord,
)

# ---------------------------------------------------------------- tempo

_NUMBER = r"\d{1,3}(?:\.\d+)?"
_BPM_UNIT = r"(?:bpm|b\.p\.m\.?|beats?[\s-]+per[\s-]+minute|beats?\s*/\s*min(?:ute)?)"
_BPM_AFTER = re.compile(
    rf"(?<![\w.])(?:between\s+)?(?P<n>{_NUMBER})(?:\s*(?:-|to|and|/)\s*(?P<n2>{_NUMBER}))?\s*-?{_BPM_UNIT}"
    r"(?![a-z])"
)
_BPM_BEFORE = re.compile(
    r"(?<![\w-])(?:bpm|tempo)\s*(?:of|is|=|:|at|around|about|~|near|set to|to)?\s*"
    rf"(?:around|about|~|roughly|approx\.?|approximately|of)?\s*(?P<n>{_NUMBER})(?![\d])(?!\s*(?:%|x\b|bars?))"
)
_BPM_AT = re.compile(
    rf"(?<![\w-])(?:at|@|around)\s*~?\s*(?P<n>{_NUMBER})(?![\d.])"
    r"(?!\s*(?:%|percent|seconds?|secs?|s\b|minutes?|mins?|min\b|hz|khz|db|am\b|pm\b|:|x\b|times|years?|bars?"
    r"|beats?\s+long|k\b|kbps|fps|degrees|o'clock|hours?|hrs?|ms\b))"
)
_FEEL = re.compile(r"(?<![\w-])(?P<kind>half|double)[\s-]?time(?![\w-])")


@dataclass(frozen=True)
class TempoFound:
    bpm: float
    text: str


def find_bpm(lowered: str) -> TempoFound | None:
    """A tempo written as a number: "174 bpm", "128 beats per minute", "tempo 90", "at 124", a range
    "120-125 bpm" (its middle). Values are returned unclamped; the parser clamps and notes it."""
    for pattern in (_BPM_AFTER, _BPM_BEFORE):
        match = pattern.search(lowered)
        if match:
            value = float(match.group("n"))
            second = match.groupdict().get("n2")
            if second is not None:
                value = (value + float(second)) / 2
            return TempoFound(value, match.group(0).strip())
    for match in _BPM_AT.finditer(lowered):
        value = float(match.group("n"))
        if 30 <= value <= 300:
            return TempoFound(value, match.group(0).strip())
    return None


_TEMPO_WORD_PATTERN = alias_pattern(list(TEMPO_WORDS))


def find_tempo_word(lowered: str, negations: NegationScopes) -> tuple[float, str] | None:
    """The first non-negated tempo word, as a relative position in a tempo range (0 slow .. 1 fast)."""
    for match in _TEMPO_WORD_PATTERN.finditer(lowered):
        if not negations.covers(match.start()):
            return TEMPO_WORDS[normalise_alias(match.group(0))], match.group(0)
    return None


def find_feels(lowered: str) -> list[str]:
    """Half-time / double-time feel words, as structure hints (the tempo number stays as stated)."""
    return [f"{match.group('kind')}-time feel" for match in _FEEL.finditer(lowered)]


# ---------------------------------------------------------------- key and mode

_MODE_NAMES = "major|minor|ionian|dorian|phrygian|lydian|mixolydian|aeolian|locrian"
_KEY = re.compile(
    r"(?P<ctx>(?<![\w-])(?i:in the key of|in key of|key of|in key|key|tonic|tonality|root|in)"
    r"(?:\s*:\s*|\s+))?"
    r"(?<![\w#])(?P<letter>[A-Ga-g])"
    r"(?P<acc>#|b(?![a-ln-z])|[\s-]?(?i:sharp|flat)(?![a-z]))?"
    rf"(?:(?P<short>m|min|maj)(?![a-z])|[\s-]*(?P<mode>(?i:{_MODE_NAMES}))(?![a-z]))?"
    r"(?![\w#])"
)
_MODE_ONLY = re.compile(
    rf"(?<![\w-])(?:(?P<mode>{_MODE_NAMES})[\s-]+(?:key|mode|scale|tonality|feel|vibe|sound|chords?|progressions?"
    r"|harmony|harmonies|melody|melodies|tones?|vibes)(?![\w])"
    rf"|in\s+(?:a\s+)?(?P<mode2>{_MODE_NAMES})(?![\w-]))"
)
_MODE_FOLLOWERS = frozenset(
    [
        "key",
        "feel",
        "tonality",
        "scale",
        "vibe",
        "mode",
        "chord",
        "chords",
        "progression",
        "sound",
        "tone",
        "melody",
        "harmony",
        "harmonies",
        "tune",
        "piece",
        "song",
        "track",
        "vibes",
    ]
)
_IN_FOLLOWERS = frozenset(["key", "at", "with", "and", "for", "please", "major", "minor"])
_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SHORT_MODES = {"m": Mode.MINOR, "min": Mode.MINOR, "maj": Mode.MAJOR}


@dataclass(frozen=True)
class KeyFound:
    key: str | None
    mode: Mode | None
    text: str


def pitch_class_name(letter: str, accidental: str) -> str:
    """Canonical spelling of a note: Db -> C#, D# -> Eb, Cb -> B, E# -> F."""
    accidental = accidental.strip(" -").lower()
    shift = 1 if accidental in ("#", "sharp") else -1 if accidental in ("b", "flat") else 0
    return PITCH_CLASSES[(_LETTER_PC[letter.upper()] + shift) % 12]


def mode_from_word(word: str) -> Mode:
    word = word.lower()
    if word in _SHORT_MODES:
        return _SHORT_MODES[word]
    if word == "ionian":
        return Mode.MAJOR
    return Mode(word)


def _next_word(text: str, position: int) -> str:
    match = re.match(r"[\s-]*([A-Za-z]+)", text[position : position + 24])
    return match.group(1).lower() if match else ""


def find_key(text: str) -> KeyFound | None:
    """The first key statement in case-kept text: "in F minor", "F#m", "Bb major", "key of D",
    "A dorian", "C-sharp minor". "a minor key" alone states only the mode."""
    for match in _KEY.finditer(text):
        letter, acc = match.group("letter"), match.group("acc") or ""
        short, long_mode = match.group("short"), match.group("mode")
        context = (match.group("ctx") or "").strip(" :").lower()
        after = _next_word(text, match.end())
        if long_mode:
            mode = mode_from_word(long_mode)
            mode_only = (
                not acc
                and letter in "aA"
                and (
                    (letter == "a" and context != "in" and "key" not in context)
                    or (not context and after in _MODE_FOLLOWERS)
                    or (letter == "a" and after in _MODE_FOLLOWERS)
                )
            )
            if mode_only:
                return KeyFound(None, mode, match.group(0).strip())
            return KeyFound(pitch_class_name(letter, acc), mode, match.group(0).strip())
        if short:
            if not letter.isupper() or (letter == "A" and not acc and not context):
                continue
            return KeyFound(pitch_class_name(letter, acc), _SHORT_MODES[short], match.group(0).strip())
        if not context:
            continue
        if context == "in":
            rest = text[match.end() : match.end() + 2]
            ends_clause = rest == "" or rest[0] in ",.;:!?)\n" or after in _IN_FOLLOWERS
            if not letter.isupper() or not ends_clause:
                continue
        elif not letter.isupper() and "key" not in context:
            continue
        return KeyFound(pitch_class_name(letter, acc), None, match.group(0).strip())
    mode_only = _MODE_ONLY.search(text.lower())
    if mode_only:
        word = mode_only.group("mode") or mode_only.group("mode2")
        return KeyFound(None, mode_from_word(word), mode_only.group(0))
    return None


_KEY_NAME = re.compile(
    r"^\s*(?P<letter>[A-Ga-g])(?P<acc>#|b|[\s-]?sharp|[\s-]?flat)?"
    rf"\s*-?\s*(?P<mode>m|min|maj|{_MODE_NAMES})?\s*$",
    re.IGNORECASE,
)


def parse_key_name(name: str) -> tuple[str, Mode | None]:
    """A key name from an option or an analyser ("F#", "Gb", "f# minor", "Bbm") in canonical spelling.
    Raises InvalidInput when it is not a key."""
    cleaned = name.replace("♯", "#").replace("♭", "b")
    match = _KEY_NAME.match(cleaned)
    if not match:
        raise InvalidInput(f"not a key: {name!r} (expected e.g. 'F#', 'Bb', 'A minor', 'F#m')")
    mode_word = match.group("mode")
    mode = mode_from_word(mode_word) if mode_word else None
    return pitch_class_name(match.group("letter"), match.group("acc") or ""), mode


# ---------------------------------------------------------------- time signature

_METER = re.compile(r"(?<![\d/.])(?P<num>\d{1,2})\s*/\s*(?P<den>\d{1,2})(?![\d/])")
_METER_WORDS = {
    "waltz": "3/4",
    "in three": "3/4",
    "triple meter": "3/4",
    "triple time": "3/4",
    "compound time": "6/8",
    "compound meter": "6/8",
    "common time": "4/4",
    "cut time": "2/2",
    "alla breve": "2/2",
    "march time": "2/4",
}
_METER_WORD_PATTERN = alias_pattern(list(_METER_WORDS))
VALID_METERS = re.compile(r"^(2|3|4|5|6|7|9|12)/(2|4|8|16)$")


def find_time_signature(lowered: str) -> tuple[str | None, str, list[str]]:
    """A meter: "3/4", "in 6/8", "waltz", "common time". Returns (meter, matched text, notes); a
    well-formed but unsupported meter such as 11/8 is noted and ignored."""
    notes: list[str] = []
    for match in _METER.finditer(lowered):
        num, den = int(match.group("num")), int(match.group("den"))
        meter = f"{num}/{den}"
        if VALID_METERS.match(meter):
            return meter, match.group(0), notes
        if 2 <= num <= 15 and den in (2, 4, 8, 16):
            notes.append(f"time signature {meter} is not supported; used the genre's meter")
    word = _METER_WORD_PATTERN.search(lowered)
    if word:
        return _METER_WORDS[normalise_alias(word.group(0))], word.group(0), notes
    return None, "", notes


# ---------------------------------------------------------------- duration

# fmt: off
_NUMBER_WORDS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
    "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "eleven": 11.0, "twelve": 12.0, "fifteen": 15.0,
    "twenty": 20.0, "thirty": 30.0, "forty": 40.0, "forty five": 45.0, "fifty": 50.0, "sixty": 60.0,
    "ninety": 90.0, "half a": 0.5, "half an": 0.5, "a couple of": 2.0, "couple of": 2.0, "a few": 3.0,
    "couple": 2.0,
}
# fmt: on
_NUM = (
    r"(?:\d+(?:[.,]\d+)?|a couple of|couple of|a few|half an?|forty[\s-]five|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|an?)"
)
_HALF = r"(?P<half>[\s-]+and[\s-]+a[\s-]+half)?"
_MINUTES = re.compile(
    rf"(?<![\w.:])(?P<n>{_NUM}){_HALF}[\s-]*(?:minutes?|mins?\.?|min)(?![a-z])"
    rf"(?P<half2>[\s-]+and[\s-]+a[\s-]+half)?"
    r"(?:[\s,]*(?:and\s+)?(?P<s>\d{1,2})\s*(?:seconds?|secs?|s)(?![a-z]))?"
)
_SECONDS = re.compile(rf"(?<![\w.:])(?P<n>{_NUM})[\s-]*(?:seconds?|secs?\.?|sec)(?![a-z])")
_HOURS = re.compile(rf"(?<![\w.:])(?P<n>{_NUM})[\s-]*(?:hours?|hrs?)(?![a-z])")
_CLOCK = re.compile(r"(?<![\w.:])(?P<m>\d{1,2}):(?P<s>[0-5]\d)(?![\d:])(?!\s*(?:am|pm|a\.m|p\.m))")
_COMPACT = re.compile(r"(?<![\w.:])(?P<m>\d{1,2})m\s*(?P<s>\d{1,2})s(?![a-z])")
_BARE_S = re.compile(r"(?<!['\w.])(?P<n>\d{1,3})s(?![\w'])")
_ERA_BEFORE = re.compile(r"(?:the|late|early|mid|of|from|classic|'|\")[\s-]*$")
_ERA_AFTER = frozenset(
    [
        "style",
        "vibe",
        "vibes",
        "feel",
        "sound",
        "sounds",
        "music",
        "hip",
        "rock",
        "pop",
        "synth",
        "synths",
        "disco",
        "era",
        "inspired",
        "retro",
        "r&b",
        "house",
        "funk",
        "soul",
        "hip-hop",
        "nostalgia",
        "kids",
        "movie",
        "movies",
        "tv",
        "anime",
        "video",
        "game",
        "dance",
        "rave",
        "club",
        "jazz",
        "vintage",
    ]
)
# fmt: off
_LENGTH_WORDS = {
    "very short": 15.0, "super short": 15.0, "really short": 15.0, "tiny": 15.0,
    "short": 30.0, "brief": 30.0, "quick": 30.0, "little": 30.0,
    "long": 180.0, "longer": 180.0, "lengthy": 180.0,
    "extended": 240.0, "full-length": 240.0, "full length": 240.0,
    "very long": 300.0, "epic length": 300.0,
}
# fmt: on
_LENGTH = re.compile(
    r"(?<![\w-])(?P<word>very short|super short|really short|tiny|short|brief|quick|little|very long|long"
    r"|longer|lengthy|extended|full[\s-]length)\s+(?:\w+\s+)?(?:track|song|piece|clip|loop|jingle|tune|beat"
    r"|version|instrumental|sting|stinger|one|demo|sketch|composition|cue|idea|excerpt|snippet|mix|edit"
    r"|bumper|theme)s?(?![\w-])"
    r"|(?:keep it|make it|keep this|make this|should be|fairly|quite)\s+(?P<word2>very short|short|brief|long"
    r"|very long)(?![\w-])"
)


@dataclass(frozen=True)
class DurationFound:
    seconds: float
    stated: bool
    """True for a number the listener wrote; False for a length word ("short")."""
    text: str


def _number(word: str) -> float:
    word = normalise_alias(word).replace(",", ".")
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    return float(word)


def _is_era(lowered: str, match: re.Match[str]) -> bool:
    value = int(match.group("n"))
    if value % 10 or not 10 <= value <= 90:
        return False
    before = lowered[max(0, match.start() - 12) : match.start()]
    after = _next_word(lowered, match.end())
    return bool(_ERA_BEFORE.search(before)) or after in _ERA_AFTER


def find_duration(lowered: str, negations: NegationScopes) -> DurationFound | None:
    """A length: "2 minutes", "90 seconds", "1:30", "2m30s", "two and a half minutes", "a 30s loop"
    (but "90s hip hop" is an era), or a length word ("short track"). Unclamped."""
    candidates: list[tuple[int, DurationFound]] = []

    def add(match: re.Match[str] | None, seconds: float) -> None:
        if match is not None:
            candidates.append((match.start(), DurationFound(seconds, True, match.group(0))))

    minutes = _MINUTES.search(lowered)
    if minutes:
        half = 0.5 if minutes.group("half") or minutes.group("half2") else 0.0
        add(minutes, (_number(minutes.group("n")) + half) * 60 + float(minutes.group("s") or 0))
    for pattern in (_CLOCK, _COMPACT):
        clock = pattern.search(lowered)
        if clock and int(clock.group("m")) <= 20:
            add(clock, float(int(clock.group("m")) * 60 + int(clock.group("s"))))
    seconds = _SECONDS.search(lowered)
    if seconds:
        add(seconds, _number(seconds.group("n")))
    hours = _HOURS.search(lowered)
    if hours:
        add(hours, _number(hours.group("n")) * 3600)
    for bare in _BARE_S.finditer(lowered):
        if int(bare.group("n")) <= 300 and not _is_era(lowered, bare):
            add(bare, float(bare.group("n")))
            break
    candidates = [c for c in candidates if not negations.covers(c[0]) and c[1].seconds > 0]
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    for match in _LENGTH.finditer(lowered):
        if negations.covers(match.start()):
            continue
        word = normalise_alias(match.group("word") or match.group("word2"))
        return DurationFound(
            _LENGTH_WORDS.get(word, _LENGTH_WORDS.get(word.replace(" ", "-"), 30.0)), False, match.group(0)
        )
    return None


# ---------------------------------------------------------------- mood, energy, structure, exclusions

_MOOD_PATTERN = alias_pattern(list(MOOD_WORDS))
_ENERGY_PATTERN = alias_pattern(list(ENERGY_PHRASES))
_ENERGY_NUMBER = re.compile(
    r"(?<![\w-])energy(?:\s+level)?\s*(?:of|=|:|at|is|around|about)?\s*(?P<n>\d+(?:\.\d+)?)"
    r"\s*(?P<unit>%|/\s*10(?!\d)|/\s*100|out of 10(?!\d)|out of 100)?"
)
_STRUCTURE_PATTERN = alias_pattern(list(STRUCTURE_WORDS))
_ROLE_WORD_PATTERN = alias_pattern(list(ROLE_WORDS))
_LESS = re.compile(r"(?<![\w-])(?P<word>" + "|".join(LESS_WORDS) + r")s?-?less(?![\w-])")
_SEED = re.compile(r"(?<![\w-])seed\s*(?:=|:|of|is|#|number)?\s*(?P<n>\d{1,10})(?!\d)")
_INSTRUMENTAL = re.compile(r"(?<![\w-])(?:instrumental|no[\s-]vocal|non[\s-]vocal)(?![\w-])")
_A_CAPPELLA = re.compile(
    r"(?<![\w-])(?:a[\s-]?cappella|acapella|a[\s-]capella|vocals? only|only vocals?)(?![\w-])"
)


def find_moods(lowered: str, negations: NegationScopes) -> list[tuple[str, MoodWord]]:
    """Non-negated mood words in order, as (matched text, MoodWord)."""
    return [
        (match.group(0), MOOD_WORDS[normalise_alias(match.group(0))])
        for match in _MOOD_PATTERN.finditer(lowered)
        if not negations.covers(match.start()) and normalise_alias(match.group(0)) in MOOD_WORDS
    ]


def find_energy(lowered: str) -> tuple[float, str] | None:
    """An explicit energy: "high-energy", "low energy", "energy 0.8", "energy 7/10", "energy 70%"."""
    match = _ENERGY_NUMBER.search(lowered)
    if match:
        value, unit = float(match.group("n")), (match.group("unit") or "").replace(" ", "")
        if unit in ("/10", "outof10") or (not unit and 1 < value <= 10):
            value /= 10
        elif unit in ("%", "/100", "outof100") or value > 10:
            value /= 100
        return min(1.0, max(0.0, value)), match.group(0)
    phrase = _ENERGY_PATTERN.search(lowered)
    if phrase:
        return ENERGY_PHRASES[normalise_alias(phrase.group(0))], phrase.group(0)
    return None


def find_structure(lowered: str, negations: NegationScopes) -> list[str]:
    """Arrangement hints in order of mention, without repeats."""
    hints: list[str] = []
    for match in _STRUCTURE_PATTERN.finditer(lowered):
        hint = STRUCTURE_WORDS[normalise_alias(match.group(0))]
        if hint == "loop" and lowered[max(0, match.start() - 5) : match.start()] in ("drum ", "drum-"):
            continue  # "drum loop" is an instrument, not a request for a loopable track
        if not negations.covers(match.start()) and hint not in hints:
            hints.append(hint)
    return hints


def find_exclusions(lowered: str, negations: NegationScopes) -> list[Role]:
    """Roles the listener ruled out: "no drums", "without vocals", "drumless", "no melody"."""
    roles: list[Role] = []
    for match in _ROLE_WORD_PATTERN.finditer(lowered):
        if negations.covers(match.start()):
            roles.extend(ROLE_WORDS[normalise_alias(match.group(0))])
    for match in _LESS.finditer(lowered):
        roles.extend(LESS_WORDS[match.group("word")])
    return list(dict.fromkeys(roles))


def says_instrumental(lowered: str) -> bool:
    return bool(_INSTRUMENTAL.search(lowered))


def says_a_cappella(lowered: str) -> bool:
    return bool(_A_CAPPELLA.search(lowered))


def find_seed(lowered: str) -> int | None:
    match = _SEED.search(lowered)
    if match and int(match.group("n")) < SEED_LIMIT:
        return int(match.group("n"))
    return None
