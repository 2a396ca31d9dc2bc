"""Where a stem's beats fall, measured independently of `amp.providers.conform` (which aligns with
librosa's spectral flux against the guide): the half-wave rectified rise of log energy at a 1.5 ms
hop, folded onto the beat period. Tests use it to check that conformed stems share one grid."""

import numpy as np
import numpy.typing as npt

from amp.audio_io import SAMPLE_RATE

HOP = 64


def energy_rise(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    mono = np.asarray(audio, dtype=np.float64).mean(axis=0)
    frames = mono[: mono.size // HOP * HOP].reshape(-1, HOP)
    level = np.log(np.mean(frames**2, axis=1) + 1e-9)
    return np.maximum(0.0, np.diff(level, prepend=level[:1]))


def beat_phase_ms(
    audio: npt.NDArray[np.float32], bpm: float, start_s: float = 0.0, end_s: float | None = None
) -> tuple[float, float]:
    """(where the beats fall after each grid beat in ms, pulse strength 0..1) between start_s and
    end_s: the circular mean of onset energy at the beat period."""
    rise = energy_rise(audio)
    times = np.arange(rise.size) * HOP / SAMPLE_RATE
    inside = (times >= start_s) & (times < (end_s if end_s is not None else times[-1] + 1))
    period_s = 60.0 / bpm
    angles = 2 * np.pi * np.mod(times[inside], period_s) / period_s
    weights = rise[inside]
    vector = np.sum(weights * np.exp(1j * angles)) / max(float(np.sum(weights)), 1e-12)
    phase = float(np.angle(vector)) % (2 * np.pi)
    return phase / (2 * np.pi) * period_s * 1000.0, float(np.abs(vector))


def phase_difference_ms(a_ms: float, b_ms: float, bpm: float) -> float:
    """The shortest distance between two beat phases, in ms (wrapping at the beat period)."""
    period_ms = 60_000.0 / bpm
    difference = (a_ms - b_ms) % period_ms
    return min(difference, period_ms - difference)
