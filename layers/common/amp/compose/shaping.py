"""What a plan asks of one section beyond its bars and energy, applied to the composed parts.

Done after the idioms have written their parts, so every family obeys a plan alike:
- `mute_roles` (and words such as "no drums", "without bass") silence a role for the section: notes
  that start in it are dropped, notes ringing into it are cut at its first downbeat;
- `add_roles` make a role section-only: a role named by any section's add_roles plays in exactly the
  sections that name it (the parser gives the song an instrument for it when the prompt had none);
- "half-time" halves the drums' pulse: the first half of each bar's pattern is stretched over the bar
  (kick on 1, snare on 3, eighth hats become quarters).
Audio words ("filtered", "fade in") act on the rendered stems: `is_filtered`/`fades_in` read them
here and `amp.providers.sections` applies them to every stem alike.
"""

import dataclasses
import re

from amp.compose.score import NoteEvent, Part, Score, Section
from amp.domain.spec import Role

_ROLE_WORDS: dict[str, tuple[Role, ...]] = {
    "drums": (Role.DRUMS, Role.PERCUSSION),
    "drum": (Role.DRUMS, Role.PERCUSSION),
    "beat": (Role.DRUMS, Role.PERCUSSION),
    "percussion": (Role.PERCUSSION,),
    "bass": (Role.BASS,),
    "chords": (Role.CHORDS,),
    "pad": (Role.PAD,),
    "pads": (Role.PAD,),
    "lead": (Role.LEAD,),
    "melody": (Role.LEAD, Role.VOCAL),
    "arp": (Role.ARP,),
    "arps": (Role.ARP,),
    "fx": (Role.FX,),
    "vocals": (Role.VOCAL,),
    "vocal": (Role.VOCAL,),
}
_MUTE_WORDS = re.compile(
    r"\b(?:no|without|mute[ds]?|drop(?:s|ped)?(?: the)?)\s+(?:the\s+)?(" + "|".join(_ROLE_WORDS) + r")\b"
)
_DRUMLESS = re.compile(r"\bdrumless\b|\bbeatless\b|\ba cappella\b")
_HALF_TIME = re.compile(r"\bhalf[- ]?time\b")
_FILTERED = re.compile(r"\b(?:filtered|filter(?:ed)? sweep|low[- ]?pass(?:ed)?|muffled|underwater)\b")
_FADE_IN = re.compile(r"\bfades?[- ]in\b|\bfading in\b")


def is_filtered(section: Section) -> bool:
    """A low-passed section ("filtered", "low-pass", "muffled")."""
    return bool(_FILTERED.search(section.text))


def fades_in(section: Section) -> bool:
    return bool(_FADE_IN.search(section.text))


def muted_roles(section: Section) -> frozenset[Role]:
    """The roles silent in a section: its mute_roles and the ones its words rule out."""
    roles = set(section.mute_roles)
    for match in _MUTE_WORDS.finditer(section.text):
        roles.update(_ROLE_WORDS[match.group(1)])
    if _DRUMLESS.search(section.text):
        roles.update((Role.DRUMS, Role.PERCUSSION))
    return frozenset(roles)


def is_half_time(section: Section) -> bool:
    return bool(_HALF_TIME.search(section.text))


def shape_parts(score: Score, parts: dict[Role, Part]) -> dict[Role, Part]:
    """Every part with the plan's per-section mutes, section-only roles and half-time drums applied;
    parts the plan does not touch are returned as they are (an unplanned song is unchanged)."""
    section_only = {role for section in score.sections for role in section.add_roles}
    shaped: dict[Role, Part] = {}
    for role, part in parts.items():
        silent = [
            section
            for section in score.sections
            if role in muted_roles(section) or (role in section_only and role not in section.add_roles)
        ]
        halved = [section for section in score.sections if is_half_time(section)] if part.is_drum else []
        if not silent and not halved:
            shaped[role] = part
            continue
        notes = list(part.notes)
        for section in halved:
            notes = _half_time(score, notes, section)
        for section in silent:
            notes = _silence(score, notes, section)
        notes.sort(key=lambda n: (n.start_qn, n.pitch))
        shaped[role] = dataclasses.replace(part, notes=tuple(notes))
    return shaped


GRID_SLACK_QN = 1.0 / 16.0
"""Humanised notes stray from their grid position by a few ms: a note up to a 64th before a bar
line belongs to the bar after it (the kick of the downbeat, pushed early)."""


def _span_qn(score: Score, section: Section) -> tuple[float, float]:
    """The section's notes are those starting in [start, end), both moved a 64th earlier."""
    return section.start_bar * score.bar_qn - GRID_SLACK_QN, section.end_bar * score.bar_qn - GRID_SLACK_QN


def _silence(score: Score, notes: list[NoteEvent], section: Section) -> list[NoteEvent]:
    start, end = _span_qn(score, section)
    downbeat = section.start_bar * score.bar_qn
    kept: list[NoteEvent] = []
    for note in notes:
        if start <= note.start_qn < end:
            continue
        rings_in = note.start_qn < downbeat < note.start_qn + note.length_qn
        kept.append(dataclasses.replace(note, length_qn=downbeat - note.start_qn) if rings_in else note)
    return kept


def _half_time(score: Score, notes: list[NoteEvent], section: Section) -> list[NoteEvent]:
    start, end = _span_qn(score, section)
    bar_qn = score.bar_qn
    half = bar_qn / 2.0
    result: list[NoteEvent] = []
    for note in notes:
        if not start <= note.start_qn < end:
            result.append(note)
            continue
        bar_start = section.start_bar * bar_qn + ((note.start_qn - start) // bar_qn) * bar_qn
        offset = note.start_qn - bar_start
        if offset >= half - GRID_SLACK_QN:
            continue  # the bar's second half is the first half played twice as slow
        result.append(
            dataclasses.replace(note, start_qn=bar_start + offset * 2.0, length_qn=note.length_qn * 2.0)
        )
    return result
