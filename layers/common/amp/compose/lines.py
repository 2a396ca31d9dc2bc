"""Pitched parts over the progression: genre basslines, chord rhythms, pads, motif melodies, arps,
the vocal-like line and the FX cues (risers, impacts) at section boundaries."""

import numpy as np

from amp.compose.harmony import voice_lead
from amp.compose.rhythm import beat_groups
from amp.compose.score import Chord, NoteEvent, Score, SectionName
from amp.compose.style import BassStyle, Style
from amp.compose.theory import nearest_pitch

FX_RISER, FX_IMPACT, FX_DOWNLIFTER, FX_SWELL = 60, 36, 48, 72
"""FX part pitches name the cue kind (the FX stem has no MIDI file)."""


def chord_at(score: Score, bar: int) -> Chord:
    for chord in score.chords:
        if chord.start_bar <= bar < chord.start_bar + chord.bars:
            return chord
    return score.chords[-1]


def _pitch(pc: int, low: int) -> int:
    return low + ((pc - low) % 12)


def _group_starts_qn(score: Score) -> list[float]:
    groups = beat_groups(score.beats_per_bar, score.beat_unit)
    return [sum(groups[:i]) * 0.25 for i in range(len(groups))]


def bass_notes(score: Score, style: Style, rng: np.random.Generator, patch: str) -> tuple[NoteEvent, ...]:
    low = 24 if patch == "808" else 26 if patch in ("reese", "sub_bass", "wobble") else 28
    bar_qn = score.bar_qn
    four = abs(bar_qn - 4.0) < 1e-9
    notes: list[NoteEvent] = []
    previous_pitch: int | None = None
    for section in score.sections:
        if section.name is SectionName.BREAKDOWN or (section.name is SectionName.INTRO and section.bars > 2):
            continue
        for bar in range(section.start_bar, section.end_bar):
            chord = chord_at(score, bar)
            next_chord = chord_at(score, bar + 1)
            pedal = section.name in (SectionName.BUILD, SectionName.INTRO)
            root = _pitch(score.key_pc if pedal else chord.root_pc, low)  # builds ride a tonic pedal
            fifth = root + 7
            start = bar * bar_qn
            velocity = int(80 + 40 * section.energy)
            bar_notes: list[tuple[float, float, int]] = []
            bass_style = style.bass_style if four else BassStyle.SUSTAINED
            if section.name is SectionName.BUILD and bass_style not in (BassStyle.REESE, BassStyle.GLIDE_808):
                bass_style = BassStyle.ROOT_EIGHTHS
            if bass_style is BassStyle.OFFBEAT:
                bar_notes = [
                    (b + 0.5, 0.4, root + (12 if b == 3 and section.energy > 0.7 else 0)) for b in range(4)
                ]
            elif bass_style is BassStyle.ROLLING:
                bar_notes = [
                    (b + s * 0.25, 0.22, root + (12 if s == 3 and b % 2 else 0))
                    for b in range(4)
                    for s in (1, 2, 3)
                ]
            elif bass_style is BassStyle.REESE:
                if bar % 2 == 0:
                    bar_notes = [(0.0, 4.0, root)]
                else:
                    bar_notes = [(0.0, 2.5, root), (2.5, 1.5, root + (7 if rng.random() < 0.5 else 12))]
            elif bass_style is BassStyle.GLIDE_808:
                positions = [0.0, 2.5] if bar % 2 == 0 else [0.0, 0.75, 2.5, 3.5]
                pitches = [root, root, root + (12 if rng.random() < 0.4 else 7), root]
                for i, position in enumerate(positions):
                    end = positions[i + 1] if i + 1 < len(positions) else 4.0
                    bar_notes.append((position, end - position, pitches[i % len(pitches)]))
            elif bass_style is BassStyle.WALKING:
                target = _pitch(next_chord.root_pc, low)
                tones = [root, _pitch(chord.pitch_classes[1], root), _pitch(chord.pitch_classes[2], root)]
                approach = target + (1 if rng.random() < 0.5 else -1)
                line = [tones[0], tones[int(rng.integers(1, 3))], tones[int(rng.integers(1, 3))], approach]
                bar_notes = [(float(b), 0.9, p) for b, p in enumerate(line)]
            elif bass_style is BassStyle.ROOT_EIGHTHS:
                bar_notes = [
                    (b * 0.5, 0.45, fifth if b == 7 and section.energy > 0.6 else root) for b in range(8)
                ]
            elif bass_style is BassStyle.SYNCOPATED:
                bar_notes = [
                    (0.0, 0.75, root),
                    (1.75, 0.5, root + 12 if bar % 2 else root),
                    (2.5, 1.0, fifth),
                ]
            elif bass_style is BassStyle.WOBBLE:
                bar_notes = [(0.0, 2.0, root), (2.0, 2.0, root if bar % 2 == 0 else root + 3)]
            else:  # SUSTAINED, and every odd meter: a root on each pulse group
                starts = _group_starts_qn(score) if not four else [0.0]
                ends = [*starts[1:], bar_qn]
                bar_notes = [
                    (s, (e - s) * 0.95, root if i == 0 else fifth if i % 2 else root)
                    for i, (s, e) in enumerate(zip(starts, ends, strict=True))
                ]
            for offset, length, pitch in bar_notes:
                glide = None
                if (
                    style.bass_style is BassStyle.GLIDE_808
                    and previous_pitch is not None
                    and pitch != previous_pitch
                ):
                    glide = previous_pitch if rng.random() < 0.6 else None
                notes.append(NoteEvent(start + offset, length, pitch, velocity, glide))
                previous_pitch = pitch
    return tuple(notes)


_STRUCK = frozenset({"piano", "guitar", "dist_guitar", "organ", "rhodes", "pluck", "stab", "bell", "mallet"})


def _chord_rhythm(patch: str, score: Score, energy: float) -> list[tuple[float, float]]:
    """(offset, length) of chord hits inside a bar, by how the instrument is played."""
    bar_qn = score.bar_qn
    if abs(bar_qn - 4.0) > 1e-9:
        if patch not in _STRUCK:
            return [(0.0, bar_qn * 0.98)]
        starts = _group_starts_qn(score)
        ends = [*starts[1:], bar_qn]
        hits = list(zip(starts, ends, strict=True))
        if len(hits) == 3:  # waltz: the bass takes beat one, the chord answers on two and three
            hits = hits[1:]
        return [(start, (end - start) * 0.9) for start, end in hits]
    if patch == "stab":
        return [(0.5, 0.3), (1.5, 0.3), (2.5, 0.3), (3.5, 0.3)] if energy > 0.5 else [(1.5, 0.4), (3.5, 0.4)]
    if patch == "guitar":
        return [(s * 0.5, 0.45) for s in range(8)]
    if patch == "dist_guitar":
        return (
            [(s * 0.5, 0.3 if s % 4 else 0.45) for s in range(8)]
            if energy > 0.5
            else [(0.0, 1.9), (2.0, 1.9)]
        )
    if patch in ("piano", "organ"):
        return [(0.0, 1.9), (2.0, 1.9)] if energy > 0.5 else [(0.0, 3.9)]
    if patch == "rhodes":
        return [(0.0, 1.4), (1.5, 2.4)]
    if patch == "supersaw":
        return [(s * 0.5, 0.4) for s in range(8)] if energy > 0.75 else [(0.0, 3.95)]
    if patch in ("pluck", "bell", "mallet"):
        return [(0.0, 0.7), (0.75, 0.7), (1.5, 1.0), (3.0, 0.9)]
    return [(0.0, 3.95)]


def _power_chords(score: Score) -> list[tuple[int, ...]]:
    """Root, fifth and octave low on the neck: what an overdriven guitar plays."""
    voicings: list[tuple[int, ...]] = []
    for chord in score.chords:
        root = _pitch(chord.root_pc, 40)
        voicings.append((root, root + 7, root + 12))
    return voicings


def chord_notes(score: Score, patch: str, rng: np.random.Generator) -> tuple[NoteEvent, ...]:
    voicings = _power_chords(score) if patch == "dist_guitar" else voice_lead(score.chords, 52, 76, 64)
    notes: list[NoteEvent] = []
    for chord, voicing in zip(score.chords, voicings, strict=True):
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            section = score.section_at_bar(bar)
            if section.name is SectionName.INTRO and bar < section.start_bar + section.bars // 2:
                continue
            for offset, length in _chord_rhythm(patch, score, section.energy):
                velocity = int(60 + 45 * section.energy + rng.normal(0, 4))
                if patch == "dist_guitar":  # the chord's third on top, softer: says major or minor
                    third = _pitch(chord.pitch_classes[1], voicing[-1])
                    notes.append(NoteEvent(bar * score.bar_qn + offset, length, third, max(1, velocity - 25)))
                for voice, pitch in enumerate(voicing):
                    strum = 0.012 * voice if patch == "guitar" else 0.0
                    notes.append(
                        NoteEvent(
                            bar * score.bar_qn + offset + strum,
                            length - strum,
                            pitch,
                            int(np.clip(velocity, 1, 127)),
                        )
                    )
    return tuple(notes)


def pad_notes(score: Score) -> tuple[NoteEvent, ...]:
    voicings = voice_lead(score.chords, 55, 79, 67)
    notes: list[NoteEvent] = []
    for chord, voicing in zip(score.chords, voicings, strict=True):
        section = score.section_at_bar(chord.start_bar)
        velocity = int(55 + 30 * (1.0 - abs(section.energy - 0.5)))
        length = chord.bars * score.bar_qn
        notes.extend(NoteEvent(chord.start_bar * score.bar_qn, length, p, velocity) for p in voicing)
    return tuple(notes)


class _Melodist:
    """Builds a lead line from a one-bar motif: repeated, moved to each chord, varied and answered."""

    def __init__(
        self, score: Score, rng: np.random.Generator, low: int, high: int, *, pulse: bool = False
    ) -> None:
        self.score = score
        self.rng = rng
        self.low = low
        self.high = high
        bar_qn = score.bar_qn
        grid = np.arange(0.0, bar_qn, 0.5)
        count = int(rng.integers(3, min(7, len(grid)) + 1))
        onsets = np.sort(rng.choice(grid[1:], size=count - 1, replace=False)) if count > 1 else np.array([])
        self.onsets = [0.0, *[float(x) for x in onsets]]
        if pulse:  # no drums in the song: the melody walks in even beats so the tempo is still felt
            self.onsets = [float(x) for x in _group_starts_qn(score)]
        steps = rng.choice(np.array([-2, -1, -1, 1, 1, 2, 3, -3]), size=len(self.onsets))
        steps[0] = 0
        self.contour = np.cumsum(steps).tolist()

    def scale_pitch(self, degree_index: int) -> int:
        scale = self.score.scale_pcs
        octave, degree = divmod(degree_index, 7)
        return self.score.key_pc + ((scale[degree] - self.score.key_pc) % 12) + 12 * octave

    def fit(self, pitch: int) -> int:
        while pitch < self.low:
            pitch += 12
        while pitch > self.high:
            pitch -= 12
        return pitch

    def bar_notes(self, bar: int, phrase_position: int, velocity: int) -> list[NoteEvent]:
        chord = chord_at(self.score, bar)
        base_index = 35 + chord.degree  # scale index around C4..C5
        onsets = list(self.onsets)
        contour = list(self.contour)
        if phrase_position == 2 and len(contour) > 2:
            contour[-1] += int(self.rng.choice([-2, 2]))
            contour[-2] += int(self.rng.choice([-1, 1]))
        if phrase_position == 3:
            keep = max(1, len(onsets) // 2)
            onsets, contour = onsets[:keep], contour[:keep]
        notes = []
        chord_pcs = set(chord.pitch_classes)
        for i, onset in enumerate(onsets):
            end = onsets[i + 1] if i + 1 < len(onsets) else self.score.bar_qn
            pitch = self.fit(self.scale_pitch(base_index + contour[i]))
            if (onset % 1.0 == 0.0 or i == len(onsets) - 1) and pitch % 12 not in chord_pcs:
                pitch = min(
                    (pitch + d for d in (-2, -1, 1, 2) if (pitch + d) % 12 in chord_pcs),
                    key=lambda p: abs(p - pitch),
                    default=pitch,
                )
            if phrase_position == 3 and i == len(onsets) - 1 and self.score.key_pc in chord_pcs:
                pitch = nearest_pitch(self.score.key_pc, pitch)  # the answer comes home
            length = (end - onset) * (0.9 if phrase_position < 3 or i < len(onsets) - 1 else 1.0)
            notes.append(NoteEvent(bar * self.score.bar_qn + onset, length, self.fit(pitch), velocity))
        return notes


def lead_notes(score: Score, rng: np.random.Generator, *, pulse: bool = False) -> tuple[NoteEvent, ...]:
    melodist = _Melodist(score, rng, 60, 84, pulse=pulse)
    notes: list[NoteEvent] = []
    for section in score.sections:
        if section.name in (SectionName.INTRO, SectionName.BUILD):
            continue
        for bar in range(section.start_bar, section.end_bar):
            index = bar - section.start_bar
            if section.name is SectionName.GROOVE and index < section.bars // 2:
                continue
            if section.name is SectionName.BREAKDOWN and index % 2 == 1:
                continue
            velocity = int(70 + 45 * section.energy)
            notes.extend(melodist.bar_notes(bar, index % 4, velocity))
    return tuple(notes)


def arp_notes(score: Score, rng: np.random.Generator) -> tuple[NoteEvent, ...]:
    voicings = voice_lead(score.chords, 60, 84, 70)
    pattern_kind = int(rng.integers(3))
    step_qn = 0.25 if score.bpm < 150 else 0.5
    notes: list[NoteEvent] = []
    for chord, voicing in zip(score.chords, voicings, strict=True):
        tones = [*voicing, voicing[0] + 12]
        if pattern_kind == 1:
            tones = tones + tones[-2:0:-1]
        elif pattern_kind == 2:
            tones = [tones[i] for i in (0, 2, 1, 3, 2, 4 % len(tones))]
        for bar in range(chord.start_bar, chord.start_bar + chord.bars):
            section = score.section_at_bar(bar)
            if section.name is SectionName.INTRO and bar < section.start_bar + section.bars // 2:
                continue
            steps = round(score.bar_qn / step_qn)
            for step in range(steps):
                accent = 18 if step % 4 == 0 else 0
                velocity = int(55 + 35 * section.energy + accent)
                notes.append(
                    NoteEvent(
                        bar * score.bar_qn + step * step_qn, step_qn * 0.8, tones[step % len(tones)], velocity
                    )
                )
    return tuple(notes)


def vocal_notes(score: Score, rng: np.random.Generator) -> tuple[NoteEvent, ...]:
    """Long sung notes on chord tones, moving by the smallest step between chords."""
    notes: list[NoteEvent] = []
    previous = 64
    for chord in score.chords:
        section = score.section_at_bar(chord.start_bar)
        if section.name in (SectionName.INTRO, SectionName.BUILD):
            continue
        candidates = [p for p in range(57, 75) if p % 12 in chord.pitch_classes]
        candidates.sort(key=lambda p: (abs(p - previous), p))
        pitch = candidates[int(rng.integers(0, min(2, len(candidates))))]
        total_qn = chord.bars * score.bar_qn
        split = total_qn / 2 if total_qn >= 4 and rng.random() < 0.5 else total_qn
        velocity = int(70 + 30 * section.energy)
        notes.append(NoteEvent(chord.start_bar * score.bar_qn, split * 0.95, pitch, velocity))
        if split < total_qn:
            second = min(candidates[:3], key=lambda p: (p == pitch, abs(p - pitch)))
            notes.append(NoteEvent(chord.start_bar * score.bar_qn + split, split * 0.95, second, velocity))
            pitch = second
        previous = pitch
    return tuple(notes)


def fx_notes(score: Score) -> tuple[NoteEvent, ...]:
    notes: list[NoteEvent] = []
    for index, section in enumerate(score.sections):
        start_qn = section.start_bar * score.bar_qn
        length_qn = section.bars * score.bar_qn
        if section.name is SectionName.BUILD:
            notes.append(NoteEvent(start_qn, length_qn, FX_RISER, 100))
        if section.name in (SectionName.DROP, SectionName.GROOVE) and index > 0:
            notes.append(NoteEvent(start_qn, 2 * score.bar_qn, FX_IMPACT, 110))
        if section.name is SectionName.BREAKDOWN:
            notes.append(NoteEvent(start_qn, 2 * score.bar_qn, FX_DOWNLIFTER, 90))
        next_start = section.end_bar
        if index + 1 < len(score.sections) and score.sections[index + 1].name is SectionName.DROP:
            notes.append(NoteEvent((next_start - 1) * score.bar_qn, score.bar_qn, FX_SWELL, 90))
    if not notes:
        # No build, drop or breakdown (a short or ambient piece): the FX stem still carries one cue,
        # a swell into the last section (or over the opening bars of a one-section piece), so a job
        # never renders a silent stem.
        last = score.sections[-1]
        swell_bar = last.start_bar - 1 if last.start_bar > 0 else 0
        swell_bars = min(2, max(1, score.total_bars - swell_bar))
        notes.append(NoteEvent(swell_bar * score.bar_qn, swell_bars * score.bar_qn, FX_SWELL, 80))
    return tuple(notes)
