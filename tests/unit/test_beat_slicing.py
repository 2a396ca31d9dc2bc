"""Beat slicing (`amp.providers.conform.place_slices`, `slice_cuts`, `attack_frames`): drums and
percussion from the model are cut at their attacks and each slice is placed by the fitted time map,
so a hit keeps its own samples and lands where the map puts it, at any drift, with nothing of the
next hit sounding early when the clip is faster than the song."""

from itertools import pairwise

import numpy as np
import pytest

from amp.audio_io import SAMPLE_RATE
from amp.providers import conform as conform_module
from amp.providers.conform import attack_frames, onset_envelope, place_slices, slice_cuts


def _hits(times_s: list[float], frames: int, seed: int = 0) -> np.ndarray:
    """Stereo noise bursts with a sharp attack and a 60 ms decay at `times_s`."""
    rng = np.random.default_rng(seed)
    out = np.zeros((2, frames), np.float32)
    length = int(0.08 * SAMPLE_RATE)
    decay = np.exp(-np.arange(length) / (0.015 * SAMPLE_RATE)).astype(np.float32)
    for t in times_s:
        start = round(t * SAMPLE_RATE)
        burst = rng.standard_normal(length).astype(np.float32) * decay * 0.5
        end = min(frames, start + length)
        out[:, start:end] += burst[: end - start]
    return out


def _onsets_s(audio: np.ndarray) -> list[float]:
    """First sample of each burst: where the absolute level first crosses a threshold after quiet."""
    level = np.abs(audio).max(axis=0)
    above = np.flatnonzero(level > 0.05)
    starts = [above[0]] + [b for a, b in pairwise(above) if b - a > 0.03 * SAMPLE_RATE]
    return [s / SAMPLE_RATE for s in starts]


@pytest.mark.parametrize("drift", [-0.04, -0.02, 0.03, 0.045])
def test_every_hit_lands_where_the_time_map_puts_it(drift: float) -> None:
    """A clip played (1 + drift) times slower after a 0.3 s lead-in: each hit placed within a
    millisecond of the song's grid, none lost, none doubled."""
    grid = [0.1 + 0.25 * i for i in range(40)] + [10.3]  # eighths at 120 bpm, a lone hit after a gap
    lead = 0.3
    clip = _hits([lead + t * (1 + drift) for t in grid], int(12 * SAMPLE_RATE))
    env = onset_envelope(conform_module._mono(clip, SAMPLE_RATE))
    cuts, at_attack = slice_cuts(
        attack_frames(env, conform_module._mono(clip, SAMPLE_RATE)), round(lead * SAMPLE_RATE), clip.shape[1]
    )
    assert int(at_attack.sum()) == len(grid)
    assert np.diff(cuts).max() <= round(conform_module.SLICE_MAX_S * SAMPLE_RATE)
    frames = int(11 * SAMPLE_RATE)
    placed = place_slices(clip, cuts, at_attack, ratio=1 + drift, lead=lead * SAMPLE_RATE, frames=frames)
    assert placed.shape == (2, frames) and placed.dtype == np.float32
    onsets = _onsets_s(placed)
    assert len(onsets) == len(grid), (len(onsets), onsets[:5])
    assert max(abs(a - b) for a, b in zip(onsets, grid, strict=True)) <= 0.001


def test_a_faster_clip_fills_each_slot_without_sounding_the_next_hit_early() -> None:
    """Slots longer than their slices are filled from the slice's own decay, played backwards: the
    level before each hit stays at the decay's, never the next attack's."""
    grid = [0.2 * i for i in range(20)]
    clip = _hits([t * 0.95 for t in grid], int(5 * SAMPLE_RATE), seed=3)
    mono = conform_module._mono(clip, SAMPLE_RATE)
    cuts, at_attack = slice_cuts(attack_frames(onset_envelope(mono), mono), 0, clip.shape[1])
    placed = place_slices(clip, cuts, at_attack, ratio=0.95, lead=0.0, frames=int(4 * SAMPLE_RATE))
    level = np.abs(placed).max(axis=0)
    for t in grid[1:]:
        start = round(t * SAMPLE_RATE)
        before = level[start - round(0.02 * SAMPLE_RATE) : start - round(0.002 * SAMPLE_RATE)]
        assert before.max() < 0.05, (t, float(before.max()))
        assert level[start : start + round(0.005 * SAMPLE_RATE)].max() > 0.2


@pytest.mark.parametrize("ratio", [0.96, 1.03])
def test_a_sustained_wash_is_joined_without_a_gap(ratio: float) -> None:
    """A steady cymbal-like wash (noise) sliced every SLICE_MAX_S and placed 4% slower or 3% faster
    keeps its level at its joins: over the 5 ms equal-power crossfades the level averages within
    0.5 dB of the wash's, and none is 3 dB off (a linear crossfade of two uncorrelated copies
    averages -1.8 dB, a gap or a missed fill far lower; 5 ms of noise alone reads +-1 dB)."""
    rng = np.random.default_rng(7)
    wash = (0.2 * rng.standard_normal(int(3 * SAMPLE_RATE))).astype(np.float32)
    clip = np.stack([wash, wash])
    cuts, at_attack = slice_cuts(np.zeros(0, np.int64), 0, clip.shape[1])
    assert not at_attack.any() and cuts.size > 20
    frames = int(2.8 * SAMPLE_RATE)
    placed = place_slices(clip, cuts, at_attack, ratio=ratio, lead=0.0, frames=frames)
    fade = round(conform_module.FILL_FADE_S * SAMPLE_RATE)
    power = float(np.mean(np.square(wash, dtype=np.float64)))
    joins = [round(c / ratio) for c in cuts[1:-1] if round(c / ratio) + fade < frames - SAMPLE_RATE // 10]
    assert len(joins) > 20
    levels = [
        10 * np.log10(np.mean(np.square(placed[0, join : join + fade], dtype=np.float64)) / power)
        for join in joins
    ]
    assert abs(float(np.mean(levels))) < 0.5, np.mean(levels)
    assert max(abs(level) for level in levels) < 3.0, sorted(levels)[:3]
