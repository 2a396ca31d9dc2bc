"""Spectral balance: how a track's energy splits across four bands, the figure mastering matches
and QA bounds per genre. numpy/scipy only."""

import numpy as np
from scipy import signal

from amp.audio_io import AudioBuffer

BANDS_HZ: dict[str, tuple[float, float]] = {
    "low": (20.0, 150.0),
    "low_mid": (150.0, 600.0),
    "mid": (600.0, 4000.0),
    "high": (4000.0, 20000.0),
}
"""Band edges: kick/bass, body/warmth, presence, air."""

_SILENT_BAND_DB = -120.0


def spectral_balance_db(audio: AudioBuffer, sample_rate: int) -> dict[str, float]:
    """Each band's share of the total energy in dB (0 dB = all energy in that band).

    Welch PSD of the mid signal; the shares are level-independent so a quiet reference compares
    with a loud master."""
    mono = audio.astype(np.float64).mean(axis=0)
    segment = min(8192, mono.size)
    if segment < 64:
        return dict.fromkeys(BANDS_HZ, _SILENT_BAND_DB)
    freqs_hz, psd = signal.welch(mono, fs=sample_rate, nperseg=segment)
    audible = (freqs_hz >= 20.0) & (freqs_hz <= 20000.0)
    total = float(psd[audible].sum())
    balance: dict[str, float] = {}
    for name, (low_hz, high_hz) in BANDS_HZ.items():
        in_band = (freqs_hz >= low_hz) & (freqs_hz < min(high_hz, sample_rate / 2))
        energy = float(psd[in_band].sum())
        balance[name] = 10.0 * np.log10(energy / total) if energy > 0 and total > 0 else _SILENT_BAND_DB
        balance[name] = max(float(balance[name]), _SILENT_BAND_DB)
    return balance
