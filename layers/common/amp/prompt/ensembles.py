"""Ensembles: the words that name or limit the band, and one stem per named instrument.

Three things a listener says about the band besides naming instruments:

* an ensemble noun that implies its instruments ("string quartet" = two violins, viola, cello;
  "jazz trio" = piano, upright bass, drums; "choir" = voices);
* a limit: "solo", "duet", "trio", "unaccompanied", "a cappella", "just X", "X only", "no band",
  "no rhythm section": the named instruments are the whole band and nothing is added to them;
* how many: "two violins", "a violin duet" (one instrument named, twice).

`spread_roles` then gives each acoustic instrument its own stem when several share a default role
(violin, viola and cello are all melody instruments): by register, the highest keeps the lead and
the lowest takes the bass, the others take the free roles in between.
"""

import re
from dataclasses import dataclass, field

from amp.domain.spec import Instrument, Role
from amp.prompt.instruments import InstrumentEntry, alias_pattern, entry_for_alias, normalise_alias
from amp.prompt.text import NegationScopes


@dataclass(frozen=True)
class Ensemble:
    """A named ensemble: its instruments (by vocabulary name, repeats allowed) and the genre it
    implies when the text names none (None: it implies nothing). A closed ensemble is the whole
    band ("string quartet"); an open one ("choir") is the whole band only when nothing else is named
    and no genre of another family is stated ("epic orchestral with choir" keeps its orchestra)."""

    name: str
    aliases: tuple[str, ...]
    instruments: tuple[str, ...]
    genre: str | None
    closed: bool = True


def _ens(
    name: str, instruments: tuple[str, ...], genre: str | None, *aliases: str, closed: bool = True
) -> Ensemble:
    return Ensemble(name, (name, *aliases), instruments, genre, closed)


_STRING_QUARTET = ("violin", "violin", "viola", "cello")
# fmt: off
ENSEMBLES: tuple[Ensemble, ...] = (
    _ens("string quartet", _STRING_QUARTET, "chamber music", "string quartets", "string quartet music"),
    _ens("string trio", ("violin", "viola", "cello"), "chamber music"),
    _ens("string quintet", ("violin", "violin", "viola", "viola", "cello"), "chamber music"),
    _ens("piano trio", ("piano", "violin", "cello"), "chamber music"),
    _ens("piano quartet", ("piano", "violin", "viola", "cello"), "chamber music"),
    _ens("piano quintet", ("piano", *_STRING_QUARTET), "chamber music"),
    _ens("brass quintet", ("trumpet", "trumpet", "french horn", "trombone", "tuba"), "chamber music",
         "brass quartet"),
    _ens("wind quintet", ("flute", "oboe", "clarinet", "french horn", "bassoon"), "chamber music",
         "woodwind quintet", "wind ensemble", "woodwind ensemble"),
    _ens("jazz trio", ("piano", "upright bass", "drum kit"), "jazz", "piano trio jazz"),
    _ens("jazz quartet", ("saxophone", "piano", "upright bass", "drum kit"), "jazz"),
    _ens("power trio", ("electric guitar", "bass guitar", "drum kit"), "rock", "rock trio"),
    _ens("choir", ("choir",), "choral music", "a choir", "chamber choir", "mixed choir", "satb choir", "satb",
         "church choir", "boys choir", "men's choir", "women's choir", "vocal ensemble", "choral ensemble", closed=False),
    _ens("barbershop quartet", ("male vocals", "male vocals", "male vocals", "male vocals"), "choral music",
         "barbershop"),
)
# fmt: on
_ALIAS_TO_ENSEMBLE = {normalise_alias(alias): ens for ens in ENSEMBLES for alias in ens.aliases}
ENSEMBLE_PATTERN = alias_pattern(list(_ALIAS_TO_ENSEMBLE))

_COUNT_WORDS = {
    "solo": 1, "duet": 2, "duo": 2, "trio": 3, "quartet": 4, "quintet": 5, "sextet": 6, "septet": 7,
    "octet": 8,
}  # fmt: skip
_COUNT = re.compile(r"(?<![\w-])(?P<word>duet|duo|trio|quartet|quintet|sextet|septet|octet)s?(?![\w-])")
_NUMBER_BEFORE = re.compile(
    r"(?:^|[\s(])(?P<n>two|three|four|five|six|2|3|4|5|6|a pair of|pair of|a couple of|twin|dual)\s+$"
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6,
            "a pair of": 2, "pair of": 2, "a couple of": 2, "twin": 2, "dual": 2}  # fmt: skip
_LIMIT_PHRASES = re.compile(
    r"(?<![\w-])(?:no band|no backing band|no backing|no accompaniment|without accompaniment|without a band"
    r"|without any accompaniment|unaccompanied|no other instruments|nothing else|no rhythm section"
    r"|solo (?:piece|work|performance|recital|instrument|arrangement|version)|a[\s-]?cappella|acapella"
    r"|a[\s-]capella)(?![\w-])"
)
_SOLO_AFTER = re.compile(r"\s+solo(?![\w-])")

_DEFAULT_ENSEMBLES = {2: ("violin", "piano"), 3: ("piano", "violin", "cello"), 4: _STRING_QUARTET,
                      5: ("piano", *_STRING_QUARTET)}  # fmt: skip


def default_ensemble(count: int) -> tuple[str, ...] | None:
    """The chamber ensemble a bare count word means when nothing else is said: a duo is violin and
    piano, a trio a piano trio, a quartet a string quartet, a quintet a piano quintet."""
    return _DEFAULT_ENSEMBLES.get(count)


CONCERT_SOLO_INSTRUMENTS = frozenset(
    {"piano", "harp", "pipe organ", "celesta", "harpsichord", "strings", "orchestra"}
)
"""Instruments whose solo performance, with no genre word, is a classical recital piece."""


@dataclass
class EnsembleFound:
    """What the text says about the band beyond naming instruments."""

    entries: list[InstrumentEntry]
    """Instruments of ensemble nouns, with repeats ("string quartet" -> violin, violin, viola, cello)."""
    names: list[str]
    """The ensemble nouns found, in order."""
    genre: str | None
    """The genre the first ensemble noun implies, if any."""
    limited: bool
    """The band is only what was named: nothing is added to it."""
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Where the ensemble nouns are in the text (their words are not instruments of their own)."""
    open_ensemble: bool = False
    """An open ensemble noun ("choir") was found; the parser decides whether it limits the band."""
    count: int | None = None
    """How many players a count word asks for ("duet" 2, "trio" 3), if one was given."""


def find_ensemble(lowered: str, negations: NegationScopes) -> EnsembleFound:
    """Ensemble nouns, limit words and a count word in lower-cased text. A closed ensemble noun is
    itself a limit (the listener named the band); a count word limits the band when the named players
    fit in it, which the parser decides ("a duet for two violins" does, "a duet of two singers over
    drums, piano and synths" does not)."""
    found = EnsembleFound([], [], None, False)
    for match in ENSEMBLE_PATTERN.finditer(lowered):
        if negations.covers(match.start()):
            continue
        ensemble = _ALIAS_TO_ENSEMBLE[normalise_alias(match.group(0))]
        found.spans.append(match.span())
        if ensemble.name in found.names:
            continue
        found.names.append(ensemble.name)
        found.entries.extend(entry_for_alias(name) for name in ensemble.instruments)
        found.genre = found.genre or ensemble.genre
        found.limited = found.limited or ensemble.closed
        found.open_ensemble = found.open_ensemble or not ensemble.closed
    for match in _COUNT.finditer(lowered):
        inside_noun = any(start <= match.start() < end for start, end in found.spans)
        if not negations.covers(match.start()) and not inside_noun:
            found.count = found.count or _COUNT_WORDS[match.group("word")]
    if any(not negations.covers(match.start()) for match in _LIMIT_PHRASES.finditer(lowered)):
        found.limited = True
    return found


def count_before(lowered: str, start: int) -> int:
    """How many of the instrument that starts at `start` the text asks for ("two violins" -> 2)."""
    match = _NUMBER_BEFORE.search(lowered[max(0, start - 16) : start])
    return _NUMBERS[match.group("n")] if match else 1


def solo_after(lowered: str, end: int) -> bool:
    """ "piano solo", "banjo solo": the instrument named just before the word solo."""
    return bool(_SOLO_AFTER.match(lowered, end))


_HIGH, _LOW = 64, 55
"""Registers (MIDI) at and above which an instrument is a treble voice, and below which a bass one."""


def _alternatives(register: int) -> tuple[Role, ...]:
    """The roles an acoustic instrument can take when its own is taken, most fitting first."""
    if register >= _HIGH:
        return (Role.LEAD, Role.ARP, Role.CHORDS, Role.PAD)
    if register >= _LOW:
        return (Role.CHORDS, Role.PAD, Role.LEAD, Role.ARP)
    return (Role.BASS, Role.CHORDS, Role.PAD, Role.ARP)


def spread_roles(
    entries: list[InstrumentEntry],
    unavailable: frozenset[Role] = frozenset(),
    movable: frozenset[Role] = frozenset(Role),
) -> tuple[list[Instrument], list[str]]:
    """One stem per instrument where the roles allow it. Returns the instruments (names kept, roles
    possibly moved, order kept) and a note per move.

    First every role goes to one of the instruments that default to it: for lead the highest
    register, for bass the lowest, otherwise the first named; instruments without a register
    (synths, drums, effects) are never moved and claim their role before movable ones. Then each
    remaining acoustic instrument, highest register first, takes the first free role among its
    alternatives (treble: lead, arp, chords, pad; middle: chords, pad, lead, arp; low: bass, chords,
    pad, arp). `unavailable` roles (excluded by the text) are never moved into; only instruments whose
    own role is in `movable` are moved. An instrument that finds no free role keeps its own and
    shares that stem."""
    roles: list[Role] = [entry.role for entry in entries]
    owner: dict[Role, int] = {}
    for index, entry in enumerate(entries):
        if entry.register is None:
            owner.setdefault(entry.role, index)
    for index, entry in enumerate(entries):
        if entry.register is None or (entry.role in owner and entries[owner[entry.role]].register is None):
            continue
        current = owner.get(entry.role)
        if current is None or _better_claim(entry, entries[current]):
            owner[entry.role] = index
    notes: list[str] = []
    waiting = [
        i
        for i, e in enumerate(entries)
        if e.register is not None and e.role in movable and owner.get(e.role) != i
    ]
    waiting.sort(key=lambda i: -(entries[i].register or 0))
    for index in waiting:
        entry = entries[index]
        for role in _alternatives(entry.register or 0):
            if role not in owner and role not in unavailable:
                owner[role] = index
                roles[index] = role
                notes.append(f"{entry.name} plays the {role.value} part so it has its own stem")
                break
    return [Instrument(name=entry.name, role=role) for entry, role in zip(entries, roles, strict=True)], notes


def _better_claim(entry: InstrumentEntry, holder: InstrumentEntry) -> bool:
    """Whether `entry` rather than `holder` keeps their shared default role."""
    if entry.register is None or holder.register is None:
        return False
    if entry.role == Role.LEAD:
        return entry.register > holder.register
    if entry.role == Role.BASS:
        return entry.register < holder.register
    return False
