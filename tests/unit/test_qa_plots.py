"""Waveform and spectrogram PNGs: valid images of the documented size, for any channel count and
for very short audio."""

import io
import os
import struct
import subprocess
import sys
from pathlib import Path

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


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_waveform_envelope_is_drawn_where_the_audio_sounds() -> None:
    rate = 44_100
    audio = np.zeros((2, 4 * rate), dtype=np.float32)
    audio[:, 2 * rate :] = sine(440.0, 2.0, amplitude=0.9)
    image = _pixels(plots.waveform_png(audio, rate))
    blue = np.all(image == (0x2B, 0x6C, 0xB0), axis=2)
    columns = np.flatnonzero(blue.sum(axis=0) > 20)  # columns with a tall envelope
    assert columns.size > 400
    assert columns.min() > plots.WIDTH_PX * 0.45  # nothing tall over the silent first half


def test_spectrogram_palette_is_matplotlibs_magma() -> None:
    from matplotlib import colormaps

    reference = np.round(np.array(colormaps["magma"].colors) * 255)
    np.testing.assert_array_equal(plots.magma_lut(), reference.astype(np.uint8))


def test_drawing_needs_no_matplotlib() -> None:
    code = (
        "import sys, numpy as np\n"
        "from amp import plots\n"
        "audio = np.zeros((2, 44100), np.float32)\n"
        "plots.waveform_png(audio, 44100); plots.spectrogram_png(audio, 44100, 'mix')\n"
        "print('matplotlib' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{root / 'layers' / 'common'}{os.pathsep}{root}"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "False"
