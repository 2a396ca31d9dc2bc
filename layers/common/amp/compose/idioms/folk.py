"""Folk: I-IV-V tunes, strummed or fingerpicked guitars (Travis picking: alternating thumb bass
under treble pinches), a fiddle or whistle tune in running eighths for dances (jigs in 6/8 in
threes, reels in 4/4 in fours) or a lyrical line for slow songs, a drone on tonic and fifth, a
two-beat upright bass, and a ritardando for ballads."""

import numpy as np

from amp.compose.expression import shaped_velocity
from amp.compose.idioms.base import (
    Frame,
    Idiom,
    Material,
    PartContext,
    bar_rhythm,
    chord_on,
    four_part,
    melody_from_voice,
    phrases,
    scale_step,
)
from amp.compose.idioms.classical import QUARTET_RANGES
from amp.compose.ranges import Range
from amp.compose.score import Chord, NoteEvent, Score, Section, SectionName
from amp.compose.theory import nearest_pitch
from amp.domain.spec import Role
from amp.genres import Family

_MAJOR = ((0, 3, 0, 4), (0, 0, 3, 4), (0, 4, 3, 0), (0, 3, 4, 0))
_MINOR = ((0, 6, 0, 4), (0, 3, 6, 0), (0, 6, 5, 6), (0, 2, 6, 0))
"""Four-bar tune phrases; every other phrase closes on the tonic."""

_STRUM_44 = ((0.0, "D"), (1.0, "D"), (1.5, "U"), (2.5, "U"), (3.0, "D"), (3.5, "U"))
"""The campfire strum: down, down-up, up, down-up."""
_STRUM_68 = ((0.0, "D"), (1.0, "U"), (1.5, "D"), (2.5, "U"))
"""The jig strum: long-short on each dotted beat."""


def is_dance(score: Score) -> bool:
    """Jigs and reels: compound time, or a quick duple tune."""
    return (abs(score.bar_qn - 3.0) < 1e-9 and score.beats_per_bar == 6) or score.bpm >= 110.0


def is_ballad(score: Score) -> bool:
    return score.bpm < 90.0


class Folk(Idiom):
    family = Family.FOLK
    rubato = False
    ritardando = False

    def tempo_feel(self, frame: Frame) -> tuple[bool, bool]:
        """Ballads breathe (rubato) and slow into the last chord; dance tunes keep strict time."""
        ballad = frame.bpm < 90.0
        return ballad, ballad

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        table = _MINOR if frame.minor else _MAJOR
        tune = table[int(rng.integers(len(table)))]
        answer = table[int(rng.integers(len(table)))]
        chords: list[Chord] = []
        for section in sections:
            for index, (start, bars) in enumerate(phrases(section)):
                degrees = (
                    (tune if index % 2 == 0 else (*answer[:3], 0))[-bars:]
                    if bars <= 4
                    else tune + (0,) * (bars - 4)
                )
                if start + bars == sections[-1].end_bar:
                    degrees = (*degrees[:-2], 4, 0) if len(degrees) >= 2 else (0,)
                chords += [
                    chord_on(frame, d, start + i, leading_tone=frame.minor and d == 4)
                    for i, d in enumerate(degrees)
                ]
        return tuple(chords)

    def part(self, ctx: PartContext) -> Material | None:
        score = ctx.score
        if ctx.role is Role.PAD:
            return Material(tuple(drone(score, ctx.register)))
        if ctx.role is Role.BASS:
            return Material(tuple(two_beat_bass(score, ctx.register)))
        if ctx.role in (Role.CHORDS, Role.ARP):
            fingerpick = ctx.role is Role.ARP or is_ballad(score) or score.sections[0].energy < 0.35
            return Material(tuple(guitar(score, ctx.register, fingerpick=fingerpick, melody=ctx.solo)))
        if ctx.role in (Role.LEAD, Role.VOCAL):
            if is_dance(score) and ctx.role is Role.LEAD:
                return Material(tuple(dance_tune(score, ctx.register, ctx.rng)))
            voices = four_part(score.chords, QUARTET_RANGES)
            rhythm = bar_rhythm(score.bar_qn, score.beats_per_bar, ctx.rng, busy=False)
            line = melody_from_voice(score, [v[0] for v in voices], rhythm, ctx.rng, register=ctx.register)
            return Material(tuple(line))
        return None


def drone(score: Score, register: Range) -> list[NoteEvent]:
    """Tonic and fifth held under the tune, re-sounded every four bars (pipes, hurdy-gurdy, harmonium)."""
    low = Range(max(register.low, 43), max(register.low, 43) + 19)
    tonic = low.fit(score.key_pc + 48)
    notes = []
    for bar in range(0, score.total_bars, 4):
        length = min(4, score.total_bars - bar) * score.bar_qn * 0.99
        velocity = shaped_velocity(score, bar * score.bar_qn, 58, 6)
        notes += [NoteEvent(bar * score.bar_qn, length, p, velocity) for p in (tonic, tonic + 7)]
    return notes


def two_beat_bass(score: Score, register: Range) -> list[NoteEvent]:
    """Root on the first beat (pulse group), fifth on the next: the boom under the chick."""
    notes = []
    pulses = (
        [0.0, 1.5]
        if abs(score.bar_qn - 3.0) < 1e-9 and score.beats_per_bar == 6
        else [float(b) for b in np.arange(0.0, score.bar_qn, 2.0 if score.bar_qn >= 4 else 1.0)]
    )
    for chord in score.chords:
        root = register.fit(chord.root_pc + 36)
        fifth = register.fit(nearest_pitch(chord.pitch_classes[2], root + 7))
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            if score.section_at_bar(bar).name is SectionName.INTRO and bar < 2:
                continue
            for i, pulse in enumerate(pulses):
                length = (pulses[i + 1] if i + 1 < len(pulses) else score.bar_qn) - pulse
                velocity = shaped_velocity(score, start + pulse, 76)
                notes.append(NoteEvent(start + pulse, length * 0.85, root if i % 2 == 0 else fifth, velocity))
    return notes


def _open_voicing(chord: Chord, register: Range) -> list[int]:
    """A guitar-like open chord: root low, then fifth, octave, third, upward (up to six strings)."""
    root = Range(max(register.low, 40), max(register.low, 40) + 11).fit(chord.root_pc + 36)
    pcs = chord.pitch_classes
    third, fifth = pcs[1], pcs[2]
    shape = [
        root,
        nearest_pitch(fifth, root + 7),
        root + 12,
        nearest_pitch(third, root + 16),
        nearest_pitch(fifth, root + 19),
    ]
    return [register.fit(p) for p in shape]


def guitar(score: Score, register: Range, *, fingerpick: bool, melody: bool) -> list[NoteEvent]:
    """Strummed chords (downstrokes low to high, upstrokes high to low, a few ms between strings)
    or Travis fingerpicking: thumb alternating root and fifth on the beats, fingers pinching the
    treble strings on the off-beats. A solo guitar puts the tune's chord tones on top."""
    notes: list[NoteEvent] = []
    compound = abs(score.bar_qn - 3.0) < 1e-9 and score.beats_per_bar == 6
    for chord in score.chords:
        shape = _open_voicing(chord, register)
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            if fingerpick:
                step = 0.5
                for i in range(round(score.bar_qn / step)):
                    position = start + i * step
                    if i % 2 == 0:
                        pitch = shape[0] if (i // 2) % 2 == 0 else shape[1]
                        notes.append(
                            NoteEvent(position, step * 1.9, pitch, shaped_velocity(score, position, 70))
                        )
                    else:
                        treble = shape[3 + (i // 2) % 2] if len(shape) > 4 else shape[-1]
                        notes.append(
                            NoteEvent(position, step * 1.5, treble, shaped_velocity(score, position, 60))
                        )
                if melody:
                    top = scale_step(shape[-1], 1 + bar % 3, score.scale_pcs)
                    notes.append(
                        NoteEvent(
                            start, score.bar_qn * 0.5, register.fit(top), shaped_velocity(score, start, 78)
                        )
                    )
            else:
                pattern = (
                    _STRUM_68
                    if compound
                    else _STRUM_44
                    if abs(score.bar_qn - 4.0) < 1e-9
                    else tuple((float(b), "D") for b in np.arange(0.0, score.bar_qn, 1.0))
                )
                for offset, stroke in pattern:
                    strings = shape if stroke == "D" else shape[::-1][:4]
                    base = 80 if stroke == "D" else 64
                    for s, pitch in enumerate(strings):
                        at = start + offset + 0.015 * s
                        velocity = shaped_velocity(score, start + offset, base)
                        notes.append(NoteEvent(at, 0.9 if stroke == "D" else 0.45, pitch, velocity))
    return notes


def dance_tune(score: Score, register: Range, rng: np.random.Generator) -> list[NoteEvent]:
    """A jig or reel: running eighths in groups of three (6/8) or four (4/4), arpeggio figures on the
    chord alternating with scale runs, a cut (grace note from above) on some downbeats, each
    four-bar phrase ending on a held chord tone."""
    notes: list[NoteEvent] = []
    group = 3 if abs(score.bar_qn - 3.0) < 1e-9 and score.beats_per_bar == 6 else 4
    tune_register = (
        Range(max(register.low, 62), min(register.high, 88))
        if register.high - max(register.low, 62) >= 12
        else register
    )
    pitch = tune_register.fit(score.key_pc + 72)
    figures = [int(rng.integers(3)) for _ in range(4)]
    for chord in score.chords:
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            if (
                score.section_at_bar(bar).name is SectionName.INTRO
                and score.section_at_bar(bar).bars > 2
                and bar < 2
            ):
                continue
            eighths = round(score.bar_qn / 0.5)
            if (bar + 1) % 4 == 0:
                target = tune_register.fit(nearest_pitch(chord.root_pc, pitch))
                notes.append(NoteEvent(start, score.bar_qn * 0.9, target, shaped_velocity(score, start, 84)))
                pitch = target
                continue
            for i in range(eighths):
                beat_start = i % group == 0
                figure = figures[(bar + i // group) % len(figures)]
                if beat_start:
                    pitch = tune_register.fit(nearest_pitch(chord.pitch_classes[(i // group) % 3], pitch))
                elif figure == 0:  # arpeggio
                    pitch = tune_register.fit(nearest_pitch(chord.pitch_classes[(i % group) % 3], pitch + 3))
                else:  # scale run up (1) or down (2)
                    pitch = tune_register.fit(scale_step(pitch, 1 if figure == 1 else -1, score.scale_pcs))
                at = start + i * 0.5
                velocity = shaped_velocity(score, at, 86 if beat_start else 70, 10)
                if beat_start and i == 0 and rng.random() < 0.35:  # a cut: a grace note from above
                    grace = tune_register.fit(scale_step(pitch, 1, score.scale_pcs))
                    notes.append(NoteEvent(at, 0.06, grace, velocity - 10))
                    notes.append(NoteEvent(at + 0.06, 0.38, pitch, velocity))
                else:
                    notes.append(NoteEvent(at, 0.44, pitch, velocity))
    return notes
