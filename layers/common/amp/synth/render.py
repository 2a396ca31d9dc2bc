"""Score part -> stereo stem: place every note's samples on the timeline, run the role's effect
chain, then set a fixed level per role so stems sum to a balanced mix without clipping."""

import numpy as np

from amp.audio_io import SAMPLE_RATE, AudioBuffer
from amp.compose.lines import FX_DOWNLIFTER, FX_IMPACT, FX_RISER, FX_SWELL
from amp.compose.score import Part, Score
from amp.domain.spec import Role
from amp.synth import fx
from amp.synth.drums import DRUM_PAN, drum_sample
from amp.synth.effects import effect_chain
from amp.synth.instruments import render_note
from amp.synth.oscillators import FloatArray

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


def _velocity_gain(velocity: int) -> float:
    return float((max(1, min(127, velocity)) / 127.0) ** 1.6)


def _add(out: FloatArray, samples: FloatArray, start: int, gain_left: float, gain_right: float) -> None:
    if start >= out.shape[1]:
        return
    end = min(out.shape[1], start + samples.shape[-1])
    length = end - start
    if samples.shape[0] == 1:
        out[0, start:end] += samples[0, :length] * gain_left
        out[1, start:end] += samples[0, :length] * gain_right
    else:
        out[0, start:end] += samples[0, :length] * gain_left
        out[1, start:end] += samples[1, :length] * gain_right


def _pan_gains(pan: float) -> tuple[float, float]:
    return float(np.sqrt(1.0 - pan) * np.sqrt(2.0)), float(np.sqrt(pan) * np.sqrt(2.0))


def _fx_cue(pitch: int, frames: int, seed: int) -> FloatArray:
    match pitch:
        case p if p == FX_RISER:
            mono = fx.riser(frames, seed)
        case p if p == FX_IMPACT:
            mono = fx.impact(frames, seed)
        case p if p == FX_DOWNLIFTER:
            mono = fx.downlifter(frames, seed)
        case p if p == FX_SWELL:
            mono = fx.swell(frames, seed)
        case _:
            mono = fx.riser(frames, seed)
    return mono[np.newaxis, :]


def place_notes(score: Score, part: Part, frames: int, seed: int) -> FloatArray:
    """The dry stem: every note rendered and summed at its start frame."""
    out = np.zeros((2, frames))
    frames_per_qn = score.seconds_per_qn * SAMPLE_RATE
    for note in part.notes:
        start = round(note.start_qn * frames_per_qn)
        gain = _velocity_gain(note.velocity)
        if part.is_drum:
            samples = drum_sample(part.patch, note.pitch, seed + note.pitch)[np.newaxis, :]
            left, right = _pan_gains(DRUM_PAN.get(note.pitch, 0.5))
        elif part.role is Role.FX:
            samples = _fx_cue(note.pitch, max(1, round(note.length_qn * frames_per_qn)), seed)
            left, right = 1.0, 1.0
        else:
            on_frames = max(1, round(note.length_qn * frames_per_qn))
            samples = render_note(part.patch, note.pitch, on_frames, note.glide_from, score.bpm)
            left, right = 1.0, 1.0
        _add(out, samples, start, gain * left, gain * right)
    return out


def level_stem(audio: FloatArray, role: Role) -> FloatArray:
    """Scale to the role's RMS (over frames above -60 dBFS) and keep the peak under the ceiling."""
    mono = np.abs(audio).max(axis=0)
    active = mono > 10 ** (-60 / 20)
    if not np.any(active):
        return audio
    rms = float(np.sqrt(np.mean(audio[:, active] ** 2)))
    gain = 10 ** (ROLE_RMS_DBFS[role] / 20) / max(rms, 1e-9)
    peak = float(mono.max()) * gain
    ceiling = 10 ** (PEAK_CEILING_DBFS / 20)
    if peak > ceiling:
        gain *= ceiling / peak
    return audio * gain


def render_part(score: Score, part: Part, frames: int, seed: int) -> AudioBuffer:
    """The finished stem: (2, frames) float32, exactly `frames` long, faded at the very end."""
    dry = place_notes(score, part, frames, seed)
    wet = effect_chain(part.role, part.patch, score.bpm)(dry.astype(np.float32), SAMPLE_RATE)
    leveled = level_stem(np.asarray(wet, dtype=np.float64), part.role)
    fade = min(frames, int(END_FADE_S * SAMPLE_RATE))
    if fade > 0:
        leveled[:, -fade:] *= np.linspace(1.0, 0.0, fade)
    return np.ascontiguousarray(leveled, dtype=np.float32)
