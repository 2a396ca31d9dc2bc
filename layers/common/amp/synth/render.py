"""Score part -> stereo stem: place every note's samples on the timeline, run the role's effects,
then set a fixed level per role so stems sum to a balanced mix without clipping.

Speed comes from reuse: one timbre render per pitch serves every note of that pitch (the envelope
is applied per note length), notes struck together are placed as one chord, and linear insert
effects run on those cached chord samples instead of the whole stem.
"""

from functools import lru_cache

import numpy as np

from amp.audio_io import SAMPLE_RATE, AudioBuffer
from amp.compose.lines import FX_DOWNLIFTER, FX_IMPACT, FX_RISER, FX_SWELL
from amp.compose.score import Part, Score
from amp.compose.theory import midi_to_hz
from amp.domain.spec import Role
from amp.synth import fx, soundfont
from amp.synth.drums import DRUM_PAN, drum_sample
from amp.synth.effects import StemEffects, apply_send, room_effects, stem_effects
from amp.synth.instruments import envelope, note_frames, timbre
from amp.synth.oscillators import FloatArray
from amp.synth.performance import EXPRESSION_CC, perform, sounding_ends_qn
from amp.synth.sources import SoundFontProgram, source_for_part

ROLE_RMS_DBFS: dict[Role, float] = {
    Role.DRUMS: -17.0,
    Role.PERCUSSION: -26.0,
    Role.BASS: -17.0,
    Role.CHORDS: -22.0,
    Role.PAD: -24.0,
    Role.LEAD: -22.0,
    Role.ARP: -25.0,
    Role.FX: -27.0,
    Role.VOCAL: -23.0,
}
"""Loudness of each stem while it plays (RMS over its active frames)."""
PEAK_CEILING_DBFS = -1.0
END_FADE_S = 0.05
LEVEL_BLOCK_FRAMES = 1024
LEVEL_CHUNK_BLOCKS = 128
"""Blocks measured per pass: 1 MiB of a stereo stem, in cache for its peak and energy reductions."""

PitchedEvent = tuple[float, float, int, tuple[int, ...], int | None]
"""(start_qn, length_qn, velocity, pitches, glide_from)"""


def _velocity_gain(velocity: int) -> float:
    return float((max(1, min(127, velocity)) / 127.0) ** 1.6)


def _add(out: FloatArray, samples: FloatArray, start: int, gain_left: float, gain_right: float) -> None:
    if start >= out.shape[1]:
        return
    end = min(out.shape[1], start + samples.shape[-1])
    length = end - start
    if gain_left == gain_right:  # one product for both channels (a mono sample broadcasts)
        out[:, start:end] += samples[:, :length] * np.float32(gain_left)
        return
    right = samples[1 if samples.shape[0] > 1 else 0, :length]
    out[0, start:end] += samples[0, :length] * np.float32(gain_left)
    out[1, start:end] += right * np.float32(gain_right)


def _pan_gains(pan: float) -> tuple[float, float]:
    return float(np.sqrt(1.0 - pan) * np.sqrt(2.0)), float(np.sqrt(pan) * np.sqrt(2.0))


@lru_cache(maxsize=16)
def _fx_cue(pitch: int, frames: int, seed: int) -> FloatArray:
    """One cue, read-only: a song repeats its cues (the same riser before every drop), and each is
    several seconds of filtered noise."""
    cues = {FX_RISER: fx.riser, FX_IMPACT: fx.impact, FX_DOWNLIFTER: fx.downlifter, FX_SWELL: fx.swell}
    samples = cues.get(pitch, fx.riser)(frames, seed)[np.newaxis, :].astype(np.float32)
    samples.setflags(write=False)
    return samples


def pitched_events(part: Part) -> list[PitchedEvent]:
    """Notes sharing start, length, velocity and glide become one chord event."""
    groups: dict[tuple[float, float, int, int | None], list[int]] = {}
    for note in part.notes:
        groups.setdefault((note.start_qn, note.length_qn, note.velocity, note.glide_from), []).append(
            note.pitch
        )
    return [
        (start, length, velocity, tuple(sorted(pitches)), glide)
        for (start, length, velocity, glide), pitches in groups.items()
    ]


def _with_inserts(samples: FloatArray, effects: StemEffects) -> FloatArray:
    if effects.voice_inserts is None:
        return samples
    tail = int(effects.voice_tail_s * SAMPLE_RATE)
    stereo = np.zeros((2, samples.shape[1] + tail), dtype=np.float32)
    stereo[:, : samples.shape[1]] = samples
    return np.asarray(effects.voice_inserts(stereo, SAMPLE_RATE), dtype=np.float32)


def _place_pitched(score: Score, part: Part, out: FloatArray, effects: StemEffects) -> None:
    frames_per_qn = score.seconds_per_qn * SAMPLE_RATE
    events = pitched_events(part)
    if not events:
        return
    on_frames_of = {length: max(1, round(length * frames_per_qn)) for _, length, _, _, _ in events}
    longest = max(note_frames(part.patch, frames) for frames in on_frames_of.values())
    timbres: dict[tuple[int, int | None], FloatArray] = {}
    chords: dict[tuple[tuple[int, ...], int, int | None], FloatArray] = {}
    for start_qn, length_qn, velocity, pitches, glide in events:
        on_frames = on_frames_of[length_qn]
        key = (pitches, on_frames, glide)
        if key not in chords:
            total = note_frames(part.patch, on_frames)
            voices = []
            for pitch in pitches:
                if (pitch, glide) not in timbres:
                    timbres[(pitch, glide)] = timbre(part.patch, pitch, glide, score.bpm, longest)
                voices.append(timbres[(pitch, glide)][:, :total])
            channels = max(v.shape[0] for v in voices)
            chord = np.zeros((channels, total), dtype=np.float32)
            for voice in voices:
                chord += voice
            chords[key] = _with_inserts(chord * envelope(part.patch, on_frames), effects)
        gain = _velocity_gain(velocity)
        _add(out, chords[key], round(start_qn * frames_per_qn), gain, gain)


ONE_SHOT_FLOOR = 1e-3
"""-60 dB under a one-shot's peak: the rest of its room tail is cut (with a fade over the last block)."""
ONE_SHOT_BLOCK = 512


def _without_silent_tail(samples: FloatArray) -> FloatArray:
    """A drum one-shot without the part of its room tail that stays 60 dB under its peak. Each hit
    of the song adds the whole one-shot into the stem, and the 0.8 s of room appended to a 0.15 s
    hi-hat is mostly that: cut, the drum stems of a 180 s track place half the samples. Inaudible,
    under the hits around it (the room itself sits 22 dB under the hit)."""
    blocks = samples.shape[-1] // ONE_SHOT_BLOCK
    if blocks < 2:
        return samples
    level = (
        np.abs(samples[:, : blocks * ONE_SHOT_BLOCK]).reshape(samples.shape[0], blocks, -1).max(axis=(0, 2))
    )
    loud = np.flatnonzero(level > float(level.max()) * ONE_SHOT_FLOOR)
    end = (int(loud[-1]) + 2) * ONE_SHOT_BLOCK if loud.size else 0
    if end >= samples.shape[-1]:
        return samples
    kept = samples[:, :end].copy()
    kept[:, -ONE_SHOT_BLOCK:] *= np.linspace(1.0, 0.0, ONE_SHOT_BLOCK, dtype=np.float32)
    return kept


def place_notes(score: Score, part: Part, frames: int, seed: int, effects: StemEffects) -> FloatArray:
    """The stem before its send: every note rendered (with voice inserts) and summed at its start."""
    out = np.zeros((2, frames), dtype=np.float32)
    frames_per_qn = score.seconds_per_qn * SAMPLE_RATE
    if part.is_drum:
        kit: dict[int, FloatArray] = {}
        pans: dict[int, tuple[float, float]] = {}
        for note in part.notes:
            if note.pitch not in kit:
                kit[note.pitch] = _without_silent_tail(
                    _with_inserts(
                        drum_sample(part.patch, note.pitch, seed + note.pitch, midi_to_hz(score.key_pc + 36))[
                            np.newaxis, :
                        ],
                        effects,
                    )
                )
            left, right = pans.get(note.pitch) or pans.setdefault(
                note.pitch, _pan_gains(DRUM_PAN.get(note.pitch, 0.5))
            )
            gain = _velocity_gain(note.velocity)
            _add(out, kit[note.pitch], round(note.start_qn * frames_per_qn), gain * left, gain * right)
    elif part.role is Role.FX:
        for note in part.notes:
            samples = _with_inserts(
                _fx_cue(note.pitch, max(1, round(note.length_qn * frames_per_qn)), seed), effects
            )
            gain = _velocity_gain(note.velocity)
            _add(out, samples, round(note.start_qn * frames_per_qn), gain, gain)
    else:
        _place_pitched(score, part, out, effects)
    return out


def level_stem(audio: FloatArray, role: Role) -> FloatArray:
    """Scale to the role's RMS over its active blocks (peak above -60 dBFS), peak kept under -1 dBFS."""
    frames = audio.shape[1]
    usable = frames // LEVEL_BLOCK_FRAMES * LEVEL_BLOCK_FRAMES
    blocks = audio[:, :usable].reshape(audio.shape[0], -1, LEVEL_BLOCK_FRAMES)
    block_peak = np.empty(blocks.shape[1], dtype=audio.dtype)
    block_energy = np.empty(blocks.shape[1], dtype=np.float64)
    for start in range(0, blocks.shape[1], LEVEL_CHUNK_BLOCKS):  # each chunk read once from memory
        chunk = blocks[:, start : start + LEVEL_CHUNK_BLOCKS]
        block_peak[start : start + chunk.shape[1]] = np.maximum(
            chunk.max(axis=(0, 2)), -chunk.min(axis=(0, 2))
        )
        block_energy[start : start + chunk.shape[1]] = np.einsum("cbf,cbf->b", chunk, chunk, dtype=np.float64)
    tail = audio[:, usable:]
    peak = max(float(block_peak.max(initial=0.0)), float(np.abs(tail).max(initial=0.0)))
    active = block_peak > 10 ** (-60 / 20)
    if not np.any(active) or peak == 0.0:
        return audio
    energy = block_energy[active].sum()
    rms = float(np.sqrt(energy / (int(active.sum()) * LEVEL_BLOCK_FRAMES * audio.shape[0])))
    gain = min(10 ** (ROLE_RMS_DBFS[role] / 20) / max(rms, 1e-9), 10 ** (PEAK_CEILING_DBFS / 20) / peak)
    audio *= np.float32(gain)
    return audio


ELECTRIC_PROGRAMS = frozenset({2, 4, 5, 7, 16, 17, 18, *range(26, 32), *range(33, 40), *range(80, 104)})
"""Amplified and electronic GM programs: a band that has one plays in a studio, not a hall."""
SPACIOUS_KITS = frozenset({48})
"""The orchestra kit (timpani, gongs) belongs in the hall; the drum kits make a band."""
CHURCH_PROGRAMS = frozenset({19, 20, 52, 53})


def room_for(score: Score) -> str:
    """The ensemble's room, from every part of the score (so each stem's Lambda agrees): a choir or
    church organ sings in a church, six or more acoustic parts play in a hall, fewer in a chamber,
    and any synth, electric instrument or drum kit puts the band in a studio."""
    sampled: list[SoundFontProgram] = []
    for part in score.parts.values():
        if part.role is Role.FX:
            continue
        source = source_for_part(part)
        if not isinstance(source, SoundFontProgram):
            return "studio"
        if source.is_drum_kit and source.program not in SPACIOUS_KITS:
            return "studio"
        if not source.is_drum_kit and source.program in ELECTRIC_PROGRAMS:
            return "studio"
        sampled.append(source)
    if any(not s.is_drum_kit and s.program in CHURCH_PROGRAMS for s in sampled):
        return "church"
    return "hall" if len(sampled) >= 6 else "chamber"


def render_sampled_dry(score: Score, part: Part, frames: int, seed: int) -> FloatArray:
    """A SoundFont part as performed (the notes and controllers its MIDI file holds), before the
    room and the level: (2, frames) float32."""
    performance = perform(score, part, seed)
    ends = sounding_ends_qn(performance)
    notes = []
    for note, end_qn in zip(performance.notes, ends, strict=True):
        start_s = score.time_s(note.start_qn)
        start = soundfont.frame_at(start_s)
        # From the duration, not the two rounded ends: equal lengths give one cached render whatever
        # the humanised onset (the release may land one frame, 23 us, from the MIDI player's).
        held = max(1, soundfont.frame_at(score.time_s(end_qn) - start_s))
        notes.append(
            soundfont.SoundingNote(start, held, note.pitch, note.velocity, performance.bank, note.program)
        )
    out = soundfont.place(notes, frames)
    expression = [
        (soundfont.frame_at(score.time_s(c.time_qn)), c.value)
        for c in performance.controls
        if c.controller == EXPRESSION_CC
    ]
    if expression:
        soundfont.apply_expression(out, expression)
    return np.ascontiguousarray(out.T)


def render_part(score: Score, part: Part, frames: int, seed: int) -> AudioBuffer:
    """The finished stem: (2, frames) float32, exactly `frames` long, faded at the very end.

    Dispatches on the part's source (amp.synth.sources): SoundFont parts are played from their
    performance in the ensemble's room; synth parts keep their patch's own effects."""
    if isinstance(source_for_part(part), SoundFontProgram):
        wet = apply_send(render_sampled_dry(score, part, frames, seed), room_effects(room_for(score)))
    else:
        effects = stem_effects(part.role, part.patch, score.bpm)
        wet = apply_send(place_notes(score, part, frames, seed, effects), effects)
    leveled = level_stem(wet, part.role)
    fade = min(frames, max(int(END_FADE_S * SAMPLE_RATE), outro_fade_frames(score, frames)))
    if fade > 0 and not score.loop:  # a loop's end runs on into its start (amp.providers.sections)
        leveled[:, -fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32) ** 2
    return np.ascontiguousarray(leveled, dtype=np.float32)


def outro_fade_frames(score: Score, frames: int) -> int:
    """Songs of 16 bars or more fade out over their last two bars (at most 6 s); every stem gets the
    same fade, so the sum fades as one."""
    if score.total_bars < 16:
        return 0
    fade_start_s = (score.total_bars - 2) * score.bar_qn * score.seconds_per_qn
    return min(frames - round(fade_start_s * SAMPLE_RATE), int(6.0 * SAMPLE_RATE))
