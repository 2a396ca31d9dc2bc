"""Sections in whole bars sized to the duration, with the energy curve following them."""

import math

from amp.compose.score import Section, SectionName
from amp.domain.spec import Plan, SectionPlan

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


SECTION_KINDS: dict[str, SectionName] = {
    "intro": SectionName.INTRO,
    "introduction": SectionName.INTRO,
    "verse": SectionName.GROOVE,
    "groove": SectionName.GROOVE,
    "main": SectionName.GROOVE,
    "theme": SectionName.GROOVE,
    "head": SectionName.GROOVE,
    "a": SectionName.GROOVE,
    "pre-chorus": SectionName.BUILD,
    "prechorus": SectionName.BUILD,
    "build": SectionName.BUILD,
    "build-up": SectionName.BUILD,
    "buildup": SectionName.BUILD,
    "riser": SectionName.BUILD,
    "chorus": SectionName.DROP,
    "drop": SectionName.DROP,
    "hook": SectionName.DROP,
    "solo": SectionName.DROP,
    "climax": SectionName.DROP,
    "b": SectionName.DROP,
    "breakdown": SectionName.BREAKDOWN,
    "bridge": SectionName.BREAKDOWN,
    "break": SectionName.BREAKDOWN,
    "interlude": SectionName.BREAKDOWN,
    "middle eight": SectionName.BREAKDOWN,
    "outro": SectionName.OUTRO,
    "ending": SectionName.OUTRO,
    "coda": SectionName.OUTRO,
}
"""Plan names -> the kind of section the composer writes (its drum fills, bass pedal, chord rhythm)."""


def section_kind(name: str, energy: float) -> SectionName:
    """The kind for a plan name: its first word that is a known name ("chorus 2" -> drop), else by
    energy (a free-text section plays like a groove, a drop when loud, a breakdown when quiet)."""
    cleaned = name.strip().lower()
    if cleaned in SECTION_KINDS:
        return SECTION_KINDS[cleaned]
    for word in cleaned.replace("_", " ").split():
        if word.rstrip("0123456789") in SECTION_KINDS:
            return SECTION_KINDS[word.rstrip("0123456789")]
    return (
        SectionName.DROP if energy >= 0.8 else SectionName.BREAKDOWN if energy < 0.3 else SectionName.GROOVE
    )


def sections_from_plan(plan: Plan) -> tuple[Section, ...]:
    """The plan's sections back to back from bar 0, each exactly as many bars as it asks for."""
    sections: list[Section] = []
    bar = 0
    for item in plan.sections:
        kind = section_kind(item.name, item.energy)
        sections.append(
            Section(
                kind,
                bar,
                item.bars,
                item.energy,
                label="" if item.name == kind.value else item.name,
                add_roles=tuple(dict.fromkeys(item.add_roles)),
                mute_roles=tuple(dict.fromkeys(item.mute_roles)),
                text=(item.text or "").lower(),
            )
        )
        bar += item.bars
    return tuple(sections)


def plan_from_sections(sections: tuple[Section, ...]) -> Plan:
    """A score's sections as a Plan: what `amp parse` prints and a client may edit and send back."""
    return Plan(
        sections=[
            SectionPlan(
                name=section.title,
                bars=section.bars,
                energy=round(section.energy, 2),
                add_roles=list(section.add_roles),
                mute_roles=list(section.mute_roles),
                text=section.text or None,
            )
            for section in sections
        ]
    )
