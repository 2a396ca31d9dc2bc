"""Band-limited oscillators. Saw and square use PolyBLEP (a polynomial correction at each
discontinuity), which keeps alias fold-back far below the naive waveform's without oversampling."""

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating[Any]]
"""float32 or float64 samples; voices compute in float64, stems are stored in float32."""


def phase_from_frequency(
    frequency_hz: FloatArray | float, frames: int, sample_rate: int, start_phase: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Phase in cycles (0..1) and the per-sample increment, for a constant or per-sample frequency."""
    if isinstance(frequency_hz, float | int):
        increment = np.full(frames, float(frequency_hz) / sample_rate)
        phase = start_phase + np.arange(frames) * increment[0]
    else:
        increment = np.asarray(frequency_hz, dtype=np.float64) / sample_rate
        phase = start_phase + np.concatenate(([0.0], np.cumsum(increment[:-1])))
    phase -= np.floor(phase)  # wrap to 0..1 (cheaper than np.mod)
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


ADDITIVE_MAX_HARMONICS = 12
"""Above sr / 24 (1.8 kHz) a saw has at most 12 harmonics under Nyquist: summing them exactly is as
cheap as PolyBLEP and has no aliasing at all, where 2-point PolyBLEP leaves about -24 dB at 5 kHz."""


def polyblep_saw(phase: FloatArray, increment: FloatArray) -> FloatArray:
    return 2.0 * phase - 1.0 - polyblep(phase, increment)


def additive_saw(phase: FloatArray, harmonics: int) -> FloatArray:
    """The rising saw's Fourier series, -(2/pi) sum sin(2 pi k phase) / k, cut below Nyquist."""
    out = np.zeros_like(phase)
    for k in range(1, harmonics + 1):
        out -= np.sin(2.0 * np.pi * k * phase) / k
    result: FloatArray = out * (2.0 / np.pi)
    return result


def saw(phase: FloatArray, increment: FloatArray) -> FloatArray:
    """Band-limited rising saw (-1..1): exact harmonics for high notes, PolyBLEP for the rest."""
    highest = float(increment.max()) if increment.size else 0.0
    harmonics = int(0.5 / highest) if highest > 0 else ADDITIVE_MAX_HARMONICS + 1
    if harmonics <= ADDITIVE_MAX_HARMONICS:
        return additive_saw(phase, max(1, harmonics))
    return polyblep_saw(phase, increment)


def constant_saw(frequency_hz: float, frames: int, sample_rate: int, start_phase: float = 0.0) -> FloatArray:
    """`saw` at a fixed pitch, float32, the PolyBLEP residual applied only where it is non-zero.

    At a fixed pitch the residual touches two samples per period (the one either side of each wrap),
    so they are found from the wrap times instead of by comparing every sample, and the rest is the
    naive ramp: a pad's saw costs a third of the general path. Same result as `saw` to float32."""
    increment = float(frequency_hz) / sample_rate
    if frames <= 0 or increment <= 0.0 or int(0.5 / increment) <= ADDITIVE_MAX_HARMONICS:
        phase, increments = phase_from_frequency(float(frequency_hz), frames, sample_rate, start_phase)
        return saw(phase, increments).astype(np.float32)
    phase = np.arange(frames, dtype=np.float64)
    phase *= increment
    phase += start_phase
    phase -= np.floor(phase)
    out = phase.astype(np.float32)
    out *= np.float32(2.0)
    out -= np.float32(1.0)
    # sample n wraps when start + n x increment passes an integer: n = ceil((k - start) / increment)
    last = start_phase + (frames - 1) * increment
    wraps = np.ceil((np.arange(1, int(np.floor(last)) + 1) - start_phase) / increment).astype(np.int64)
    # wraps are > 24 samples apart (more than 12 harmonics), so these neighbourhoods never overlap
    near = np.stack([wraps - 1, wraps, wraps + 1], axis=1).ravel()
    near = near[near < frames]
    if near.size == 0 or near[0] > 0:
        near = np.concatenate([[0], near])
    if near[-1] < frames - 1:
        near = np.concatenate([near, [frames - 1]])
    at = phase[near]
    blep = np.zeros(near.size)
    rising = at < increment
    x = at[rising] / increment
    blep[rising] = x + x - x * x - 1.0
    falling = at > 1.0 - increment
    x = (at[falling] - 1.0) / increment
    blep[falling] = x * x + x + x + 1.0
    out[near] -= blep.astype(np.float32)
    return out


def square(phase: FloatArray, increment: FloatArray, width: float = 0.5) -> FloatArray:
    """Zero-mean pulse of the given duty cycle, as the difference of two band-limited saws (the
    naive pulse minus its DC offset 2 * width - 1)."""
    return saw((phase + 1.0 - width) % 1.0, increment) - saw(phase, increment)


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
    """Detuned PolyBLEP saws spread across stereo: returns (2, frames) float32. Voice phases come from
    a fixed seed so the same note always renders the same samples."""
    rng = np.random.default_rng(seed)
    spread = np.linspace(-1.0, 1.0, voices)
    out = np.zeros((2, frames), dtype=np.float32)
    for index, amount in enumerate(spread):
        voice = constant_saw(
            frequency_hz * 2.0 ** (amount * detune_cents / 1200.0), frames, sample_rate, float(rng.random())
        )
        level = (1.0 if index == voices // 2 else 0.8) / np.sqrt(voices)
        pan = 0.5 + 0.45 * amount
        out[0] += voice * np.float32(level * np.sqrt(1.0 - pan))
        out[1] += voice * np.float32(level * np.sqrt(pan))
    return out


def fm(
    frequency_hz: float, frames: int, sample_rate: int, ratio: float, index: FloatArray | float
) -> FloatArray:
    """Two-operator phase modulation: a sine carrier modulated by a sine at ratio x the pitch."""
    t = np.arange(frames) / sample_rate
    modulator = np.sin(2.0 * np.pi * frequency_hz * ratio * t)
    result: FloatArray = np.sin(2.0 * np.pi * frequency_hz * t + np.asarray(index) * modulator)
    return result
