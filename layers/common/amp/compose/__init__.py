"""The procedural composer: MusicSpec -> Score (every role's notes), deterministic by seed.

Each composer component draws from its own random stream derived from (seed, component name), so
the whole-song score is the same whichever role a Lambda invocation renders.
"""

import dataclasses
import zlib

import numpy as np

from amp.compose.arrangement import plan_sections, sections_from_plan
from amp.compose.expression import tempo_map
from amp.compose.harmony import chords_for_song
from amp.compose.idioms import Frame, Idiom, PartContext, idiom_for
from amp.compose.idioms.base import finish
from amp.compose.lines import arp_notes, bass_notes, chord_notes, fx_notes, lead_notes, pad_notes, vocal_notes
from amp.compose.ranges import range_of
from amp.compose.rhythm import drum_part_notes, percussion_part_notes
from amp.compose.score import Chord, NoteEvent, Part, Score, Section, SectionName
from amp.compose.shaping import shape_parts
from amp.compose.style import Style, patch_for, style_for
from amp.compose.theory import key_to_pitch_class, scale_pitch_classes
from amp.domain.spec import MusicSpec, Role
from amp.genres import DrumFeel

__all__ = [
    "Chord",
    "NoteEvent",
    "Part",
    "Score",
    "Section",
    "SectionName",
    "compose_song",
    "compose_with_style",
    "rng_for",
    "song_form",
]


def rng_for(seed: int, *names: str) -> np.random.Generator:
    """A random stream owned by one component; crc32 keeps it stable across processes."""
    return np.random.default_rng(np.random.SeedSequence([seed, *(zlib.crc32(n.encode()) for n in names)]))


def song_bars(spec: MusicSpec) -> int:
    return spec.bars()


def compose_song(spec: MusicSpec) -> Score:
    """The whole song's score, in the idiom of the genre's family (amp.genres.family_for)."""
    return compose_with_style(spec, style_for(spec.genre, spec.beats_per_bar, spec.bpm))


def compose_with_style(spec: MusicSpec, style: Style) -> Score:
    """The score for a spec in a given style: the family's idiom writes harmony, form and the parts
    it shapes; the shared composer writes the rest (and every part of the six shared families). A
    plan (spec.plan) fixes the form: its sections, bar for bar; per-section roles and words are
    applied last (amp.compose.shaping), so every idiom obeys them alike."""
    score = song_form(spec, style)
    idiom = idiom_for(style.family)
    roles = tuple(spec.roles())
    parts = {
        role: _compose_part(score, style, spec, role, idiom=idiom, roles=roles)
        for role in Role
        if role not in spec.excluded_roles
    }
    return dataclasses.replace(score, parts=shape_parts(score, parts))


def song_form(spec: MusicSpec, style: Style, *, bars: int | None = None) -> Score:
    """The score without parts: sections, chords and the tempo map. The parser derives the spec's
    plan from this same function, so a derived plan, sent back, composes the same form.

    Without a plan the idiom sizes its sections to `bars` when given (the parser's rounding of the
    asked length: the tempo map's length of those bars becomes the duration), else to the whole bars
    of the duration (a ritardando that would run past the duration costs bars). With a plan its bars
    are kept: a ritardando that does not fit is dropped (rubato alone, then a steady tempo)."""
    idiom = idiom_for(style.family)
    key_pc = key_to_pitch_class(spec.key)
    scale = scale_pitch_classes(key_pc, spec.mode)
    frame = Frame(
        key_pc,
        scale,
        spec.mode,
        spec.beats_per_bar * 4.0 / spec.beat_unit,
        spec.beats_per_bar,
        spec.bpm,
        spec.energy,
        style.drum_feel,
    )
    planned = sections_from_plan(spec.plan) if spec.plan is not None else None
    total_bars = planned[-1].end_bar if planned else bars if bars is not None else song_bars(spec)
    rubato, ritardando = idiom.tempo_feel(frame) if idiom is not None else (False, False)
    if spec.loop:
        rubato = ritardando = False  # a loop repeats: its last bar must lead straight into its first
    while True:
        if planned is not None:
            sections = planned
        elif idiom is None:
            sections = plan_sections(total_bars, spec.energy)
        else:
            sections = idiom.sections(total_bars, frame)
        if idiom is None:
            chords = chords_for_song(sections, scale, style, spec.mode, rng_for(spec.seed, "harmony"))
        else:
            chords = idiom.chords(sections, frame, rng_for(spec.seed, "harmony"))
        score = Score(
            bpm=spec.bpm,
            beats_per_bar=spec.beats_per_bar,
            beat_unit=spec.beat_unit,
            total_bars=total_bars,
            duration_s=spec.duration_s,
            key_pc=key_pc,
            scale_pcs=scale,
            sections=sections,
            chords=chords,
            swing_pct=style.swing_pct,
            loop=spec.loop,
        )
        if not (rubato or ritardando):
            return score
        tempo = tempo_map(score, rng_for(spec.seed, "tempo"), rubato=rubato, ritardando=ritardando)
        timed = dataclasses.replace(score, tempo_changes=tempo)
        fits = timed.time_s(total_bars * score.bar_qn) <= spec.duration_s + 1e-6
        if fits or total_bars <= 2 or (planned is None and bars is not None):
            return timed
        if planned is None:
            total_bars -= 1  # the ritardando must end inside the duration
        elif ritardando:
            ritardando = False
        else:
            return score


def _compose_part(
    score: Score, style: Style, spec: MusicSpec, role: Role, *, idiom: Idiom | None, roles: tuple[Role, ...]
) -> Part:
    names = tuple(instrument.name for instrument in spec.instruments_for(role))
    patch = patch_for(role, list(names), style)
    rng = rng_for(spec.part_seed(role), "part", role.value)
    is_drum = role in (Role.DRUMS, Role.PERCUSSION)
    if idiom is not None:
        ensemble = tuple((r, tuple(i.name for i in spec.instruments_for(r))) for r in roles)
        context = PartContext(score, style, role, names, patch, rng, roles, spec.energy, ensemble)
        material = idiom.part(context)
        if material is not None:
            notes, controls = finish(context, material)
            return Part(
                role=role, patch=patch, notes=notes, is_drum=is_drum, controls=controls, instruments=names
            )
    if role is Role.DRUMS and style.drum_feel is DrumFeel.NONE and role not in roles:
        return Part(role=role, patch=patch, notes=(), is_drum=True, instruments=names)  # drumless idiom
    notes = _shared_part_notes(score, style, spec, role, patch=patch, rng=rng, names=names)
    playable = range_of(names) if not is_drum and role is not Role.FX else None
    if playable is not None:
        notes = tuple(
            dataclasses.replace(n, pitch=playable.fit(n.pitch)) if n.pitch not in playable else n
            for n in notes
        )
    return Part(role=role, patch=patch, notes=notes, is_drum=is_drum, instruments=names)


def _shared_part_notes(
    score: Score,
    style: Style,
    spec: MusicSpec,
    role: Role,
    *,
    patch: str,
    rng: np.random.Generator,
    names: tuple[str, ...],
) -> tuple[NoteEvent, ...]:
    """The shared composer's line for a role (every role of the six shared families; drums, FX and
    the roles an idiom leaves to it)."""
    match role:
        case Role.DRUMS:
            return drum_part_notes(score, style, rng)
        case Role.PERCUSSION:
            return percussion_part_notes(score, style, rng, names)
        case Role.BASS:
            return bass_notes(score, style, rng, patch)
        case Role.CHORDS:
            return chord_notes(score, patch, rng)
        case Role.PAD:
            return pad_notes(score)
        case Role.LEAD:
            rhythm_section = {Role.DRUMS, Role.PERCUSSION} & set(spec.roles())
            return lead_notes(score, rng, pulse=not rhythm_section)
        case Role.ARP:
            return arp_notes(score, rng)
        case Role.VOCAL:
            return vocal_notes(score, rng)
        case Role.FX:
            return fx_notes(score)
