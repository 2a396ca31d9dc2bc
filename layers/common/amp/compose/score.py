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
    articulation: str = ""
    """How the note is played when the instrument has a choice: "" (normal), "pizzicato", "tremolo",
    "staccato", "legato", "palm_mute", "harmonic". A sampled renderer may switch sample set on it."""


@dataclass(frozen=True, slots=True)
class ControlEvent:
    """A MIDI controller change in the part: sustain pedal (64), expression (11), modulation (1), ...

    Written to the stem's MIDI file and obeyed by the sampled renderer, so the MIDI is what was played."""

    time_qn: float
    controller: int
    value: int


@dataclass(frozen=True, slots=True)
class Section:
    name: SectionName
    start_bar: int
    bars: int
    energy: float
    """0..1, the spec's energy shaped by the section (drops high, breakdowns low)."""
    label: str = ""
    """The plan's own name for the section ("verse", "chorus 2"); empty when the name is the kind's."""
    add_roles: tuple[Role, ...] = ()
    """Roles the plan brings in for this section only (they rest in every section not naming them)."""
    mute_roles: tuple[Role, ...] = ()
    """Roles the plan silences in this section."""
    text: str = ""
    """The plan's words for the section, lower case ("filtered", "half-time", "no drums")."""

    @property
    def end_bar(self) -> int:
        return self.start_bar + self.bars

    @property
    def title(self) -> str:
        """What markers and sections.json call the section: the plan's name, else the kind."""
        return self.label or self.name.value


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
    controls: tuple[ControlEvent, ...] = ()
    """Controller changes (pedal, expression swells), in time order."""
    instruments: tuple[str, ...] = ()
    """The spec's instrument names this part plays (looked up in the instrument source table)."""


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
    loop: bool = False
    """A loop: no fades at either end, the tail wraps into the head (amp.compose.loop)."""
    tempo_changes: tuple[tuple[float, float], ...] = ()
    """Piecewise-constant tempo map after the opening tempo: (start_qn, bpm) in ascending start_qn.
    Empty for a steady tempo. Rubato and a final ritardando live here so every stem, the MIDI files
    and the mix agree on where each beat falls."""

    @property
    def bar_qn(self) -> float:
        """Bar length in quarter notes (6/8 -> 3.0, 3/4 -> 3.0, 7/8 -> 3.5)."""
        return self.beats_per_bar * 4.0 / self.beat_unit

    @property
    def seconds_per_qn(self) -> float:
        """At the opening tempo; use `time_s` for positions when the tempo map may change."""
        return 60.0 / self.bpm

    def time_s(self, qn: float) -> float:
        """Seconds from the song's start to a position in quarter notes, through the tempo map."""
        seconds = 0.0
        position = 0.0
        bpm = self.bpm
        for start_qn, next_bpm in self.tempo_changes:
            if start_qn >= qn:
                break
            seconds += (start_qn - position) * 60.0 / bpm
            position, bpm = start_qn, next_bpm
        return seconds + (qn - position) * 60.0 / bpm

    def section_at_bar(self, bar: int) -> Section:
        for section in self.sections:
            if section.start_bar <= bar < section.end_bar:
                return section
        return self.sections[-1]
