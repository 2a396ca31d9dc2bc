"""Waveform and spectrogram PNGs for the web page and the CLI's output dir.

matplotlib is imported lazily (Agg backend, no display) and only by the stages that draw."""

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
from scipy import signal

from amp.audio_io import AudioBuffer

WIDTH_IN = 12.0
HEIGHT_IN = 3.0
DPI = 100
_WAVEFORM_COLUMNS = 2400


def _pyplot() -> Any:
    os.environ.setdefault("MPLCONFIGDIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "amp-matplotlib"))
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
    """Log-frequency power spectrogram of the mid signal, dB relative to the loudest bin."""
    plt = _pyplot()
    mono = audio.astype(np.float32).mean(axis=0)
    segment = min(2048, max(16, mono.size))
    freqs_hz, times_s, power = signal.spectrogram(
        mono, fs=sample_rate, nperseg=segment, noverlap=segment // 2, mode="psd"
    )
    power_db = 10 * np.log10(np.maximum(power, 1e-12))
    power_db -= power_db.max(initial=0.0)
    figure, axis = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN))
    visible = freqs_hz >= 20.0
    if visible.sum() >= 2 and times_s.size >= 2:
        mesh = axis.pcolormesh(
            times_s, freqs_hz[visible], power_db[visible], shading="auto", cmap="magma", vmin=-90, vmax=0
        )
        axis.set_yscale("log")
        figure.colorbar(mesh, ax=axis, label="dB")
    axis.set_ylabel("frequency (Hz)")
    axis.set_xlabel("time (s)")
    if title:
        axis.set_title(title)
    figure.tight_layout()
    return _png(figure)
