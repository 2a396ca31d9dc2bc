"""Biquad filters (RBJ cookbook) applied with scipy's sosfilt; coefficients cached per setting."""

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import signal

from amp.synth.oscillators import FloatArray

Sos = npt.NDArray[np.float64]


@lru_cache(maxsize=4096)
def _biquad(kind: str, frequency_hz: float, q: float, sample_rate: int) -> Sos:
    frequency_hz = min(max(frequency_hz, 10.0), 0.45 * sample_rate)
    w0 = 2.0 * np.pi * frequency_hz / sample_rate
    alpha = np.sin(w0) / (2.0 * q)
    cos_w0 = np.cos(w0)
    if kind == "lowpass":
        b = [(1 - cos_w0) / 2, 1 - cos_w0, (1 - cos_w0) / 2]
    elif kind == "highpass":
        b = [(1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2]
    elif kind == "bandpass":
        b = [alpha, 0.0, -alpha]
    else:
        raise ValueError(f"unknown biquad kind {kind!r}")
    a = [1 + alpha, -2 * cos_w0, 1 - alpha]
    return np.array([[b[0] / a[0], b[1] / a[0], b[2] / a[0], 1.0, a[1] / a[0], a[2] / a[0]]])


def biquad(
    x: FloatArray,
    kind: str,
    frequency_hz: float,
    q: float = 0.7071,
    *,
    sample_rate: int = 44_100,
    stages: int = 1,
) -> FloatArray:
    """Apply a lowpass/highpass/bandpass biquad (stages x, for steeper slopes) along the last axis."""
    sos = np.repeat(_biquad(kind, round(float(frequency_hz), 1), round(q, 3), sample_rate), stages, axis=0)
    return np.asarray(signal.sosfilt(sos, x, axis=-1))


def swept_lowpass(
    x: FloatArray,
    low_hz: float,
    high_hz: float,
    amount: FloatArray,
    q: float = 0.7071,
    *,
    sample_rate: int = 44_100,
) -> FloatArray:
    """A filter-envelope sweep approximated by crossfading two static lowpass outputs by `amount`
    (0 = low cutoff, 1 = high); vectorised, and smooth for the slow sweeps patches use."""
    dark = biquad(x, "lowpass", low_hz, q, sample_rate=sample_rate)
    bright = biquad(x, "lowpass", high_hz, q, sample_rate=sample_rate)
    return dark + (bright - dark) * amount
