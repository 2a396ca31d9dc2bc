"""The master chain: DC/rumble high-pass -> optional reference EQ -> gain -> true-peak brick-wall
limiter, iterated until the integrated loudness lands on target.

The limiter (pedalboard BrickwallLimiter, 4x oversampled detection) runs a safety margin under the
ceiling, and a final measured true-peak trim guarantees the ceiling even where the limiter overshoots."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from pedalboard import BrickwallLimiter, Chain, HighShelfFilter, LowShelfFilter, PeakFilter
from scipy import signal

from amp.analysis.levels import SILENCE_LUFS, db_to_amplitude, integrated_lufs, true_peak_dbtp
from amp.analysis.spectrum import spectral_balance_db
from amp.audio_io import AudioBuffer
from amp.domain.errors import InvalidAudio

LIMITER_MARGIN_DB = 0.3
"""The limiter's ceiling sits this far under the true-peak ceiling (its 4x detection can overshoot)."""
FINAL_TRIM_MARGIN_DB = 0.05
LOUDNESS_SETTLE_LU = 0.1
MAX_ITERATIONS = 6
MAX_REFERENCE_EQ_DB = 3.0
REFERENCE_EQ_STRENGTH = 0.5
"""Match half of a reference's tonal difference: enough to lean toward it, never a mimic's EQ."""
HIGHPASS_HZ = 20.0
CLIP_KNEE_BELOW_DB = 3.0
CLIP_ABOVE_DB = 1.0
LIMITER_RELEASE_MS = 60.0


@dataclass(frozen=True)
class MasterResult:
    audio: AudioBuffer
    integrated_lufs: float
    true_peak_dbtp: float
    gain_db: float
    iterations: int
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


def _eq_board(eq_gains_db: Mapping[str, float]) -> Chain:
    return Chain(
        [
            LowShelfFilter(cutoff_frequency_hz=150.0, gain_db=eq_gains_db.get("low", 0.0), q=0.707),
            PeakFilter(cutoff_frequency_hz=320.0, gain_db=eq_gains_db.get("low_mid", 0.0), q=0.8),
            PeakFilter(cutoff_frequency_hz=1600.0, gain_db=eq_gains_db.get("mid", 0.0), q=0.6),
            HighShelfFilter(cutoff_frequency_hz=5000.0, gain_db=eq_gains_db.get("high", 0.0), q=0.707),
        ]
    )


def soft_clip(audio: AudioBuffer, knee_db: float, ceiling_db: float) -> AudioBuffer:
    """Linear below `knee_db`, tanh-rounded up to `ceiling_db` above it (slope 1 at the knee).

    Shaves the transient peaks the limiter would otherwise pump on, so loud presets reach their
    loudness with the limiter doing a few dB of work instead of 15."""
    knee = db_to_amplitude(knee_db)
    span = db_to_amplitude(ceiling_db) - knee
    magnitude = np.abs(audio)
    shaped = np.where(magnitude <= knee, magnitude, knee + span * np.tanh((magnitude - knee) / span))
    return np.asarray(np.sign(audio) * shaped, dtype=np.float32)


def dc_highpass(audio: AudioBuffer, sample_rate: int) -> AudioBuffer:
    """Removes DC and sub-audible rumble, which eat limiter headroom without being heard."""
    sos = signal.butter(2, HIGHPASS_HZ, btype="highpass", fs=sample_rate, output="sos")
    return np.asarray(signal.sosfilt(sos, audio, axis=1), dtype=np.float32)


def pre_limiter(audio: AudioBuffer, sample_rate: int, eq_gains_db: Mapping[str, float] | None) -> AudioBuffer:
    """The linear part of the chain (DC high-pass, reference EQ): QA replays it on the stem sum to
    tell the master's colour from a missing stem."""
    prepared = dc_highpass(audio.astype(np.float32), sample_rate)
    if eq_gains_db and any(abs(gain) > 0.01 for gain in eq_gains_db.values()):
        prepared = np.asarray(_eq_board(eq_gains_db)(prepared, sample_rate), dtype=np.float32)
    return prepared


def _limit(prepared: AudioBuffer, sample_rate: int, gain_db: float, ceiling_db: float) -> AudioBuffer:
    driven = prepared * np.float32(db_to_amplitude(gain_db))
    clipped = soft_clip(
        driven, knee_db=ceiling_db - CLIP_KNEE_BELOW_DB, ceiling_db=ceiling_db + CLIP_ABOVE_DB
    )
    limiter = BrickwallLimiter(ceiling_db=ceiling_db, release_ms=LIMITER_RELEASE_MS, true_peak=True)
    return np.asarray(limiter(clipped, sample_rate), dtype=np.float32)


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
    start_lufs = integrated_lufs(prepared, sample_rate)
    if start_lufs < SILENCE_LUFS:
        raise InvalidAudio("the mix is silent: nothing to master")

    gain_db = target_lufs - start_lufs
    limiter_ceiling_db = ceiling_dbtp - LIMITER_MARGIN_DB
    best: tuple[float, float, AudioBuffer, float] | None = None  # (|error|, gain_db, audio, lufs)
    iterations = 0
    while iterations < MAX_ITERATIONS:
        iterations += 1
        out = _limit(prepared, sample_rate, gain_db, limiter_ceiling_db)
        measured = integrated_lufs(out, sample_rate)
        error_lu = target_lufs - measured
        if best is None or abs(error_lu) < best[0]:
            best = (abs(error_lu), gain_db, out, measured)
        if abs(error_lu) <= LOUDNESS_SETTLE_LU:
            break
        # Under heavy limiting 1 dB of drive buys less than 1 LU: overshoot the step a little.
        gain_db += error_lu * (1.3 if error_lu > 0 else 1.0)
    assert best is not None
    _, gain_db, out, measured = best

    peak_dbtp = true_peak_dbtp(out)
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
        iterations=iterations,
        eq_gains_db=eq,
    )
