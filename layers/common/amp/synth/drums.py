"""Drum voices synthesised from noise and swept sines (no samples): pitched-sweep kicks, noise
snares and claps, metallic hats and cymbals, toms and hand percussion, per kit character."""

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

import numpy as np

from amp.synth.envelopes import exp_decay
from amp.synth.filters import biquad
from amp.synth.oscillators import FloatArray, phase_from_frequency

SR = 44_100


def _noise(frames: int, seed: int) -> FloatArray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, frames)


def kick(
    start_hz: float,
    end_hz: float,
    sweep_s: float,
    decay_s: float,
    *,
    click: float,
    drive: float,
    length_s: float,
    seed: int,
) -> FloatArray:
    """A sine whose pitch falls exponentially from start_hz to end_hz: the classic synthesized kick."""
    frames = int(length_s * SR)
    t = np.arange(frames) / SR
    frequency = end_hz + (start_hz - end_hz) * np.exp(-t / sweep_s)
    phase, _ = phase_from_frequency(frequency, frames, SR)
    body = np.sin(2 * np.pi * phase) * exp_decay(frames, SR, decay_s)
    transient = biquad(_noise(frames, seed), "highpass", 1500.0) * exp_decay(frames, SR, 0.004) * click
    out: FloatArray = np.tanh(drive * (body + transient)) / np.tanh(drive) * _fade_out(frames)
    return out


def snare(
    tone_hz: float,
    tone_decay_s: float,
    noise_decay_s: float,
    noise_center_hz: float,
    *,
    tone_level: float,
    length_s: float,
    seed: int,
) -> FloatArray:
    frames = int(length_s * SR)
    t = np.arange(frames) / SR
    tone = np.sin(2 * np.pi * tone_hz * t) + 0.5 * np.sin(2 * np.pi * tone_hz * 1.63 * t)
    tone *= exp_decay(frames, SR, tone_decay_s) * tone_level
    noise = biquad(_noise(frames, seed), "bandpass", noise_center_hz, 0.6)
    noise = biquad(noise, "highpass", 700.0) * exp_decay(frames, SR, noise_decay_s)
    return np.tanh(1.5 * (tone + 1.6 * noise)) * _fade_out(frames)


def clap(length_s: float, seed: int) -> FloatArray:
    """Three quick noise bursts then a decaying tail, band-passed around 1.2 kHz."""
    frames = int(length_s * SR)
    t = np.arange(frames) / SR
    envelope = np.zeros(frames)
    for offset_s in (0.0, 0.011, 0.022):
        envelope += np.where(t >= offset_s, np.exp(-(t - offset_s) / 0.006), 0.0)
    envelope += np.where(t >= 0.03, 0.6 * np.exp(-(t - 0.03) / 0.09), 0.0)
    noise = biquad(_noise(frames, seed), "bandpass", 1200.0, 1.2)
    return noise * envelope * 2.2 * _fade_out(frames)


def metal(decay_s: float, length_s: float, highpass_hz: float, seed: int) -> FloatArray:
    """808-style metallic noise: six detuned square waves plus noise, high-passed."""
    frames = int(length_s * SR)
    tone = np.zeros(frames)
    t = np.arange(frames) / SR
    for frequency in (205.3, 304.4, 369.6, 522.7, 540.0, 800.0):
        # plain (aliasing) squares, as in the analog 808 cymbal: inside a high-passed metallic
        # cluster the fold-back is just more inharmonic shimmer, and it costs a tenth of PolyBLEP
        phase = frequency * 1.7 * t
        tone += np.where(phase - np.floor(phase) < 0.5, 1.0, -1.0)
    mixed = tone / 6.0 + 0.8 * _noise(frames, seed)
    out = biquad(mixed, "highpass", highpass_hz, 0.7, stages=2)
    return out * exp_decay(frames, SR, decay_s) * 1.6 * _fade_out(frames)


def tom(frequency_hz: float, length_s: float, seed: int) -> FloatArray:
    body = kick(
        frequency_hz * 1.6, frequency_hz, 0.03, 0.18, click=0.2, drive=1.2, length_s=length_s, seed=seed
    )
    return body * 0.8


def hand_drum(frequency_hz: float, decay_s: float, slap: float, length_s: float, seed: int) -> FloatArray:
    frames = int(length_s * SR)
    t = np.arange(frames) / SR
    frequency = frequency_hz * (1.0 + 0.25 * np.exp(-t / 0.01))
    phase, _ = phase_from_frequency(frequency, frames, SR)
    body = np.sin(2 * np.pi * phase) * exp_decay(frames, SR, decay_s)
    noise = (
        biquad(_noise(frames, seed), "bandpass", frequency_hz * 4, 1.0) * exp_decay(frames, SR, 0.01) * slap
    )
    return (body + noise) * _fade_out(frames)


def shaker(length_s: float, seed: int) -> FloatArray:
    frames = int(length_s * SR)
    t = np.arange(frames) / SR
    envelope = (t / 0.012).clip(0, 1) * np.exp(-t / 0.035)
    out: FloatArray = biquad(_noise(frames, seed), "bandpass", 7000.0, 1.0, stages=2) * envelope * 2.5
    return out


def block(frequency_hz: float, decay_s: float, length_s: float) -> FloatArray:
    frames = int(length_s * SR)
    t = np.arange(frames) / SR
    wave = np.sin(2 * np.pi * frequency_hz * t) + 0.4 * np.sin(2 * np.pi * frequency_hz * 2.76 * t)
    return wave * exp_decay(frames, SR, decay_s) * 0.7


def _fade_out(frames: int) -> FloatArray:
    ramp = np.ones(frames)
    tail = min(frames, int(0.004 * SR))
    ramp[-tail:] = np.linspace(1.0, 0.0, tail)
    return ramp


class Tune(Protocol):
    def __call__(self, default_hz: float, allow_fifth: bool = False) -> float: ...


Voice = Callable[[int, Tune], FloatArray]
"""(seed, tune) -> one-shot samples; tune(default_hz, allow_fifth) moves a pitched piece onto the key."""


def tuner(tonic_hz: float | None) -> Tune:
    """Drums tuned to the key, as producers do, so they do not pull the song's pitch centre: kick and
    snare move to the octave of the tonic nearest their kit frequency; toms and hand drums may take
    the fifth. (A kick on the fifth reads as the dominant key to a chroma-based listener.)"""

    def tune(default_hz: float, allow_fifth: bool = False) -> float:
        if tonic_hz is None:
            return default_hz
        ratios = (1.0, 1.5) if allow_fifth else (1.0,)
        candidates = [tonic_hz * ratio * 2.0**octave for ratio in ratios for octave in range(-4, 6)]
        return min(candidates, key=lambda hz: abs(np.log2(hz / default_hz)))

    return tune


_KICKS: dict[str, Voice] = {
    "kit909": lambda s, t: kick(t(50) * 3.6, t(50), 0.035, 0.32, click=0.5, drive=1.8, length_s=0.55, seed=s),
    "kit808": lambda s, t: kick(t(46) * 3.0, t(46), 0.05, 0.9, click=0.3, drive=1.3, length_s=1.4, seed=s),
    "breaks": lambda s, t: kick(t(58) * 3.4, t(58), 0.025, 0.2, click=0.7, drive=2.2, length_s=0.4, seed=s),
    "acoustic": lambda s, t: kick(
        t(55) * 2.2, t(55), 0.02, 0.22, click=0.9, drive=1.5, length_s=0.45, seed=s
    ),
}
_SNARES: dict[str, Voice] = {
    "kit909": lambda s, t: snare(t(190), 0.05, 0.16, 3500, tone_level=0.8, length_s=0.4, seed=s),
    "kit808": lambda s, t: snare(t(230), 0.06, 0.12, 4000, tone_level=0.7, length_s=0.35, seed=s),
    "breaks": lambda s, t: snare(t(210), 0.04, 0.06, 2800, tone_level=0.9, length_s=0.3, seed=s),  # snappy
    "acoustic": lambda s, t: snare(t(175), 0.07, 0.2, 2500, tone_level=1.0, length_s=0.5, seed=s),
}


def _voice_for(kit: str, note: int) -> Voice:
    family = kit if kit in _KICKS else "kit909"
    match note:
        case 35 | 36:
            return _KICKS[family]
        case 38 | 40:
            return _SNARES[family]
        case 37:
            return lambda s, t: block(1700, 0.02, 0.1) + 0.3 * biquad(_noise(4410, s), "bandpass", 3000, 2.0)
        case 39:
            return lambda s, t: clap(0.45, s)
        case 42:
            return lambda s, t: metal(0.035, 0.15, 7000 if family != "acoustic" else 6000, s)
        case 44:
            return lambda s, t: metal(0.05, 0.15, 6000, s) * 0.7
        case 46:
            return lambda s, t: metal(0.25, 0.7, 6500, s)
        case 49 | 57:
            return lambda s, t: metal(0.9, 2.5, 4500, s) * 0.9
        case 51 | 59:
            return lambda s, t: metal(0.6, 1.5, 3000, s) * 0.55 + block(2400, 0.4, 1.5) * 0.15
        case 41 | 43 | 45:
            return lambda s, t: tom(t(95), 0.6, s)
        case 47 | 48:
            return lambda s, t: tom(t(130, True), 0.5, s)
        case 50:
            return lambda s, t: tom(t(175, True), 0.45, s)
        case 54:
            return lambda s, t: metal(0.12, 0.3, 8000, s) * 0.8 + shaker(0.3, s + 1) * 0.5
        case 56:
            return lambda s, t: block(560, 0.08, 0.3) + block(845, 0.08, 0.3)
        case 60:
            return lambda s, t: hand_drum(t(400), 0.08, 0.5, 0.3, s)
        case 61:
            return lambda s, t: hand_drum(t(300), 0.1, 0.5, 0.3, s)
        case 62:
            return lambda s, t: hand_drum(t(330), 0.05, 0.9, 0.25, s)
        case 63:
            return lambda s, t: hand_drum(t(320), 0.16, 0.4, 0.4, s)
        case 64:
            return lambda s, t: hand_drum(t(220), 0.2, 0.4, 0.5, s)
        case 69 | 70 | 82:
            return lambda s, t: shaker(0.15, s)
        case 75 | 76 | 77:
            return lambda s, t: block(2500, 0.03, 0.12)
        case _:
            return lambda s, t: shaker(0.1, s)


@lru_cache(maxsize=512)
def drum_sample(kit: str, note: int, seed: int, tonic_hz: float | None = None) -> FloatArray:
    """One-shot samples for a kit piece, tuned to the tonic when given; cached because every hit
    of a song reuses them."""
    raw = _voice_for(kit, note)(seed, tuner(tonic_hz))
    out = (raw * _fade_out(raw.size)).astype(np.float32)
    out.setflags(write=False)
    return out


DRUM_PAN: dict[int, float] = {
    42: 0.62,
    44: 0.6,
    46: 0.64,
    49: 0.35,
    51: 0.7,
    45: 0.35,
    47: 0.5,
    50: 0.68,
    54: 0.3,
    56: 0.6,
    60: 0.7,
    61: 0.65,
    62: 0.32,
    63: 0.28,
    64: 0.38,
    70: 0.72,
    75: 0.4,
}
"""0 = left, 0.5 = centre, 1 = right; unlisted pieces (kick, snare, clap) sit in the centre."""
