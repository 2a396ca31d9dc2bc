"""`MusicSpec`: what the listener asked for, as numbers and names the generator can honour."""

import math
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from amp.domain.rendition import Rendition, whole_bars

MIN_BPM = 40.0
MAX_BPM = 220.0
MIN_DURATION_S = 5.0
MAX_DURATION_S = 600.0
DEFAULT_DURATION_S = 60.0
SEED_LIMIT = 2**32
"""Seeds are 0 <= seed < SEED_LIMIT (32 bits): what every request model and the spec accept."""

PITCH_CLASSES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
"""Canonical key names: one spelling per pitch class, so specs compare by string."""


class Role(StrEnum):
    """What a part does in the arrangement; one stem per role."""

    DRUMS = "drums"
    PERCUSSION = "percussion"
    BASS = "bass"
    CHORDS = "chords"
    PAD = "pad"
    LEAD = "lead"
    ARP = "arp"
    FX = "fx"
    VOCAL = "vocal-like"


class Mode(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    DORIAN = "dorian"
    PHRYGIAN = "phrygian"
    LYDIAN = "lydian"
    MIXOLYDIAN = "mixolydian"
    AEOLIAN = "aeolian"
    LOCRIAN = "locrian"


MODE_INTERVALS: dict[Mode, tuple[int, ...]] = {
    Mode.MAJOR: (0, 2, 4, 5, 7, 9, 11),
    Mode.MINOR: (0, 2, 3, 5, 7, 8, 10),
    Mode.AEOLIAN: (0, 2, 3, 5, 7, 8, 10),
    Mode.DORIAN: (0, 2, 3, 5, 7, 9, 10),
    Mode.PHRYGIAN: (0, 1, 3, 5, 7, 8, 10),
    Mode.LYDIAN: (0, 2, 4, 6, 7, 9, 11),
    Mode.MIXOLYDIAN: (0, 2, 4, 5, 7, 9, 10),
    Mode.LOCRIAN: (0, 1, 3, 5, 6, 8, 10),
}
"""Semitone steps above the tonic of each mode's scale: the composer writes them, QA listens for them."""

MINOR_FAMILY = frozenset({Mode.MINOR, Mode.AEOLIAN, Mode.DORIAN, Mode.PHRYGIAN, Mode.LOCRIAN})
"""Modes with a minor third over the tonic: key detection calls these 'minor'."""


class Provenance(StrEnum):
    """Where a spec value came from, so the UI and QA can tell stated from guessed."""

    STATED = "stated"
    INFERRED = "inferred"
    DEFAULTED = "defaulted"
    OVERRIDDEN = "overridden"
    REFERENCE = "reference"


class Instrument(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=64)
    role: Role


Energy = Annotated[float, Field(ge=0.0, le=1.0)]

MAX_SECTIONS = 32
MAX_SECTION_BARS = 256
MAX_SECTION_TEXT = 200


class SectionPlan(BaseModel):
    """One section of a plan the producer can write down: a name, a length in whole bars, an energy
    and the roles that enter or drop out. `text` shapes it in words ("filtered", "half-time",
    "no drums"). The composer plays exactly these bars, in this order, on the tempo's bar grid."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1, max_length=40, description="intro, verse, chorus, build, drop, ... or free text"
    )
    bars: int = Field(ge=1, le=MAX_SECTION_BARS)
    energy: Energy = 0.5
    add_roles: list[Role] = Field(default_factory=list, description="Roles that play in this section only.")
    mute_roles: list[Role] = Field(default_factory=list, description="Roles silent in this section.")
    text: str | None = Field(default=None, max_length=MAX_SECTION_TEXT)


class Plan(BaseModel):
    """The song's sections in order. Given plans win over durations: the song is as long as its bars."""

    model_config = ConfigDict(extra="forbid")

    sections: list[SectionPlan] = Field(min_length=1, max_length=MAX_SECTIONS)

    @property
    def total_bars(self) -> int:
        return sum(section.bars for section in self.sections)


Rendition.model_rebuild(_types_namespace={"Plan": Plan})


def bar_seconds(bpm: float, time_signature: str) -> float:
    """One bar's length at a steady tempo: beats per bar in quarter notes times the quarter's length."""
    beats, unit = (int(part) for part in time_signature.split("/"))
    return beats * 4.0 / unit * 60.0 / bpm


def nearest_bars(duration_s: float, bar_s: float) -> int:
    """The whole number of bars nearest a duration (a half bar rounds up), kept inside the song's
    MIN_DURATION_S..MAX_DURATION_S: a song is composed, rendered and checked in whole bars, so an
    asked length becomes the closest length the bar grid allows (30 s at 174 bpm in 4/4: 21.75 bars
    -> 22 bars, 30.345 s)."""
    bars = max(1, math.floor(duration_s / bar_s + 0.5))
    while bars > 1 and bars * bar_s > MAX_DURATION_S + 1e-6:
        bars -= 1
    while bars * bar_s < MIN_DURATION_S - 1e-6:
        bars += 1
    return bars


class MusicSpec(BaseModel):
    """The parsed request. Every generator, the mixer and QA read this and nothing else."""

    genre: str = Field(min_length=1, max_length=64)
    bpm: float = Field(ge=MIN_BPM, le=MAX_BPM)
    key: str = Field(pattern=r"^(C|C#|D|Eb|E|F|F#|G|Ab|A|Bb|B)$")
    mode: Mode
    time_signature: str = Field(default="4/4", pattern=r"^(2|3|4|5|6|7|9|12)/(2|4|8|16)$")
    duration_s: float = Field(
        ge=MIN_DURATION_S,
        le=MAX_DURATION_S,
        description="The delivered length: whole bars (total_bars) at the tempo, through its tempo map.",
    )
    asked_duration_s: float | None = Field(
        default=None,
        ge=0,
        description="The length the request asked for (or the default it fell back on), before it was "
        "rounded to whole bars; None when a given plan's bars set the length and no duration was asked.",
    )
    total_bars: int | None = Field(
        default=None, ge=1, description="Whole bars the song is composed in (after parse always set)."
    )
    instruments: list[Instrument] = Field(default_factory=list)
    mood: list[str] = Field(default_factory=list)
    energy: Energy = 0.5
    excluded_roles: list[Role] = Field(default_factory=list)
    structure_hints: list[str] = Field(default_factory=list)
    seed: int = Field(ge=0, lt=SEED_LIMIT)
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list, description="What the parser adjusted, in words.")
    part_seeds: dict[Role, Annotated[int, Field(ge=0, lt=SEED_LIMIT)]] = Field(
        default_factory=dict,
        description="A role's own seed for its part (an edit's variation or swap of that role); the "
        "song's seed still writes form and harmony, so the new part fits the others.",
    )
    rendition: Rendition | None = Field(
        default=None,
        description="Set on an edited song: the score is composed at these values and re-performed "
        "through these operations (retempo, transpose, extend, replace bars) instead of composed anew.",
    )
    plan: Plan | None = Field(
        default=None, description="The sections; after parse always set (provenance['plan'] says whence)."
    )
    loop: bool = Field(default=False, description="Render a seamlessly loopable piece of whole bars.")

    @property
    def beats_per_bar(self) -> int:
        return int(self.time_signature.split("/")[0])

    @property
    def beat_unit(self) -> int:
        return int(self.time_signature.split("/")[1])

    def part_seed(self, role: Role) -> int:
        """The seed a role's part is written and played with."""
        return self.part_seeds.get(role, self.seed)

    def bars(self) -> int:
        """Whole bars the song spans (the composer's count), for an edit's bar numbers."""
        if self.total_bars is not None:
            return self.total_bars
        return whole_bars(self.duration_s, self.bpm, self.time_signature)

    def length_words(self) -> str:
        """Delivered vs asked length in one line, for the CLI: "30.345 s = 22 bars of 4/4 at 174 bpm
        (asked 30 s)"."""
        bars = f" = {self.total_bars} bar{'s' if self.total_bars != 1 else ''}" if self.total_bars else ""
        asked = self.asked_duration_s
        moved = asked is not None and abs(asked - self.duration_s) > 1e-3
        return f"{self.duration_s:.3f} s{bars} of {self.time_signature} at {self.bpm:g} bpm" + (
            f" (asked {asked:g} s)" if moved else ""
        )

    @property
    def bar_s(self) -> float:
        return bar_seconds(self.bpm, self.time_signature)

    def roles(self) -> list[Role]:
        """The stems to render, in a stable order, excluded roles removed."""
        wanted = {instrument.role for instrument in self.instruments}
        return [role for role in Role if role in wanted and role not in self.excluded_roles]

    def instruments_for(self, role: Role) -> list[Instrument]:
        return [instrument for instrument in self.instruments if instrument.role == role]


class SpecOverrides(BaseModel):
    """Explicit values from CLI flags or API fields; they win over the prompt text."""

    model_config = ConfigDict(extra="forbid")

    genre: str | None = Field(default=None, max_length=64)
    bpm: float | None = Field(default=None, ge=MIN_BPM, le=MAX_BPM)
    key: str | None = Field(default=None, max_length=8)
    mode: Mode | None = None
    time_signature: str | None = Field(default=None, max_length=5)
    energy: Energy | None = None
    excluded_roles: list[Role] | None = None
