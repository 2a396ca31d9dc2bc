"""The master chain on material of different density: every preset lands on its loudness within
0.5 LU (pyloudnorm) and under -1 dBTP (4x oversampled); reference matching leans the spectral
balance toward the reference within +-3 dB; bad input is refused."""

import numpy as np
import pytest

from amp.analysis import levels
from amp.analysis.spectrum import spectral_balance_db
from amp.domain.errors import InvalidAudio
from amp.mastering.chain import MAX_REFERENCE_EQ_DB, master, reference_eq_gains_db, soft_clip
from amp.mastering.presets import PRESETS, reference_target_lufs
from amp.mixing.mixer import mix_stems
from tests.audio.signals import band_noise, sine, song_stems

RATE = 44_100


def _material() -> dict[str, np.ndarray]:
    song = mix_stems(song_stems(seconds=6.0), RATE, "techno").mix
    sparse = np.concatenate([sine(220.0, 1.0, amplitude=0.4), np.zeros((2, RATE), np.float32)] * 3, axis=1)
    return {"song": song, "sparse_piano_like": sparse, "dense_noise": band_noise(6.0, amplitude=0.05, seed=2)}


MATERIAL = _material()


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("material", list(MATERIAL))
def test_master_hits_target_lufs_within_half_lu_under_the_ceiling(preset: str, material: str) -> None:
    target = PRESETS[preset]  # type: ignore[index]
    result = master(
        MATERIAL[material], RATE, target_lufs=target.target_lufs, ceiling_dbtp=target.ceiling_dbtp
    )
    assert levels.integrated_lufs(result.audio, RATE) == pytest.approx(target.target_lufs, abs=0.5)
    assert levels.true_peak_dbtp(result.audio) <= target.ceiling_dbtp
    assert result.true_peak_dbtp == pytest.approx(levels.true_peak_dbtp(result.audio), abs=0.01)
    assert result.audio.dtype == np.float32
    assert result.audio.shape == MATERIAL[material].shape


def test_a_lower_ceiling_is_honoured() -> None:
    result = master(MATERIAL["song"], RATE, target_lufs=-16.0, ceiling_dbtp=-3.0)
    assert levels.true_peak_dbtp(result.audio) <= -3.0


def test_master_removes_dc() -> None:
    offset = MATERIAL["song"] + np.float32(0.05)
    result = master(offset, RATE, target_lufs=-14.0)
    assert levels.dc_offset(result.audio) < 0.001


def test_reference_eq_leans_toward_the_reference_within_limits() -> None:
    song = MATERIAL["song"]
    own = spectral_balance_db(song, RATE)
    bright = {
        "low": own["low"] - 6.0,
        "low_mid": own["low_mid"],
        "mid": own["mid"] + 3,
        "high": own["high"] + 12.0,
    }
    gains = reference_eq_gains_db(song, RATE, bright)
    assert gains["high"] > 0 > gains["low"]
    assert all(abs(gain) <= MAX_REFERENCE_EQ_DB for gain in gains.values())
    matched = master(song, RATE, target_lufs=-14.0, eq_gains_db=gains)
    plain = master(song, RATE, target_lufs=-14.0)
    matched_balance = spectral_balance_db(matched.audio, RATE)
    plain_balance = spectral_balance_db(plain.audio, RATE)
    assert (
        matched_balance["high"] - matched_balance["low"] > plain_balance["high"] - plain_balance["low"] + 1.0
    )
    assert levels.integrated_lufs(matched.audio, RATE) == pytest.approx(-14.0, abs=0.5)


@pytest.mark.parametrize(
    ("preset", "reference_lufs", "expected"),
    [("streaming", None, -14.0), ("streaming", -8.0, -12.0), ("streaming", -15.0, -15.0),
     ("club", -20.0, -11.0), ("broadcast", -10.0, -23.0)],
)  # fmt: skip
def test_reference_pulls_the_loudness_target_within_safe_limits(
    preset: str, reference_lufs: float | None, expected: float
) -> None:
    assert reference_target_lufs(preset, reference_lufs) == expected  # type: ignore[arg-type]


def test_soft_clip_is_transparent_below_the_knee_and_bounded_above() -> None:
    quiet = sine(100.0, 0.5, amplitude=0.3)
    assert np.array_equal(soft_clip(quiet, knee_db=-4.0, ceiling_db=0.0), quiet)
    hot = sine(100.0, 0.5, amplitude=4.0)
    clipped = soft_clip(hot, knee_db=-4.0, ceiling_db=-0.5)
    assert float(np.max(np.abs(clipped))) <= levels.db_to_amplitude(-0.5) + 1e-6  # float32 rounding
    assert np.all(np.diff(clipped[0][:100]) >= 0)  # monotone on the rising edge: no fold-over


def test_silent_or_broken_input_is_refused() -> None:
    with pytest.raises(InvalidAudio, match="silent"):
        master(np.zeros((2, RATE), np.float32), RATE, target_lufs=-14.0)
    broken = MATERIAL["song"].copy()
    broken[0, 10] = np.nan
    with pytest.raises(InvalidAudio, match="NaN"):
        master(broken, RATE, target_lufs=-14.0)


def test_the_limiters_detector_and_the_skipping_true_peak_meter_agree_with_the_4x_meter() -> None:
    song = MATERIAL["song"] * np.float32(3.0)  # hot: inter-sample peaks over full scale
    blocks = levels.true_peak_blocks(song, 15)
    assert blocks.size == -(-song.shape[1] // 15)
    assert levels.amplitude_to_db(float(blocks.max())) == pytest.approx(levels.true_peak_dbtp(song), abs=1e-4)
    for start, stop in ((0, 15), (1000, 5000), (song.shape[1] - 7, song.shape[1])):
        expected = max(float(blocks[start // 15 : -(-stop // 15)].max()), 0.0)
        assert levels.oversampled_peak(song, start, stop) <= expected + 1e-6
    result = master(song, RATE, target_lufs=-10.0)
    assert result.true_peak_dbtp == pytest.approx(levels.true_peak_dbtp(result.audio), abs=1e-4)
