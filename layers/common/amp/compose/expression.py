"""Expression written into the score, so the render sounds played rather than sequenced: velocity
arches over phrases, sustain pedal for pianos, expression (CC11) swells for sustained strings, brass
and voices, and a tempo map with rubato and a final ritardando. Humanised
timing is the performance's (amp.synth.performance), so it is applied once."""

import math

import numpy as np

from amp.compose.score import Chord, ControlEvent, NoteEvent, Score

SUSTAIN_PEDAL = 64
EXPRESSION = 11

PHRASE_BARS = 4

_PEDALLED = ("piano", "celesta", "rhodes", "keys")
"""Instruments with a sustain (damper) pedal. Not the harp (its pedals retune strings; a harpist lets
notes ring as written) nor the harpsichord (no damper pedal)."""
_SWELLING = (
    "violin", "viola", "cello", "double bass", "contrabass", "string", "fiddle", "erhu",
    "horn", "trumpet", "trombone", "tuba", "brass", "choir", "voice", "vocal", "soprano", "alto",
    "tenor", "baritone", "organ", "accordion", "clarinet", "oboe", "bassoon", "flute",
)  # fmt: skip


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, int(value)))


def _named(names: tuple[str, ...], words: tuple[str, ...]) -> bool:
    return any(word in name.lower() for name in names for word in words)


def is_pedalled(names: tuple[str, ...], patch: str) -> bool:
    """Instruments whose player holds the sustain pedal through a harmony (piano and its kin)."""
    return _named(names, _PEDALLED) or patch in ("piano", "rhodes")


def is_swelling(names: tuple[str, ...], patch: str) -> bool:
    """Instruments that can grow and fade inside one held note (bowed strings, winds, voices)."""
    return _named(names, _SWELLING) or patch in ("strings", "brass", "choir", "organ", "flute")


def phrase_arch(score: Score, start_qn: float) -> float:
    """-1..1: rises to the middle-late part of each 4-bar phrase and falls back at its end."""
    phrase_qn = PHRASE_BARS * score.bar_qn
    position = (start_qn % phrase_qn) / phrase_qn
    return math.sin(math.pi * min(1.0, position / 0.85)) * 2.0 - 1.0 if position < 0.85 else -1.0


def shaped_velocity(score: Score, start_qn: float, base: int, depth: int = 12) -> int:
    """The note's velocity from the section's energy and the phrase arch (crescendo into the
    phrase's peak, diminuendo to its cadence)."""
    bar = int(start_qn // score.bar_qn)
    energy = score.section_at_bar(bar).energy
    value = base + 30.0 * (energy - 0.5) + depth * 0.5 * phrase_arch(score, start_qn)
    return _clamp(round(value), 1, 127)


def sustain_pedal(
    chords: tuple[Chord, ...], score: Score, active: list[tuple[float, float]]
) -> list[ControlEvent]:
    """Legato pedalling: lift at each chord change and press again just after the new harmony sounds,
    only over the spans where the part plays; lifted at the end."""
    events: list[ControlEvent] = []
    for chord in chords:
        start = chord.start_bar * score.bar_qn
        end = (chord.start_bar + chord.bars) * score.bar_qn
        if not any(a < end and start < b for a, b in active):
            continue
        events += [ControlEvent(start, SUSTAIN_PEDAL, 0), ControlEvent(start + 0.05, SUSTAIN_PEDAL, 127)]
        events.append(ControlEvent(end - 0.02, SUSTAIN_PEDAL, 0))
    return sorted(events, key=lambda e: (e.time_qn, e.value))


def expression_swells(
    notes: tuple[NoteEvent, ...], score: Score, min_length_qn: float = 1.5
) -> list[ControlEvent]:
    """CC11 over each held note (or chord): swell up to its middle, ease off at its end; short notes
    sit at a steady level that follows the section's energy."""
    events: dict[float, int] = {}
    spans: dict[float, float] = {}
    for note in notes:
        spans[note.start_qn] = max(spans.get(note.start_qn, 0.0), note.length_qn)
    last_level = -1
    for start, length in sorted(spans.items()):
        bar = int(start // score.bar_qn)
        level = int(70 + 40 * score.section_at_bar(bar).energy)
        if length < min_length_qn:
            if last_level != level:
                events.setdefault(round(start, 4), min(127, level))
                last_level = level
            continue
        last_level = -1
        for step in range(5):
            fraction = step / 4.0
            value = level - 22 + int(34 * math.sin(math.pi * fraction))
            events[round(start + fraction * length * 0.95, 4)] = _clamp(value, 1, 127)
    return [ControlEvent(time, EXPRESSION, value) for time, value in sorted(events.items())]


def tempo_map(
    score: Score, rng: np.random.Generator, *, rubato: bool, ritardando: bool
) -> tuple[tuple[float, float], ...]:
    """(start_qn, bpm) pieces after the opening tempo. Rubato leans each phrase forward and relaxes
    into its cadence, staying within 1.1% of the spec's bpm; the ritardando broadens the last bars
    (2 bars, 3 from 24 bars, 4 from 48), beat by beat, to about 78% of the tempo."""
    changes: list[tuple[float, float]] = []
    bar_qn = score.bar_qn
    rit_bars = (4 if score.total_bars >= 48 else 3 if score.total_bars >= 24 else 2) if ritardando else 0
    rit_bars = min(rit_bars, max(0, score.total_bars - 2))
    body_bars = score.total_bars - rit_bars
    if rubato:
        lean = 0.003 + 0.004 * float(rng.random())
        for bar in range(body_bars):
            in_phrase = bar % PHRASE_BARS
            factor = {0: 1.0, 1: 1.0 + lean, 2: 1.0 + lean * 0.5, 3: 1.0 - 1.5 * lean}[in_phrase]
            changes.append((bar * bar_qn, round(score.bpm * factor, 3)))
    if rit_bars:
        start_qn = body_bars * bar_qn
        beats = max(1, round(rit_bars * bar_qn))
        for beat in range(beats):
            factor = 1.0 - 0.22 * ((beat + 1) / beats) ** 1.5
            changes.append((start_qn + beat * rit_bars * bar_qn / beats, round(score.bpm * factor, 3)))
    pieces = [(qn, bpm) for qn, bpm in changes if qn > 0 or bpm != score.bpm]
    return tuple(pieces)
