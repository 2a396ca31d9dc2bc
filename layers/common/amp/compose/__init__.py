"""The procedural composer: MusicSpec -> Score (every role's notes), deterministic by seed.

Each composer component draws from its own random stream derived from (seed, component name), so
the whole-song score is the same whichever role a Lambda invocation renders.
"""

import dataclasses
import math
import zlib

import numpy as np

from amp.compose.arrangement import plan_sections
from amp.compose.harmony import chords_for_song
from amp.compose.lines import arp_notes, bass_notes, chord_notes, fx_notes, lead_notes, pad_notes, vocal_notes
from amp.compose.rhythm import drum_part_notes, percussion_part_notes
from amp.compose.score import Chord, NoteEvent, Part, Score, Section, SectionName
from amp.compose.style import Style, patch_for, style_for
from amp.compose.theory import key_to_pitch_class, scale_pitch_classes
from amp.domain.spec import MusicSpec, Role

__all__ = ["Chord", "NoteEvent", "Part", "Score", "Section", "SectionName", "compose_song", "rng_for"]


def rng_for(seed: int, *names: str) -> np.random.Generator:
    """A random stream owned by one component; crc32 keeps it stable across processes."""
    return np.random.default_rng(np.random.SeedSequence([seed, *(zlib.crc32(n.encode()) for n in names)]))


def song_bars(spec: MusicSpec) -> int:
    bar_s = spec.beats_per_bar * 4.0 / spec.beat_unit * 60.0 / spec.bpm
    return max(1, math.floor(spec.duration_s / bar_s + 1e-9))


def compose_song(spec: MusicSpec) -> Score:
    style = style_for(spec.genre, spec.beats_per_bar)
    key_pc = key_to_pitch_class(spec.key)
    scale = scale_pitch_classes(key_pc, spec.mode)
    total_bars = song_bars(spec)
    sections = plan_sections(total_bars, spec.energy)
    chords = chords_for_song(sections, scale, style, spec.mode, rng_for(spec.seed, "harmony"))
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
    )
    parts = {
        role: _compose_part(score, style, spec, role) for role in Role if role not in spec.excluded_roles
    }
    return dataclasses.replace(score, parts=parts)


def _compose_part(score: Score, style: Style, spec: MusicSpec, role: Role) -> Part:
    names = [instrument.name for instrument in spec.instruments_for(role)]
    patch = patch_for(role, names, style)
    rng = rng_for(spec.seed, "part", role.value)
    notes: tuple[NoteEvent, ...]
    match role:
        case Role.DRUMS:
            notes = drum_part_notes(score, style, rng)
        case Role.PERCUSSION:
            notes = percussion_part_notes(score, style, rng, tuple(names))
        case Role.BASS:
            notes = bass_notes(score, style, rng, patch)
        case Role.CHORDS:
            notes = chord_notes(score, patch, rng)
        case Role.PAD:
            notes = pad_notes(score)
        case Role.LEAD:
            rhythm_section = {Role.DRUMS, Role.PERCUSSION} & set(spec.roles())
            notes = lead_notes(score, rng, pulse=not rhythm_section)
        case Role.ARP:
            notes = arp_notes(score, rng)
        case Role.VOCAL:
            notes = vocal_notes(score, rng)
        case Role.FX:
            notes = fx_notes(score)
    return Part(
        role=role,
        patch=patch,
        notes=notes,
        is_drum=role in (Role.DRUMS, Role.PERCUSSION),
        instruments=tuple(names),
    )
