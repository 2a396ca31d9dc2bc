"""The spec's section plan: the one the request gave, or the one derived from the composer's form and
the prompt's structure words ("long intro", "two drops", "big breakdown", "ends with a fade").

`settle_plan` runs last in every parser (rules, and again after the LLM merge, since the genre, tempo
or length may have changed), so `MusicSpec.plan` is always set and always what the composer plays:
- a given plan wins over durations: duration_s becomes its length at the tempo. When the tempo was
  not stated and the plan would not fit 5 s..10 min at the genre's tempo, the tempo moves as far as
  needed (said in the notes); a stated tempo that cannot hold it is an InvalidInput;
- without a plan the asked length is rounded to the nearest whole number of bars (a half bar rounds
  up; kept inside 5 s..10 min: `nearest_bars`), and the derived plan is the composer's own form for
  those bars (`amp.compose.song_form`), reshaped by the prompt's words; provenance["plan"] is INFERRED
  when words shaped it, else DEFAULTED. duration_s is then exactly those bars as played (at a steady
  tempo bars x bar length; through a rubato or ritardando, the tempo map's length of them), the
  asked length stays in asked_duration_s and the notes say how it was rounded. A loop
  (the request's `loop`; the word "loopable" stays a structure hint) is rounded alike, and its tempo
  is steady, or it would not loop on the beat.

Every path sets `total_bars`, so the spec, the job record, the API and the CLI report asked vs
delivered length and the bars.
"""

import math
import re
from dataclasses import dataclass

from amp.compose import song_form
from amp.compose.arrangement import plan_from_sections
from amp.compose.score import Section, SectionName
from amp.compose.style import style_for
from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions
from amp.domain.spec import (
    MAX_BPM,
    MAX_DURATION_S,
    MAX_SECTION_BARS,
    MAX_SECTIONS,
    MIN_BPM,
    MIN_DURATION_S,
    Instrument,
    MusicSpec,
    Plan,
    Provenance,
    Role,
    bar_seconds,
    nearest_bars,
)
from amp.prompt.instruments import instrument_named

_DECIDED = (Provenance.STATED, Provenance.OVERRIDDEN)
_ROLE_INSTRUMENTS: dict[Role, str] = {
    Role.DRUMS: "drums",
    Role.PERCUSSION: "percussion",
    Role.BASS: "bass",
    Role.CHORDS: "piano",
    Role.PAD: "synth pad",
    Role.LEAD: "synth lead",
    Role.ARP: "arpeggiator",
    Role.FX: "risers",
    Role.VOCAL: "vocals",
}
"""The instrument a plan's add_roles brings in when the prompt gave the song none for that role."""

_NUMBERS = {"one": 1, "single": 1, "two": 2, "double": 2, "twin": 2, "three": 3, "four": 4}
_COUNT = r"(?P<n>one|single|two|double|twin|three|four|[1-4])"
_LONG = r"(?:long|longer|extended|slow|big|huge|massive|epic)"
_LONG_INTRO = re.compile(rf"\b{_LONG}(?:[- ]building)?\s+intro(?:duction)?\b")
_SHORT_INTRO = re.compile(r"\b(?:short|quick|brief)\s+intro(?:duction)?\b")
_NO_INTRO = re.compile(r"\bno\s+intro(?:duction)?\b|\bstraight into\b|\bstarts? (?:right )?on the drop\b")
_DROPS = re.compile(rf"\b{_COUNT}\s+(?:big\s+|huge\s+|heavy\s+)?(?:drops?|choruses)\b")
_BIG_BREAKDOWN = re.compile(rf"\b{_LONG}\s+(?:break ?down|bridge)\b")
_FADE_OUT = re.compile(
    r"\b(?:ends?|ending|finish(?:es)?|closes?)\s+(?:with|on|in)\s+a\s+(?:long\s+|slow\s+)?fade(?:[- ]out)?\b"
    r"|\bfades?[- ]out\b|\bfading out\b"
)
_FADE_IN = re.compile(r"\bfades?[- ]in\b|\bfading in\b|\b(?:starts?|opens?)\s+with\s+a\s+fade\b")


@dataclass
class _Draft:
    """One section while the words reshape the form."""

    kind: SectionName
    bars: int
    energy: float
    text: str = ""


def settle_plan(spec: MusicSpec, options: JobOptions, lowered: str = "") -> MusicSpec:
    """The spec with its plan, loop flag and length settled (see the module docstring)."""
    notes = list(spec.notes)
    provenance = dict(spec.provenance)
    loop = options.loop
    provenance["loop"] = Provenance.OVERRIDDEN if loop else Provenance.DEFAULTED
    if options.plan is not None:
        spec = _given(spec, options.plan, notes, provenance)
    else:
        spec = _derived(spec, loop, lowered, notes, provenance)
    spec = _add_planned_roles(spec, notes, provenance)
    return spec.model_copy(
        update={
            "loop": loop,
            "notes": list(dict.fromkeys(notes)),
            "provenance": dict(sorted(provenance.items())),
        }
    )


def refit_length(spec: MusicSpec) -> MusicSpec:
    """The spec after the reference track moved its tempo or metre: the length follows again. A
    default plan is derived anew from the asked length at the new tempo (whole bars, as in parse); a
    plan the request gave or the prompt's words shaped keeps its bars, and the length is theirs."""
    plan = spec.plan
    if plan is None:
        return spec
    notes = list(spec.notes)
    provenance = dict(spec.provenance)
    if provenance.get("plan") is Provenance.DEFAULTED:
        spec = _derived(spec, spec.loop, "", notes, provenance)
    else:
        kept = provenance.get("plan", Provenance.STATED)
        spec = _given(spec, plan, notes, provenance)
        provenance["plan"] = kept
    return spec.model_copy(
        update={"notes": list(dict.fromkeys(notes)), "provenance": dict(sorted(provenance.items()))}
    )


def _given(spec: MusicSpec, plan: Plan, notes: list[str], provenance: dict[str, Provenance]) -> MusicSpec:
    bpm = spec.bpm
    bars = plan.total_bars
    length_s = bars * bar_seconds(bpm, spec.time_signature)
    if not MIN_DURATION_S - 1e-6 <= length_s <= MAX_DURATION_S + 1e-6:
        qn = bars * spec.beats_per_bar * 4.0 / spec.beat_unit
        limit_s = MAX_DURATION_S if length_s > MAX_DURATION_S else MIN_DURATION_S
        needed = qn * 60.0 / limit_s
        needed = (
            math.ceil(needed * 100) / 100 if length_s > MAX_DURATION_S else math.floor(needed * 100) / 100
        )
        if provenance.get("bpm") in _DECIDED or not MIN_BPM <= needed <= MAX_BPM:
            raise InvalidInput(
                f"plan: {bars} bars of {spec.time_signature} last {length_s:.1f} s at {bpm:g} bpm; a song "
                f"lasts {MIN_DURATION_S:g}..{MAX_DURATION_S:g} s"
            )
        bound = "at most" if length_s > MAX_DURATION_S else "at least"
        notes.append(f"tempo {bpm:g} -> {needed:g} bpm so the plan's {bars} bars last {bound} {limit_s:g} s")
        bpm = needed
        provenance["bpm"] = Provenance.INFERRED
        length_s = bars * bar_seconds(bpm, spec.time_signature)
    duration_s = round(length_s, 6)
    if spec.total_bars is not None:  # settled before (the LLM merge, a reference): asked as it was
        asked = spec.asked_duration_s
    elif provenance.get("duration_s") in (*_DECIDED, Provenance.INFERRED):
        asked = spec.duration_s
    else:
        asked = None
    if asked is not None and abs(duration_s - asked) > 1e-3:
        notes.append(f"the plan's {bars} bars set the length: {duration_s:.2f} s (not the {asked:g} s asked)")
    provenance["duration_s"] = Provenance.INFERRED
    provenance["plan"] = Provenance.STATED
    return spec.model_copy(
        update={
            "bpm": bpm,
            "duration_s": duration_s,
            "asked_duration_s": asked,
            "total_bars": bars,
            "plan": plan,
        }
    )


def _derived(
    spec: MusicSpec, loop: bool, lowered: str, notes: list[str], provenance: dict[str, Provenance]
) -> MusicSpec:
    asked = spec.asked_duration_s if spec.asked_duration_s is not None else spec.duration_s
    style = style_for(spec.genre, spec.beats_per_bar, spec.bpm)
    bars = nearest_bars(asked, spec.bar_s)
    while True:
        nominal = spec.model_copy(update={"plan": None, "loop": loop, "duration_s": bars * spec.bar_s})
        form = song_form(nominal, style, bars=bars)
        played_s = form.time_s(form.total_bars * form.bar_qn)
        if played_s > MAX_DURATION_S + 1e-6 and bars > 1:
            bars -= 1  # a ritardando's broadened bars may carry the rounded length past 10 min
        elif played_s < MIN_DURATION_S - 1e-6:
            bars += 1
        else:
            break
    duration_s = round(played_s, 6)
    drafts = [_Draft(s.name, s.bars, s.energy) for s in form.sections]
    shaped = _apply_words(drafts, lowered) if lowered else False
    drafts = _merge_to_limit(drafts)
    sections = _sections(drafts)
    if abs(duration_s - asked) > 1e-3:
        what = "loop length" if loop else "length"
        timed = "as played through its tempo map" if form.tempo_changes else f"at {spec.bpm:g} bpm"
        notes.append(
            f"{what} {asked:g} s rounded to {bars} whole bars of {spec.time_signature} {timed}: {duration_s:.3f} s"
        )
        if loop:
            provenance["duration_s"] = Provenance.INFERRED
    provenance["plan"] = Provenance.INFERRED if shaped else Provenance.DEFAULTED
    return spec.model_copy(
        update={
            "duration_s": duration_s,
            "asked_duration_s": asked,
            "total_bars": bars,
            "plan": plan_from_sections(sections),
        }
    )


def _apply_words(drafts: list[_Draft], lowered: str) -> bool:
    """Reshape the form in place by the prompt's structure words, keeping its total bars; True when
    any word applied."""
    shaped = False
    total = sum(d.bars for d in drafts)
    phrase = 4 if total >= 24 else 2 if total >= 8 else 1
    if _NO_INTRO.search(lowered) and len(drafts) > 1 and drafts[0].kind is SectionName.INTRO:
        drafts[1].bars += drafts.pop(0).bars
        shaped = True
    elif _LONG_INTRO.search(lowered) or _SHORT_INTRO.search(lowered):
        if drafts[0].kind is not SectionName.INTRO and len(drafts) > 1:
            drafts.insert(0, _Draft(SectionName.INTRO, 0, max(0.05, drafts[0].energy * 0.6)))
        intro = drafts[0]
        want = max(intro.bars * 2, phrase * 2, total // 5) if _LONG_INTRO.search(lowered) else phrase
        shaped = _move_bars(drafts, intro, want - intro.bars, phrase) or shaped
        drafts[:] = [d for d in drafts if d.bars > 0]
    if (match := _DROPS.search(lowered)) is not None:
        shaped = _set_drops(drafts, _number(match.group("n")), phrase) or shaped
    if _BIG_BREAKDOWN.search(lowered):
        breakdowns = [d for d in drafts if d.kind is SectionName.BREAKDOWN]
        if not breakdowns:
            host = max(drafts[1:-1] or drafts, key=lambda d: d.bars)
            if host.bars >= 2 * phrase:
                index = drafts.index(host)
                drafts.insert(index + 1, _Draft(SectionName.BREAKDOWN, 0, max(0.05, host.energy * 0.4)))
                breakdowns = [drafts[index + 1]]
                _move_bars(drafts, breakdowns[0], phrase, phrase)
        for breakdown in breakdowns[:1]:
            breakdown.energy = min(breakdown.energy, 0.25)
            _move_bars(drafts, breakdown, breakdown.bars, phrase)
            shaped = True
    if _FADE_OUT.search(lowered):
        drafts[-1].text = ", ".join(filter(None, (drafts[-1].text, "fade out")))
        shaped = True
    if _FADE_IN.search(lowered):
        drafts[0].text = ", ".join(filter(None, (drafts[0].text, "fade in")))
        shaped = True
    return shaped


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _move_bars(drafts: list[_Draft], target: _Draft, bars: int, phrase: int) -> bool:
    """Give `target` up to `bars` more bars (fewer when negative), in whole phrases, taken from (or
    given to) the longest other groove or drop; True when any bar moved."""
    moved = 0
    step = phrase if bars > 0 else -phrase
    while abs(moved) < abs(bars):
        donors = [d for d in drafts if d is not target and d.kind in (SectionName.GROOVE, SectionName.DROP)]
        donor = max(donors or [d for d in drafts if d is not target] or [target], key=lambda d: d.bars)
        if (
            donor is target
            or (step > 0 and donor.bars - step < phrase)
            or (step < 0 and target.bars + step < 1)
        ):
            break
        donor.bars -= step
        target.bars += step
        moved += step
    return moved != 0


def _set_drops(drafts: list[_Draft], wanted: int, phrase: int) -> bool:
    """Exactly `wanted` drops: split the longest drop (a build phrase before the new one) until there
    are enough; extra drops play as grooves."""
    drops = [d for d in drafts if d.kind is SectionName.DROP]
    changed = False
    while len(drops) < wanted:
        host = max(drops or drafts, key=lambda d: d.bars)
        if host.bars < 3 * phrase:
            break
        index = drafts.index(host)
        second = (host.bars - phrase) // 2 // phrase * phrase
        first = host.bars - phrase - second
        energy = host.energy if host.kind is SectionName.DROP else min(1.0, host.energy + 0.2)
        host.kind, host.bars, host.energy = SectionName.DROP, first, energy
        drafts.insert(index + 1, _Draft(SectionName.BUILD, phrase, max(0.05, energy - 0.1)))
        drafts.insert(index + 2, _Draft(SectionName.DROP, second, energy))
        drops = [d for d in drafts if d.kind is SectionName.DROP]
        changed = True
    for extra in drops[wanted:]:
        extra.kind = SectionName.GROOVE
        changed = True
    return changed


def _merge_to_limit(drafts: list[_Draft]) -> list[_Draft]:
    """Neighbours of one kind joined (longest pair first) until the plan fits MAX_SECTIONS: a ten-minute
    blues has more choruses than a plan has rows."""
    while len(drafts) > MAX_SECTIONS:
        pairs = [
            i
            for i in range(len(drafts) - 1)
            if drafts[i].kind is drafts[i + 1].kind
            and drafts[i].bars + drafts[i + 1].bars <= MAX_SECTION_BARS
        ]
        if not pairs:
            pairs = [min(range(len(drafts) - 1), key=lambda i: drafts[i].bars + drafts[i + 1].bars)]
        index = min(pairs, key=lambda i: drafts[i].bars + drafts[i + 1].bars)
        first, second = drafts[index], drafts.pop(index + 1)
        first.energy = (first.energy * first.bars + second.energy * second.bars) / (first.bars + second.bars)
        first.bars += second.bars
    return drafts


def _sections(drafts: list[_Draft]) -> tuple[Section, ...]:
    sections: list[Section] = []
    bar = 0
    for draft in drafts:
        sections.append(Section(draft.kind, bar, draft.bars, draft.energy, text=draft.text))
        bar += draft.bars
    return tuple(sections)


def _add_planned_roles(spec: MusicSpec, notes: list[str], provenance: dict[str, Provenance]) -> MusicSpec:
    """A role the plan brings in (add_roles) but the song has no instrument for gets its default one;
    a role the prompt excluded stays out (the exclusion wins, and the notes say so)."""
    if spec.plan is None:
        return spec
    wanted = list(dict.fromkeys(role for section in spec.plan.sections for role in section.add_roles))
    have = {instrument.role for instrument in spec.instruments}
    added: list[Instrument] = []
    for role in wanted:
        if role in spec.excluded_roles:
            notes.append(f"plan adds '{role.value}' but the request excludes it; it stays out")
        elif role not in have:
            added.append(instrument_named(_ROLE_INSTRUMENTS[role]))
            provenance[f"instruments.{role.value}"] = Provenance.INFERRED
            notes.append(f"{added[-1].name} added for the plan's '{role.value}' sections")
    if not added:
        return spec
    return spec.model_copy(update={"instruments": [*spec.instruments, *added]})
