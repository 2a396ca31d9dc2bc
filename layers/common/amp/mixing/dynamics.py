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
    mono = audio.mean(axis=0, dtype=np.float64) if audio.ndim == 2 else audio.astype(np.float64)
    blocks = math.ceil(mono.size / block)
    grid = np.pad(mono, (0, blocks * block - mono.size)).reshape(blocks, block)
    rms = np.sqrt(np.einsum("ij,ij->i", grid, grid) / block)
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


def block_curve_to_samples(values: FloatArray, block: int, frames: int) -> npt.NDArray[np.float32]:
    """Per-sample values linearly interpolated between block centres (held flat before the first
    and after the last centre): a gain curve computed per block, applied without zipper steps.

    Done as one (blocks, block) broadcast in float32 rather than np.interp over every sample."""
    curve = np.asarray(values, dtype=np.float32)
    first = block // 2
    out = np.empty(frames, dtype=np.float32)
    if curve.size == 1 or frames <= first:
        out.fill(curve[0])
        return out
    ramp = np.arange(block, dtype=np.float32) / np.float32(block)
    inner = (curve[:-1, None] + (curve[1:] - curve[:-1])[:, None] * ramp[None, :]).ravel()
    inner = inner[: frames - first]
    out[:first] = curve[0]
    out[first : first + inner.size] = inner
    out[first + inner.size :] = curve[-1]
    return out


def blocks_to_samples(gain_db: FloatArray, frames: int, sample_rate: int) -> npt.NDArray[np.float32]:
    """Linear gain per sample from a per-block gain in dB (interpolated in the linear domain: at
    5 ms blocks the difference from dB interpolation is far below a hundredth of a dB)."""
    block = max(1, round(BLOCK_S * sample_rate))
    return block_curve_to_samples(10.0 ** (gain_db / 20.0), block, frames)


def compressor_gain(
    audio: AudioBuffer,
    sample_rate: int,
    *,
    threshold_db: float,
    ratio: float,
    attack_s: float,
    release_s: float,
    knee_db: float = 6.0,
    level_db: FloatArray | None = None,
) -> npt.NDArray[np.float32]:
    """Per-sample gain of a soft-knee feed-forward RMS compressor detecting `audio`; `level_db` is
    `block_rms_db(audio, sample_rate)` when the caller has it already (the bus step sets its
    threshold from it: one pass over the whole mix instead of two)."""
    if level_db is None:
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


def duck_gain_db(
    trigger: AudioBuffer, sample_rate: int, *, depth_db: float, attack_s: float, release_s: float
) -> FloatArray | None:
    """Per-block gain (dB, <= 0) that dips by up to `depth_db` whenever `trigger` (a kick) is loud,
    or None when the trigger is silent. Block-domain (one value per 5 ms): the mixer keeps this small
    curve while it strips other stems and expands it only for the stem it ducks."""
    level_db = block_rms_db(trigger, sample_rate)
    audible = level_db[level_db > -80.0]
    if audible.size == 0:
        return None
    loud_db = float(np.percentile(audible, 95))
    floor_db = loud_db - 24.0
    amount = np.clip((level_db - floor_db) / (loud_db - floor_db), 0.0, 1.0)
    return smooth_gain_db(-depth_db * amount, attack_s, release_s)


def duck_gain(
    trigger: AudioBuffer, sample_rate: int, *, depth_db: float, attack_s: float, release_s: float
) -> npt.NDArray[np.float32]:
    """Gain that dips by up to `depth_db` whenever `trigger` (a kick) is loud: sidechain ducking."""
    gain_db = duck_gain_db(trigger, sample_rate, depth_db=depth_db, attack_s=attack_s, release_s=release_s)
    if gain_db is None:
        return np.ones(trigger.shape[1], dtype=np.float32)
    return blocks_to_samples(gain_db, trigger.shape[1], sample_rate)


def block_abs_peaks(audio: AudioBuffer, block: int) -> npt.NDArray[np.float32]:
    """The largest |sample| of every `block` frames over all channels (the last block may be short).
    Max and min of a reshaped view: no |audio| temporary the size of the stem."""
    frames = audio.shape[-1]
    rows = audio.reshape(-1, frames)
    whole = frames // block
    peaks = np.empty(math.ceil(frames / block), dtype=np.float32)
    if whole:
        grid = rows[:, : whole * block].reshape(rows.shape[0], whole, block)
        peaks[:whole] = np.maximum(grid.max(axis=(0, 2)), -grid.min(axis=(0, 2)))
    if whole * block < frames:
        tail = rows[:, whole * block :]
        peaks[whole] = max(float(tail.max()), -float(tail.min()))
    return peaks
