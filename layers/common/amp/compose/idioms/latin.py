"""Latin styles, told apart by the genre's drum feel: bossa nova (ii-V-I in sevenths, the guitar's
syncopated comping under a thumb bass on 1 and 3), tango (marcato chords on all four beats, the
habanera rhythm in the bass, V-i in harmonic minor), salsa (3-2 clave, the piano montuno in
octaves, the tumbao bass anticipating each chord on the 'and' of 2 and on 4)."""

from enum import StrEnum

import numpy as np

from amp.compose.expression import shaped_velocity
from amp.compose.idioms.base import Frame, Idiom, Material, PartContext, chord_on, phrases
from amp.compose.ranges import Range
from amp.compose.rhythm import CLAVES, CONGA_MUTE, CONGA_OPEN, COWBELL
from amp.compose.score import Chord, NoteEvent, Score, Section
from amp.domain.spec import Role
from amp.genres import DrumFeel, Family


class LatinStyle(StrEnum):
    BOSSA = "bossa"
    TANGO = "tango"
    SALSA = "salsa"


def latin_style(feel: DrumFeel) -> LatinStyle:
    """The feel names the style; a latin genre with another feel is played as salsa (son clave)."""
    return {DrumFeel.BOSSA: LatinStyle.BOSSA, DrumFeel.TANGO: LatinStyle.TANGO}.get(feel, LatinStyle.SALSA)


BOSSA_COMP = ((0.0, 1.5, 3.0), (1.0, 2.5))
"""The bossa guitar's chord onsets (qn) over two bars: 1, 'and' of 2, 4 | 2, 'and' of 3."""
CLAVE_3_2 = ((0.0, 1.5, 3.0), (1.0, 2.0))
"""Son clave 3-2 (qn over two bars): the three side, then the two side."""
MONTUNO = ((0.0, 1.0, 1.5, 2.5, 3.5), (0.5, 1.5, 2.5, 3.0))
"""The piano montuno's eighth-note onsets over two bars, locked to the 3-2 clave."""
HABANERA = (0.0, 0.75, 1.0, 1.5)
"""Dotted eighth, sixteenth, two eighths: the habanera figure over two beats."""

_PROGRESSIONS: dict[LatinStyle, tuple[tuple[int, ...], ...]] = {
    LatinStyle.BOSSA: ((0, 1, 4, 0), (1, 4, 0, 0), (0, 5, 1, 4)),
    LatinStyle.TANGO: ((0, 4, 4, 0), (0, 3, 4, 0), (0, 0, 4, 4)),
    LatinStyle.SALSA: ((0, 3, 4, 3), (1, 4, 0, 0), (0, 4, 0, 4)),
}


class Latin(Idiom):
    family = Family.LATIN

    def chords(
        self, sections: tuple[Section, ...], frame: Frame, rng: np.random.Generator
    ) -> tuple[Chord, ...]:
        style = latin_style(frame.drum_feel)
        options = _PROGRESSIONS[style]
        progression = options[int(rng.integers(len(options)))]
        sevenths = style is LatinStyle.BOSSA
        chords: list[Chord] = []
        for section in sections:
            for start, bars in phrases(section):
                for offset in range(bars):
                    degree = progression[offset % len(progression)]
                    if start + offset == sections[-1].end_bar - 1:
                        degree = 0
                    chords.append(
                        chord_on(
                            frame, degree, start + offset, size=4 if sevenths else 3, leading_tone=frame.minor
                        )
                    )
        return tuple(chords)

    def part(self, ctx: PartContext) -> Material | None:
        style = latin_style(ctx.style.drum_feel)
        score = ctx.score
        if ctx.role is Role.BASS:
            return Material(tuple(latin_bass(score, ctx.register, style)))
        if ctx.role in (Role.CHORDS, Role.ARP):
            if style is LatinStyle.BOSSA:
                return Material(tuple(bossa_comp(score, ctx.register)))
            if style is LatinStyle.TANGO:
                return Material(tuple(tango_marcato(score, ctx.register)))
            return Material(tuple(montuno(score, ctx.register)))
        if ctx.role is Role.PERCUSSION and style is LatinStyle.SALSA:
            return Material(tuple(clave_and_congas(score)))
        return None


def _close(chord: Chord, register: Range, center: int) -> list[int]:
    return sorted({register.fit(center - 6 + ((pc - center + 6) % 12)) for pc in chord.pitch_classes})


def bossa_comp(score: Score, register: Range) -> list[NoteEvent]:
    """Close seventh chords on the two-bar bossa comping rhythm, short and soft (nylon guitar)."""
    notes: list[NoteEvent] = []
    center = max(register.low + 6, min(register.high - 6, 62))
    for chord in score.chords:
        voicing = _close(chord, register, center)
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            for onset in BOSSA_COMP[bar % 2]:
                if onset < score.bar_qn:
                    velocity = shaped_velocity(score, start + onset, 64, 8)
                    notes += [NoteEvent(start + onset, 0.6, p, velocity) for p in voicing]
    return notes


def tango_marcato(score: Score, register: Range) -> list[NoteEvent]:
    """Chords struck on every beat, short and accented (marcato), the first beat hardest."""
    notes: list[NoteEvent] = []
    center = max(register.low + 6, min(register.high - 6, 60))
    for chord in score.chords:
        voicing = _close(chord, register, center)
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            for beat in np.arange(0.0, score.bar_qn, 1.0):
                velocity = shaped_velocity(score, start + beat, 100 if beat == 0 else 88, 8)
                notes += [NoteEvent(start + float(beat), 0.6, p, velocity, None, "staccato") for p in voicing]
    return notes


def montuno(score: Score, register: Range) -> list[NoteEvent]:
    """The salsa piano montuno: chord tones in octaves on the clave-locked eighths, alternating the
    root and the third/fifth so the figure rocks."""
    notes: list[NoteEvent] = []
    low = Range(max(register.low, 55), max(register.low, 55) + 14)
    for chord in score.chords:
        tones = sorted({low.fit(pc + 60) for pc in chord.pitch_classes[:3]})
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            for i, onset in enumerate(MONTUNO[bar % 2]):
                if onset >= score.bar_qn:
                    continue
                pitch = tones[(i * 2) % len(tones)]
                velocity = shaped_velocity(score, start + onset, 84, 8)
                notes += [NoteEvent(start + onset, 0.4, p, velocity) for p in (pitch, pitch + 12)]
    return notes


def latin_bass(score: Score, register: Range, style: LatinStyle) -> list[NoteEvent]:
    """Bossa: root on 1 (dotted), fifth on 3, the 'and' of 4 pushing to the next root. Tango: the
    habanera on root and fifth. Salsa: the tumbao, 'and' of 2 and beat 4 on the next chord's root."""
    notes: list[NoteEvent] = []
    chords = score.chords
    for index, chord in enumerate(chords):
        root = register.fit(chord.root_pc + 36)
        fifth = register.fit(chord.pitch_classes[2] + 36)
        nxt = register.fit(chords[index + 1].root_pc + 36) if index + 1 < len(chords) else root
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            start = bar * score.bar_qn
            if style is LatinStyle.BOSSA:
                figure = [(0.0, 1.4, root), (1.5, 0.45, fifth), (2.0, 1.4, fifth), (3.5, 0.45, nxt)]
            elif style is LatinStyle.TANGO:
                figure = [
                    (half + h, 0.3, root if i % 2 == 0 else fifth)
                    for half in (0.0, 2.0)
                    for i, h in enumerate(HABANERA)
                ]
            else:
                figure = [(1.5, 1.4, fifth), (3.0, 1.0, nxt)]
            for onset, length, pitch in figure:
                if onset < score.bar_qn:
                    velocity = shaped_velocity(score, start + onset, 84, 6)
                    notes.append(NoteEvent(start + onset, length, pitch, velocity))
    return notes


def clave_and_congas(score: Score) -> list[NoteEvent]:
    """The percussion section over the clave: claves on 3-2, the conga tumbao (muted on 2, open
    tones on 4 and its 'and'), cowbell on the beats in the loud sections."""
    notes: list[NoteEvent] = []
    for bar in range(score.total_bars):
        start = bar * score.bar_qn
        energy = score.section_at_bar(bar).energy
        notes += [NoteEvent(start + o, 0.25, CLAVES, 100) for o in CLAVE_3_2[bar % 2] if o < score.bar_qn]
        notes += [NoteEvent(start + o, 0.25, CONGA_MUTE, 74) for o in (1.0,) if o < score.bar_qn]
        notes += [NoteEvent(start + o, 0.25, CONGA_OPEN, 94) for o in (3.0, 3.5) if o < score.bar_qn]
        if energy > 0.6:
            notes += [
                NoteEvent(start + float(b), 0.25, COWBELL, 80) for b in np.arange(0.0, score.bar_qn, 1.0)
            ]
    return notes
