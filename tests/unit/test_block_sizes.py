"""Transforms done a block at a time for speed give the figures of the whole array at once, bit for
bit: the onset and pitch STFTs (`frontend.stft_power`) and the stems-sum residual
(`checks.stems_residual_db`), whatever the block size and however the length divides into it."""

import numpy as np
import pytest

from amp.analysis import frontend
from amp.qa import checks


def _noise(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(shape) * 0.3).astype(np.float32)


@pytest.mark.parametrize(
    ("samples", "n_fft", "hop"), [(22_050 * 7 + 17, 2048, 256), (40_000, 16_384, 4096), (300, 2048, 512)]
)
def test_the_stft_power_does_not_depend_on_its_block_size(
    samples: int, n_fft: int, hop: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    mono = _noise((samples,), samples)
    blocked = frontend.stft_power(mono, n_fft, hop)
    monkeypatch.setattr(frontend, "STFT_BLOCK_SAMPLES", 1 << 40)  # every frame in one transform
    whole = frontend.stft_power(mono, n_fft, hop)
    monkeypatch.setattr(frontend, "STFT_BLOCK_SAMPLES", 3 * n_fft)  # three frames at a time
    small = frontend.stft_power(mono, n_fft, hop)
    assert (
        blocked.shape
        == whole.shape
        == small.shape
        == (1 + n_fft // 2, 1 + (samples + 2 * (n_fft // 2) - n_fft) // hop)
    )
    assert np.array_equal(blocked.view(np.uint32), whole.view(np.uint32))
    assert np.array_equal(small.view(np.uint32), whole.view(np.uint32))


@pytest.mark.parametrize(("frames", "channels"), [(44_100 * 9 + 123, 2), (44_100 * 4, 1)])
def test_the_stems_residual_does_not_depend_on_how_many_blocks_are_transformed_at_once(
    frames: int, channels: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    mix = _noise((channels, frames), 1)
    stems = [mix * np.float32(0.6), mix * np.float32(0.38) + _noise((channels, frames), 2) * np.float32(0.02)]
    eq = {"low": 1.0, "high": -1.5}
    blocked = checks.stems_residual_db(mix, stems, 44_100, eq)
    monkeypatch.setattr(checks, "RESIDUAL_RUN_BLOCKS", 1 << 30)
    whole = checks.stems_residual_db(mix, stems, 44_100, eq)
    monkeypatch.setattr(checks, "RESIDUAL_RUN_BLOCKS", 7)
    small = checks.stems_residual_db(mix, stems, 44_100, eq)
    assert blocked == whole == small
    assert -60.0 < whole < -20.0  # the 2% of noise in one stem, not a degenerate 0 or -300 dB
