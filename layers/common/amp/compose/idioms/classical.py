"""Classical and chamber music: phrases that end in cadences (half cadences on V, authentic V-I,
the piece closing IV-V-I), four-part voice leading shared out to the players (in a string quartet
violin I the melody, violin II and viola the inner voices, the cello the bass), Alberti or
arpeggiated accompaniment on keyboards and plucked strings, a counter-melody in the first inner
voice, rubato and a final ritardando."""

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
    passing_line,
    phrase_sections,
    phrases,
    scale_step,
)
from amp.compose.ranges import Range
from amp.compose.score import Chord, NoteEvent, Score, Section, SectionName
from amp.compose.theory import nearest_pitch
from amp.domain.spec import Role
from amp.genres import Family

_HALF = ((0, 5, 1, 4), (0, 3, 0, 4), (0, 1, 0, 4), (0, 5, 3, 4))
"""Phrases ending on V: the question."""
_AUTHENTIC = ((0, 3, 4, 0), (0, 1, 4, 0), (5, 1, 4, 0), (0, 5, 4, 0))
"""Phrases ending V-I: the answer."""
_FINAL = (0, 1, 3, 4, 0)
"""The piece closes IV-V-I (ii-IV-V-I when there is room)."""

QUARTET_RANGES = (Range(62, 84), Range(55, 76), Range(48, 69), Range(36, 60))
"""Soprano (violin I), alto (violin II), tenor (viola), bass (cello) for instrumental four-part writing."""


def _fit_phrase(template: tuple[int, ...], bars: int) -> tuple[int, ...]:
    if bars >= len(template):
        return tuple(0 if i % 2 == 0 else 3 for i in range(bars - len(template))) + template
    return template[len(template) - bars :]


def cadential_chords(
    sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator, *, sevenths: bool = True
) -> tuple[Chord, ...]:
    """One chord a bar in 4-bar phrases ending in authentic cadences, one in four in a half cadence; each section's
    last phrase answers with an authentic cadence and the piece ends IV-V-I. In minor the dominant
    takes the raised leading tone, at authentic cadences as a dominant seventh."""
    chords: list[Chord] = []
    all_phrases = [p for section in sections for p in phrases(section)]
    section_ends = {section.end_bar for section in sections}
    for index, (start, bars) in enumerate(all_phrases):
        last_of_piece = index == len(all_phrases) - 1
        if last_of_piece:
            template = _FINAL if bars >= 5 else _FINAL[1:]
        elif index % 4 != 2 or start + bars in section_ends:
            template = _AUTHENTIC[int(rng.integers(len(_AUTHENTIC)))]
        else:  # one phrase in four asks a question (ends on V), so the tonic stays home
            template = _HALF[int(rng.integers(len(_HALF)))]
        degrees = _fit_phrase(template, bars)
        for offset, degree in enumerate(degrees):
            cadence_dominant = degree == 4 and offset == bars - 2 and degrees[-1] == 0
            chords.append(
                chord_on(
                    frame,
                    degree,
                    start + offset,
                    leading_tone=degree == 4,
                    dominant_seventh=cadence_dominant and sevenths,
                )
            )
    return tuple(chords)


def inner_roles(ctx: PartContext) -> list[Role]:
    """The non-keyboard inner parts, highest first: they take the alto, tenor (and doubled tenor)."""
    return [r for r in (Role.ARP, Role.CHORDS, Role.PAD) if r in ctx.roles and not _accompanies(ctx, r)]


def _accompanies(ctx: PartContext, role: Role) -> bool:
    """Keyboards and plucked strings in a harmony role accompany (Alberti, arpeggios)."""
    if role is not ctx.role:
        return False
    return ctx.keyboard or ctx.plucked


def accompaniment(
    score: Score,
    voices: tuple[tuple[int, int, int, int], ...],
    register: Range,
    *,
    plucked: bool,
    with_bass: bool,
) -> list[NoteEvent]:
    """Alberti figures (low-high-middle-high eighths) on keyboards, rising and falling arpeggios on
    plucked strings; a bass note on each downbeat when nobody else plays the bass."""
    notes: list[NoteEvent] = []
    figure = (0, 1, 2, 3, 2, 1) if plucked else (0, 2, 1, 2)
    for chord, (_, alto, tenor, bass) in zip(score.chords, voices, strict=True):
        center = register.fit((tenor + alto) // 2)
        close = sorted({register.fit(nearest_pitch(pc, center)) for pc in chord.pitch_classes[:3]})
        tones = [*close, close[0] + 12] if plucked else close
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            for step in range(round(score.bar_qn / 0.5)):
                pitch = tones[figure[step % len(figure)] % len(tones)]
                velocity = shaped_velocity(score, start + step * 0.5, 58 if step % 2 else 66, 10)
                notes.append(NoteEvent(start + step * 0.5, 0.48, pitch, velocity))
            if with_bass:
                low = Range(max(register.low - 12, 28), register.low + 7).fit(bass)
                notes.append(NoteEvent(start, score.bar_qn * 0.98, low, shaped_velocity(score, start, 70)))
    return notes


def bass_line(
    score: Score,
    voices: tuple[tuple[int, int, int, int], ...],
    register: Range,
    *,
    bowed: bool,
    pulse: bool = False,
) -> list[NoteEvent]:
    """The bass voice: half notes (a passing tone into the next root where it steps), plucked
    (pizzicato) in the quiet sections when the bass is a bowed string. With no drums (`pulse`) it
    walks in quarter notes, as a continuo bass does, so the beat is heard."""
    notes: list[NoteEvent] = []
    half = score.bar_qn / 2 if abs(score.bar_qn - 4.0) < 1e-9 else score.bar_qn
    if pulse:
        half = 1.5 if abs(score.bar_qn - 3.0) < 1e-9 and score.beats_per_bar == 6 else 1.0
    for index, (chord, voice) in enumerate(zip(score.chords, voices, strict=True)):
        nxt = voices[index + 1][3] if index + 1 < len(voices) else voice[3]
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            quiet = score.section_at_bar(bar).energy < 0.45
            articulation = "pizzicato" if bowed and quiet else "legato" if bowed else ""
            length = min(0.9, half) if articulation == "pizzicato" else half * 0.97
            root = register.fit(voice[3])
            count = round(score.bar_qn / half)
            if index == len(voices) - 1:  # the final tonic is held
                pitches, length = [root], score.bar_qn * 0.97
            else:
                pitches = _bass_bar(
                    root, register.fit(nxt), chord, count, scale_pcs=score.scale_pcs, register=register
                )
            for i, pitch in enumerate(pitches[:count]):
                velocity = shaped_velocity(score, start + i * half, 72)
                notes.append(
                    NoteEvent(start + i * half, length, register.fit(pitch), velocity, None, articulation)
                )
    return notes


def _bass_bar(
    root: int, target: int, chord: Chord, count: int, *, scale_pcs: tuple[int, ...], register: Range
) -> list[int]:
    """One bar of bass: the root on the downbeat, chord tones (third, fifth) on the inner beats and,
    on the last beat, a scale step into the next chord's root (repeating the root if it stays)."""
    third = register.fit(nearest_pitch(chord.pitch_classes[1], root + 4))
    fifth = register.fit(nearest_pitch(chord.pitch_classes[2], root + 7))
    if target == root:
        approach = root
    else:
        approach = scale_step(target, -1 if target > root else 1, scale_pcs)
        approach = approach if approach in register else root
    inner = [third, fifth] if count >= 4 else [fifth]
    pitches = [root, *inner[: max(0, count - 2)]]
    if count >= 2:
        pitches.append(approach if target != root else fifth)
    return pitches


def inner_voice(
    score: Score,
    line: list[int],
    register: Range,
    rng: np.random.Generator,
    *,
    counter: bool,
    pulse: bool = False,
) -> list[NoteEvent]:
    """An inner part: a counter-melody (quarter-note passing motion against the melody's long
    notes) in the grooves and drops when it is the first inner voice, else sustained legato tones,
    repeated eighths when the section drives."""
    notes: list[NoteEvent] = []
    for index, chord in enumerate(score.chords):
        pitch = register.fit(line[index])
        nxt = register.fit(line[index + 1]) if index + 1 < len(line) else pitch
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            section = score.section_at_bar(bar)
            if counter and section.name in (SectionName.GROOVE, SectionName.DROP):
                count = max(1, round(score.bar_qn))
                for i, p in enumerate(passing_line(pitch, nxt, count, score.scale_pcs)):
                    velocity = shaped_velocity(score, start + i, 64)
                    notes.append(NoteEvent(start + i, 0.95, register.fit(p), velocity, None, "legato"))
            elif section.energy > 0.7 or (pulse and not counter):  # repeated eighths carry the pulse
                for i in range(round(score.bar_qn / 0.5)):
                    velocity = shaped_velocity(score, start + i * 0.5, 56 if i % 2 else 72)  # beats accented
                    notes.append(NoteEvent(start + i * 0.5, 0.42, pitch, velocity))
            else:
                velocity = shaped_velocity(score, start, 60)
                notes.append(NoteEvent(start, score.bar_qn * 0.98, pitch, velocity, None, "legato"))
    return notes


class Classical(Idiom):
    """Also the base of the choral idiom: the same four-bar phrases closing on cadences, with rubato
    and a final ritardando; `dominant_sevenths` is the one difference in the harmony."""

    family = Family.CLASSICAL
    rubato = True
    ritardando = True
    dominant_sevenths = True

    def sections(self, total_bars: int, frame: Frame) -> tuple[Section, ...]:
        return phrase_sections(total_bars, frame.energy)

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        return cadential_chords(sections, frame, rng, sevenths=self.dominant_sevenths)

    def part(self, ctx: PartContext) -> Material | None:
        if ctx.role not in (Role.LEAD, Role.VOCAL, Role.ARP, Role.CHORDS, Role.PAD, Role.BASS):
            return None
        score = ctx.score
        voices = four_part(score.chords, QUARTET_RANGES)
        register = ctx.register
        bowed = not (ctx.keyboard or ctx.plucked)
        melody_rng = np.random.default_rng(int(ctx.rng.integers(2**32)))
        busy = score.sections[0].energy > 0.3
        pulse = not ctx.rhythm_section
        rhythm = bar_rhythm(score.bar_qn, score.beats_per_bar, melody_rng, busy=busy, pulse=pulse)
        if ctx.solo:
            melody = _melody(score, voices, rhythm, melody_rng, _upper(register), bowed=bowed)
            if ctx.keyboard or ctx.plucked:
                low = Range(register.low, min(register.high, 67))
                melody += accompaniment(score, voices, low, plucked=ctx.plucked, with_bass=ctx.keyboard)
            return Material(tuple(melody))
        if ctx.role is Role.LEAD or (ctx.role is Role.VOCAL and Role.LEAD not in ctx.roles):
            return Material(tuple(_melody(score, voices, rhythm, melody_rng, register, bowed=bowed)))
        if ctx.role is Role.BASS:
            return Material(
                tuple(bass_line(score, voices, register, bowed=bowed, pulse=not ctx.rhythm_section))
            )
        if ctx.keyboard or ctx.plucked:
            with_bass = Role.BASS not in ctx.roles
            return Material(
                tuple(accompaniment(score, voices, register, plucked=ctx.plucked, with_bass=with_bass))
            )
        inner = inner_roles(ctx)
        position = 0 if ctx.role is Role.VOCAL or ctx.role not in inner else inner.index(ctx.role)
        line = [v[1] if position == 0 else v[2] - (12 if position >= 2 else 0) for v in voices]
        counter = position == 0
        return Material(tuple(inner_voice(score, line, register, melody_rng, counter=counter, pulse=pulse)))


def _upper(register: Range) -> Range:
    """The right hand's share of a solo instrument's register."""
    return Range(max(register.low, 60), max(register.high, 79))


def _melody(
    score: Score,
    voices: tuple[tuple[int, int, int, int], ...],
    rhythm: list[float],
    rng: np.random.Generator,
    register: Range,
    *,
    bowed: bool,
) -> list[NoteEvent]:
    """The soprano voice grown into a melody; its very last note is the tonic (the cadence lands)."""
    notes = melody_from_voice(
        score,
        [v[0] for v in voices],
        rhythm,
        rng,
        register=register,
        articulation="legato" if bowed else "",
    )
    if notes:
        last = notes[-1]
        tonic = register.fit(nearest_pitch(score.key_pc, last.pitch))
        notes[-1] = NoteEvent(last.start_qn, last.length_qn, tonic, last.velocity, None, last.articulation)
    return notes
