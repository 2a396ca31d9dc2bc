"""Orchestral and cinematic writing: a string ostinato that drives from the first bar, sections
layered in one by one (strings, then low brass and horns, then the theme, then choir and high
octaves), long swells (CC11) on held chords, timpani hits at each section start and a roll into
the climax, a build to the last drop (the climax), and a final ritardando."""

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
)
from amp.compose.idioms.classical import QUARTET_RANGES
from amp.compose.ranges import Range, range_of
from amp.compose.rhythm import CRASH, TOM_LOW, TOM_MID, big_drum_hits, names_big_drums
from amp.compose.score import Chord, NoteEvent, Score, Section, SectionName
from amp.compose.theory import nearest_pitch
from amp.domain.spec import Role
from amp.genres import DrumFeel, Family

_MINOR = ((0, 5, 2, 6), (0, 5, 3, 4), (0, 3, 5, 4), (0, 6, 5, 4))
_MAJOR = ((0, 4, 5, 3), (0, 3, 5, 4), (0, 5, 3, 4))
"""i-VI-III-VII, the epic minor; I-V-vi-IV, the heroic major."""

_ENSEMBLE_DRUMS = ("taiko", "surdo", "dhol", "war drum", "frame drum", "djembe", "big drum")
"""Drums that play a pattern on every beat (timpani only mark the sections)."""

TIMPANI_LOW = TOM_LOW
"""Timpani hits are written as the General MIDI low tom (the percussion part is a drum part)."""

_ENTRY: dict[Role, int] = {
    Role.ARP: 0,
    Role.PAD: 0,
    Role.BASS: 1,
    Role.CHORDS: 1,
    Role.LEAD: 2,
    Role.VOCAL: 3,
}
"""The section index at which each layer enters (the ostinato and the string bed first)."""


def climax_index(score: Score) -> int:
    """The last drop (or the loudest section): where the build arrives."""
    drops = [i for i, s in enumerate(score.sections) if s.name is SectionName.DROP]
    return drops[-1] if drops else max(range(len(score.sections)), key=lambda i: score.sections[i].energy)


class Orchestral(Idiom):
    family = Family.ORCHESTRAL
    rubato = False
    ritardando = True

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        table = _MINOR if frame.minor else _MAJOR
        main = table[int(rng.integers(len(table)))]
        chords: list[Chord] = []
        total = sections[-1].end_bar
        for section in sections:
            for index, bar in enumerate(range(section.start_bar, section.end_bar, 2)):
                degree = main[index % len(main)]
                bars = min(2, section.end_bar - bar)
                if bar + bars >= total:
                    degree = 0
                elif bar + bars >= total - 2:
                    degree = 4
                chords.append(chord_on(frame, degree, bar, bars, leading_tone=frame.minor and degree == 4))
        return tuple(chords)

    def part(self, ctx: PartContext) -> Material | None:
        score = ctx.score
        if ctx.role is Role.PERCUSSION or (
            ctx.role is Role.DRUMS and ctx.style.drum_feel is DrumFeel.ORCHESTRAL
        ):
            notes = timpani_and_hits(score, ctx.role)
            if names_big_drums(ctx.names, _ENSEMBLE_DRUMS):  # taiko and its kin pound every beat
                notes += [
                    NoteEvent(qn, 0.25, pitch, velocity) for qn, pitch, velocity in big_drum_hits(score)
                ]
            return Material(tuple(notes))
        if ctx.role not in _ENTRY:
            return None
        entry = min(_ENTRY[ctx.role], max(0, len(score.sections) - 2))
        ostinato_role = _ostinato_role(ctx)
        if ctx.role is ostinato_role:
            notes = ostinato(score, ctx.register, entry)
        elif ctx.role in (Role.LEAD, Role.VOCAL) and not (ctx.role is Role.VOCAL and Role.LEAD in ctx.roles):
            voices = four_part(score.chords, QUARTET_RANGES)
            rhythm = bar_rhythm(score.bar_qn, score.beats_per_bar, ctx.rng, busy=False)
            line = melody_from_voice(
                score, [v[0] for v in voices], rhythm, ctx.rng, register=ctx.register, cadence_every=4,
                articulation="legato", base_velocity=80,
            )  # fmt: skip
            notes = [n for n in line if _playing(score, n.start_qn, entry)]
        elif ctx.role is Role.BASS:
            notes = low_line(score, ctx.register, entry)
        else:
            held = [r for r in (Role.CHORDS, Role.PAD) if r in ctx.roles and r is not ostinato_role]
            lowest_harmony = held[0] if held else None
            carries_bass = Role.BASS not in ctx.roles and ctx.role is lowest_harmony
            playable = range_of(ctx.names) or Range(36, 96)
            floor = playable.low if carries_bass else None
            notes = held_chords(score, ctx.register, 0 if carries_bass else entry, bass_floor=floor)
        return Material(tuple(notes))


def _ostinato_role(ctx: PartContext) -> Role:
    """Who drives the ostinato: the arp part, else a harmony part played by strings, else chords."""
    if Role.ARP in ctx.roles:
        return Role.ARP
    for role in (Role.CHORDS, Role.PAD):
        if role in ctx.roles and any(
            w in n.lower() for n in ctx.names_for(role) for w in ("string", "violin")
        ):
            return role
    return Role.CHORDS


def _playing(score: Score, start_qn: float, entry: int) -> bool:
    """A layer plays from its entry section on, everyone in the climax, and rests in breakdowns
    unless it is the string bed."""
    bar = int(start_qn // score.bar_qn)
    index = next(
        (i for i, s in enumerate(score.sections) if s.start_bar <= bar < s.end_bar), len(score.sections) - 1
    )
    section = score.sections[index]
    if index == climax_index(score):
        return True
    if section.name is SectionName.BREAKDOWN and entry > 0:
        return False
    return index >= entry


def ostinato(score: Score, register: Range, entry: int) -> list[NoteEvent]:
    """Spiccato eighths (sixteenths in the climax) on root-fifth-octave-fifth of each chord."""
    notes: list[NoteEvent] = []
    climax = score.sections[climax_index(score)]
    for chord in score.chords:
        root = Range(max(register.low, 50), max(register.low, 50) + 11).fit(chord.root_pc + 48)
        figure = (
            root,
            register.fit(nearest_pitch(chord.pitch_classes[2], root + 7)),
            root + 12,
            register.fit(nearest_pitch(chord.pitch_classes[1], root + 15)),
        )
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            if not _playing(score, start, entry):
                continue
            step = 0.25 if climax.start_bar <= bar < climax.end_bar else 0.5
            for i in range(round(score.bar_qn / step)):
                velocity = shaped_velocity(score, start + i * step, 72 if i % 4 == 0 else 60, 10)
                notes.append(
                    NoteEvent(
                        start + i * step, step * 0.9, register.fit(figure[i % 4]), velocity, None, "staccato"
                    )
                )
    return notes


def held_chords(
    score: Score, register: Range, entry: int, *, bass_floor: int | None = None
) -> list[NoteEvent]:
    """Sustained, voice-led chords (strings, brass, choir) over each chord's length, doubled an
    octave up in the climax; the expression swells come from the finishing step. With no bass part
    the lowest harmony section also plays the root from its lowest octave (`bass_floor`) (trombones and tuba, or the basses of the
    string section), so the orchestra keeps its floor."""
    from amp.compose.harmony import voice_lead

    low = max(register.low, 48)
    high = min(register.high, low + 26)
    voicings = voice_lead(score.chords, low, max(high, low + 12), (low + high) // 2)
    climax = score.sections[climax_index(score)]
    notes: list[NoteEvent] = []
    for chord, voicing in zip(score.chords, voicings, strict=True):
        start = chord.start_bar * score.bar_qn
        if not _playing(score, start, entry):
            continue
        length = chord.bars * score.bar_qn * 0.98
        velocity = shaped_velocity(score, start, 74, 8)
        pitches = list(voicing)
        if climax.start_bar <= chord.start_bar < climax.end_bar and voicing[-1] + 12 <= register.high:
            pitches.append(voicing[-1] + 12)
        if bass_floor is not None:
            low_register = Range(max(bass_floor, 33), max(bass_floor, 33) + 11)
            pitches.insert(0, low_register.fit(chord.root_pc + 36))
        notes += [NoteEvent(start, length, p, velocity, None, "legato") for p in pitches]
    return notes


def low_line(score: Score, register: Range, entry: int) -> list[NoteEvent]:
    """Long roots (cellos, basses, low brass), re-struck each bar, octaves in the climax."""
    notes: list[NoteEvent] = []
    climax = score.sections[climax_index(score)]
    for chord in score.chords:
        root = register.fit(chord.root_pc + 36)
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            if not _playing(score, start, entry):
                continue
            velocity = shaped_velocity(score, start, 80, 8)
            notes.append(NoteEvent(start, score.bar_qn * 0.97, root, velocity, None, "legato"))
            if climax.start_bar <= bar < climax.end_bar and root - 12 >= register.low:
                notes.append(NoteEvent(start, score.bar_qn * 0.97, root - 12, velocity, None, "legato"))
    return notes


def timpani_and_hits(score: Score, role: Role) -> list[NoteEvent]:
    """A timpani hit (with a crash in the drum part) at every section start, a sixteenth roll
    swelling through each build's last bar and the bar before the climax, beats struck in the climax."""
    notes: list[NoteEvent] = []
    climax_at = climax_index(score)
    for index, section in enumerate(score.sections):
        start = section.start_bar * score.bar_qn
        notes.append(NoteEvent(start, 1.0, TIMPANI_LOW, 120))
        if role is Role.DRUMS and index > 0:
            notes.append(NoteEvent(start, 1.0, CRASH, 110))
        if index == climax_at:
            for bar in range(section.start_bar, section.end_bar):
                for beat in np.arange(0.0, score.bar_qn, 1.0):
                    if bar == section.start_bar and beat == 0.0:
                        continue
                    notes.append(
                        NoteEvent(bar * score.bar_qn + float(beat), 0.5, TOM_MID if beat else TIMPANI_LOW, 96)
                    )
        rolls_in = section.name is SectionName.BUILD or index + 1 == climax_at
        if rolls_in and section.bars >= 1:
            roll_start = (section.end_bar - 1) * score.bar_qn
            steps = round(score.bar_qn / 0.25)
            notes += [
                NoteEvent(roll_start + i * 0.25, 0.25, TIMPANI_LOW, int(60 + 60 * (i + 1) / steps))
                for i in range(steps)
            ]
    return sorted(notes, key=lambda n: (n.start_qn, n.pitch))
