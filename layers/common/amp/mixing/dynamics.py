"""Gain envelopes computed on short blocks, then applied per sample.

Both the sidechain duck and the bus compressor only *compute* a gain curve; the mixer multiplies
stems by it. Applying one curve to every stem keeps post-fader stems summing exactly to the mix."""

import math

import numpy as np
import numpy.typing as npt

from amp.audio_io import AudioBuffer

BLOCK_S = 0.005
"""5 ms detector blocks: fine enough for a kick's attack, 200x fewer steps than per-sample."""

FloatArray = npt.NDArray[np.float64]


def block_rms_db(audio: AudioBuffer, sample_rate: int) -> FloatArray:
    """RMS level per 5 ms block of the channel-summed signal."""
    block = max(1, round(BLOCK_S * sample_rate))
    mono = audio.astype(np.float64).mean(axis=0)
    blocks = math.ceil(mono.size / block)
    padded = np.pad(mono, (0, blocks * block - mono.size))
    rms = np.sqrt(np.mean(np.square(padded.reshape(blocks, block)), axis=1))
    return np.asarray(20.0 * np.log10(np.maximum(rms, 1e-9)), dtype=np.float64)


def smooth_gain_db(target_db: FloatArray, attack_s: float, release_s: float) -> FloatArray:
    """One-pole attack/release smoothing of a gain-reduction curve (<= 0 dB) in the block domain."""
    attack = math.exp(-BLOCK_S / max(attack_s, 1e-6))
    release = math.exp(-BLOCK_S / max(release_s, 1e-6))
    out = np.empty_like(target_db)
    state = 0.0
    for index, wanted in enumerate(target_db.tolist()):
        coefficient = attack if wanted < state else release
        state = coefficient * state + (1.0 - coefficient) * wanted
        out[index] = state
    return out


def blocks_to_samples(gain_db: FloatArray, frames: int, sample_rate: int) -> npt.NDArray[np.float32]:
    """Linear gain per sample, interpolated between block centres (no zipper steps)."""
    block = max(1, round(BLOCK_S * sample_rate))
    centres = np.arange(gain_db.size) * block + block / 2
    per_sample_db = np.interp(np.arange(frames), centres, gain_db)
    return np.asarray(10.0 ** (per_sample_db / 20.0), dtype=np.float32)


def compressor_gain(
    audio: AudioBuffer,
    sample_rate: int,
    *,
    threshold_db: float,
    ratio: float,
    attack_s: float,
    release_s: float,
    knee_db: float = 6.0,
) -> npt.NDArray[np.float32]:
    """Per-sample gain of a soft-knee feed-forward RMS compressor detecting `audio`."""
    level_db = block_rms_db(audio, sample_rate)
    over_db = level_db - threshold_db
    slope = 1.0 - 1.0 / ratio
    reduction_db = np.where(
        over_db <= -knee_db / 2,
        0.0,
        np.where(
            over_db >= knee_db / 2,
            -slope * over_db,
            -slope * np.square(over_db + knee_db / 2) / (2 * knee_db),
        ),
    )
    smoothed = smooth_gain_db(np.asarray(reduction_db, dtype=np.float64), attack_s, release_s)
    return blocks_to_samples(smoothed, audio.shape[1], sample_rate)


def duck_gain(
    trigger: AudioBuffer, sample_rate: int, *, depth_db: float, attack_s: float, release_s: float
) -> npt.NDArray[np.float32]:
    """Gain that dips by up to `depth_db` whenever `trigger` (a kick) is loud: sidechain ducking."""
    level_db = block_rms_db(trigger, sample_rate)
    audible = level_db[level_db > -80.0]
    if audible.size == 0:
        return np.ones(trigger.shape[1], dtype=np.float32)
    loud_db = float(np.percentile(audible, 95))
    floor_db = loud_db - 24.0
    amount = np.clip((level_db - floor_db) / (loud_db - floor_db), 0.0, 1.0)
    smoothed = smooth_gain_db(-depth_db * amount, attack_s, release_s)
    return blocks_to_samples(smoothed, trigger.shape[1], sample_rate)
