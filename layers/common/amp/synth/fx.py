"""Transition effects for the FX stem: noise risers, impacts, downlifters and reverse swells."""

import numpy as np

from amp.synth.drums import kick, metal
from amp.synth.envelopes import exp_decay
from amp.synth.filters import swept_lowpass
from amp.synth.oscillators import FloatArray, phase_from_frequency, sine

SR = 44_100


def riser(frames: int, seed: int) -> FloatArray:
    """White noise opening from 300 Hz to 9 kHz under a rising sine sweep, louder towards the end."""
    ramp = np.linspace(0.0, 1.0, frames)
    noise = np.random.default_rng(seed).uniform(-1, 1, frames)
    swept = swept_lowpass(noise, 300.0, 9000.0, ramp**2, q=1.5)
    phase, _ = phase_from_frequency(200.0 * 2.0 ** (2.5 * ramp), frames, SR)
    return (swept * 0.8 + 0.2 * sine(phase)) * ramp**1.5


def downlifter(frames: int, seed: int) -> FloatArray:
    ramp = np.linspace(1.0, 0.0, frames)
    noise = np.random.default_rng(seed).uniform(-1, 1, frames)
    return swept_lowpass(noise, 200.0, 7000.0, ramp**2, q=1.2) * ramp**2 * 0.8


def impact(frames: int, seed: int) -> FloatArray:
    boom = kick(90, 38, 0.08, 0.9, click=0.8, drive=1.5, length_s=frames / SR, seed=seed)
    crash = metal(1.2, frames / SR, 3000.0, seed + 1) * 0.5
    return boom + crash


def swell(frames: int, seed: int) -> FloatArray:
    """A cymbal played backwards: rises into the downbeat that follows."""
    cymbal = metal(frames / SR / 3, frames / SR, 4000.0, seed)[::-1]
    return cymbal * 0.9 * (1.0 - exp_decay(frames, SR, 0.002)[::-1])
