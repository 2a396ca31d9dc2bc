"""Chord progressions per genre family and mode, and voice leading for chord and pad parts."""

import itertools

import numpy as np

from amp.compose.score import Chord, Section, SectionName
from amp.compose.style import Style
from amp.compose.theory import diatonic_chord
from amp.domain.spec import MINOR_FAMILY, Mode
from amp.genres import Family

# Scale-degree progressions (0 = tonic). Every one starts on the tonic so the key is heard at once.
_MINOR: dict[Family, tuple[tuple[int, ...], ...]] = {
    Family.EDM: ((0, 5, 2, 6), (0, 6, 5, 6), (0, 3, 5, 4), (0, 0, 5, 6)),
    Family.DNB: ((0, 5, 2, 6), (0, 3, 0, 5), (0, 6, 5, 3)),
    Family.HIPHOP: ((0, 5, 0, 6), (0, 3, 5, 4), (0, 0, 5, 5)),
    Family.JAZZ: ((0, 3, 6, 2), (0, 5, 1, 4), (0, 3, 1, 4)),
    Family.AMBIENT: ((0, 5), (0, 3), (0, 5, 3, 0)),
    Family.POP: ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 6)),
}
_MAJOR: dict[Family, tuple[tuple[int, ...], ...]] = {
    Family.EDM: ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 5, 4)),
    Family.DNB: ((0, 5, 3, 4), (0, 4, 5, 3)),
    Family.HIPHOP: ((0, 3, 5, 4), (0, 5, 3, 4)),
    Family.JAZZ: ((0, 5, 1, 4), (0, 3, 2, 5), (0, 1, 4, 0)),
    Family.AMBIENT: ((0, 3), (0, 5, 3, 0)),
    Family.POP: ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 0, 4)),
}
_MODAL: dict[Mode, tuple[tuple[int, ...], ...]] = {
    Mode.DORIAN: ((0, 3, 0, 3), (0, 3, 6, 0)),
    Mode.PHRYGIAN: ((0, 1, 0, 6), (0, 1, 5, 1)),
    Mode.LYDIAN: ((0, 1, 0, 1), (0, 1, 4, 0)),
    Mode.MIXOLYDIAN: ((0, 6, 3, 0), (0, 6, 0, 3)),
    Mode.LOCRIAN: ((0, 1, 0, 5),),
}


def choose_progressions(
    style: Style, mode: Mode, rng: np.random.Generator
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A main progression and a contrasting one for breakdowns, both starting on the tonic."""
    table = _MINOR if mode in MINOR_FAMILY else _MAJOR
    options = list(_MODAL.get(mode, ())) + list(table.get(style.family, table[Family.POP]))
    main = options[int(rng.integers(len(options)))]
    alternatives = [p for p in options if p != main] or [main]
    return main, alternatives[int(rng.integers(len(alternatives)))]


def chords_for_song(
    sections: tuple[Section, ...],
    scale_pcs: tuple[int, ...],
    style: Style,
    mode: Mode,
    rng: np.random.Generator,
) -> tuple[Chord, ...]:
    main, alternative = choose_progressions(style, mode, rng)
    size = 4 if style.seventh_chords else 3
    chords: list[Chord] = []
    for section in sections:
        progression = alternative if section.name is SectionName.BREAKDOWN else main
        bars_per_chord = style.bars_per_chord
        for index, bar in enumerate(range(section.start_bar, section.end_bar, bars_per_chord)):
            degree = progression[index % len(progression)]
            if (
                section.name in (SectionName.INTRO, SectionName.OUTRO)
                and index == (section.end_bar - section.start_bar - 1) // bars_per_chord
                and section.name is SectionName.OUTRO
            ):
                degree = 0  # end on the tonic
            bars = min(bars_per_chord, section.end_bar - bar)
            pcs = diatonic_chord(scale_pcs, degree, size)
            chords.append(Chord(bar, bars, pcs[0], pcs, degree))
    return tuple(chords)


def voice_lead(chords: tuple[Chord, ...], low: int, high: int, start_center: int) -> list[tuple[int, ...]]:
    """Pick each chord's voicing (one pitch per chord tone within [low, high]) that moves the voices
    least from the previous voicing; the first voicing sits closest to start_center."""
    voicings: list[tuple[int, ...]] = []
    previous: tuple[int, ...] | None = None
    for chord in chords:
        options_per_tone = [[p for p in range(low, high + 1) if p % 12 == pc] for pc in chord.pitch_classes]
        best: tuple[int, ...] | None = None
        best_cost = float("inf")
        for candidate in itertools.product(*options_per_tone):
            voicing = tuple(sorted(candidate))
            spread = voicing[-1] - voicing[0]
            if spread > 16 or len(set(voicing)) < len(voicing):
                continue
            if previous is None:
                cost = abs(float(np.mean(voicing)) - start_center) + 0.1 * spread
            else:
                cost = sum(abs(a - b) for a, b in zip(voicing, previous, strict=False)) + 0.05 * spread
            if cost < best_cost:
                best, best_cost = voicing, cost
        if best is None:
            best = tuple(sorted(options_per_tone[i][0] for i in range(len(options_per_tone))))
        voicings.append(best)
        previous = best
    return voicings
