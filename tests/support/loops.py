"""A loop detector for long songs: does any stretch of the song repeat another stretch of it, sample
for sample (what the Stability provider did before continuation: past 190 s it played its one clip
again)? Each section is cross-correlated, at every lag, with the song at least `min_distance_s`
away from it; the answer is the highest normalised peak. A copied clip scores ~1.0 wherever it is
placed; a new performance of the same music scores far lower, because its timbre, phase and noise
are its own."""

import numpy as np
import numpy.typing as npt
from scipy import fft as sp_fft
from scipy import signal

from amp.audio_io import SAMPLE_RATE

DECIMATE = 8
"""Correlated at 5.5 kHz: a copy is a copy at any rate, and a 200 s song is checked in a second."""


def max_distant_similarity(
    audio: npt.NDArray[np.float32], *, section_s: float, min_distance_s: float, from_s: float = 0.0
) -> tuple[float, float, float]:
    """(peak, section start s, where it matched s): the highest normalised cross-correlation between
    a `section_s` section of the song starting at `from_s` or later and any stretch of the song
    starting `min_distance_s` or more from it (either side), at any lag.

    `from_s`: where a continuation begins. Within one request a model (and the fake) may play the
    composer's repeated bars alike, as the guide does; a loop is the continuation copying earlier
    audio, so a continued song is checked from its first continued section on."""
    mono = signal.resample_poly(np.asarray(audio, dtype=np.float64).mean(axis=0), 1, DECIMATE)
    rate = SAMPLE_RATE / DECIMATE
    length = int(section_s * rate)
    distance = int(min_distance_s * rate)
    energy = np.concatenate([[0.0], np.cumsum(mono**2)])
    window_energy = energy[length:] - energy[:-length]  # of mono[j : j + length], for every j
    size = sp_fft.next_fast_len(mono.size + length)
    song = sp_fft.rfft(mono, size)
    lags = np.arange(window_energy.size)
    best = (0.0, 0.0, 0.0)
    for start in range(int(from_s * rate), mono.size - length + 1, length):
        piece = mono[start : start + length]
        norm = float(np.sqrt(np.sum(piece**2)))
        if norm < 1e-9:
            continue
        # correlation[j] = sum(piece * mono[j : j + length]), for every j, by one FFT pair.
        correlation = sp_fft.irfft(song * np.conj(sp_fft.rfft(piece, size)), size)[: window_energy.size]
        score = correlation / (norm * np.sqrt(np.maximum(window_energy, 1e-12)))
        score[np.abs(lags - start) < distance] = 0.0
        j = int(np.argmax(score))
        if float(score[j]) > best[0]:
            best = (float(score[j]), start / rate, j / rate)
    return best
