"""The meters against independent references: the BS.1770 loudness against pyloudnorm (within
0.01 LU) and ffmpeg's ebur128 filter (within 0.3 LU) on generated and edge-case audio, true peak on the textbook
inter-sample case, LRA against ffmpeg, and the simple stereo/DC figures on signals with known answers."""

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy import signal

from amp.analysis import levels
from amp.audio_io import AudioBuffer, encode_wav
from tests.audio.signals import band_noise, sine, song_stems

FFMPEG = shutil.which("ffmpeg")


def ffmpeg_ebur128(audio: AudioBuffer, sample_rate: int, tmp_path: Path) -> dict[str, float]:
    assert FFMPEG is not None, "ffmpeg is a Debian dependency (scripts/setup installs it)"
    path = tmp_path / "probe.wav"
    path.write_bytes(encode_wav(audio, sample_rate, subtype="FLOAT"))
    result = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    figures = {
        "integrated_lufs": float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),  # type: ignore[union-attr]
        "lra_lu": float(re.search(r"LRA:\s+(-?[\d.]+) LU", summary).group(1)),  # type: ignore[union-attr]
        "true_peak_dbtp": float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1)),  # type: ignore[union-attr]
    }
    return figures


def _song() -> AudioBuffer:
    stems = song_stems(seconds=10.0)
    mix = np.sum(list(stems.values()), axis=0)
    return np.asarray(mix / np.max(np.abs(mix)) * 0.7, dtype=np.float32)


CASES: dict[str, tuple[AudioBuffer, int]] = {
    "song_44k": (_song(), 44_100),
    "noise_-20dbfs": (band_noise(5.0, amplitude=0.1, seed=1), 44_100),
    "sine_1khz_-20dbfs_48k": (sine(1000.0, 5.0, amplitude=0.1, sample_rate=48_000), 48_000),
    "sine_100hz_8k": (sine(100.0, 4.0, amplitude=0.5, sample_rate=8_000), 8_000),
    "sine_5khz_96k": (sine(5000.0, 3.0, amplitude=0.3, sample_rate=96_000), 96_000),
    "quiet_-50dbfs": (band_noise(4.0, amplitude=0.003, seed=2), 44_100),
    "short_1s": (band_noise(1.0, amplitude=0.2, seed=3), 44_100),
    "mono_left_only": (np.stack([sine(440.0, 4.0, channels=1)[0], np.zeros(4 * 44_100, np.float32)]), 44_100),
}


@pytest.mark.parametrize("case", list(CASES))
def test_integrated_loudness_agrees_with_ffmpeg_ebur128(case: str, tmp_path: Path) -> None:
    audio, rate = CASES[case]
    reference = ffmpeg_ebur128(audio, rate, tmp_path)
    assert levels.integrated_lufs(audio, rate) == pytest.approx(reference["integrated_lufs"], abs=0.3)


@pytest.mark.parametrize("case", list(CASES))
def test_integrated_loudness_matches_pyloudnorm_within_a_hundredth_of_an_lu(case: str) -> None:
    # The one meter (float32 K-weighting, vectorised blocks) against the reference implementation.
    audio, rate = CASES[case]
    reference = pyloudnorm.Meter(rate).integrated_loudness(audio.T.astype(np.float64))
    assert levels.integrated_lufs(audio, rate) == pytest.approx(reference, abs=0.01)
    assert levels.gated_loudness_lufs(audio, rate) == pytest.approx(reference, abs=0.01)


def _resampled_peaks(audio: AudioBuffer) -> np.ndarray:
    """|4x points| by scipy's resample_poly (the filter the meter's matrix product is built from)."""
    return np.abs(signal.resample_poly(audio.astype(np.float64), 4, 1, axis=1))


@pytest.mark.parametrize("case", ["song_44k", "noise_-20dbfs", "sine_5khz_96k", "short_1s"])
def test_true_peak_is_resample_polys_figure(case: str) -> None:
    audio, _ = CASES[case]
    expected = levels.amplitude_to_db(float(max(_resampled_peaks(audio).max(), np.abs(audio).max())))
    assert levels.true_peak_dbtp(audio) == pytest.approx(expected, abs=1e-4)


def test_true_peak_blocks_and_window_peaks_match_a_whole_file_pass() -> None:
    audio, _ = CASES["song_44k"]
    block = 15
    points = _resampled_peaks(audio).reshape(audio.shape[0], -1, 4).max(axis=(0, 2))
    per_frame = np.maximum(points, np.abs(audio).max(axis=0))
    blocks = -(-per_frame.size // block)
    expected = np.pad(per_frame, (0, blocks * block - per_frame.size)).reshape(blocks, block).max(axis=1)
    np.testing.assert_allclose(levels.true_peak_blocks(audio, block), expected, rtol=1e-5)
    for start, stop in ((0, 40), (1000, 1015), (22_050, 30_000), (audio.shape[1] - 7, audio.shape[1])):
        assert levels.oversampled_peak(audio, start, stop) == pytest.approx(
            float(per_frame[start:stop].max()), rel=1e-5
        )


def test_true_peak_finds_the_inter_sample_peak() -> None:
    # fs/4 sine at 45 degrees: every sample sits at 0.707 of a crest that falls between them.
    rate = 48_000
    n = np.arange(rate)
    audio = np.tile(np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32), (2, 1))
    assert levels.sample_peak_dbfs(audio) == pytest.approx(-3.01, abs=0.02)
    assert levels.true_peak_dbtp(audio) == pytest.approx(0.0, abs=0.2)


@pytest.mark.parametrize("case", ["song_44k", "noise_-20dbfs"])
def test_true_peak_agrees_with_ffmpeg(case: str, tmp_path: Path) -> None:
    audio, rate = CASES[case]
    assert levels.true_peak_dbtp(audio) == pytest.approx(
        ffmpeg_ebur128(audio, rate, tmp_path)["true_peak_dbtp"], abs=0.3
    )


def test_loudness_range_agrees_with_ffmpeg(tmp_path: Path) -> None:
    rate = 44_100
    quiet = band_noise(10.0, amplitude=0.02, seed=4)
    loud = band_noise(10.0, amplitude=0.2, seed=5)
    audio = np.concatenate([quiet, loud], axis=1)
    assert levels.loudness_range_lu(audio, rate) == pytest.approx(
        ffmpeg_ebur128(audio, rate, tmp_path)["lra_lu"], abs=1.0
    )
    assert levels.loudness_range_lu(band_noise(10.0, amplitude=0.1, seed=6), rate) < 1.0


def test_silence_measures_as_below_the_gate() -> None:
    assert levels.integrated_lufs(np.zeros((2, 44_100), np.float32), 44_100) < levels.SILENCE_LUFS


def test_phase_correlation_and_width_of_known_images() -> None:
    tone = sine(440.0, 1.0)
    assert levels.phase_correlation(tone) == pytest.approx(1.0)
    assert levels.stereo_width(tone) == pytest.approx(0.0, abs=1e-6)
    inverted = np.stack([tone[0], -tone[1]])
    assert levels.phase_correlation(inverted) == pytest.approx(-1.0)
    decorrelated = band_noise(2.0, amplitude=0.1, seed=9)
    assert abs(levels.phase_correlation(decorrelated)) < 0.05
    assert levels.stereo_width(decorrelated) == pytest.approx(1.0, abs=0.05)


def test_dc_offset_and_crest_factor() -> None:
    tone = sine(440.0, 1.0, amplitude=0.5, fade_s=0.0)
    assert levels.dc_offset(tone + np.float32(0.01)) == pytest.approx(0.01, abs=1e-4)
    assert levels.crest_factor_db(tone) == pytest.approx(3.01, abs=0.05)
