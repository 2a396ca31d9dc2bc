"""What every idiom shares: the context a part is written in, the idiom interface, chords built from
scale degrees, four-part voice leading, a melody grown from a voice, and the finishing touches
(instrument range, humanised timing, pedal, swells) applied to every idiom part."""

import functools
import itertools
from dataclasses import dataclass, field

import numpy as np

from amp.compose.arrangement import plan_sections
from amp.compose.expression import (
    expression_swells,
    is_pedalled,
    is_swelling,
    sustain_pedal,
)
from amp.compose.ranges import Range, range_of, register_for
from amp.compose.score import Chord, ControlEvent, NoteEvent, Score, Section
from amp.compose.style import Style
from amp.domain.spec import MINOR_FAMILY, Mode, Role
from amp.genres import DrumFeel, Family

PITCHED_ROLES = (Role.LEAD, Role.VOCAL, Role.ARP, Role.CHORDS, Role.PAD, Role.BASS)
"""Pitched roles from the highest usual register to the lowest: the order voices are handed out in."""

_KEYBOARDS = ("piano", "harpsichord", "keys", "rhodes", "celesta", "clavichord", "fortepiano")
_PLUCKED = ("guitar", "harp", "lute", "banjo", "mandolin", "ukulele", "sitar", "oud", "koto", "bouzouki")


@dataclass(frozen=True)
class Frame:
    """The song's fixed facts an idiom writes its harmony and form against."""

    key_pc: int
    scale_pcs: tuple[int, ...]
    mode: Mode
    bar_qn: float
    beats_per_bar: int
    bpm: float
    energy: float
    drum_feel: DrumFeel

    @property
    def minor(self) -> bool:
        return self.mode in MINOR_FAMILY


@dataclass(frozen=True)
class PartContext:
    """Everything a part is written from. `roles` are the roles the spec renders, so the texture
    (who takes which voice) is the same whichever stem is being rendered."""

    score: Score
    style: Style
    role: Role
    names: tuple[str, ...]
    patch: str
    rng: np.random.Generator
    roles: tuple[Role, ...]
    energy: float = 0.5
    """The spec's energy (sections shape it further)."""
    ensemble: tuple[tuple[Role, tuple[str, ...]], ...] = ()
    """Every rendered role's instrument names, so texture choices agree across stems."""

    def names_for(self, role: Role) -> tuple[str, ...]:
        return next((names for r, names in self.ensemble if r is role), ())

    @property
    def register(self) -> Range:
        return register_for(self.role, self.names)

    @property
    def keyboard(self) -> bool:
        return any(k in n.lower() for n in self.names for k in _KEYBOARDS) or (
            not self.names and self.patch in ("piano", "rhodes")
        )

    @property
    def plucked(self) -> bool:
        return any(k in n.lower() for n in self.names for k in _PLUCKED) or self.patch in ("guitar", "pluck")

    @property
    def pitched_roles(self) -> tuple[Role, ...]:
        return tuple(r for r in PITCHED_ROLES if r in self.roles)

    @property
    def rhythm_section(self) -> bool:
        """Drums or percussion are in the song; without them the pitched parts must carry the pulse."""
        return Role.DRUMS in self.roles or Role.PERCUSSION in self.roles

    @property
    def solo(self) -> bool:
        """The only pitched part: it carries melody and harmony alone."""
        return self.pitched_roles == (self.role,)


@dataclass(frozen=True)
class Material:
    """An idiom's part: its notes and controller changes (before the finishing touches)."""

    notes: tuple[NoteEvent, ...]
    controls: tuple[ControlEvent, ...] = field(default=())


class Idiom:
    """A family's way of writing: harmony, form, and a line for each role. Returning None from
    `part` leaves the role to the shared composer (drums, FX, or roles the idiom does not shape)."""

    family: Family = Family.POP
    rubato: bool = False
    ritardando: bool = False

    def tempo_feel(self, frame: Frame) -> tuple[bool, bool]:
        """(rubato, final ritardando) for this song; the idiom's defaults unless it decides per song."""
        return self.rubato, self.ritardando

    def sections(self, total_bars: int, frame: Frame) -> tuple[Section, ...]:
        return plan_sections(total_bars, frame.energy)

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        raise NotImplementedError

    def part(self, ctx: PartContext) -> Material | None:
        raise NotImplementedError


def phrase_sections(total_bars: int, energy: float) -> tuple[Section, ...]:
    """The arrangement planned in whole 4-bar phrases even for short pieces (the shared planner uses
    2-bar units under 24 bars), so every phrase can close with a full cadence; leftover bars join
    the last section."""
    if total_bars < 8:
        return plan_sections(total_bars, energy)
    units = plan_sections(total_bars // 4, energy)
    sections = [Section(s.name, s.start_bar * 4, s.bars * 4, s.energy) for s in units]
    last = sections[-1]
    sections[-1] = Section(last.name, last.start_bar, total_bars - last.start_bar, last.energy)
    return tuple(sections)


def chord_on(
    frame: Frame,
    degree: int,
    bar: int,
    bars: int = 1,
    *,
    size: int = 3,
    leading_tone: bool = False,
    dominant_seventh: bool = False,
) -> Chord:
    """A diatonic chord on a scale degree; in minor the dominant may take the raised leading tone
    (harmonic minor, for real V-i cadences); `dominant_seventh` makes it a major-minor seventh."""
    scale = frame.scale_pcs
    pcs = [scale[(degree + 2 * i) % 7] for i in range(size)]
    if leading_tone and degree % 7 == 4:
        pcs[1] = (scale[4] + 4) % 12
    if dominant_seventh:
        pcs = [scale[degree % 7], (scale[degree % 7] + 4) % 12, (scale[degree % 7] + 7) % 12]
        pcs.append((scale[degree % 7] + 10) % 12)
    return Chord(bar, bars, pcs[0], tuple(pcs), degree % 7)


def chord_from_root(root_pc: int, intervals: tuple[int, ...], bar: int, bars: int, degree: int) -> Chord:
    """A chord by root and intervals, for chords outside the scale (blues sevenths, bVII in rock)."""
    return Chord(bar, bars, root_pc % 12, tuple((root_pc + i) % 12 for i in intervals), degree)


def phrases(section: Section, length: int = 4) -> list[tuple[int, int]]:
    """(start bar, bars) of the section's phrases: whole phrases, the remainder in the last one."""
    starts = list(range(section.start_bar, section.end_bar, length))
    out = [(s, min(length, section.end_bar - s)) for s in starts]
    if len(out) > 1 and out[-1][1] < 2:
        start, bars = out[-2]
        out[-2:] = [(start, bars + out[-1][1])]
    return out


def chord_at(chords: tuple[Chord, ...], bar: int) -> Chord:
    for chord in chords:
        if chord.start_bar <= bar < chord.start_bar + chord.bars:
            return chord
    return chords[-1]


@functools.lru_cache(maxsize=16)
def four_part(
    chords: tuple[Chord, ...], ranges: tuple[Range, Range, Range, Range]
) -> tuple[tuple[int, int, int, int], ...]:
    """Four-part voice leading (soprano, alto, tenor, bass), chord by chord: bass on the root, every
    chord tone present (the root doubled in triads), voices in their ranges and never crossing, upper
    voices within an octave of each other, the smallest total motion, parallel fifths and octaves
    avoided."""
    out: list[tuple[int, int, int, int]] = []
    previous: tuple[int, int, int, int] | None = None
    for chord in chords:
        pcs = set(chord.pitch_classes)
        bass_options = [p for p in range(ranges[3].low, ranges[3].high + 1) if p % 12 == chord.root_pc]
        if previous is not None:
            last_bass = previous[3]
            bass_options.sort(key=lambda p: abs(p - last_bass))
        else:
            bass_options.sort(key=lambda p: abs(p - (ranges[3].low + ranges[3].high) / 2))
        upper = [[p for p in range(r.low, r.high + 1) if p % 12 in pcs] for r in ranges[:3]]
        best: tuple[int, int, int, int] | None = None
        best_cost = float("inf")
        for bass in bass_options[:2]:
            for soprano, alto, tenor in itertools.product(*upper):
                if not soprano > alto > tenor > bass or soprano - alto > 12 or alto - tenor > 12:
                    continue
                voices = (soprano, alto, tenor, bass)
                if {v % 12 for v in voices} != pcs and not (
                    len(pcs) == 4 and len({v % 12 for v in voices}) == 3
                ):
                    continue
                doubled_root = [v % 12 for v in voices].count(chord.root_pc) >= 2
                penalty = 0.0 if doubled_root or len(pcs) == 4 else 3.0  # double the root, not the fifth
                if previous is None:
                    cost = penalty + sum(
                        abs(v - (r.low + r.high) / 2) for v, r in zip(voices, ranges, strict=True)
                    )
                else:
                    cost = penalty + float(sum(abs(a - b) for a, b in zip(voices, previous, strict=True)))
                    cost += 2.0 * abs(soprano - previous[0]) * (abs(soprano - previous[0]) > 4)
                    for i, j in itertools.combinations(range(4), 2):
                        before = (previous[i] - previous[j]) % 12
                        now = (voices[i] - voices[j]) % 12
                        if before == now and now in (0, 7) and voices[i] != previous[i]:
                            cost += 8.0
                if cost < best_cost:
                    best, best_cost = voices, cost
        if best is None:  # a chord too wide for the ranges: stack its tones from the bass up
            bass = bass_options[0] if bass_options else ranges[3].fit(chord.root_pc + 36)
            tones = sorted(
                r.fit(pc + 60) for r, pc in zip(ranges[:3], chord.pitch_classes[::-1], strict=False)
            )
            tones += [ranges[0].fit(chord.root_pc + 72)] * (3 - len(tones))
            best = (tones[2], tones[1], tones[0], bass)
        out.append(best)
        previous = best
    return tuple(out)


def scale_step(pitch: int, steps: int, scale_pcs: tuple[int, ...]) -> int:
    """The pitch `steps` scale degrees above (or below) a pitch; non-scale pitches snap first."""
    scale = sorted(set(scale_pcs))
    current = pitch
    while current % 12 not in scale:
        current -= 1
    direction = 1 if steps > 0 else -1
    for _ in range(abs(steps)):
        current += direction
        while current % 12 not in scale:
            current += direction
    return current


def passing_line(start: int, target: int, count: int, scale_pcs: tuple[int, ...]) -> list[int]:
    """`count` pitches from `start` stepping through the scale toward `target` (neighbour tones when
    the target is near): how a melody connects two structural notes."""
    pitches = [start]
    current = start
    for index in range(1, count):
        remaining = count - index
        gap = target - current
        if gap == 0:
            step = 1 if index % 2 else -1
        else:
            step = (1 if gap > 0 else -1) * (2 if abs(gap) > 4 * remaining else 1)
        current = scale_step(current, step, scale_pcs)
        pitches.append(current)
    return pitches


def melody_from_voice(
    score: Score,
    voice: list[int],
    rhythm: list[float],
    rng: np.random.Generator,
    *,
    register: Range,
    cadence_every: int = 4,
    articulation: str = "",
    base_velocity: int = 76,
) -> list[NoteEvent]:
    """A melody grown from a voice-led line: the voice's note on each chord's downbeat, passing and
    neighbour tones toward the next one on the rhythm's other onsets, one long note at phrase ends."""
    from amp.compose.expression import shaped_velocity

    notes: list[NoteEvent] = []
    shift = 12 * round(((register.low + register.high) / 2 - float(np.mean(voice))) / 12) if voice else 0
    line = [register.fit(p + shift) for p in voice]
    bar_qn = score.bar_qn
    for index, chord in enumerate(score.chords):
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * bar_qn
            target = line[index + 1] if index + 1 < len(line) else line[index]
            phrase_end = (bar + 1) % cadence_every == 0 or bar == score.total_bars - 1
            onsets = [0.0] if phrase_end else rhythm
            ends = [*onsets[1:], bar_qn]
            pitches = passing_line(line[index], target, len(onsets), score.scale_pcs)
            if rng.random() < 0.25 and len(pitches) > 2:  # an upper neighbour for variety
                pitches[1] = scale_step(pitches[0], 1, score.scale_pcs)
            for onset, end, pitch in zip(onsets, ends, pitches, strict=True):
                fitted = register.fit(pitch)
                velocity = shaped_velocity(score, start + onset, base_velocity)
                notes.append(
                    NoteEvent(start + onset, (end - onset) * 0.97, fitted, velocity, None, articulation)
                )
    return notes


def bar_rhythm(
    bar_qn: float, beats_per_bar: int, rng: np.random.Generator, *, busy: bool, pulse: bool = False
) -> list[float]:
    """A one-bar melodic rhythm (onsets in qn) for the meter, chosen once and repeated: a motif.
    With `pulse` (no drums in the song) the motif starts notes only on beats, so the beat is heard."""
    if pulse and abs(bar_qn - round(bar_qn)) < 1e-9 and beats_per_bar != 6:
        beats = [float(b) for b in range(round(bar_qn))]
        options_on_beats = [beats, beats[::2] + beats[-1:] if len(beats) > 2 else beats]
        return sorted(set(options_on_beats[int(rng.integers(len(options_on_beats)))]))
    if abs(bar_qn - 4.0) < 1e-9:
        options = (
            [[0.0, 1.0, 2.0, 3.0], [0.0, 1.5, 2.0, 3.0], [0.0, 0.5, 1.0, 2.0, 3.0], [0.0, 1.0, 1.5, 2.0, 3.0]]
            if busy
            else [[0.0, 2.0], [0.0, 1.0, 2.0], [0.0, 1.5, 2.0, 3.0], [0.0, 2.0, 3.0]]
        )
    elif abs(bar_qn - 3.0) < 1e-9 and beats_per_bar == 3:
        options = [[0.0, 1.0, 2.0], [0.0, 1.5, 2.0], [0.0, 2.0]] if busy else [[0.0, 2.0], [0.0, 1.0, 2.0]]
    elif abs(bar_qn - 3.0) < 1e-9:  # compound 6/8: dotted quarters and eighths
        options = [[0.0, 1.0, 1.5, 2.5], [0.0, 0.5, 1.0, 1.5, 2.0, 2.5], [0.0, 1.5]]
    else:
        options = [[float(b) for b in np.arange(0.0, bar_qn, 1.0)]]
    return options[int(rng.integers(len(options)))]


def active_spans(notes: tuple[NoteEvent, ...]) -> list[tuple[float, float]]:
    return [(n.start_qn, n.start_qn + n.length_qn) for n in notes]


def finish(ctx: PartContext, material: Material) -> tuple[tuple[NoteEvent, ...], tuple[ControlEvent, ...]]:
    """Every idiom part's last step: notes moved into the instrument's real range, sustain pedal for
    pianos, CC11 swells for sustained strings, brass and voices. Timing is left as written: the
    player's humanisation is the performance's (`amp.synth.performance`), applied once, per
    instrument, to what is rendered and written to MIDI alike."""
    playable = range_of(ctx.names)
    notes = [
        NoteEvent(n.start_qn, n.length_qn, playable.fit(n.pitch), n.velocity, n.glide_from, n.articulation)
        if playable is not None and n.pitch not in playable
        else n
        for n in material.notes
    ]
    humanised = tuple(notes)
    controls = list(material.controls)
    if is_pedalled(ctx.names, ctx.patch) and not any(c.controller == 64 for c in controls):
        controls += sustain_pedal(ctx.score.chords, ctx.score, active_spans(humanised))
    if is_swelling(ctx.names, ctx.patch) and not any(c.controller == 11 for c in controls):
        controls += expression_swells(humanised, ctx.score)
    controls.sort(key=lambda c: (c.time_qn, c.controller))
    return humanised, tuple(controls)
