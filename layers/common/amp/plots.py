"""Waveform and spectrogram PNGs for the web page and the CLI's output dir.

Drawn with numpy into an RGB array, labelled with Pillow's built-in font and written by Pillow's
PNG encoder. Why not matplotlib: its import, font cache and text layout cost ~2 s of CPU on a
process's first picture (every cold QA Lambda) and ~0.5 s per job after that, for two fixed
layouts of a few ticks and labels; this costs a few hundredths, pulls in no font files, and its
numpy work releases the GIL, so QA can draw beside its analysis. Pillow is imported on first draw."""

import functools
import io
import math
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from amp.audio_io import AudioBuffer

WIDTH_IN = 12.0
HEIGHT_IN = 3.0
DPI = 100
WIDTH_PX = round(WIDTH_IN * DPI)
HEIGHT_PX = round(HEIGHT_IN * DPI)
_SPECTROGRAM_COLUMNS = 1200
_SPECTROGRAM_ROWS = 256
_FONT_PX = 13
_WAVE_RGB = (0x2B, 0x6C, 0xB0)
_AXIS_RGB = (0, 0, 0)
_TEXT_RGB = (0, 0, 0)
_FLOOR_DB = -90.0

_MAGMA_HEX = (
    "00000401000501010601010802010902020b02020d03030f03031204041405041606051806051a07061c08071e090720"
    "0a08220b09240c09260d0a290e0b2b100b2d110c2f120d31130d34140e36150e38160f3b180f3d19103f1a10421c1044"
    "1d11471e114920114b21114e22115024125325125527125829115a2a115c2c115f2d11612f1163311165331067341069"
    "36106b38106c390f6e3b0f703d0f713f0f72400f74420f75440f764510774710784910784a10794c117a4e117b4f127b"
    "51127c52137c54137d56147d57157e59157e5a167e5c167f5d177f5f187f601880621980641a80651a80671b80681c81"
    "6a1c816b1d816d1d816e1e81701f81721f817320817521817621817822817922827b23827c23827e2482802582812581"
    "8326818426818627818827818928818b29818c29818e2a81902a81912b81932b80942c80962c80982d80992d809b2e7f"
    "9c2e7f9e2f7fa02f7fa1307ea3307ea5317ea6317da8327daa337dab337cad347cae347bb0357bb2357bb3367ab5367a"
    "b73779b83779ba3878bc3978bd3977bf3a77c03a76c23b75c43c75c53c74c73d73c83e73ca3e72cc3f71cd4071cf4070"
    "d0416fd2426fd3436ed5446dd6456cd8456cd9466bdb476adc4869de4968df4a68e04c67e24d66e34e65e44f64e55064"
    "e75263e85362e95462ea5661eb5760ec5860ed5a5fee5b5eef5d5ef05f5ef1605df2625df2645cf3655cf4675cf4695c"
    "f56b5cf66c5cf66e5cf7705cf7725cf8745cf8765cf9785df9795df97b5dfa7d5efa7f5efa815ffb835ffb8560fb8761"
    "fc8961fc8a62fc8c63fc8e64fc9065fd9266fd9467fd9668fd9869fd9a6afd9b6bfe9d6cfe9f6dfea16efea36ffea571"
    "fea772fea973feaa74feac76feae77feb078feb27afeb47bfeb67cfeb77efeb97ffebb81febd82febf84fec185fec287"
    "fec488fec68afec88cfeca8dfecc8ffecd90fecf92fed194fed395fed597fed799fed89afdda9cfddc9efddea0fde0a1"
    "fde2a3fde3a5fde5a7fde7a9fde9aafdebacfcecaefceeb0fcf0b2fcf2b4fcf4b6fcf6b8fcf7b9fcf9bbfcfbbdfcfdbf"
)
"""matplotlib's 'magma' colormap (CC0, van der Walt & Smith), 256 RGB entries as 8-bit hex: the
spectrogram's palette, kept as data so drawing needs no matplotlib (a test compares the two)."""

_TEXT = threading.Lock()
"""Pillow's FreeType font object is shared by every drawing thread; its rendering is serialised."""

Canvas = npt.NDArray[np.uint8]


@functools.cache
def magma_lut() -> Canvas:
    return np.frombuffer(bytes.fromhex("".join(_MAGMA_HEX)), dtype=np.uint8).reshape(256, 3)


@functools.cache
def _font() -> Any:
    from PIL import ImageFont

    return ImageFont.load_default(size=_FONT_PX)


def _canvas() -> Canvas:
    return np.full((HEIGHT_PX, WIDTH_PX, 3), 255, dtype=np.uint8)


def _text(canvas: Canvas, x: float, y: float, text: str, anchor: str, *, vertical: bool = False) -> None:
    """Draw `text` anchored at (x, y) (Pillow anchors: "mt" = middle/top, "rm" = right/middle, ...),
    or rotated a quarter turn counter-clockwise (reading upward) and centred there."""
    from PIL import Image, ImageDraw

    with _TEXT:
        font = _font()
        left, top, right, bottom = font.getbbox(text)
        label = Image.new("L", (right - left + 2, bottom - top + 2), 0)
        ImageDraw.Draw(label).text((1 - left, 1 - top), text, fill=255, font=font)
    if vertical:
        label = label.rotate(90, expand=True)
        anchor = "mm"
    alpha = np.asarray(label, dtype=np.float32) / 255.0
    height, width = alpha.shape
    horizontal, vertical_anchor = anchor[0], anchor[1]
    x0 = round(x - {"l": 0.0, "m": width / 2, "r": width}[horizontal])
    y0 = round(y - {"t": 0.0, "m": height / 2, "b": height}[vertical_anchor])
    y1, x1 = min(HEIGHT_PX, y0 + height), min(WIDTH_PX, x0 + width)
    ys, xs = max(0, y0), max(0, x0)
    if ys >= y1 or xs >= x1:
        return
    weight = alpha[ys - y0 : y1 - y0, xs - x0 : x1 - x0, None]
    region = canvas[ys:y1, xs:x1].astype(np.float32)
    canvas[ys:y1, xs:x1] = np.round(region * (1 - weight) + np.array(_TEXT_RGB) * weight).astype(np.uint8)


def _box(canvas: Canvas, left: int, top: int, right: int, bottom: int) -> None:
    """A 1-pixel frame around the plot area [left, right) x [top, bottom)."""
    canvas[top - 1, left - 1 : right + 1] = _AXIS_RGB
    canvas[bottom, left - 1 : right + 1] = _AXIS_RGB
    canvas[top - 1 : bottom + 1, left - 1] = _AXIS_RGB
    canvas[top - 1 : bottom + 1, right] = _AXIS_RGB


def _nice_step(span: float, most: int = 10) -> float:
    """The tick spacing matplotlib's default locator picks: 1, 2, 2.5, 5 x 10^k, at most `most` ticks."""
    if span <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(span / most))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if span / (factor * magnitude) <= most:
            return factor * magnitude
    return 10.0 * magnitude


def _tick_label(value: float) -> str:
    return f"{value:g}"


def _time_axis(canvas: Canvas, left: int, right: int, bottoms: Sequence[int], end_s: float) -> None:
    """Time ticks under every lane, their labels and "time (s)" under the last one."""
    step = _nice_step(end_s)
    ticks = np.arange(0.0, end_s + 1e-9, step)
    for tick in ticks:
        x = left + round(tick / end_s * (right - left - 1)) if end_s > 0 else left
        for bottom in bottoms:
            canvas[bottom + 1 : bottom + 5, x] = _AXIS_RGB
        _text(canvas, x, bottoms[-1] + 6, _tick_label(round(float(tick), 6)), "mt")
    _text(canvas, (left + right) / 2, bottoms[-1] + 24, "time (s)", "mt")


def _title(canvas: Canvas, title: str, left: int, right: int) -> None:
    if title:
        _text(canvas, (left + right) / 2, 3, title, "mt")


def _png(canvas: Canvas) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(canvas, "RGB").save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def waveform_png(audio: AudioBuffer, sample_rate: int, title: str = "") -> bytes:
    """Min/max envelope per pixel column, one lane per channel (left above right)."""
    canvas = _canvas()
    channels = min(audio.shape[0], 2)
    left, right = 64, WIDTH_PX - 16
    top = 26 if title else 20
    bottom_margin = 46
    gap = 28
    lane = (HEIGHT_PX - top - bottom_margin - gap * (channels - 1)) // channels
    frames = audio.shape[1]
    columns = right - left
    edges = np.linspace(0, frames, columns + 1).astype(np.int64)
    starts = np.minimum(edges[:-1], max(0, frames - 1))
    bottoms = []
    for channel in range(channels):
        lane_top = top + channel * (lane + gap)
        lane_bottom = lane_top + lane
        bottoms.append(lane_bottom)
        data = np.asarray(audio[channel], dtype=np.float32)
        lows = np.minimum.reduceat(data, starts) if frames else np.zeros(columns, np.float32)
        highs = np.maximum.reduceat(data, starts) if frames else np.zeros(columns, np.float32)
        # Amplitude +1 at the lane's top row, -1 at its bottom row; every column spans at least a pixel.
        scale = (lane - 1) / 2.0
        high_rows = np.clip(np.round((1.0 - np.clip(highs, -1, 1)) * scale), 0, lane - 1).astype(np.int64)
        low_rows = np.clip(np.round((1.0 - np.clip(lows, -1, 1)) * scale), 0, lane - 1).astype(np.int64)
        rows = np.arange(lane)[:, None]
        filled = (rows >= high_rows[None, :]) & (rows <= low_rows[None, :])
        plot = canvas[lane_top:lane_bottom, left:right]
        plot[filled] = _WAVE_RGB
        _box(canvas, left, lane_top, right, lane_bottom)
        for value in (-1.0, 0.0, 1.0):
            y = lane_top + round((1.0 - value) * scale)
            canvas[y, left - 5 : left - 1] = _AXIS_RGB
            _text(canvas, left - 8, y, _tick_label(value), "rm")
        if channels == 2:
            _text(canvas, 14, (lane_top + lane_bottom) / 2, "LR"[channel], "mm", vertical=True)
    _time_axis(canvas, left, right, bottoms, frames / sample_rate)
    _title(canvas, title, left, right)
    return _png(canvas)


def draw(audio: AudioBuffer, sample_rate: int) -> tuple[bytes, bytes]:
    """(waveform PNG, spectrogram PNG) of one mix, as QA stores them."""
    return waveform_png(audio, sample_rate), spectrogram_png(audio, sample_rate)


def _power_spectrogram(mono: npt.NDArray[np.float32], sample_rate: int) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float32]
]:  # fmt: skip
    """(bin frequencies, power bins x frames): Tukey(0.25)-windowed, mean-removed segments of 2048
    at a hop that gives at most ~1200 columns (scipy.signal.spectrogram's defaults, unscaled: the
    picture is in dB under its loudest bin)."""
    segment = min(2048, max(16, mono.size))
    hop = max(segment // 2, mono.size // _SPECTROGRAM_COLUMNS)
    if mono.size < segment:
        mono = np.pad(mono, (0, segment - mono.size))
    count = 1 + (mono.size - segment) // hop
    frames = np.lib.stride_tricks.as_strided(
        mono, shape=(count, segment), strides=(mono.strides[0] * hop, mono.strides[0]), writeable=False
    )
    taper = segment // 8  # Tukey alpha 0.25: cosine tapers over the first and last eighth
    window = np.ones(segment, dtype=np.float32)
    ramp = 0.5 * (1 - np.cos(np.pi * np.arange(taper) / taper))
    window[:taper], window[segment - taper :] = ramp, ramp[::-1]
    centred = frames - frames.mean(axis=1, keepdims=True, dtype=np.float32)
    spectrum = np.fft.rfft(centred * window, axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).T.astype(np.float32)
    return np.fft.rfftfreq(segment, 1.0 / sample_rate), power


def spectrogram_png(audio: AudioBuffer, sample_rate: int, title: str = "") -> bytes:
    """Log-frequency power spectrogram of the mid signal, dB relative to the loudest bin.

    At most ~1200 time columns and 256 log-spaced frequency rows whatever the length: a 10-minute
    mix costs about what a 30 s one does."""
    canvas = _canvas()
    left, right = 72, WIDTH_PX - 230
    top, bottom = (26 if title else 20), HEIGHT_PX - 58
    mono = np.ascontiguousarray(np.asarray(audio, dtype=np.float32).mean(axis=0))
    freqs_hz, power = _power_spectrogram(mono, sample_rate)
    top_hz = sample_rate / 2
    end_s = mono.size / sample_rate
    if freqs_hz.size >= 2 and power.shape[1] >= 1 and top_hz > 20.0:
        rows_hz = np.geomspace(20.0, top_hz, _SPECTROGRAM_ROWS)
        # Linear interpolation of every column onto the log rows at once.
        upper = np.clip(np.searchsorted(freqs_hz, rows_hz), 1, freqs_hz.size - 1)
        weight = ((rows_hz - freqs_hz[upper - 1]) / (freqs_hz[upper] - freqs_hz[upper - 1]))[:, None]
        grid = power[upper - 1] * (1 - weight) + power[upper] * weight
        power_db = 10 * np.log10(np.maximum(grid, 1e-12))
        power_db -= power_db.max(initial=-120.0)
        level = np.clip((power_db - _FLOOR_DB) / -_FLOOR_DB, 0.0, 1.0)
        # Nearest row/column per pixel (low frequencies at the bottom), then the palette.
        height, width = bottom - top, right - left
        row_of = ((height - 1 - np.arange(height)) * _SPECTROGRAM_ROWS // height)[:, None]
        column_of = (np.arange(width) * level.shape[1] // width)[None, :]
        canvas[top:bottom, left:right] = magma_lut()[
            np.round(level[row_of, column_of] * 255).astype(np.int64)
        ]
        ticks_hz = [hz for hz in (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000) if hz < top_hz]
        for hz in ticks_hz:
            row = float(np.interp(np.log(hz), np.log(rows_hz), np.arange(rows_hz.size)))
            y = bottom - 1 - round(row / (_SPECTROGRAM_ROWS - 1) * (height - 1))
            canvas[y, left - 5 : left - 1] = _AXIS_RGB
            _text(canvas, left - 8, y, f"{hz // 1000}k" if hz >= 1000 else str(hz), "rm")
        _colorbar(canvas, right + 40, top, bottom)
    _box(canvas, left, top, right, bottom)
    _text(canvas, 14, (top + bottom) / 2, "frequency (Hz)", "mm", vertical=True)
    _time_axis(canvas, left, right, [bottom], end_s)
    _title(canvas, title, left, right)
    return _png(canvas)


def _colorbar(canvas: Canvas, left: int, top: int, bottom: int) -> None:
    """The dB scale beside the spectrogram: the palette from the floor (bottom) to 0 dB (top)."""
    width = 20
    height = bottom - top
    levels = np.linspace(1.0, 0.0, height)
    canvas[top:bottom, left : left + width] = magma_lut()[np.round(levels * 255).astype(np.int64)][:, None, :]
    _box(canvas, left, top, left + width, bottom)
    for db in range(0, int(_FLOOR_DB) - 1, -20):
        y = top + round(db / _FLOOR_DB * (height - 1))
        canvas[y, left + width + 1 : left + width + 5] = _AXIS_RGB
        _text(canvas, left + width + 8, y, _tick_label(float(db)), "lm")
    _text(canvas, left + width + 52, (top + bottom) / 2, "dB", "mm", vertical=True)
