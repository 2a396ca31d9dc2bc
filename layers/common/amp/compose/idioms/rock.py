"""Rock and metal: power chords (root, fifth, octave), palm-muted eighth riffs in the verses and
ringing chords in the choruses, bass locked to the guitar's roots, a minor-pentatonic lead; metal
(a heavy song, or a phrygian/locrian one) chugs palm-muted sixteenth gallops on the low tonic in
minor and phrygian riffs. Drums keep the backbeat with fills into sections (amp.compose.rhythm:
the ROCK feel adds the double kick when heavy)."""

import numpy as np

from amp.compose.expression import shaped_velocity
from amp.compose.idioms.base import Frame, Idiom, Material, PartContext, chord_from_root, phrases
from amp.compose.ranges import Range
from amp.compose.score import Chord, NoteEvent, Score, Section, SectionName
from amp.domain.spec import Role
from amp.genres import Family

POWER = (0, 7)
"""A power chord's intervals: root and fifth (the octave is added when voiced)."""

_MAJOR = ((0, 7, 9, 5), (0, 5, 7, 5), (0, 10, 5, 0), (9, 5, 0, 7))
_MINOR = ((0, 8, 10, 0), (0, 3, 10, 8), (0, 5, 8, 10), (0, 0, 8, 10))
_METAL = ((0, 1, 0, 10), (0, 0, 1, 0), (0, 8, 1, 0), (0, 3, 1, 0))
"""Riff roots as semitones above the tonic, one per bar: I-V-vi-IV, bVII-IV-I (mixolydian),
i-bVI-bVII, and metal's i-bII (phrygian)."""


def is_heavy(energy: float, key_pc: int, scale_pcs: tuple[int, ...]) -> bool:
    """Metal: a very high-energy song, or a dark mode with the phrygian semitone over the tonic."""
    return energy >= 0.85 or (key_pc + 1) % 12 in scale_pcs


class Rock(Idiom):
    family = Family.ROCK

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        heavy = is_heavy(frame.energy, frame.key_pc, frame.scale_pcs)
        table = _METAL if heavy else _MINOR if frame.minor else _MAJOR
        verse, chorus = (table[int(i)] for i in rng.choice(len(table), size=2, replace=False))
        chords: list[Chord] = []
        for section in sections:
            riff = chorus if section.name in (SectionName.DROP, SectionName.BUILD) else verse
            for start, bars in phrases(section):
                for offset in range(bars):
                    semitones = riff[offset % len(riff)] if start + offset < sections[-1].end_bar - 1 else 0
                    root_pc = (frame.key_pc + semitones) % 12
                    degree = frame.scale_pcs.index(root_pc) if root_pc in frame.scale_pcs else 0
                    minor_third = (root_pc + 3) % 12 in frame.scale_pcs or (semitones == 0 and heavy)
                    intervals = (0, 3 if minor_third else 4, 7)
                    chords.append(
                        chord_from_root(frame.key_pc + semitones, intervals, start + offset, 1, degree)
                    )
        return tuple(chords)

    def part(self, ctx: PartContext) -> Material | None:
        score = ctx.score
        heavy = is_heavy(ctx.energy, score.key_pc, score.scale_pcs)
        if ctx.role is Role.CHORDS or (ctx.role is Role.ARP and ctx.plucked):
            return Material(tuple(power_chord_riff(score, ctx.register, heavy=heavy)))
        if ctx.role is Role.BASS:
            return Material(tuple(locked_bass(score, ctx.register, heavy=heavy)))
        if ctx.role is Role.LEAD:
            return Material(tuple(pentatonic_lead(score, ctx.register, ctx.rng)))
        return None


def power_voicing(root_pc: int, register: Range) -> tuple[int, int, int]:
    low = Range(max(register.low, 40), max(register.low, 40) + 11).fit(root_pc + 36)
    return (low, low + 7, low + 12)


def power_chord_riff(score: Score, register: Range, *, heavy: bool) -> list[NoteEvent]:
    """Verses (grooves, intros, breakdowns): palm-muted eighths on the power chord's root and fifth
    with an open accent on the bar's first beat; metal gallops (eighth + two sixteenths) on the low
    tonic. Choruses (drops) and builds: ringing power chords on beats 1 and 3 (or every eighth)."""
    notes: list[NoteEvent] = []
    for chord in score.chords:
        voicing = power_voicing(chord.root_pc, register)
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            section = score.section_at_bar(bar)
            open_chords = section.name in (SectionName.DROP, SectionName.BUILD)
            if section.name is SectionName.INTRO and bar < section.start_bar + section.bars // 2:
                continue
            if open_chords:
                # rock choruses ring a full barre chord (metal keeps bare fifths): the third above the
                # octave says major or minor, which bare power chords (and a distorted guitar's own
                # major-third overtone) blur
                third = next((i for i in (3, 4) if (chord.root_pc + i) % 12 in chord.pitch_classes), None)
                ringing = voicing if third is None or heavy else (*voicing, voicing[2] + third)
                hits = (
                    [(float(b), 0.45) for b in np.arange(0.0, score.bar_qn, 0.5)]
                    if section.energy > 0.8
                    else [
                        (0.0, 1.9),
                        (2.0, 1.9),
                    ]
                )
                for offset, length in hits:
                    velocity = shaped_velocity(score, start + offset, 100 if offset % 1 == 0 else 88, 8)
                    notes += [NoteEvent(start + offset, length, p, velocity) for p in ringing]
                continue
            if heavy:
                low = power_voicing(score.key_pc, register)
                grid = [
                    g for beat in np.arange(0.0, score.bar_qn, 1.0) for g in (beat, beat + 0.5, beat + 0.75)
                ]
            else:
                low = voicing
                grid = [float(g) for g in np.arange(0.0, score.bar_qn, 0.5)]
            for index, offset in enumerate(grid):
                accent = index == 0
                velocity = shaped_velocity(score, start + offset, 104 if accent else 86, 8)
                pitches = voicing if accent else low[:2]
                articulation = "" if accent else "palm_mute"
                length = 0.45 if accent else 0.2
                notes += [NoteEvent(start + offset, length, p, velocity, None, articulation) for p in pitches]
    return notes


def locked_bass(score: Score, register: Range, *, heavy: bool) -> list[NoteEvent]:
    """Eighth-note roots with the guitar (the gallop's rhythm in metal), an octave pop into the next
    chord, resting in the first half of the intro."""
    notes: list[NoteEvent] = []
    for chord in score.chords:
        root = register.fit(chord.root_pc + 24)
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            section = score.section_at_bar(bar)
            if section.name is SectionName.INTRO and bar < section.start_bar + section.bars // 2:
                continue
            grid = (
                [g for beat in np.arange(0.0, score.bar_qn, 1.0) for g in (beat, beat + 0.5, beat + 0.75)]
                if heavy and section.name is not SectionName.DROP
                else [float(g) for g in np.arange(0.0, score.bar_qn, 0.5)]
            )
            for index, offset in enumerate(grid):
                pitch = (
                    root + 12
                    if index == len(grid) - 1 and section.energy > 0.6 and root + 12 <= register.high
                    else root
                )
                velocity = shaped_velocity(score, start + offset, 96 if index == 0 else 84, 6)
                notes.append(NoteEvent(start + offset, 0.22 if heavy else 0.45, pitch, velocity))
    return notes


PENTATONIC_MINOR = (0, 3, 5, 7, 10)


def pentatonic_lead(
    score: Score, register: Range, rng: np.random.Generator, *, scale: tuple[int, ...] = PENTATONIC_MINOR
) -> list[NoteEvent]:
    """A lead in the minor pentatonic over the tonic: two-bar licks (call) and an answer that lands
    on a chord tone, bends (slides up a tone) on long notes, resting in intros and builds."""
    notes: list[NoteEvent] = []
    pcs = [(score.key_pc + s) % 12 for s in scale]
    pool = [p for p in range(register.low, register.high + 1) if p % 12 in pcs]
    center = pool[len(pool) // 2] if pool else register.fit(score.key_pc + 72)
    index = pool.index(center) if pool else 0
    rhythm_options = (
        [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
        [0.0, 0.75, 1.5, 2.0, 2.5],
        [0.0, 1.0, 1.5, 2.5, 3.0, 3.5],
    )
    for section in score.sections:
        if section.name in (SectionName.INTRO, SectionName.BUILD):
            continue
        for bar in range(section.start_bar, section.end_bar):
            start = bar * score.bar_qn
            if (bar - section.start_bar) % 4 == 3 or not pool:
                continue  # space between phrases
            onsets = [o for o in rhythm_options[(bar // 2) % len(rhythm_options)] if o < score.bar_qn]
            for i, onset in enumerate(onsets):
                index = int(np.clip(index + int(rng.choice([-2, -1, -1, 1, 1, 2])), 0, len(pool) - 1))
                end = onsets[i + 1] if i + 1 < len(onsets) else score.bar_qn
                pitch = pool[index]
                bend = pitch - 2 if end - onset >= 1.0 and rng.random() < 0.5 else None
                velocity = shaped_velocity(score, start + onset, 92, 10)
                notes.append(NoteEvent(start + onset, (end - onset) * 0.9, pitch, velocity, bend))
    return notes
