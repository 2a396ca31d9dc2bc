"""Per-role gain staging, panning, EQ carving, sidechain ducking and linked bus compression.

Everything after the fader is a gain curve shared by all stems (bus compression, headroom trim), so
the post-fader stems written to the store sum, sample for sample, to the pre-master mix."""

import math
from collections.abc import Mapping
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


def to_stereo(audio: AudioBuffer) -> AudioBuffer:
    """Mono is copied to both sides; wider layouts fold odd channels left, even right."""
    if audio.shape[0] == 2:
        return audio
    if audio.shape[0] == 1:
        return np.repeat(audio, 2, axis=0)
    return np.stack([audio[0::2].mean(axis=0), audio[1::2].mean(axis=0)]).astype(np.float32)


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
    """Stage, pan, carve, duck and glue `stems` (role -> (channels, frames)) into one stereo mix."""
    if not stems:
        raise InvalidAudio("no stems to mix")
    frames = max(stem.shape[1] for stem in stems.values())
    if frames == 0:
        raise InvalidAudio("every stem is empty")

    faded: dict[str, AudioBuffer] = {}
    for role, stem in stems.items():
        if not np.all(np.isfinite(stem)):
            raise InvalidAudio(f"stem {role!r} contains NaN or infinite samples")
        settings = ROLE_MIX.get(role, DEFAULT_ROLE_MIX)
        audio = to_stereo(stem.astype(np.float32))
        audio = np.pad(audio, ((0, 0), (0, frames - audio.shape[1])))
        if settings.highpass_hz is not None:
            audio = _highpass(audio, settings.highpass_hz, sample_rate)
        loudness = gated_loudness_lufs(audio, sample_rate)
        gain_db = settings.level_lufs - loudness if loudness >= SILENCE_LUFS else 0.0
        left, right = pan_gains(settings.pan)
        gains = np.array([[left], [right]], dtype=np.float32) * np.float32(db_to_amplitude(gain_db))
        faded[role] = np.asarray(audio * gains, dtype=np.float32)

    ducked: list[str] = []
    drums = faded.get(Role.DRUMS)
    if drums is not None and wants_sidechain(genre):
        kick = _lowpass(drums, 150.0, sample_rate)
        duck = duck_gain(kick, sample_rate, depth_db=DUCK_DEPTH_DB, attack_s=0.003, release_s=0.12)
        for role in (Role.BASS.value,):
            if role in faded:
                faded[role] = faded[role] * duck
                ducked.append(role)

    bus = np.sum(list(faded.values()), axis=0, dtype=np.float32)
    block_db = block_rms_db(bus, sample_rate)
    active_db = block_db[block_db > -80.0]
    if active_db.size == 0:
        raise InvalidAudio("every stem is silent: nothing to mix")
    # Threshold under the loud passages: 1-3 dB of glue on the choruses, none on quiet parts.
    threshold_db = float(np.percentile(active_db, 90)) - 4.0
    glue = compressor_gain(
        bus, sample_rate, threshold_db=threshold_db, ratio=BUS_RATIO, attack_s=0.01, release_s=0.15
    )
    # Headroom trim against the loudest of mix and stems, so no 24-bit file clips.
    peak = max(float(np.max(np.abs(audio * glue))) for audio in [bus, *faded.values()])
    trim_db = BUS_HEADROOM_PEAK_DBFS - 20 * math.log10(peak)
    shared = glue * np.float32(db_to_amplitude(trim_db))
    post_fader = {
        role: np.ascontiguousarray(audio * shared, dtype=np.float32) for role, audio in faded.items()
    }
    mix = np.sum(list(post_fader.values()), axis=0, dtype=np.float32)
    return MixResult(
        stems=post_fader,
        mix=np.ascontiguousarray(mix),
        sample_rate=sample_rate,
        ducked_roles=ducked,
        bus_reduction_db=float(-20 * np.log10(max(float(glue.min()), 1e-9))),
        trim_db=trim_db,
    )
