"""The master chain's fast parts compute what the slow, obvious ones did: the matrix-product true-peak
detector equals resample_poly's 4x true peak per block, the one-pass pre-limiter equals the high-pass
plus pedalboard's JUCE EQ, and the loudness measured only where the limiter moved the gain equals the
loudness of the whole master."""

import numpy as np
import pytest
from pedalboard import Chain, HighShelfFilter, LowShelfFilter, PeakFilter
from scipy import signal

from amp.analysis import levels
from amp.mastering import chain
from amp.mastering.truepeak import block_peaks, peak_of_blocks, sample_peak_blocks
from amp.mixing.mixer import mix_stems
from tests.audio.signals import band_noise, song_stems

RATE = 44_100
SONG = mix_stems(song_stems(seconds=4.0), RATE, "techno").mix


@pytest.mark.parametrize("frames", [SONG.shape[1], 1_000, 37, 15, 7])
@pytest.mark.parametrize("block", [15, 16])
def test_block_peaks_equal_resample_polys_true_peak_blocks(frames: int, block: int) -> None:
    audio = SONG[:, :frames] * np.float32(3.0)  # hot: inter-sample peaks over the samples
    true_peaks, sample_peaks = block_peaks(audio, block)
    np.testing.assert_allclose(true_peaks, levels.true_peak_blocks(audio, block), rtol=2e-6, atol=1e-7)
    np.testing.assert_array_equal(sample_peaks, sample_peak_blocks(audio, block))
    expected_samples = [np.abs(audio[:, i : i + block]).max() for i in range(0, frames, block)]
    np.testing.assert_array_equal(sample_peaks, np.array(expected_samples, dtype=np.float32))
    assert float(true_peaks.max()) == pytest.approx(10 ** (levels.true_peak_dbtp(audio) / 20), rel=2e-6)


def test_peak_of_blocks_is_the_true_peak_over_just_those_blocks() -> None:
    audio = band_noise(2.0, amplitude=0.3, seed=4)
    every, _ = block_peaks(audio, 15)
    chosen = np.array([0, 3, 4, 100, every.size - 1, int(np.argmax(every))], dtype=np.intp)
    assert peak_of_blocks(audio, 15, chosen) == pytest.approx(float(every[chosen].max()), rel=1e-6)
    quiet = np.flatnonzero(every < np.median(every))[:50]
    assert peak_of_blocks(audio, 15, quiet) == pytest.approx(float(every[quiet].max()), rel=1e-6)
    assert peak_of_blocks(audio, 15, np.array([], dtype=np.intp)) == 0.0


@pytest.mark.parametrize(
    "gains",
    [{}, {"low": 1.3, "low_mid": -1.1, "mid": 0.6, "high": 2.0}, {"low": -3.0, "low_mid": 3.0, "high": -2.5}],
)
def test_pre_limiter_equals_the_high_pass_then_pedalboards_eq(gains: dict[str, float]) -> None:
    high_pass = signal.butter(2, chain.HIGHPASS_HZ, btype="highpass", fs=RATE, output="sos")
    expected = np.asarray(signal.sosfilt(high_pass, SONG, axis=1), dtype=np.float32)
    if gains:
        board = Chain(
            [
                LowShelfFilter(cutoff_frequency_hz=150.0, gain_db=gains.get("low", 0.0), q=0.707),
                PeakFilter(cutoff_frequency_hz=320.0, gain_db=gains.get("low_mid", 0.0), q=0.8),
                PeakFilter(cutoff_frequency_hz=1600.0, gain_db=gains.get("mid", 0.0), q=0.6),
                HighShelfFilter(cutoff_frequency_hz=5000.0, gain_db=gains.get("high", 0.0), q=0.707),
            ]
        )
        expected = board(expected, RATE)
    prepared = chain.pre_limiter(SONG, RATE, gains)
    assert prepared.dtype == np.float32
    # pedalboard runs its biquads in float32: equal to its rounding (-70 dB under the peak)
    assert float(np.abs(prepared - expected).max()) < 3e-4 * float(np.abs(expected).max())


def test_patched_block_power_equals_the_whole_signals_block_power() -> None:
    """A gain dip in two short places: the power recomputed around them (with the K filter's memory
    before and after) equals the K-weighted power of the whole signal, block for block."""
    audio = np.concatenate([SONG] * 4, axis=1)  # 16 s: room for runs far apart
    blocks = -(-audio.shape[1] // chain.CONTROL_BLOCK)
    base = chain._block_power(levels.k_weighted_power(audio, RATE), blocks)
    changed = np.zeros(blocks, dtype=bool)
    changed[2_000:2_100] = True
    changed[30_000:30_040] = True
    gain = np.ones(audio.shape[1], dtype=np.float32)
    for first, last in ((2_000, 2_100), (30_000, 30_040)):
        gain[first * chain.CONTROL_BLOCK : last * chain.CONTROL_BLOCK] = 0.5
    dipped = audio * gain
    patched = chain._patched_block_power(dipped, RATE, base, changed)
    whole = chain._block_power(levels.k_weighted_power(dipped, RATE), blocks)
    # k_weighted_power filters in float32, whose rounding noise (~1e-3 of a quiet block's power) a
    # segment and the whole file realise differently: equal to that noise, and in loudness exactly.
    np.testing.assert_allclose(patched, whole, rtol=1e-2, atol=1e-6 * float(whole.max()))
    assert not np.allclose(patched, base)  # it did patch something
    assert levels.loudness_of_power(patched, RATE, chain.CONTROL_BLOCK) == pytest.approx(
        levels.gated_loudness_lufs(dipped, RATE), abs=1e-3
    )
