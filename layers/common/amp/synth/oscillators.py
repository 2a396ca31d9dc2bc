"""Band-limited oscillators. Saw and square use PolyBLEP (a polynomial correction at each
discontinuity), which keeps alias fold-back far below the naive waveform's without oversampling."""

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def phase_from_frequency(
    frequency_hz: FloatArray | float, frames: int, sample_rate: int, start_phase: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Phase in cycles (0..1) and the per-sample increment, for a constant or per-sample frequency."""
    if isinstance(frequency_hz, float | int):
        increment = np.full(frames, float(frequency_hz) / sample_rate)
        phase = (start_phase + np.arange(frames) * increment[0]) % 1.0
    else:
        increment = np.asarray(frequency_hz, dtype=np.float64) / sample_rate
        phase = (start_phase + np.concatenate(([0.0], np.cumsum(increment[:-1])))) % 1.0
    return phase, increment


def polyblep(phase: FloatArray, increment: FloatArray) -> FloatArray:
    """The PolyBLEP residual for a unit downward step at phase 0."""
    out = np.zeros_like(phase)
    rising = phase < increment
    x = phase[rising] / increment[rising]
    out[rising] = x + x - x * x - 1.0
    falling = phase > 1.0 - increment
    x = (phase[falling] - 1.0) / increment[falling]
    out[falling] = x * x + x + x + 1.0
    return out


def saw(phase: FloatArray, increment: FloatArray) -> FloatArray:
    return 2.0 * phase - 1.0 - polyblep(phase, increment)


def square(phase: FloatArray, increment: FloatArray, width: float = 0.5) -> FloatArray:
    naive = np.where(phase < width, 1.0, -1.0)
    return naive + polyblep(phase, increment) - polyblep((phase + 1.0 - width) % 1.0, increment)


def triangle(phase: FloatArray) -> FloatArray:
    """Naive triangle: its harmonics fall at 12 dB/octave, so aliasing stays inaudible in the
    registers AMP uses it (bass and pads)."""
    return 4.0 * np.abs(phase - 0.5) - 1.0


def sine(phase: FloatArray) -> FloatArray:
    return np.sin(2.0 * np.pi * phase)


def naive_saw(phase: FloatArray) -> FloatArray:
    """The aliasing reference the tests compare PolyBLEP against."""
    return 2.0 * phase - 1.0


def supersaw(
    frequency_hz: float, frames: int, sample_rate: int, detune_cents: float, *, voices: int = 7, seed: int = 0
) -> FloatArray:
    """Detuned PolyBLEP saws spread across stereo: returns (2, frames). Voice phases come from a
    fixed seed so the same note always renders the same samples."""
    rng = np.random.default_rng(seed)
    spread = np.linspace(-1.0, 1.0, voices)
    out = np.zeros((2, frames))
    for index, amount in enumerate(spread):
        phase, increment = phase_from_frequency(
            frequency_hz * 2.0 ** (amount * detune_cents / 1200.0), frames, sample_rate, float(rng.random())
        )
        voice = saw(phase, increment) * (1.0 if index == voices // 2 else 0.8)
        pan = 0.5 + 0.45 * amount
        out[0] += voice * np.sqrt(1.0 - pan)
        out[1] += voice * np.sqrt(pan)
    result: FloatArray = out / np.sqrt(voices)
    return result


def fm(
    frequency_hz: float, frames: int, sample_rate: int, ratio: float, index: FloatArray | float
) -> FloatArray:
    """Two-operator phase modulation: a sine carrier modulated by a sine at ratio x the pitch."""
    t = np.arange(frames) / sample_rate
    modulator = np.sin(2.0 * np.pi * frequency_hz * ratio * t)
    result: FloatArray = np.sin(2.0 * np.pi * frequency_hz * t + np.asarray(index) * modulator)
    return result
