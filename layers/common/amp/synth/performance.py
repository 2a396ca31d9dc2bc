"""The performance of a part: the score's notes as they are played, in one place for the renderer and
the MIDI writer, so the stem's MIDI file is exactly what was played.

For a SoundFont part this adds what a player adds: humanised timing per instrument (deterministic
from the seed; a note on a section's first downbeat is played on the grid, so every section starts at
exactly the sample its bar implies), staccato and legato lengths, the program an articulation is
played on, and, when the composer wrote none, a sustain pedal per chord change for pianos and an
expression swell per phrase for strings, brass, winds and voices. Synth parts are played exactly as
written. Every position is rounded to the MIDI file's tick grid, so renderer and file agree to the tick.
"""

from dataclasses import dataclass

import numpy as np

from amp.compose import rng_for
from amp.compose.score import ControlEvent, Part, Score
from amp.synth.sources import SoundFontProgram, SynthPatch, articulation_program, source_for_part

TICKS_PER_QN = 480
PEDAL_CC = 64
EXPRESSION_CC = 11
PEDAL_DOWN = 127
PEDAL_UP = 0
REPEDAL_QN = 0.125
"""Legato pedalling: lift on the chord change, press again just after the new chord sounds."""
STACCATO = 0.5
LEGATO = 1.08

HUMANISE_MS: dict[str, float] = {"kit": 4.0, "keys": 7.0, "plucked": 9.0, "sustained": 14.0}
"""Timing spread (standard deviation, ms) by how the instrument speaks: bowed, blown and sung notes
start softly and are placed more loosely than struck ones."""

PIANOS = frozenset(range(0, 6))
"""GM pianos and electric pianos: a player holds the damper pedal (not harpsichord 6, clavinet 7)."""
SUSTAINED = frozenset({*range(40, 45), *range(48, 54), *range(56, 80), 109, 110, 111})
"""Bowed strings, ensembles, voices, brass, reeds and pipes: the programs that swell (CC11)."""


@dataclass(frozen=True, slots=True)
class PlayedNote:
    start_qn: float
    end_qn: float
    """Key release; the sustain pedal may hold the sound longer (see `sounding_end_qn`)."""
    pitch: int
    velocity: int
    program: int


@dataclass(frozen=True, slots=True)
class Performance:
    source: SoundFontProgram | SynthPatch
    channel: int
    bank: int
    program: int
    """The opening program (articulations switch it note by note)."""
    notes: tuple[PlayedNote, ...]
    controls: tuple[ControlEvent, ...]


def to_tick(qn: float) -> float:
    return round(qn * TICKS_PER_QN) / TICKS_PER_QN


def _speech(program: int, is_kit: bool) -> str:
    if is_kit:
        return "kit"
    if program in SUSTAINED:
        return "sustained"
    if 24 <= program <= 39 or program in (45, 46, 104, 105, 106, 107):
        return "plucked"
    return "keys"


def _default_pedal(score: Score, part: Part) -> tuple[ControlEvent, ...]:
    """Pedal down through each chord, lifted at the change; up after the last note."""
    if not part.notes:
        return ()
    events: list[ControlEvent] = []
    for chord in score.chords:
        start = chord.start_bar * score.bar_qn
        if start > 0:
            events.append(ControlEvent(start, PEDAL_CC, PEDAL_UP))
        events.append(ControlEvent(start + (REPEDAL_QN if start > 0 else 0.0), PEDAL_CC, PEDAL_DOWN))
    last = max(note.start_qn + note.length_qn for note in part.notes)
    return (*(e for e in events if e.time_qn < last), ControlEvent(last, PEDAL_CC, PEDAL_UP))


def _default_swells(score: Score, part: Part) -> tuple[ControlEvent, ...]:
    """A four-bar phrase swell (CC11 rising to the third bar, easing back), scaled by section energy."""
    phrase_bars = 4
    events: list[ControlEvent] = []
    steps = 8
    for bar in range(0, score.total_bars, phrase_bars):
        energy = score.section_at_bar(bar).energy
        low, high = 70 + round(20 * energy), 100 + round(27 * energy)
        for step in range(steps):
            position = step / steps
            shape = min(1.0, position / 0.6) if position < 0.6 else 1.0 - (position - 0.6) / 0.4 * 0.5
            qn = (bar + position * phrase_bars) * score.bar_qn
            events.append(ControlEvent(qn, EXPRESSION_CC, min(127, low + round((high - low) * shape))))
    return tuple(events)


VELOCITY_STEP = 4
"""A player's velocities land on steps of 4 (32 levels, ~0.5 dB apart: below what a listener or a
player resolves). The sampled renderer renders each distinct (pitch, velocity, length) once, so this
cut the distinct notes of an arpeggiated 180 s harp part from 279 to 117 (~2.4x faster)."""


_LAST: list[tuple[Score, Part, int | None, Performance] | None] = [None]
"""The last performance, keyed by the identity of its (frozen) score and part: a stem's render and
its MIDI file both ask for it, and it is worked out once (a 180 s techno bassline is ~1,500 notes)."""


def perform(score: Score, part: Part, seed: int | None) -> Performance:
    """The part as played. `seed` drives the humanised timing; None plays the written times (the
    score as composed, e.g. for a MIDI export of the notation itself)."""
    last = _LAST[0]  # one read: Map iterations may run as threads
    if last is not None and last[0] is score and last[1] is part and last[2] == seed:
        return last[3]
    performance = _perform(score, part, seed)
    _LAST[0] = (score, part, seed, performance)
    return performance


def _perform(score: Score, part: Part, seed: int | None) -> Performance:
    source = source_for_part(part)
    if isinstance(source, SynthPatch):
        notes = tuple(
            PlayedNote(
                to_tick(n.start_qn),
                to_tick(n.start_qn + n.length_qn),
                n.pitch,
                max(1, min(127, n.velocity)),
                0,
            )
            for n in part.notes
        )
        return Performance(source, 9 if part.is_drum else 0, 0, 0, notes, tuple(part.controls))
    spread_s = HUMANISE_MS[_speech(source.program, source.is_drum_kit)] / 1000.0
    offsets = (
        np.zeros(len(part.notes))
        if seed is None
        else rng_for(seed, "humanise", part.role.value)
        .normal(0.0, spread_s, len(part.notes))
        .clip(-2.5 * spread_s, 2.5 * spread_s)
    )
    # Each section's first downbeat is played on the grid, so a section starts at exactly the sample
    # its bar implies; every other note keeps the player's timing (the offsets are drawn for all
    # notes alike, so the rest of the part is placed as it would be without this).
    section_starts = {to_tick(section.start_bar * score.bar_qn) for section in score.sections}
    played = []
    for note, offset_s in zip(part.notes, offsets, strict=True):
        length = note.length_qn * (STACCATO if note.articulation == "staccato" else 1.0)
        length *= LEGATO if note.articulation == "legato" else 1.0
        on_section_start = to_tick(note.start_qn) in section_starts
        shift_qn = 0.0 if on_section_start else float(offset_s) / score.seconds_per_qn
        start = to_tick(max(0.0, note.start_qn + shift_qn))
        end = max(start + 1.0 / TICKS_PER_QN, to_tick(start + length))
        velocity = note.velocity if seed is None else round(note.velocity / VELOCITY_STEP) * VELOCITY_STEP
        played.append(
            PlayedNote(
                start,
                end,
                note.pitch,
                max(1, min(127, velocity)),
                articulation_program(source, note.articulation),
            )
        )
    played = _without_overlaps(sorted(played, key=lambda n: (n.start_qn, n.pitch)))
    controls = tuple(part.controls)
    if not source.is_drum_kit:
        if source.program in PIANOS and not any(c.controller == PEDAL_CC for c in controls):
            controls = (*controls, *_default_pedal(score, part))
        if source.program in SUSTAINED and not any(c.controller == EXPRESSION_CC for c in controls):
            controls = (*controls, *_default_swells(score, part))
    controls = tuple(
        sorted(
            (ControlEvent(to_tick(c.time_qn), c.controller, c.value) for c in controls),
            key=lambda c: (c.time_qn, c.controller),
        )
    )
    return Performance(
        source, 9 if source.is_drum_kit else 0, source.bank, source.program, tuple(played), controls
    )


def _without_overlaps(notes: list[PlayedNote]) -> list[PlayedNote]:
    """A key is released before it is struck again: MIDI cannot say which of two overlapping notes
    of one pitch a note-off ends (players release whichever voice is still sounding), so the file
    and the renderer would disagree. Humanised timing can create such overlaps; this removes them."""
    next_start: dict[int, float] = {}
    trimmed: list[PlayedNote] = []
    for note in reversed(notes):
        limit = next_start.get(note.pitch)
        kept = note
        if limit is not None and note.start_qn < limit < note.end_qn:
            kept = PlayedNote(note.start_qn, limit, note.pitch, note.velocity, note.program)
        trimmed.append(kept)
        next_start[note.pitch] = note.start_qn
    return trimmed[::-1]


def sounding_ends_qn(performance: Performance) -> list[float]:
    """When each note's sound is released. A key released while the pedal is down sounds until the
    pedal lifts (or the last key release, if it never does); a key struck again under the pedal damps
    its earlier note. At one tick the MIDI file orders note-offs, then controllers, then note-ons,
    so a key released on the tick the pedal goes down is not held (as `render_midi` plays it)."""
    pedal = [(c.time_qn, c.value >= 64) for c in performance.controls if c.controller == PEDAL_CC]
    last_release = max((note.end_qn for note in performance.notes), default=0.0)
    next_strike: dict[int, float] = {}
    strikes = [0.0] * len(performance.notes)
    for index in range(len(performance.notes) - 1, -1, -1):
        note = performance.notes[index]
        strikes[index] = next_strike.get(note.pitch, float("inf"))
        next_strike[note.pitch] = note.start_qn
    ends: list[float] = []
    for index, note in enumerate(performance.notes):
        down = False
        for time_qn, is_down in pedal:
            if time_qn >= note.end_qn:
                break
            down = is_down
        if not down:
            ends.append(note.end_qn)
            continue
        lift = next((t for t, is_down in pedal if t >= note.end_qn and not is_down), last_release)
        restrike = strikes[index] if strikes[index] >= note.end_qn else float("inf")
        ends.append(max(note.end_qn, min(lift, restrike)))
    return ends
