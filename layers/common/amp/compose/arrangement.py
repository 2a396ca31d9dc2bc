"""Sections in whole bars sized to the duration, with the energy curve following them."""

import math

from amp.compose.score import Section, SectionName

_TEMPLATE: tuple[tuple[SectionName, float, float], ...] = (
    # name, share of the song, energy relative to the spec's
    (SectionName.INTRO, 0.10, 0.45),
    (SectionName.GROOVE, 0.20, 0.75),
    (SectionName.BUILD, 0.08, 0.85),
    (SectionName.DROP, 0.20, 1.00),
    (SectionName.BREAKDOWN, 0.12, 0.40),
    (SectionName.BUILD, 0.06, 0.85),
    (SectionName.DROP, 0.16, 1.00),
    (SectionName.OUTRO, 0.08, 0.50),
)

_SHORT_TEMPLATE: tuple[tuple[SectionName, float, float], ...] = (
    (SectionName.INTRO, 0.15, 0.5),
    (SectionName.GROOVE, 0.30, 0.8),
    (SectionName.DROP, 0.40, 1.0),
    (SectionName.OUTRO, 0.15, 0.55),
)


def plan_sections(total_bars: int, energy: float) -> tuple[Section, ...]:
    """Allocate whole phrases (4 bars, or 2/1 for short songs) to a section template.

    Largest-remainder allocation keeps every section at least one phrase when there is room;
    leftover bars go to the outro so the song ends on a complete phrase.
    """
    if total_bars < 1:
        raise ValueError("a song needs at least one bar")
    template = _TEMPLATE if total_bars >= 32 else _SHORT_TEMPLATE
    phrase = 4 if total_bars >= 24 else 2 if total_bars >= 8 else 1
    phrases = total_bars // phrase
    if phrases < len(template):
        template = tuple(t for t in template if t[0] in (SectionName.GROOVE, SectionName.DROP))[
            : max(1, phrases)
        ]
    raw = [share * phrases for _, share, _ in template]
    counts = [max(1, math.floor(r)) for r in raw]
    while sum(counts) > phrases:
        index = max(range(len(counts)), key=lambda i: (counts[i], -i))
        counts[index] -= 1
    remainders = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for index in remainders[: phrases - sum(counts)]:
        counts[index] += 1
    sections: list[Section] = []
    bar = 0
    for (name, _, relative_energy), count in zip(template, counts, strict=True):
        if count <= 0:
            continue
        bars = count * phrase
        sections.append(Section(name, bar, bars, shape_energy(energy, relative_energy)))
        bar += bars
    if bar < total_bars:
        last = sections[-1]
        sections[-1] = Section(last.name, last.start_bar, last.bars + total_bars - bar, last.energy)
    return tuple(sections)


def shape_energy(spec_energy: float, relative: float) -> float:
    """Low-energy songs keep a flatter curve; high-energy songs hit harder in the drops."""
    return max(0.05, min(1.0, spec_energy * (0.55 + 0.45 * relative) + 0.25 * (relative - 0.6)))
