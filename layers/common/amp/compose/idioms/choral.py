"""Choral music: a homophonic chorale in four voice-led parts, soprano C4-G5, alto G3-D5, tenor
C3-G4, bass E2-C4, every voice moving together, cadences at phrase ends, swells on the held chords
and a final ritardando. The voices are shared out over the parts the spec renders (one choir part
sings all four; two parts split upper and lower voices; four parts take one voice each)."""

import numpy as np

from amp.compose.expression import shaped_velocity
from amp.compose.idioms.base import Material, PartContext, four_part
from amp.compose.idioms.classical import Classical
from amp.compose.ranges import SATB
from amp.compose.score import NoteEvent, Score
from amp.domain.spec import Role
from amp.genres import Family

VOICE_RANGES = (SATB["soprano"], SATB["alto"], SATB["tenor"], SATB["bass"])

_SHARES: dict[int, tuple[tuple[int, ...], ...]] = {
    1: ((0, 1, 2, 3),),
    2: ((0, 1), (2, 3)),
    3: ((0,), (1, 2), (3,)),
}
"""Which SATB voices (0 soprano .. 3 bass) each sung part takes, top part first."""


def voices_for(role: Role, roles: tuple[Role, ...]) -> tuple[int, ...]:
    """The SATB voices a part sings, from where its role sits among the pitched roles."""
    order: list[Role] = [
        r for r in (Role.LEAD, Role.VOCAL, Role.ARP, Role.CHORDS, Role.PAD, Role.BASS) if r in roles
    ]
    if role not in order:
        order = [role]
    shares = _SHARES.get(len(order))
    if shares is not None:
        return shares[order.index(role)]
    index = order.index(role)
    if role is Role.BASS or index == len(order) - 1:
        return (3,)
    return (min(index, 2),)


def _syllables(score: Score) -> list[float]:
    """Onsets of the chorale's sung chords inside a bar: one on every beat (dotted beats in 6/8),
    as hymns and chorales are sung."""
    if abs(score.bar_qn - 3.0) < 1e-9 and score.beats_per_bar == 6:
        return [0.0, 1.5]
    return [float(b) for b in range(int(score.bar_qn)) if b < score.bar_qn]


def chorale(score: Score, voices: tuple[int, ...], rng: np.random.Generator) -> list[NoteEvent]:
    """The chosen voices of the voice-led chorale, all in one rhythm; each phrase's last bar is one
    held chord (the cadence), and the soprano takes a passing tone on the second syllable now and
    then when it stays in range."""
    harmony = four_part(score.chords, VOICE_RANGES)
    notes: list[NoteEvent] = []
    onsets = _syllables(score)
    for index, (chord, voicing) in enumerate(zip(score.chords, harmony, strict=True)):
        nxt = harmony[index + 1] if index + 1 < len(harmony) else voicing
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            cadence = (bar + 1) % 4 == 0 or bar == score.total_bars - 1
            bar_onsets = [0.0] if cadence else onsets
            ends = [*bar_onsets[1:], score.bar_qn]
            for position, (onset, end) in enumerate(zip(bar_onsets, ends, strict=True)):
                velocity = shaped_velocity(score, start + onset, 70, 16)
                for voice in voices:
                    pitch = voicing[voice]
                    if position % 2 == 1 and voice == 0 and rng.random() < 0.4:
                        step = nxt[0] - pitch
                        candidate = pitch + (2 if step > 2 else -2 if step < -2 else 0)
                        if candidate in VOICE_RANGES[0] and candidate % 12 in score.scale_pcs:
                            pitch = candidate
                    notes.append(
                        NoteEvent(start + onset, (end - onset) * 0.96, pitch, velocity, None, "legato")
                    )
    return notes


class Choral(Classical):
    """Classical phrasing and cadences without dominant sevenths, sung in SATB."""

    family = Family.CHORAL
    dominant_sevenths = False

    def part(self, ctx: PartContext) -> Material | None:
        if ctx.role not in (Role.LEAD, Role.VOCAL, Role.ARP, Role.CHORDS, Role.PAD, Role.BASS):
            return None
        return Material(tuple(chorale(ctx.score, voices_for(ctx.role, ctx.roles), ctx.rng)))
