"""Re-performing a composed score: the score operations of an edited song (`MusicSpec.rendition`).

The score is composed once at the values the song was first composed at, then each operation
transforms it in order: retempo (the same quarter notes at another tempo), transpose (every pitched
note shifted), extend (bars of the song's own material added) and replace (a bar range taken from the
same song composed with another seed). The renderer then plays the result like any score, so a
retempo or a transposition is played again, never a stretched or pitch-shifted recording.

Extend, after the end: the bars just before the last section (the outro, when the form has one) are
played again before it, so the song continues its material and still ends on its own ending.
Extend, before the start: the opening bars are played first with a crescendo from 60 % velocity, a
lead-in that rises into the song as it was. Either way the added bars are one new section, named and
shaped like the section they are copied from (its energy x 0.6 for a lead-in).
Replace, with a text that implies an energy ("a quiet breakdown"): the replaced bars become sections
of their own at that energy (the sections they cut are split at the edit's bar lines); without one
they keep their sections.

The edited song's plan is the performed form's sections (`performed_plan`), so the child's spec,
sections.json, its MIDI markers and QA all read the new section list, and the score is still composed
from the plan it was first composed with (`Rendition.composed_plan`)."""

import dataclasses
import itertools
import threading
from collections.abc import Callable
from functools import lru_cache

from amp.compose.arrangement import plan_from_sections
from amp.compose.score import Chord, ControlEvent, NoteEvent, Part, Score, Section
from amp.domain.rendition import ExtendOp, Rendition, ReplaceOp, RetempoOp, ScoreOp, TransposeOp
from amp.domain.spec import MusicSpec, Plan

LEAD_IN_START_VELOCITY = 0.6
"""An extension before the start begins at this fraction of the notes' velocity and rises to 1."""


def performed_score(spec: MusicSpec) -> Score:
    """The score a spec's stems are rendered from: composed, then re-performed when the spec is an
    edited song's. Cached per spec, since every role of a job renders from the same score; the
    lock makes the Map's concurrent roles wait for the one composition (lru_cache alone let each
    thread compose the same song again: 4 extra compositions per 5-stem job)."""
    spec_json = spec.model_dump_json()
    with _COMPOSING:
        return _performed(spec_json)


_COMPOSING = threading.RLock()


@lru_cache(maxsize=4)
def _performed(spec_json: str) -> Score:
    from amp.compose import compose_song

    spec = MusicSpec.model_validate_json(spec_json)
    rendition = spec.rendition
    if rendition is None:
        return compose_song(spec)
    return _replayed(spec, rendition, compose_song)


def performed_form(spec: MusicSpec) -> Score:
    """The performed score's form without its parts (sections, chords, tempo map): what sections.json,
    the MIDI markers and QA measure an edited song against, at the cost of composing no notes."""
    from amp.compose import song_form
    from amp.compose.style import style_for

    def form(of: MusicSpec) -> Score:
        return song_form(of, style_for(of.genre, of.beats_per_bar, of.bpm))

    rendition = spec.rendition
    return form(spec) if rendition is None else _replayed(spec, rendition, form)


def performed_plan(spec: MusicSpec) -> Plan:
    """The edited song's section list as a plan (names, bars, energy, roles, text): the child's
    `spec.plan`, which the user may edit and send back as a new job's plan."""
    return plan_from_sections(performed_form(spec).sections)


def _replayed(spec: MusicSpec, rendition: Rendition, make: Callable[[MusicSpec], Score]) -> Score:
    """The composition the rendition names (its tempo, key, length and plan), its operations applied."""
    base = spec.model_copy(
        update={
            "bpm": rendition.composed_bpm,
            "key": rendition.composed_key,
            "duration_s": rendition.composed_duration_s,
            "plan": rendition.composed_plan or spec.plan,
            "total_bars": None,
            "rendition": None,
        }
    )

    def composed_with(seed: int, energy: float | None, ops: list[ScoreOp]) -> Score:
        changes: dict[str, object] = {"seed": seed, "part_seeds": {}}
        if energy is not None:
            changes["energy"] = energy
        return apply_ops(make(base.model_copy(update=changes)), ops, composed_with)

    score = apply_ops(make(base), list(rendition.ops), composed_with)
    return dataclasses.replace(score, duration_s=spec.duration_s)


def apply_ops(
    score: Score, ops: list[ScoreOp], composed_with: Callable[[int, float | None, list[ScoreOp]], Score]
) -> Score:
    """Each operation in order; a replace asks `composed_with(seed, energy, the operations before it)`
    for the same song composed with its seed, so the new bars share the history of the ones they join."""
    for index, op in enumerate(ops):
        match op:
            case RetempoOp(bpm=bpm):
                score = retempo(score, bpm)
            case TransposeOp(semitones=semitones):
                score = transpose(score, semitones)
            case ExtendOp(bars=bars, before=before):
                score = extend(score, bars, before=before)
            case ReplaceOp(start_bar=start, end_bar=end, seed=seed, energy=energy):
                other = composed_with(seed, energy, ops[:index])
                score = replace_bars(score, other, start - 1, end, energy=energy)
    return score


def retempo(score: Score, bpm: float) -> Score:
    ratio = bpm / score.bpm
    return dataclasses.replace(
        score,
        bpm=bpm,
        duration_s=score.duration_s / ratio,
        tempo_changes=tuple((qn, tempo * ratio) for qn, tempo in score.tempo_changes),
    )


def transpose(score: Score, semitones: int) -> Score:
    def shift(pitch: int) -> int:
        return min(127, max(0, pitch + semitones))

    def moved(part: Part) -> Part:
        if part.is_drum:
            return part
        notes = tuple(
            dataclasses.replace(
                n, pitch=shift(n.pitch), glide_from=None if n.glide_from is None else shift(n.glide_from)
            )
            for n in part.notes
        )
        return dataclasses.replace(part, notes=notes)

    return dataclasses.replace(
        score,
        key_pc=(score.key_pc + semitones) % 12,
        scale_pcs=tuple((pc + semitones) % 12 for pc in score.scale_pcs),
        chords=tuple(
            dataclasses.replace(
                c,
                root_pc=(c.root_pc + semitones) % 12,
                pitch_classes=tuple((pc + semitones) % 12 for pc in c.pitch_classes),
            )
            for c in score.chords
        ),
        parts={role: moved(part) for role, part in score.parts.items()},
    )


def extend(score: Score, bars: int, *, before: bool) -> Score:
    """`bars` bars inserted at a bar line, each a copy of one of the song's bars (see the module)."""
    if before:
        at_bar = 0
        window = min(bars, score.total_bars)
        sources = [j % window for j in range(bars)]
    else:
        at_bar = score.sections[-1].start_bar if len(score.sections) > 1 else score.total_bars
        window = max(1, min(bars, at_bar))
        sources = [at_bar - window + j % window for j in range(bars)]
    bar_qn = score.bar_qn
    at_qn = at_bar * bar_qn
    shift_qn = bars * bar_qn

    def gain(j: int) -> float:
        if not before:
            return 1.0
        return LEAD_IN_START_VELOCITY + (1.0 - LEAD_IN_START_VELOCITY) * j / max(1, bars - 1)

    def notes_of(part: Part) -> tuple[NoteEvent, ...]:
        kept = [
            n if n.start_qn < at_qn else dataclasses.replace(n, start_qn=n.start_qn + shift_qn)
            for n in part.notes
        ]
        for j, source in enumerate(sources):
            low, high = source * bar_qn, (source + 1) * bar_qn
            offset = at_qn + j * bar_qn - low
            kept.extend(
                dataclasses.replace(
                    n, start_qn=n.start_qn + offset, velocity=max(1, min(127, round(n.velocity * gain(j))))
                )
                for n in part.notes
                if low <= n.start_qn < high
            )
        return tuple(sorted(kept, key=lambda n: (n.start_qn, n.pitch)))

    def controls_of(part: Part) -> tuple[ControlEvent, ...]:
        kept = [
            c if c.time_qn < at_qn else dataclasses.replace(c, time_qn=c.time_qn + shift_qn)
            for c in part.controls
        ]
        for j, source in enumerate(sources):
            low, high = source * bar_qn, (source + 1) * bar_qn
            offset = at_qn + j * bar_qn - low
            kept.extend(
                dataclasses.replace(c, time_qn=c.time_qn + offset)
                for c in part.controls
                if low <= c.time_qn < high
            )
        return tuple(sorted(kept, key=lambda c: c.time_qn))

    template = score.section_at_bar(sources[0])
    inserted = dataclasses.replace(  # its name, roles and words: the bars are copies of that section's
        template,
        start_bar=at_bar,
        bars=bars,
        energy=template.energy * (LEAD_IN_START_VELOCITY if before else 1.0),
    )
    sections = sorted(
        [
            s if s.start_bar < at_bar else dataclasses.replace(s, start_bar=s.start_bar + bars)
            for s in score.sections
        ]
        + [inserted],
        key=lambda s: s.start_bar,
    )
    chords: list[Chord] = [
        c if c.start_bar < at_bar else dataclasses.replace(c, start_bar=c.start_bar + bars)
        for c in score.chords
    ]
    for j, source in enumerate(sources):
        chord = next((c for c in score.chords if c.start_bar <= source < c.start_bar + c.bars), None)
        if chord is not None:
            chords.append(dataclasses.replace(chord, start_bar=at_bar + j, bars=1))
    return dataclasses.replace(
        score,
        total_bars=score.total_bars + bars,
        sections=tuple(sections),
        chords=tuple(sorted(chords, key=lambda c: c.start_bar)),
        tempo_changes=tuple(
            (qn if qn < at_qn else qn + shift_qn, tempo) for qn, tempo in score.tempo_changes
        ),
        parts={
            role: dataclasses.replace(part, notes=notes_of(part), controls=controls_of(part))
            for role, part in score.parts.items()
        },
    )


def replace_bars(
    score: Score, other: Score, first_bar: int, end_bar: int, *, energy: float | None = None
) -> Score:
    """Bars first_bar..end_bar-1 (0-based, end exclusive) from `other`, the rest from `score`. With
    an `energy` (the edit's text implied one) the replaced bars are sections of their own at it."""
    low, high = first_bar * score.bar_qn, end_bar * score.bar_qn

    def inside(qn: float) -> bool:
        return low <= qn < high

    def part_of(part: Part) -> Part:
        alternative = other.parts.get(part.role)
        new_notes = alternative.notes if alternative is not None else ()
        new_controls = alternative.controls if alternative is not None else ()
        notes = [n for n in part.notes if not inside(n.start_qn)] + [
            n for n in new_notes if inside(n.start_qn)
        ]
        controls = [c for c in part.controls if not inside(c.time_qn)] + [
            c for c in new_controls if inside(c.time_qn)
        ]
        return dataclasses.replace(
            part,
            notes=tuple(sorted(notes, key=lambda n: (n.start_qn, n.pitch))),
            controls=tuple(sorted(controls, key=lambda c: c.time_qn)),
        )

    sections = score.sections if energy is None else _split(score.sections, first_bar, end_bar, energy)
    return dataclasses.replace(
        score, sections=sections, parts={role: part_of(part) for role, part in score.parts.items()}
    )


def _split(sections: tuple[Section, ...], first_bar: int, end_bar: int, energy: float) -> tuple[Section, ...]:
    """The sections cut at first_bar and end_bar; the pieces inside take `energy`."""
    pieces: list[Section] = []
    for section in sections:
        cuts = sorted(
            {section.start_bar, section.end_bar}
            | {b for b in (first_bar, end_bar) if section.start_bar < b < section.end_bar}
        )
        for start, end in itertools.pairwise(cuts):
            inside = first_bar <= start and end <= end_bar
            pieces.append(
                dataclasses.replace(
                    section, start_bar=start, bars=end - start, energy=energy if inside else section.energy
                )
            )
    return tuple(pieces)


def bar_span_s(spec: MusicSpec, first_bar: int, end_bar: int) -> tuple[float, float]:
    """Where bars first_bar..end_bar-1 (0-based) lie in the spec's song, in seconds through its tempo
    map (a rubato or ritardando score's bars are not all the same length)."""
    score = performed_score(spec)
    return score.time_s(first_bar * score.bar_qn), score.time_s(end_bar * score.bar_qn)
