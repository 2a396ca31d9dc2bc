"""Blues: the 12-bar form (I-IV-I-I / IV-IV-I-I / V-IV-I-V, the last V the turnaround; the very
last chorus ends on I) in dominant sevenths, a shuffle (the style swings eighths to triplets), a
boogie bass walking root-third-fifth-sixth-flat seventh, shuffle comping on the off-beats, and
blues-scale licks answering each other within each four-bar line, with a turnaround lick."""

import numpy as np

from amp.compose.arrangement import shape_energy
from amp.compose.expression import shaped_velocity
from amp.compose.idioms.base import Frame, Idiom, Material, PartContext, chord_from_root
from amp.compose.ranges import Range
from amp.compose.score import Chord, NoteEvent, Score, Section, SectionName
from amp.domain.spec import Role
from amp.genres import Family

TWELVE_BAR = (0, 3, 0, 0, 3, 3, 0, 0, 4, 3, 0, 4)
"""Scale degrees of the 12-bar form, quick-change to IV in bar 2, V in bar 12 turning around."""
_DEGREE_SEMITONES = {0: 0, 3: 5, 4: 7}
DOMINANT_SEVENTH = (0, 4, 7, 10)
MINOR_SEVENTH = (0, 3, 7, 10)
BLUES_SCALE = (0, 3, 5, 6, 7, 10)
"""Minor pentatonic plus the flat fifth: the blue note."""


def _swing(offset_qn: float, pct: float) -> float:
    """Move an off-beat eighth to the shuffle's swung position (pct 66.7 = the last triplet)."""
    beat = np.floor(offset_qn)
    return float(beat + pct / 100.0) if abs(offset_qn - beat - 0.5) < 1e-9 else offset_qn


class Blues(Idiom):
    family = Family.BLUES

    def sections(self, total_bars: int, frame: Frame) -> tuple[Section, ...]:
        """An intro of the leftover bars (at most four), then 12-bar choruses: the head, solo choruses
        at full energy, the head again; bars that do not fill a chorus close as an outro on I."""
        choruses = total_bars // 12
        if choruses == 0:
            return (Section(SectionName.GROOVE, 0, total_bars, shape_energy(frame.energy, 0.8)),)
        intro = min(4, total_bars - 12 * choruses)
        sections = [Section(SectionName.INTRO, 0, intro, shape_energy(frame.energy, 0.5))] if intro else []
        for index in range(choruses):
            solo = 0 < index < choruses - 1 or (choruses == 2 and index == 1)
            name = SectionName.DROP if solo else SectionName.GROOVE
            sections.append(
                Section(name, intro + 12 * index, 12, shape_energy(frame.energy, 1.0 if solo else 0.75))
            )
        outro = total_bars - intro - 12 * choruses
        if outro:
            sections.append(
                Section(SectionName.OUTRO, total_bars - outro, outro, shape_energy(frame.energy, 0.5))
            )
        return tuple(sections)

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        chords: list[Chord] = []
        # A plan may hold several choruses in one section (a 24-bar solo): every 12 bars is a chorus.
        choruses = [s for s in sections if s.bars % 12 == 0 and s.name is not SectionName.INTRO]
        last_chorus = choruses[-1] if choruses else None
        quality = MINOR_SEVENTH if frame.minor else DOMINANT_SEVENTH
        for section in sections:
            for bar in range(section.start_bar, section.end_bar):
                if section in choruses:
                    degree = TWELVE_BAR[(bar - section.start_bar) % 12]
                    if (
                        section is last_chorus
                        and bar == section.end_bar - 1
                        and section.end_bar == sections[-1].end_bar
                    ):
                        degree = 0
                elif section.name is SectionName.INTRO:
                    degree = 4 if bar == section.end_bar - 1 else 0
                else:
                    degree = 0
                intervals = DOMINANT_SEVENTH if degree == 4 else quality
                root = frame.key_pc + _DEGREE_SEMITONES[degree]
                chords.append(chord_from_root(root, intervals, bar, 1, degree))
        return tuple(chords)

    def part(self, ctx: PartContext) -> Material | None:
        score = ctx.score
        if ctx.role is Role.BASS:
            return Material(tuple(boogie_bass(score, ctx.register)))
        if ctx.role in (Role.CHORDS, Role.PAD, Role.ARP):
            return Material(tuple(shuffle_comp(score, ctx.register, sustained=ctx.role is Role.PAD)))
        if ctx.role in (Role.LEAD, Role.VOCAL):
            return Material(tuple(blues_licks(score, ctx.register, ctx.rng)))
        return None


def boogie_bass(score: Score, register: Range) -> list[NoteEvent]:
    """Shuffled eighths (swung to triplets) walking up and down the chord: root, third, fifth,
    sixth, flat seventh, sixth, fifth, third; a turnaround bar walks down to the V."""
    figure = (0, 4, 7, 9, 10, 9, 7, 4)
    notes: list[NoteEvent] = []
    for chord in score.chords:
        root = Range(register.low, register.low + 11).fit(chord.root_pc + 24)
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            steps = round(score.bar_qn / 0.5)
            for i in range(steps):
                offset = _swing(i * 0.5, score.swing_pct)
                pitch = register.fit(root + figure[i % len(figure)])
                velocity = shaped_velocity(score, start + offset, 88 if i % 2 == 0 else 72, 6)
                notes.append(NoteEvent(start + offset, 0.45 if i % 2 == 0 else 0.3, pitch, velocity))
    return notes


def shuffle_comp(score: Score, register: Range, *, sustained: bool) -> list[NoteEvent]:
    """Dominant-seventh chords in short stabs on the swung off-beats of 2 and 4 (piano, guitar), or
    held for the bar (organ pad)."""
    notes: list[NoteEvent] = []
    center = (register.low + register.high) // 2
    for chord in score.chords:
        voicing = sorted({register.fit(center - 6 + ((pc - center + 6) % 12)) for pc in chord.pitch_classes})
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            if sustained:
                velocity = shaped_velocity(score, start, 62)
                notes += [NoteEvent(start, score.bar_qn * 0.98, p, velocity) for p in voicing]
                continue
            for offset in (0.0, _swing(1.5, score.swing_pct), 2.0, _swing(3.5, score.swing_pct)):
                if offset >= score.bar_qn:
                    continue
                velocity = shaped_velocity(score, start + offset, 78 if offset % 1 else 66, 8)
                notes += [NoteEvent(start + offset, 0.5, p, velocity, None, "staccato") for p in voicing]
    return notes


def blues_licks(score: Score, register: Range, rng: np.random.Generator) -> list[NoteEvent]:
    """Licks in the blues scale: each 4-bar line calls for two bars and rests (the answer is the
    band); the lick ends on the chord's root or flat seventh, with a bend up into the blue note.
    In bars 11-12 of each chorus a turnaround lick descends from the octave to the fifth."""
    notes: list[NoteEvent] = []
    pcs = {(score.key_pc + s) % 12 for s in BLUES_SCALE}
    pool = [p for p in range(max(register.low, 55), min(register.high, 88) + 1) if p % 12 in pcs]
    if not pool:
        return notes
    motifs = [[0.0, 0.67, 1.0, 2.0], [0.0, 1.0, 1.67, 2.0, 3.0], [0.67, 1.0, 1.67, 2.0]]
    motif = motifs[int(rng.integers(len(motifs)))]
    choruses = [s for s in score.sections if s.bars == 12 and s.name is not SectionName.INTRO]
    if not choruses:  # a song too short for a whole chorus still gets its lines, 4 bars each
        choruses = [s for s in score.sections if s.bars >= 4] or list(score.sections)
    for section in choruses:
        for line in range(min(3, max(1, section.bars // 4))):
            bar = section.start_bar + 4 * line
            index = int(rng.integers(len(pool) // 3, 2 * len(pool) // 3 + 1))
            for lick_bar in (bar, bar + 1):
                start = lick_bar * score.bar_qn
                for i, onset in enumerate(motif):
                    index = int(np.clip(index + int(rng.choice([-2, -1, -1, 1])), 0, len(pool) - 1))
                    end = motif[i + 1] if i + 1 < len(motif) else min(score.bar_qn, onset + 2.0)
                    pitch = pool[index]
                    bend = pitch - 1 if (pitch - score.key_pc) % 12 == 7 and rng.random() < 0.6 else None
                    velocity = shaped_velocity(score, start + onset, 90, 10)
                    notes.append(NoteEvent(start + onset, (end - onset) * 0.9, pitch, velocity, bend))
            chord_root = score.chords[min(bar + 1, len(score.chords) - 1)].root_pc
            last = notes[-1]
            landing = min(
                (p for p in pool if p % 12 in (chord_root, (chord_root + 10) % 12)),
                key=lambda p: abs(p - last.pitch),
                default=last.pitch,
            )
            notes[-1] = NoteEvent(last.start_qn, last.length_qn, landing, last.velocity, last.glide_from)
        if section.bars < 12:
            continue
        turnaround = section.start_bar + 10
        start = turnaround * score.bar_qn
        top = max((p for p in pool if p % 12 == score.key_pc), default=pool[-1])
        descent = [p for p in pool if top - 7 <= p <= top][::-1] or [top]
        for i, pitch in enumerate(descent):
            onset = _swing(i * 0.5, score.swing_pct)
            velocity = shaped_velocity(score, start + onset, 84, 8)
            notes.append(NoteEvent(start + onset, 0.4, pitch, velocity))
    return notes
