"""World traditions: a tanpura-like drone (Pa-Sa-Sa-Sa plucked in a cycle), a raga-like melody in
the spec's mode that opens with a slow, free alap and then moves over the tala, ornamented with
meend (a slide into the note) and kan (a grace note from above); with maqam instruments (oud, ney,
qanun, darbuka) the melody moves in tetrachords with turns, and the hand drums play the maqsum.
The tala-like cycle of the hand drums is in amp.compose.rhythm (the WORLD feel)."""

import numpy as np

from amp.compose.expression import shaped_velocity
from amp.compose.idioms.base import Frame, Idiom, Material, PartContext, chord_on, scale_step
from amp.compose.ranges import Range
from amp.compose.rhythm import CONGA_LOW, CONGA_MUTE, CONGA_OPEN
from amp.compose.score import Chord, NoteEvent, Score, Section, SectionName
from amp.domain.spec import Role
from amp.genres import Family

_MAQAM_WORDS = ("oud", "ney", "qanun", "kanun", "darbuka", "doumbek", "riq", "saz", "kemenche", "bouzouki")

MAQSUM = ((0.0, CONGA_LOW), (0.5, CONGA_OPEN), (1.5, CONGA_OPEN), (2.0, CONGA_LOW), (3.0, CONGA_OPEN))
"""Doum (low) and tek (high) of the maqsum over a 4/4 bar."""


def is_maqam(names: tuple[str, ...], roles_names: tuple[str, ...] = ()) -> bool:
    return any(word in name.lower() for name in (*names, *roles_names) for word in _MAQAM_WORDS)


class World(Idiom):
    family = Family.WORLD

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        """A static harmony: the drone's tonic and fifth, one 'chord' per four bars."""
        total = sections[-1].end_bar
        return tuple(chord_on(frame, 0, bar, min(4, total - bar)) for bar in range(0, total, 4))

    def part(self, ctx: PartContext) -> Material | None:
        score = ctx.score
        if ctx.role in (Role.PAD, Role.CHORDS) or (ctx.role is Role.BASS and "drone" in " ".join(ctx.names)):
            return Material(tuple(tanpura(score, ctx.register)))
        if ctx.role is Role.BASS:
            return Material(tuple(sam_bass(score, ctx.register)))
        if ctx.role in (Role.LEAD, Role.VOCAL, Role.ARP):
            return Material(tuple(ornamented_melody(score, ctx.register, ctx.rng, maqam=is_maqam(ctx.names))))
        if ctx.role is Role.PERCUSSION and is_maqam(ctx.names):
            return Material(tuple(maqsum(score)))
        return None


def tanpura(score: Score, register: Range) -> list[NoteEvent]:
    """Four plucks per cycle, Pa (the fifth below), Sa, Sa, Sa (the low tonic), each left ringing."""
    low = Range(max(register.low, 40), max(register.low, 40) + 23)
    sa = low.fit(score.key_pc + 48)
    pa = sa - 5 if sa - 5 >= low.low else sa + 7
    cycle = (pa, sa + 12, sa + 12, sa)
    pluck_qn = max(1.0, score.bar_qn / 2)
    notes: list[NoteEvent] = []
    total_qn = score.total_bars * score.bar_qn
    position, index = 0.0, 0
    while position < total_qn - 1e-9:
        velocity = shaped_velocity(score, position, 60, 6)
        notes.append(
            NoteEvent(position, min(pluck_qn * 3.0, total_qn - position), cycle[index % 4], velocity)
        )
        position += pluck_qn
        index += 1
    return notes


def sam_bass(score: Score, register: Range) -> list[NoteEvent]:
    """The tonic on each bar's first beat (the sam of the cycle loudest), the fifth half-way."""
    notes: list[NoteEvent] = []
    tonic = register.fit(score.key_pc + 36)
    for bar in range(score.total_bars):
        start = bar * score.bar_qn
        if score.section_at_bar(bar).name is SectionName.INTRO:
            continue
        notes.append(
            NoteEvent(
                start, score.bar_qn / 2, tonic, shaped_velocity(score, start, 88 if bar % 4 == 0 else 74)
            )
        )
        notes.append(NoteEvent(start + score.bar_qn / 2, score.bar_qn / 2 * 0.9, register.fit(tonic + 7), 70))
    return notes


def ornamented_melody(
    score: Score, register: Range, rng: np.random.Generator, *, maqam: bool
) -> list[NoteEvent]:
    """The alap (intro): long notes rising from the tonic one scale step at a time, each slid into
    (meend). Then phrases of eighths and quarters that circle a few scale degrees (a tetrachord with
    turns for maqam), return to the tonic at each cycle's end, and carry kan grace notes."""
    notes: list[NoteEvent] = []
    scale = score.scale_pcs
    tonic = Range(max(register.low, 60), max(register.low, 60) + 11).fit(score.key_pc + 60)
    tonic = register.fit(tonic)
    pitch = tonic
    previous: int | None = None
    for section in score.sections:
        for bar in range(section.start_bar, section.end_bar):
            start = bar * score.bar_qn
            if section.name is SectionName.INTRO:
                step = (bar - section.start_bar) % 5
                target = register.fit(scale_step(tonic, step, scale))
                notes.append(
                    NoteEvent(start, score.bar_qn * 0.95, target, shaped_velocity(score, start, 70), previous)
                )
                previous = target
                continue
            if (bar + 1) % 4 == 0:  # the phrase returns to Sa
                notes.append(
                    NoteEvent(start, score.bar_qn * 0.9, tonic, shaped_velocity(score, start, 80), pitch)
                )
                pitch, previous = tonic, tonic
                continue
            onsets = (
                [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]
                if abs(score.bar_qn - 4.0) < 1e-9
                else [float(x) for x in np.arange(0.0, score.bar_qn, 0.5)]
            )
            for i, onset in enumerate(onsets):
                end = onsets[i + 1] if i + 1 < len(onsets) else score.bar_qn
                if maqam:  # turns inside the tetrachord above the tonic
                    degree = (0, 1, 2, 1, 3, 2, 1, 0)[(bar * len(onsets) + i) % 8]
                    target = register.fit(scale_step(tonic, degree, scale))
                else:
                    move = int(rng.choice([-2, -1, -1, 1, 1, 2]))
                    target = register.fit(scale_step(pitch, move, scale))
                    if abs(target - tonic) > 12:
                        target = register.fit(scale_step(pitch, -move, scale))
                velocity = shaped_velocity(score, start + onset, 82, 10)
                glide = pitch if end - onset >= 1.0 and pitch != target else None  # meend on long notes
                if onset == 0.0 and rng.random() < 0.5:  # kan: a touch of the note above
                    grace = register.fit(scale_step(target, 1, scale))
                    notes.append(NoteEvent(start, 0.07, grace, velocity - 12))
                    notes.append(
                        NoteEvent(start + 0.07, (end - onset) * 0.92 - 0.07, target, velocity, glide)
                    )
                else:
                    notes.append(NoteEvent(start + onset, (end - onset) * 0.92, target, velocity, glide))
                pitch = target
            previous = pitch
    return notes


def maqsum(score: Score) -> list[NoteEvent]:
    """Darbuka-like doum and tek of the maqsum on every bar, a rolled tek filler in loud sections."""
    notes: list[NoteEvent] = []
    for bar in range(score.total_bars):
        start = bar * score.bar_qn
        section = score.section_at_bar(bar)
        if section.name is SectionName.INTRO:
            continue
        scale = score.bar_qn / 4.0
        notes += [NoteEvent(start + o * scale, 0.25, p, 104 if p == CONGA_LOW else 84) for o, p in MAQSUM]
        if section.energy > 0.6:
            notes += [NoteEvent(start + o * scale, 0.2, CONGA_MUTE, 56) for o in (2.5, 3.5)]
    return notes
