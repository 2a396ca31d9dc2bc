"""The limiter's detector: per control block, the largest |value| over the channels, the samples and
their 4x oversampled points, as one small matrix product per chunk of blocks.

Why not `amp.analysis.levels.true_peak_blocks` (scipy's resample_poly, then block maxima): it
materialises the 4x signal (4 x 16M floats for 180 s stereo) and filters it with upfirdn, about
1.1 CPU-s per 180 s; the limiter needs only each block's maximum. Every 4x point of a block is a
fixed linear function of the block's frames and TRUE_PEAK_REACH frames either side, so a chunk of
blocks (rows: each block's window of frames) times one (window x 4*block) matrix of the same
polyphase taps gives all of a block's 4x points at once, in single-threaded float32 BLAS: ~0.25
CPU-s, the same figures to float32 rounding (tests/unit/test_mastering_truepeak.py checks it).
BLAS is held to one thread for these products: the matrices are small, and OpenBLAS's threads
cost more CPU spinning than they save (~0.6 CPU-s multi-threaded against ~0.25 on one)."""

import functools
import math

import numpy as np
import numpy.typing as npt

from amp.analysis import blas
from amp.analysis.channels import each_channel
from amp.analysis.levels import TRUE_PEAK_OVERSAMPLING, upsampling_taps
from amp.audio_io import AudioBuffer

TRUE_PEAK_REACH = 11
"""Input frames either side of a 4x point that resample_poly's 4x filter reads (it reads 10 ahead and
9 behind; one more each way keeps the window symmetric)."""
CHUNK_BLOCKS = 4096
"""Blocks per matrix product: a (4096 x 37) window copy and a (4096 x 60) product fit in L2."""


@functools.cache
def _polyphase_matrix(block: int) -> npt.NDArray[np.float32]:
    """(block + 2*REACH, block*UP): column i*UP + p is the 4x point p/UP of a frame past frame i of
    the block, as resample_poly(x, UP, 1) computes it (its own Kaiser design, zero outside the file)."""
    up = TRUE_PEAK_OVERSAMPLING
    taps = upsampling_taps()  # QA's true-peak filter: the limiter and QA read the same 4x points
    half_len = taps.size // 2
    matrix = np.zeros((block + 2 * TRUE_PEAK_REACH, block * up))
    for frame in range(block):
        for phase in range(up):
            # resample_poly: y[up*n + p] = sum_k taps[half_len + p + up*k] * x[n - k]
            for k in range(-TRUE_PEAK_REACH, TRUE_PEAK_REACH + 1):
                index = half_len + phase + up * k
                if 0 <= index < taps.size:
                    matrix[frame - k + TRUE_PEAK_REACH, frame * up + phase] += taps[index]
    return matrix.astype(np.float32)


def _windows(
    channel: npt.NDArray[np.float32], block: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The channel zero-padded by TRUE_PEAK_REACH each side (to whole blocks), and a read-only
    (blocks, block + 2*REACH) view of it, row b = block b's frames with their reach: the rows
    `_polyphase_matrix(block)` multiplies."""
    frames = channel.shape[0]
    blocks = math.ceil(frames / block)
    padded = np.zeros(blocks * block + 2 * TRUE_PEAK_REACH, dtype=np.float32)
    padded[TRUE_PEAK_REACH : TRUE_PEAK_REACH + frames] = channel
    windows = np.lib.stride_tricks.as_strided(
        padded,
        shape=(blocks, block + 2 * TRUE_PEAK_REACH),
        strides=(padded.strides[0] * block, padded.strides[0]),
        writeable=False,
    )
    return padded, windows


def block_peaks(audio: AudioBuffer, block: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """(true peak, sample peak) per block of `block` frames, each the max over the channels: the
    first equals `amp.analysis.levels.true_peak_blocks(audio, block)`, the second the largest |sample|.
    Channels are measured one per thread for long signals (`channels.each_channel`): maxima are
    exact, so the result does not depend on it."""
    channels, frames = audio.shape
    blocks = math.ceil(frames / block)
    true_rows = np.zeros((channels, blocks), dtype=np.float32)
    sample_rows = np.zeros((channels, blocks), dtype=np.float32)
    matrix = _polyphase_matrix(block)

    def measure(channel: int) -> None:
        padded, windows = _windows(audio[channel], block)
        for start in range(0, blocks, CHUNK_BLOCKS):
            stop = min(blocks, start + CHUNK_BLOCKS)
            points = np.ascontiguousarray(windows[start:stop]) @ matrix
            np.abs(points, out=points)
            _max_rows(points, true_rows[channel, start:stop])
        whole = padded[TRUE_PEAK_REACH : TRUE_PEAK_REACH + blocks * block]
        _max_rows(np.abs(whole).reshape(blocks, block), sample_rows[channel])

    with blas.one_thread():
        each_channel(measure, channels, frames)
    true_peaks = true_rows.max(axis=0, initial=0.0)
    sample_peaks = sample_rows.max(axis=0, initial=0.0)
    np.maximum(true_peaks, sample_peaks, out=true_peaks)
    return true_peaks, sample_peaks


def sample_peak_blocks(audio: AudioBuffer, block: int) -> npt.NDArray[np.float32]:
    """Largest |sample| per block of `block` frames over the channels."""
    channels, frames = audio.shape
    blocks = math.ceil(frames / block)
    peaks = np.zeros(blocks, dtype=np.float32)
    starts = np.arange(0, frames, block)
    for channel in range(channels):
        np.maximum(peaks, np.maximum.reduceat(np.abs(audio[channel]), starts), out=peaks)
    return peaks


def _max_rows(values: npt.NDArray[np.float32], out: npt.NDArray[np.float32]) -> None:
    """out = max(out, max of each row) of a C-contiguous (rows, width) array: reduceat over the flat
    array is ~2x faster than .max(axis=1) on short rows."""
    width = values.shape[1]
    np.maximum(out, np.maximum.reduceat(values.ravel(), np.arange(0, values.size, width)), out=out)


def peak_of_blocks(audio: AudioBuffer, block: int, indices: npt.NDArray[np.intp]) -> float:
    """The largest |value| over the samples and 4x points of the given blocks (the true peak of the
    audio where only those blocks can hold it): `block_peaks(audio, block)[0][indices].max()`,
    computing only those blocks."""
    if indices.size == 0:
        return 0.0
    matrix = _polyphase_matrix(block)
    peak = 0.0
    with blas.one_thread():
        for channel in audio:
            _, windows = _windows(channel, block)
            for start in range(0, indices.size, CHUNK_BLOCKS):
                window = windows[indices[start : start + CHUNK_BLOCKS]]
                points = window @ matrix
                centre = window[:, TRUE_PEAK_REACH : TRUE_PEAK_REACH + block]
                peak = max(
                    peak, float(points.max()), -float(points.min()), float(centre.max()), -float(centre.min())
                )
    return peak
