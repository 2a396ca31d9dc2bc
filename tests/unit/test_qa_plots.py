"""Waveform and spectrogram PNGs: valid images of the documented size, for any channel count and
for very short audio."""

import struct

import numpy as np
import pytest

from amp import plots
from tests.audio.signals import band_noise, sine

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(
    "audio", [sine(440.0, 2.0), sine(440.0, 2.0, channels=1), band_noise(0.05, amplitude=0.1, seed=1)]
)
def test_plots_are_pngs_of_the_documented_size(audio: np.ndarray) -> None:
    expected = (round(plots.WIDTH_IN * plots.DPI), round(plots.HEIGHT_IN * plots.DPI))
    assert _png_size(plots.waveform_png(audio, 44_100, title="mix")) == expected
    assert _png_size(plots.spectrogram_png(audio, 44_100, title="mix")) == expected


def test_plots_are_deterministic() -> None:
    audio = sine(220.0, 1.0)
    assert plots.waveform_png(audio, 44_100) == plots.waveform_png(audio, 44_100)
