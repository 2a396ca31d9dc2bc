"""Where a stem's hits fall relative to another's, measured independently of
`amp.providers.conform` (which aligns librosa's spectral flux at 5.8 ms): the half-wave rectified
rise of log energy at a 1.5 ms hop, cross-correlated window by window. Tests and bench/conform.py
use it to check that conformed stems sit on the guide's grid."""

import numpy as np
import numpy.typing as npt

from amp.audio_io import SAMPLE_RATE

HOP = 64


def energy_rise(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    mono = np.asarray(audio, dtype=np.float64).mean(axis=0)
    frames = mono[: mono.size // HOP * HOP].reshape(-1, HOP)
    level = np.log(np.mean(frames**2, axis=1) + 1e-9)
    return np.maximum(0.0, np.diff(level, prepend=level[:1]))


def local_lags_ms(
    reference: npt.NDArray[np.float32],
    other: npt.NDArray[np.float32],
    *,
    window_s: float = 2.0,
    search_ms: float = 60.0,
    min_match: float = 0.3,
) -> list[float]:
    """Per window of `window_s`: how late (ms) `other` runs behind `reference`, from the peak of the
    cross-correlation of their energy-rise envelopes (1.5 ms resolution) within +-search_ms.
    Windows where the envelopes do not match (normalised peak < min_match: no hits) are left out."""
    a, b = energy_rise(reference), energy_rise(other)
    size = int(window_s * SAMPLE_RATE / HOP)
    search = int(search_ms / 1000.0 * SAMPLE_RATE / HOP)
    lags: list[float] = []
    for start in range(search, min(a.size, b.size) - size - search, size):
        piece = a[start : start + size] - a[start : start + size].mean()
        region = b[start - search : start + size + search]
        region = region - region.mean()
        full = np.correlate(region, piece, mode="valid")
        norm = np.sqrt(np.sum(piece**2) * np.sum(region**2) * size / region.size)
        if norm <= 0 or float(full.max()) / norm < min_match:
            continue
        lags.append((int(np.argmax(full)) - search) * HOP / SAMPLE_RATE * 1000.0)
    return lags
