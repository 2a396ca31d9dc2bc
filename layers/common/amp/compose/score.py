"""The score: the whole song as note events per role, in quarter notes (qn), before any sound.

The composer builds the same score for a spec whichever role is rendered, because each stem is
rendered in its own Lambda invocation and the stems must line up when summed.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from amp.domain.spec import Role


class SectionName(StrEnum):
    INTRO = "intro"
    GROOVE = "groove"
    BUILD = "build"
    DROP = "drop"
    BREAKDOWN = "breakdown"
    OUTRO = "outro"


@dataclass(frozen=True, slots=True)
class NoteEvent:
    """One note. Drum parts use General MIDI drum note numbers as pitch."""

    start_qn: float
    length_qn: float
    pitch: int
    velocity: int
    glide_from: int | None = None
    """Pitch the note slides in from (808 glides); None for no slide."""


@dataclass(frozen=True, slots=True)
class Section:
    name: SectionName
    start_bar: int
    bars: int
    energy: float
    """0..1, the spec's energy shaped by the section (drops high, breakdowns low)."""

    @property
    def end_bar(self) -> int:
        return self.start_bar + self.bars


@dataclass(frozen=True, slots=True)
class Chord:
    """A chord in the progression: absolute root pitch class and the chord's pitch classes."""

    start_bar: int
    bars: int
    root_pc: int
    pitch_classes: tuple[int, ...]
    degree: int


@dataclass(frozen=True, slots=True)
class Part:
    role: Role
    patch: str
    """Name of the synth patch in amp.synth.instruments (or the drum kit for drum roles)."""
    notes: tuple[NoteEvent, ...]
    is_drum: bool = False


@dataclass(frozen=True)
class Score:
    bpm: float
    beats_per_bar: int
    beat_unit: int
    total_bars: int
    duration_s: float
    key_pc: int
    scale_pcs: tuple[int, ...]
    sections: tuple[Section, ...]
    chords: tuple[Chord, ...]
    parts: dict[Role, Part] = field(default_factory=dict)
    swing_pct: float = 50.0

    @property
    def bar_qn(self) -> float:
        """Bar length in quarter notes (6/8 -> 3.0, 3/4 -> 3.0, 7/8 -> 3.5)."""
        return self.beats_per_bar * 4.0 / self.beat_unit

    @property
    def seconds_per_qn(self) -> float:
        return 60.0 / self.bpm

    def section_at_bar(self, bar: int) -> Section:
        for section in self.sections:
            if section.start_bar <= bar < section.end_bar:
                return section
        return self.sections[-1]
