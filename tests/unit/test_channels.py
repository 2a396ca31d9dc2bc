"""Channels worked on one per thread give the samples of working on them in order: the master's
high-pass and K-weighting (iir.sosfilt) and the limiter's detector (truepeak.block_peaks)."""

import numpy as np
import pytest
from scipy import signal

from amp.analysis import channels, iir
from amp.mastering import truepeak

FRAMES = channels.PARALLEL_MIN_FRAMES + 12_345


def _stereo() -> np.ndarray:
    return (np.random.default_rng(3).standard_normal((2, FRAMES)) * 0.3).astype(np.float32)


def _in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channels, "PARALLEL_MIN_FRAMES", 1 << 40)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sosfilt_per_channel_thread_equals_one_call(dtype: type, monkeypatch: pytest.MonkeyPatch) -> None:
    sos = signal.butter(2, 30.0, btype="highpass", fs=44_100, output="sos").astype(dtype)
    audio = _stereo()
    threaded = iir.sosfilt(sos, audio)
    shifted = np.add(audio, 1e-10, dtype=np.result_type(sos, audio, np.float32))
    assert np.array_equal(threaded, signal.sosfilt(sos, shifted, axis=-1))
    _in_order(monkeypatch)
    assert np.array_equal(threaded, iir.sosfilt(sos, audio))


def test_block_peaks_per_channel_thread_equal_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    audio = _stereo()
    audio[1, 1000:2000] *= 3.0  # the louder channel differs block by block
    threaded = truepeak.block_peaks(audio, 15)
    _in_order(monkeypatch)
    in_order = truepeak.block_peaks(audio, 15)
    assert all(np.array_equal(a, b) for a, b in zip(threaded, in_order, strict=True))


def test_an_error_in_one_channel_reaches_the_caller() -> None:
    def work(channel: int) -> None:
        if channel == 1:
            raise ValueError("channel 1 broke")

    with pytest.raises(ValueError, match="channel 1 broke"):
        channels.each_channel(work, 2, FRAMES)
