"""The master chain: DC/rumble high-pass -> optional reference EQ -> drive -> soft clip -> linked
look-ahead true-peak limiter -> tiny loudness correction -> measured true-peak guarantee.

Why it is built this way (speed without giving up accuracy):
- The limiter only *computes* a gain curve, one value per CONTROL_BLOCK samples, from the 4x
  oversampled (true-peak) block maxima of what it scales. The curve is a released, smoothed
  minimum of the needed reduction, so no detected peak passes the ceiling, and every step is a
  vectorised numpy pass (no per-sample Python, no pedalboard limiter run per guess).
- The K-weighting filter is linear and the gain curve slow, so the loudness of `K(x * g)` is
  predicted as the block power of `K(x)` times `g**2`: the drive that lands on the target is found
  by iterating on the cheap control-rate curve instead of re-limiting and re-measuring the audio.
- The audio is rendered once, its loudness measured once (a second render only if the prediction
  missed by more than MAX_CORRECTION_LU), a tiny gain correction lands it on target, and the true
  peak is measured once and trimmed if it ever sits over the ceiling.
- Everything is measured once, and only where it can differ from what is known: the K-weighted
  power of the pre-master is filtered once and scaled by the drives; after the soft clip and after
  the limiter it is filtered again only around the blocks they changed (`_patched_block_power`);
  the output's true peak is oversampled only in blocks whose bound can reach it. The detector is a
  matrix product (amp/mastering/truepeak.py), the high-pass and reference EQ one sosfilt pass with
  their sections designed once per gains. ~1 CPU-s per 180 s stereo master (it was ~3)."""

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage, signal

from amp.analysis import iir
from amp.analysis.levels import (
    SILENCE_LUFS,
    amplitude_to_db,
    db_to_amplitude,
    k_weighted_power,
    loudness_of_power,
    true_peak_filter_gain,
)
from amp.analysis.spectrum import spectral_balance_db
from amp.audio_io import AudioBuffer
from amp.domain.errors import InvalidAudio
from amp.mastering.truepeak import block_peaks, peak_of_blocks, sample_peak_blocks
from amp.mixing.dynamics import block_curve_to_samples

LIMITER_MARGIN_DB = 0.15
"""The limiter's ceiling sits this far under the true-peak ceiling: its detector is the 4x true-peak
envelope of the input, and the moving gain curve adds a little inter-sample overshoot of its own."""
FINAL_TRIM_MARGIN_DB = 0.05
LOUDNESS_SETTLE_LU = 0.01
"""The rendered master is corrected when its measured loudness sits further than this from the target."""
MAX_RENDERS = 2
"""A second render (with the drive moved by the measured error) only when the first missed by
more than MAX_CORRECTION_LU: the prediction is normally within a few hundredths of an LU."""
MAX_CORRECTION_LU = 0.2
"""Largest plain-gain correction: more would raise the peaks past the limiter's margin."""
K_FILTER_MEMORY_S = 0.1
"""How long the K-weighting filter remembers its input: its slowest poles (the 38 Hz high-pass,
about -239/s) have decayed to ~1e-10 by then, far under what a loudness figure can show."""
ACTIVE_GAIN = 1.0 - 1e-9
"""A limiter gain under this acts on the audio; at or over it the block is the input times the drive."""
MAX_REFERENCE_EQ_DB = 3.0
REFERENCE_EQ_STRENGTH = 0.5
"""Match half of a reference's tonal difference: enough to lean toward it, never a mimic's EQ."""
HIGHPASS_HZ = 20.0
CLIP_KNEE_BELOW_DB = 3.0
CLIP_ABOVE_DB = 1.0
LIMITER_RELEASE_MS = 60.0
LIMITER_LOOKAHEAD_MS = 5.0
"""Half-width of the gain curve's attack ramp: the gain starts falling this long before a peak."""
CONTROL_BLOCK = 15
"""Samples per gain-curve value (0.34 ms at 44.1 kHz); divides BS.1770's 100 ms hop at 44.1/48 kHz."""
DRIVE_SEARCH_STEPS = 16
DRIVE_SETTLE_LU = 0.003

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MasterResult:
    audio: AudioBuffer
    integrated_lufs: float
    true_peak_dbtp: float
    gain_db: float
    iterations: int
    """Renders of the audio (1, or 2 when the first missed by more than MAX_CORRECTION_LU)."""
    eq_gains_db: dict[str, float]


def reference_eq_gains_db(
    audio: AudioBuffer, sample_rate: int, reference_balance_db: Mapping[str, float]
) -> dict[str, float]:
    """Per-band gains that move this mix's spectral balance halfway to the reference's, each within
    +-MAX_REFERENCE_EQ_DB and with the mean removed (loudness is the limiter's job, not the EQ's)."""
    own = spectral_balance_db(audio, sample_rate)
    raw = {
        band: REFERENCE_EQ_STRENGTH * (float(reference_balance_db[band]) - own[band])
        for band in own
        if band in reference_balance_db
    }
    if not raw:
        return {}
    mean = sum(raw.values()) / len(raw)
    return {
        band: round(max(-MAX_REFERENCE_EQ_DB, min(MAX_REFERENCE_EQ_DB, gain - mean)), 2)
        for band, gain in raw.items()
    }


EQ_BANDS: tuple[tuple[str, str, float, float], ...] = (
    ("low", "low_shelf", 150.0, 0.707),
    ("low_mid", "peak", 320.0, 0.8),
    ("mid", "peak", 1600.0, 0.6),
    ("high", "high_shelf", 5000.0, 0.707),
)
"""The reference EQ: (band, filter, centre or corner Hz, Q), one biquad per spectral-balance band."""


def _biquad(kind: str, frequency_hz: float, q: float, gain_db: float, sample_rate: int) -> list[float]:
    """One second-order section [b0, b1, b2, 1, a1, a2]: the Audio EQ Cookbook shelves and peak, the
    same formulas as JUCE's IIR::Coefficients (what pedalboard's filters ran before: equal to float32
    rounding), so the whole linear chain is one scipy sosfilt pass."""
    amplitude = 10.0 ** (gain_db / 40.0)
    omega = 2.0 * math.pi * frequency_hz / sample_rate
    cos_w = math.cos(omega)
    if kind == "peak":
        alpha = math.sin(omega) / (2.0 * q)
        b = [1.0 + alpha * amplitude, -2.0 * cos_w, 1.0 - alpha * amplitude]
        a = [1.0 + alpha / amplitude, -2.0 * cos_w, 1.0 - alpha / amplitude]
    else:
        beta = math.sin(omega) * math.sqrt(amplitude) / q
        sign = 1.0 if kind == "low_shelf" else -1.0
        plus, minus = amplitude + 1.0, (amplitude - 1.0) * cos_w
        b = [
            amplitude * (plus - sign * minus + beta),
            sign * 2.0 * amplitude * ((amplitude - 1.0) - sign * plus * cos_w),
            amplitude * (plus - sign * minus - beta),
        ]
        a = [
            plus + sign * minus + beta,
            -sign * 2.0 * ((amplitude - 1.0) + sign * plus * cos_w),
            plus + sign * minus - beta,
        ]
    return [value / a[0] for value in (*b, *a)]


@functools.cache
def _pre_limiter_sos(sample_rate: int, eq_gains: tuple[tuple[str, float], ...]) -> FloatArray:
    """The DC high-pass and the reference EQ's biquads as second-order sections, designed once per
    rate and gains (the mix stage's master and QA's stems-sum replay ask for the same ones).

    float64: the 20 Hz high-pass's poles sit so near z = 1 that float32 coefficients and state
    would add noise at -41 dB below 20 Hz; sosfilt's cost is its per-call overhead either way
    (five float64 sections ~0.15 CPU-s per 180 s stereo, one float32 section ~0.12)."""
    sections = [signal.butter(2, HIGHPASS_HZ, btype="highpass", fs=sample_rate, output="sos")[0].tolist()]
    gains = dict(eq_gains)
    for band, kind, frequency_hz, q in EQ_BANDS:
        if abs(gains.get(band, 0.0)) > 0.0:
            sections.append(_biquad(kind, frequency_hz, q, gains[band], sample_rate))
    return np.array(sections, dtype=np.float64)


def soft_clip(
    audio: AudioBuffer, knee_db: float, ceiling_db: float, *, in_place: bool = False
) -> AudioBuffer:
    """Linear below `knee_db`, tanh-rounded up to `ceiling_db` above it (slope 1 at the knee).

    Shaves the transient peaks the limiter would otherwise pump on, so loud presets reach their
    loudness with the limiter doing a few dB of work instead of 15. Only the samples over the knee
    are shaped (a few percent of a master), so the pass costs little more than one comparison.
    `in_place` shapes a float32 `audio` the caller owns instead of a copy."""
    knee = db_to_amplitude(knee_db)
    span = db_to_amplitude(ceiling_db) - knee
    out = audio if in_place and audio.dtype == np.float32 else np.array(audio, dtype=np.float32, copy=True)
    over = np.abs(out) > knee
    values = out[over]
    magnitude = np.abs(values)
    out[over] = np.sign(values) * (knee + span * np.tanh((magnitude - knee) / span))
    return out


def dc_highpass(audio: AudioBuffer, sample_rate: int) -> AudioBuffer:
    """Removes DC and sub-audible rumble, which eat limiter headroom without being heard."""
    return pre_limiter(audio, sample_rate, None)


def pre_limiter(audio: AudioBuffer, sample_rate: int, eq_gains_db: Mapping[str, float] | None) -> AudioBuffer:
    """The linear part of the chain (DC high-pass, reference EQ), one sosfilt pass: QA
    replays it on the stem sum to tell the master's colour from a missing stem."""
    gains = (
        tuple(sorted(eq_gains_db.items()))
        if eq_gains_db and any(abs(gain) > 0.01 for gain in eq_gains_db.values())
        else ()
    )
    sos = _pre_limiter_sos(sample_rate, gains)
    return np.asarray(iir.sosfilt(sos, audio), dtype=np.float32)  # no subnormals in silence


@dataclass(frozen=True)
class _Limiter:
    """Everything about the input the limiter needs, computed once; `gain_curve` is then cheap."""

    block_peaks: FloatArray
    """Detector maximum per control block, widened by the look-ahead (a max filter)."""
    block_power: FloatArray
    """K-weighted power summed per control block: what the loudness prediction weighs."""
    block_sample_peaks: FloatArray
    """Largest |sample| per control block (bounds what the gain's movement adds to a true peak)."""
    sample_rate: int
    frames: int
    ceiling: float

    def gain_curve(self, drive: float) -> FloatArray:
        """Linear gain per control block for `drive` (linear): <= the needed reduction around every
        detected peak, falling over the look-ahead and recovering with an exponential release."""
        needed = np.minimum(1.0, self.ceiling / np.maximum(self.block_peaks * drive, 1e-12))
        radius = max(1, math.ceil(LIMITER_LOOKAHEAD_MS / 1000 * self.sample_rate / CONTROL_BLOCK))
        reduction = 1.0 - ndimage.minimum_filter1d(needed, size=2 * radius + 3, mode="nearest")
        # Instant attack, exponential release: r[n] = max(x[n], a * r[n-1]) has the closed form
        # a**n * cummax(x[k] / a**k), done in logs so it stays one vectorised pass.
        log_decay = -CONTROL_BLOCK / (LIMITER_RELEASE_MS / 1000 * self.sample_rate)
        steps = np.arange(reduction.size, dtype=np.float64) * log_decay
        with np.errstate(divide="ignore"):
            log_reduction = np.log(np.maximum(reduction, 0.0))
        released = np.exp(np.maximum.accumulate(log_reduction - steps) + steps)
        return np.asarray(ndimage.uniform_filter1d(1.0 - released, size=2 * radius + 1, mode="nearest"))

    def predicted_lufs(self, drive: float, curve: FloatArray) -> float:
        return loudness_of_power(self.block_power * (drive * curve) ** 2, self.sample_rate, CONTROL_BLOCK)

    def per_sample(self, curve: FloatArray) -> npt.NDArray[np.float32]:
        """Linear interpolation between block centres (no zipper steps); convex, so still <= the
        needed gain of the blocks either side, which the widened minimum filter covers."""
        return block_curve_to_samples(curve, CONTROL_BLOCK, self.frames)


def _output_true_peak_dbtp(out: AudioBuffer, limiter: _Limiter, scale: float, curve: FloatArray) -> float:
    """The true peak of `out` (= clipped * scale * per_sample(curve)), identical to
    `true_peak_dbtp(out)`, oversampling only the blocks that can hold it.

    Per block, a bound on every 4x point: the block's true peak before the gain (known from the
    detector) times the largest gain within the filter's reach, plus what the gain's movement
    within that reach can add (filter gain x largest |sample| x gain swing). Blocks whose bound
    sits under the output's sample peak cannot hold the true peak and are skipped."""
    reach = 2  # blocks either side: the filter reads 11 frames, the interpolation one more centre
    gain_high = ndimage.maximum_filter1d(curve, size=2 * reach + 1, mode="nearest")
    gain_low = ndimage.minimum_filter1d(curve, size=2 * reach + 1, mode="nearest")
    peaks = limiter.block_peaks * scale
    local_peaks = ndimage.maximum_filter1d(limiter.block_sample_peaks * scale, size=3, mode="nearest")
    bound = gain_high * peaks + true_peak_filter_gain() * local_peaks * (gain_high - gain_low)
    floor = _abs_max(out)
    hot = np.flatnonzero(bound * (1.0 + 1e-3) >= floor)
    peak = max(floor, peak_of_blocks(out, CONTROL_BLOCK, hot))
    return amplitude_to_db(peak)


def _abs_max(audio: AudioBuffer) -> float:
    return max(float(audio.max()), -float(audio.min()))


def _limiter(
    sample_rate: int,
    ceiling_db: float,
    frames: int,
    block_peaks: npt.NDArray[np.float32],
    block_power: FloatArray,
    *,
    block_sample_peaks: npt.NDArray[np.float32] | None = None,
) -> _Limiter:
    """`block_peaks`: detector maximum per CONTROL_BLOCK; `block_power`: K-weighted power summed
    per CONTROL_BLOCK (`_block_power`)."""
    return _Limiter(
        block_peaks=block_peaks.astype(np.float64),
        block_power=block_power,
        sample_rate=sample_rate,
        frames=frames,
        ceiling=db_to_amplitude(ceiling_db),
        block_sample_peaks=(block_peaks if block_sample_peaks is None else block_sample_peaks).astype(
            np.float64
        ),
    )


def _block_power(power: npt.NDArray[np.floating], blocks: int) -> FloatArray:
    """Per-sample power summed per CONTROL_BLOCK (float64: the loudness sums need it)."""
    padded = np.pad(power, (0, blocks * CONTROL_BLOCK - power.size))
    return np.asarray(padded.reshape(blocks, CONTROL_BLOCK).sum(axis=1, dtype=np.float64))


def _patched_block_power(
    audio: AudioBuffer, sample_rate: int, base: FloatArray, changed: npt.NDArray[np.bool_]
) -> FloatArray:
    """The K-weighted block power of `audio`, known to equal `base` except in the `changed` blocks:
    recomputed only there, plus K_FILTER_MEMORY_S after each run (the filter carries a change on)
    and from K_FILTER_MEMORY_S before it (so the filter enters the run in the audio's own state).

    This is the final loudness measurement made only where it is needed: a master whose limiter
    and soft clip never acted is its input times one gain, and its loudness is the prediction."""
    blocks = base.size
    memory = math.ceil(K_FILTER_MEMORY_S * sample_rate / CONTROL_BLOCK)
    # A change at block b reaches the filtered power up to `memory` blocks later.
    count = np.concatenate([[0], np.cumsum(changed, dtype=np.int64)])
    index = np.arange(1, blocks + 1)
    hot = np.flatnonzero(count[index] > count[np.maximum(0, index - memory - 1)])
    if hot.size == 0:
        return base
    breaks = np.flatnonzero(np.diff(hot) > 2 * memory)
    starts = np.concatenate([[hot[0]], hot[breaks + 1]])
    stops = np.concatenate([hot[breaks], [hot[-1]]]) + 1
    # Each run costs its frames plus a filter call (~1 ms, about a second of audio's filtering):
    # when the runs would cost most of one pass over the whole audio, make that pass.
    patched_frames = (hot.size + starts.size * memory) * CONTROL_BLOCK + starts.size * sample_rate
    if patched_frames * 4 > audio.shape[1] * 3:
        return _block_power(k_weighted_power(audio, sample_rate), blocks)
    patched = base.copy()
    frames = audio.shape[1]
    for first, last in zip(starts.tolist(), stops.tolist(), strict=True):
        start, stop = first * CONTROL_BLOCK, min(frames, last * CONTROL_BLOCK)
        lead = max(0, start - memory * CONTROL_BLOCK)
        power = k_weighted_power(audio[:, lead:stop], sample_rate)[start - lead :]
        patched[first:last] = _block_power(power, last - first)
    return patched


def _find_drive_db(limiter: _Limiter, start_db: float, target_lufs: float) -> float:
    """Drive (dB) whose predicted limited loudness is the target: secant steps on the control-rate
    curve inside a bracket (limiting only takes loudness away, so the answer is >= `start_db`
    give or take the gate), falling back to bisection when a step would leave the bracket."""
    low, high = start_db - 1.0, start_db + 30.0
    previous: tuple[float, float] | None = None
    drive_db = start_db
    for _ in range(DRIVE_SEARCH_STEPS):
        drive = db_to_amplitude(drive_db)
        error = target_lufs - limiter.predicted_lufs(drive, limiter.gain_curve(drive))
        if abs(error) < DRIVE_SETTLE_LU:
            break
        if error > 0:
            low = drive_db
        else:
            high = drive_db
        step = error
        if previous is not None and previous[1] != error:
            step = error * (drive_db - previous[0]) / (previous[1] - error)
        previous = (drive_db, error)
        drive_db += step
        if not low < drive_db < high:
            drive_db = (low + high) / 2
    return drive_db


def master(
    audio: AudioBuffer,
    sample_rate: int,
    *,
    target_lufs: float,
    ceiling_dbtp: float = -1.0,
    eq_gains_db: Mapping[str, float] | None = None,
) -> MasterResult:
    """Master `audio` to `target_lufs` integrated with true peak <= `ceiling_dbtp`."""
    if audio.ndim != 2 or audio.shape[1] == 0:
        raise InvalidAudio(f"cannot master audio of shape {audio.shape}")
    if not np.all(np.isfinite(audio)):
        raise InvalidAudio("cannot master audio containing NaN or infinite samples")
    eq = dict(eq_gains_db or {})
    prepared = pre_limiter(audio, sample_rate, eq)
    limiter_ceiling_db = ceiling_dbtp - LIMITER_MARGIN_DB
    # A first guess at the drive from sample peaks decides where the soft clip sits; the limiter
    # then works on the clipped signal with its true-peak envelope, so what it detects is exactly
    # what it scales (clipping adds inter-sample peaks of its own).
    frames = prepared.shape[1]
    blocks = math.ceil(frames / CONTROL_BLOCK)
    prepared_power = _block_power(k_weighted_power(prepared, sample_rate), blocks)
    guess = _limiter(
        sample_rate, limiter_ceiling_db, frames, sample_peak_blocks(prepared, CONTROL_BLOCK), prepared_power
    )
    start_lufs = guess.predicted_lufs(1.0, np.ones_like(guess.block_power))
    if start_lufs < SILENCE_LUFS:
        raise InvalidAudio("the mix is silent: nothing to master")
    clip_drive_db = _find_drive_db(guess, target_lufs - start_lufs, target_lufs)
    clip_gain = db_to_amplitude(clip_drive_db)
    clipped = soft_clip(
        prepared * np.float32(clip_gain),
        knee_db=limiter_ceiling_db - CLIP_KNEE_BELOW_DB,
        ceiling_db=limiter_ceiling_db + CLIP_ABOVE_DB,
        in_place=True,
    )
    # Where the clip shaved nothing the drive only scales the power; where it did (loud presets),
    # the prediction needs the clipped signal's own power there, or it misses by tenths of an LU.
    knee = db_to_amplitude(limiter_ceiling_db - CLIP_KNEE_BELOW_DB)
    clipped_power = _patched_block_power(
        clipped, sample_rate, prepared_power * clip_gain**2, guess.block_peaks * clip_gain > knee
    )
    true_peaks, sample_peaks = block_peaks(clipped, CONTROL_BLOCK)
    limiter = _limiter(
        sample_rate, limiter_ceiling_db, frames, true_peaks, clipped_power, block_sample_peaks=sample_peaks
    )
    clipped_lufs = limiter.predicted_lufs(1.0, np.ones_like(limiter.block_power))

    aim_lufs = target_lufs
    renders = 0
    while True:
        renders += 1
        drive_db = _find_drive_db(limiter, target_lufs - clipped_lufs, aim_lufs)
        drive = db_to_amplitude(drive_db)
        curve = limiter.gain_curve(drive)
        if float(curve.min()) >= ACTIVE_GAIN:  # the limiter never acts: one gain
            out = clipped * np.float32(drive)
        else:
            out = clipped * (np.float32(drive) * limiter.per_sample(curve))
        # Measured where the limiter moved the gain; elsewhere `out` is `clipped` times the drive.
        active = ndimage.maximum_filter1d(curve < ACTIVE_GAIN, size=3, mode="nearest")
        out_power = _patched_block_power(out, sample_rate, limiter.block_power * drive**2, active)
        measured = loudness_of_power(out_power, sample_rate, CONTROL_BLOCK)
        error_lu = target_lufs - measured
        if abs(error_lu) <= MAX_CORRECTION_LU or renders >= MAX_RENDERS:
            break
        aim_lufs += error_lu
    gain_db = clip_drive_db + drive_db
    scale = drive
    if abs(error_lu) > LOUDNESS_SETTLE_LU:
        correction_db = max(-MAX_CORRECTION_LU, min(MAX_CORRECTION_LU, error_lu))
        out *= np.float32(db_to_amplitude(correction_db))
        gain_db += correction_db
        measured += correction_db
        scale *= db_to_amplitude(correction_db)

    peak_dbtp = _output_true_peak_dbtp(out, limiter, scale, curve)
    allowed_dbtp = ceiling_dbtp - FINAL_TRIM_MARGIN_DB
    if peak_dbtp > allowed_dbtp:
        trim_db = allowed_dbtp - peak_dbtp
        out = out * np.float32(db_to_amplitude(trim_db))
        gain_db += trim_db
        peak_dbtp += trim_db
        measured += trim_db
    return MasterResult(
        audio=np.ascontiguousarray(out, dtype=np.float32),
        integrated_lufs=measured if math.isfinite(measured) else SILENCE_LUFS,
        true_peak_dbtp=peak_dbtp,
        gain_db=gain_db,
        iterations=renders,
        eq_gains_db=eq,
    )
