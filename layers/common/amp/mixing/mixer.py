"""Per-role gain staging, panning, EQ carving, sidechain ducking and linked bus compression.

Everything after the fader is a gain curve shared by all stems (bus compression, headroom trim), so
the post-fader stems written to the store sum, sample for sample, to the pre-master mix."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import signal

from amp.analysis.levels import SILENCE_LUFS, db_to_amplitude, gated_loudness_lufs
from amp.audio_io import AudioBuffer
from amp.domain.errors import InvalidAudio
from amp.domain.spec import Role
from amp.genres import sidechain_for
from amp.mixing.dynamics import block_rms_db, compressor_gain, duck_gain


@dataclass(frozen=True)
class RoleMix:
    level_lufs: float
    """Where the stem sits once staged: the arrangement's relative balance."""
    pan: float
    """-1 hard left .. +1 hard right (balance law, centre = unity)."""
    highpass_hz: float | None
    """EQ carving: clears the low end for kick and bass."""


ROLE_MIX: dict[str, RoleMix] = {
    Role.DRUMS: RoleMix(-18.0, 0.0, None),
    Role.PERCUSSION: RoleMix(-25.0, 0.3, 180.0),
    Role.BASS: RoleMix(-19.5, 0.0, 30.0),
    Role.CHORDS: RoleMix(-23.0, -0.2, 160.0),
    Role.PAD: RoleMix(-25.0, 0.0, 200.0),
    Role.LEAD: RoleMix(-21.0, 0.1, 180.0),
    Role.ARP: RoleMix(-25.0, -0.35, 220.0),
    Role.FX: RoleMix(-28.0, 0.4, 250.0),
    Role.VOCAL: RoleMix(-20.0, 0.0, 120.0),
}
DEFAULT_ROLE_MIX = RoleMix(-24.0, 0.0, 150.0)

DUCK_DEPTH_DB = 6.0
BUS_RATIO = 2.0
BUS_HEADROOM_PEAK_DBFS = -3.0
"""The pre-master mix peaks here: room for the master, and 24-bit stems that never clip."""


@dataclass(frozen=True)
class MixResult:
    stems: dict[str, AudioBuffer]
    """Post-fader stems: they sum to `mix`."""
    mix: AudioBuffer
    sample_rate: int
    ducked_roles: list[str] = field(default_factory=list)
    bus_reduction_db: float = 0.0
    trim_db: float = 0.0


def wants_sidechain(genre: str) -> bool:
    """Whether the bass ducks under the kick: the genre profile's `sidechain` setting (kick-driven
    electronic grooves duck; acoustic styles keep the bass steady). Genres not in the table don't duck."""
    return sidechain_for(genre)


def to_stereo(audio: AudioBuffer, frames: int | None = None) -> AudioBuffer:
    """Mono is copied to both sides; wider layouts fold odd channels left, even right; shorter
    stems are zero-padded to `frames`. Float32, and a new array only when something changes."""
    frames = audio.shape[1] if frames is None else frames
    if audio.shape[0] == 2 and audio.shape[1] == frames and audio.dtype == np.float32:
        return audio
    out = np.zeros((2, frames), dtype=np.float32)
    if audio.shape[0] <= 2:
        out[:, : audio.shape[1]] = audio  # a mono row broadcasts to both sides
    else:
        out[0, : audio.shape[1]] = audio[0::2].mean(axis=0)
        out[1, : audio.shape[1]] = audio[1::2].mean(axis=0)
    return out


def _all_finite(audio: AudioBuffer) -> bool:
    """One float64 sum instead of a full boolean mask: NaN and inf both survive a sum."""
    return bool(np.isfinite(np.sum(audio, dtype=np.float64)))


def _abs_max(audio: AudioBuffer) -> float:
    return max(float(audio.max()), -float(audio.min()))


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan normalised to unity at centre."""
    angle = (max(-1.0, min(1.0, pan)) + 1.0) * math.pi / 4
    return math.cos(angle) * math.sqrt(2), math.sin(angle) * math.sqrt(2)


def _highpass(audio: AudioBuffer, cutoff_hz: float, sample_rate: int) -> AudioBuffer:
    sos = signal.butter(2, cutoff_hz, btype="highpass", fs=sample_rate, output="sos")
    return np.asarray(signal.sosfilt(sos, audio, axis=1), dtype=np.float32)


def _lowpass(audio: AudioBuffer, cutoff_hz: float, sample_rate: int) -> AudioBuffer:
    sos = signal.butter(4, cutoff_hz, btype="lowpass", fs=sample_rate, output="sos")
    return np.asarray(signal.sosfilt(sos, audio, axis=1), dtype=np.float32)


def mix_stems(stems: Mapping[str, AudioBuffer], sample_rate: int, genre: str = "") -> MixResult:
    """Stage, pan, carve, duck and glue `stems` (role -> (channels, frames)) into one stereo mix.

    Every full-length pass is a single vectorised numpy/scipy call and the arrays this function
    allocates are scaled in place: a 180 s, 5-stem mix is a handful of passes per stem."""
    if not stems:
        raise InvalidAudio("no stems to mix")
    frames = max(stem.shape[1] for stem in stems.values())
    if frames == 0:
        raise InvalidAudio("every stem is empty")

    faded: dict[str, AudioBuffer] = {}
    for role, stem in stems.items():
        if not _all_finite(stem):
            raise InvalidAudio(f"stem {role!r} contains NaN or infinite samples")
        settings = ROLE_MIX.get(role, DEFAULT_ROLE_MIX)
        audio = to_stereo(stem, frames)
        if settings.highpass_hz is not None:
            audio = _highpass(audio, settings.highpass_hz, sample_rate)
        loudness = gated_loudness_lufs(audio, sample_rate)
        gain_db = settings.level_lufs - loudness if loudness >= SILENCE_LUFS else 0.0
        left, right = pan_gains(settings.pan)
        gains = np.array([[left], [right]], dtype=np.float32) * np.float32(db_to_amplitude(gain_db))
        if audio is stem:  # never scale the caller's array in place
            faded[role] = audio * gains
        else:
            faded[role] = np.multiply(audio, gains, out=audio)

    ducked: list[str] = []
    drums = faded.get(Role.DRUMS)
    if drums is not None and wants_sidechain(genre):
        # The detector only reads the channel sum, and the low-pass is linear: filter the sum.
        kick = _lowpass(drums.mean(axis=0, keepdims=True, dtype=np.float32), 150.0, sample_rate)
        duck = duck_gain(kick, sample_rate, depth_db=DUCK_DEPTH_DB, attack_s=0.003, release_s=0.12)
        for role in (Role.BASS.value,):
            if role in faded:
                np.multiply(faded[role], duck, out=faded[role])
                ducked.append(role)

    bus = _sum(faded.values())
    block_db = block_rms_db(bus, sample_rate)
    active_db = block_db[block_db > -80.0]
    if active_db.size == 0:
        raise InvalidAudio("every stem is silent: nothing to mix")
    # Threshold under the loud passages: 1-3 dB of glue on the choruses, none on quiet parts.
    threshold_db = float(np.percentile(active_db, 90)) - 4.0
    glue = compressor_gain(
        bus, sample_rate, threshold_db=threshold_db, ratio=BUS_RATIO, attack_s=0.01, release_s=0.15
    )
    np.multiply(bus, glue, out=bus)
    for audio in faded.values():
        np.multiply(audio, glue, out=audio)
    # Headroom trim against the loudest of mix and stems, so no 24-bit file clips.
    peak = max(_abs_max(audio) for audio in [bus, *faded.values()])
    trim_db = BUS_HEADROOM_PEAK_DBFS - 20 * math.log10(peak)
    trim = np.float32(db_to_amplitude(trim_db))
    for audio in faded.values():
        np.multiply(audio, trim, out=audio)
    return MixResult(
        stems=faded,
        mix=_sum(faded.values()),
        sample_rate=sample_rate,
        ducked_roles=ducked,
        bus_reduction_db=float(-20 * np.log10(max(float(glue.min()), 1e-9))),
        trim_db=trim_db,
    )


def _sum(arrays: Iterable[AudioBuffer]) -> AudioBuffer:
    """Float32 sum in place into one new array (np.sum over a list would stack a copy of all)."""
    total: AudioBuffer | None = None
    for audio in arrays:
        if total is None:
            total = audio.copy()
        else:
            total += audio
    assert total is not None
    return total
