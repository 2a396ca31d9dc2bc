"""Waveform and spectrogram PNGs for the web page and the CLI's output dir.

matplotlib is imported lazily (Agg backend, no display) and only by the stages that draw."""

import io
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np
from scipy import signal

from amp.audio_io import AudioBuffer

WIDTH_IN = 12.0
HEIGHT_IN = 3.0
DPI = 100
_WAVEFORM_COLUMNS = 2400
_SPECTROGRAM_COLUMNS = 1200
_SPECTROGRAM_ROWS = 256


_DRAWING = threading.Lock()
"""pyplot and matplotlib's text parser keep global state: two jobs drawing at once in one process
(`amp serve` workers, the local Map threads) corrupt each other. Lambda never shares a process."""


def _pyplot() -> Any:
    os.environ.setdefault("MPLCONFIGDIR", str(Path(tempfile.gettempdir()) / "amp-matplotlib"))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    _pyplot().close(figure)
    return buffer.getvalue()


def waveform_png(audio: AudioBuffer, sample_rate: int, title: str = "") -> bytes:
    """Min/max envelope per pixel column, one lane per channel (left above right)."""
    with _DRAWING:
        return _waveform_png(audio, sample_rate, title)


def _waveform_png(audio: AudioBuffer, sample_rate: int, title: str) -> bytes:
    plt = _pyplot()
    channels = min(audio.shape[0], 2)
    figure, axes = plt.subplots(channels, 1, figsize=(WIDTH_IN, HEIGHT_IN), sharex=True, squeeze=False)
    frames = audio.shape[1]
    columns = max(1, min(_WAVEFORM_COLUMNS, frames))
    edges = np.linspace(0, frames, columns + 1).astype(int)
    times_s = edges[:-1] / sample_rate
    for channel in range(channels):
        data = audio[channel]
        lows = np.minimum.reduceat(data, edges[:-1]) if frames else np.zeros(columns)
        highs = np.maximum.reduceat(data, edges[:-1]) if frames else np.zeros(columns)
        axis = axes[channel][0]
        axis.fill_between(times_s, lows, highs, color="#2b6cb0", linewidth=0)
        axis.set_ylim(-1.0, 1.0)
        axis.set_yticks([-1, 0, 1])
        axis.set_ylabel("LR"[channel] if channels == 2 else "")
        axis.margins(x=0)
    axes[-1][0].set_xlabel("time (s)")
    if title:
        axes[0][0].set_title(title)
    figure.tight_layout()
    return _png(figure)


def spectrogram_png(audio: AudioBuffer, sample_rate: int, title: str = "") -> bytes:
    """Log-frequency power spectrogram of the mid signal, dB relative to the loudest bin.

    At most ~1200 time columns and 256 log-spaced frequency rows whatever the length, drawn with
    imshow: a 10-minute mix costs about what a 30 s one does."""
    with _DRAWING:
        return _spectrogram_png(audio, sample_rate, title)


def _spectrogram_png(audio: AudioBuffer, sample_rate: int, title: str) -> bytes:
    plt = _pyplot()
    mono = audio.astype(np.float32).mean(axis=0)
    segment = min(2048, max(16, mono.size))
    hop = max(segment // 2, mono.size // _SPECTROGRAM_COLUMNS)
    freqs_hz, times_s, power = signal.spectrogram(
        mono, fs=sample_rate, nperseg=segment, noverlap=max(0, segment - hop), mode="psd"
    )
    figure, axis = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN))
    top_hz = sample_rate / 2
    if freqs_hz.size >= 2 and times_s.size >= 1 and top_hz > 20.0:
        rows_hz = np.geomspace(20.0, top_hz, _SPECTROGRAM_ROWS)
        # Linear interpolation of every column onto the log rows at once.
        upper = np.clip(np.searchsorted(freqs_hz, rows_hz), 1, freqs_hz.size - 1)
        weight = ((rows_hz - freqs_hz[upper - 1]) / (freqs_hz[upper] - freqs_hz[upper - 1]))[:, None]
        grid = power[upper - 1] * (1 - weight) + power[upper] * weight
        power_db = 10 * np.log10(np.maximum(grid, 1e-12))
        power_db -= power_db.max(initial=-120.0)
        end_s = mono.size / sample_rate
        image = axis.imshow(
            power_db,
            origin="lower",
            aspect="auto",
            cmap="magma",
            vmin=-90,
            vmax=0,
            extent=(0.0, end_s, 0.0, float(_SPECTROGRAM_ROWS)),
            interpolation="nearest",
        )
        ticks_hz = [hz for hz in (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000) if hz < top_hz]
        axis.set_yticks(
            [float(np.interp(np.log(hz), np.log(rows_hz), np.arange(rows_hz.size))) for hz in ticks_hz]
        )
        axis.set_yticklabels([f"{hz // 1000}k" if hz >= 1000 else str(hz) for hz in ticks_hz])
        figure.colorbar(image, ax=axis, label="dB")
    axis.set_ylabel("frequency (Hz)")
    axis.set_xlabel("time (s)")
    if title:
        axis.set_title(title)
    figure.tight_layout()
    return _png(figure)
