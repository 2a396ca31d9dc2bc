"""Amplitude and modulation envelopes, computed in closed form over the whole note."""

import numpy as np

from amp.synth.oscillators import FloatArray


def adsr(
    on_frames: int,
    total_frames: int,
    sample_rate: int,
    *,
    attack_s: float,
    decay_s: float,
    sustain: float,
    release_s: float,
) -> FloatArray:
    """Linear attack, exponential decay to the sustain level, exponential release after note-off.

    Decay and release are time constants (about -8.7 dB per constant). The last 2 ms ramp to zero
    so a note never ends on a click.
    """
    t = np.arange(total_frames) / sample_rate
    attack = max(attack_s, 1e-3)
    note_off_s = on_frames / sample_rate
    held = np.where(
        t < attack,
        t / attack,
        sustain + (1.0 - sustain) * np.exp(-(t - attack) / max(decay_s, 1e-4)),
    )
    if note_off_s < attack:
        level_at_off = note_off_s / attack
    else:
        level_at_off = sustain + (1.0 - sustain) * np.exp(-(note_off_s - attack) / max(decay_s, 1e-4))
    released = level_at_off * np.exp(-(t - note_off_s) / max(release_s, 1e-4))
    env = np.where(t < note_off_s, held, released)
    tail = min(total_frames, int(0.002 * sample_rate))
    if tail > 0:
        env[-tail:] *= np.linspace(1.0, 0.0, tail)
    return env


def exp_decay(total_frames: int, sample_rate: int, decay_s: float) -> FloatArray:
    return np.exp(-np.arange(total_frames) / (sample_rate * max(decay_s, 1e-4)))
