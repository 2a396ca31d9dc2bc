"""Per-role gain staging, panning, EQ carving, sidechain ducking and linked bus compression.

The mixer is two steps, so a stage can hold one stem at a time:
- the **channel strip** (`channel_strip`): one stem -> its *pre-bus stem* (stereo, high-passed, staged
  to its role's gated loudness, panned, ducked under the drums' detector curve for the ducked roles);
- the **bus** (`MixBus`): adds pre-bus stems into one running sum, then computes the glue
  compressor's gain curve from that sum and the headroom trim from its peak and the stems' block
  peaks. Everything after the fader is that one gain curve (`BusGain.gain`), shared by all stems, so
  the post-fader stems (pre-bus x gain) sum, sample for sample, to the pre-master mix.

`mix_stems` runs both on stems held in memory (tests, bench/); stages/mix.py runs them one stem at a
time against the store. A pre-bus stem depends only on what `strip_signature` lists, which is how an
edit knows it may reuse its parent's stored pre-bus stem instead of stripping the stem again."""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from amp.analysis import iir
from amp.analysis.levels import (
    SILENCE_LUFS,
    db_to_amplitude,
    gated_loudness_lufs,
    k_weighting_sos,
    loudness_of_power,
)
from amp.audio_io import AudioBuffer
from amp.domain.errors import InvalidAudio
from amp.domain.spec import Role
from amp.genres import sidechain_for
from amp.mixing.dynamics import (
    BLOCK_S,
    FloatArray,
    block_abs_peaks,
    block_rms_db,
    blocks_to_samples,
    compressor_gain,
    duck_gain_db,
)


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
DUCK_ATTACK_S = 0.003
DUCK_RELEASE_S = 0.12
KICK_LOWPASS_HZ = 150.0
DUCK_SOURCE_ROLE = Role.DRUMS.value
"""The role whose pre-bus stem (low-passed: its kick) drives the sidechain duck."""
DUCKED_ROLES = frozenset({Role.BASS.value})
STRIP_VERSION = 1
"""Part of every strip signature: bump it when the channel strip's processing changes, so no edit
reuses a pre-bus stem an older strip made."""
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
    return np.asarray(iir.sosfilt(sos, audio), dtype=np.float32)


def _lowpass(audio: AudioBuffer, cutoff_hz: float, sample_rate: int) -> AudioBuffer:
    sos = signal.butter(4, cutoff_hz, btype="lowpass", fs=sample_rate, output="sos")
    return np.asarray(iir.sosfilt(sos, audio), dtype=np.float32)


def sidechain_active(genre: str, roles: Iterable[str]) -> bool:
    """Whether this mix ducks at all: the genre wants it and there are drums to duck under."""
    return DUCK_SOURCE_ROLE in set(roles) and wants_sidechain(genre)


def strip_order(roles: Iterable[str]) -> list[str]:
    """The order stems go through their strips: the duck source first (the ducked roles need its
    detector curve), the rest as given."""
    ordered = list(roles)
    return sorted(ordered, key=lambda role: role != DUCK_SOURCE_ROLE)


def duck_from_drums(drums_prebus: AudioBuffer, sample_rate: int) -> FloatArray | None:
    """The sidechain's per-block gain (dB) from the drums' pre-bus stem, or None if they are silent.
    The detector only reads the channel sum, and the low-pass is linear: filter the sum."""
    kick = _lowpass(drums_prebus.mean(axis=0, keepdims=True, dtype=np.float32), KICK_LOWPASS_HZ, sample_rate)
    return duck_gain_db(
        kick, sample_rate, depth_db=DUCK_DEPTH_DB, attack_s=DUCK_ATTACK_S, release_s=DUCK_RELEASE_S
    )


def duck_signature(drums: Mapping[str, Any]) -> dict[str, Any]:
    """What a ducked stem's strip depends on beyond its own stem: the duck's settings and the strip
    signature of the drums it ducks under (new drums -> a new duck -> the bass is stripped again)."""
    return {
        "depth_db": DUCK_DEPTH_DB,
        "attack_s": DUCK_ATTACK_S,
        "release_s": DUCK_RELEASE_S,
        "lowpass_hz": KICK_LOWPASS_HZ,
        "drums": dict(drums),
    }


def strip_signature(
    role: str, source: str, frames: int, sample_rate: int, duck: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Everything a pre-bus stem is a function of, as JSON-able values: the stem's audio (`source`, a
    token that stays the same while the bytes do: the job that rendered it and the role), the mix's
    length (stems are padded to it), the sample rate, the role's settings, the duck (or None) and the
    strip's version. Two strips with equal signatures produce the same samples."""
    settings = ROLE_MIX.get(role, DEFAULT_ROLE_MIX)
    return {
        "version": STRIP_VERSION,
        "role": role,
        "source": source,
        "frames": frames,
        "sample_rate": sample_rate,
        "level_lufs": settings.level_lufs,
        "pan": settings.pan,
        "highpass_hz": settings.highpass_hz,
        "duck": None if duck is None else dict(duck),
    }


STRIP_HOPS_PER_CHUNK = 60
"""Blocks of the strip's filters, in BS.1770's 100 ms hops (6 s): whole hops keep the loudness hop
sums simple, and the block temporaries stay a few MB."""


def channel_strip(
    role: str, stem: AudioBuffer, frames: int, sample_rate: int, duck_db: FloatArray | None = None
) -> AudioBuffer:
    """One stem through its channel strip: stereo at `frames`, high-passed, staged to its role's
    gated loudness, panned and (given the drums' `duck_db`) ducked. Returns the pre-bus stem, a new
    float32 array: the caller's `stem` is never scaled in place.

    Block-wise: the high-pass (float64 state, as a whole-stem `sosfilt`) and the K-weighting run
    over 6 s blocks with their filter state carried across (sosfilt `zi`: the same
    samples as one call), writing straight into the result, and the loudness meter keeps only one
    K-weighted power sum per 100 ms hop. So a stem costs its result plus block temporaries, not the
    float64 copies and full-length power series of filtering and metering it whole."""
    if not _all_finite(stem):
        raise InvalidAudio(f"stem {role!r} contains NaN or infinite samples")
    settings = ROLE_MIX.get(role, DEFAULT_ROLE_MIX)
    audio = np.empty((2, frames), dtype=np.float32)
    hop = round(0.1 * sample_rate)
    meter = _HopMeter(sample_rate) if round(0.4 * sample_rate) == 4 * hop and frames >= 4 * hop else None
    highpass = (
        signal.butter(2, settings.highpass_hz, btype="highpass", fs=sample_rate, output="sos")
        if settings.highpass_hz is not None
        else None
    )
    state = None if highpass is None else np.zeros((highpass.shape[0], 2, 2), dtype=np.float64)
    chunk = STRIP_HOPS_PER_CHUNK * hop
    for start in range(0, frames, chunk):
        block = _stereo_block(stem, start, min(frames, start + chunk))
        if highpass is not None and state is not None:  # set together, above
            filtered, state = iir.sosfilt_block(highpass, block, state)  # no subnormals in rests
            block = filtered
        audio[:, start : start + block.shape[1]] = block
        if meter is not None:
            meter.add(audio[:, start : start + block.shape[1]])
    loudness = meter.loudness() if meter is not None else gated_loudness_lufs(audio, sample_rate)
    gain_db = settings.level_lufs - loudness if loudness >= SILENCE_LUFS else 0.0
    left, right = pan_gains(settings.pan)
    gains = np.array([[left], [right]], dtype=np.float32) * np.float32(db_to_amplitude(gain_db))
    np.multiply(audio, gains, out=audio)
    if duck_db is not None:
        apply_duck(audio, duck_db, sample_rate)
    return audio


def apply_duck(prebus: AudioBuffer, duck_db: FloatArray, sample_rate: int) -> None:
    """Duck a pre-bus stem in place under the drums' per-block gain (`duck_from_drums`): the last
    step of a ducked role's strip, so a stage can strip the stem before the drums' curve exists and
    duck it afterwards with the same samples."""
    np.multiply(prebus, blocks_to_samples(duck_db, prebus.shape[1], sample_rate), out=prebus)


def _stereo_block(stem: AudioBuffer, start: int, end: int) -> AudioBuffer:
    """Frames start..end of `to_stereo(stem, frames)`, without making the whole stereo copy."""
    part = stem[:, start:end]
    if part.shape[1] == end - start and part.shape[0] == 2 and part.dtype == np.float32:
        return part
    return to_stereo(part, end - start)


class _HopMeter:
    """BS.1770 gated loudness fed block by block: K-weighting in float32 with its state carried (as
    `levels.k_weighted_power` filters the whole stem), and one float64 power sum per 100 ms hop, so
    `levels.loudness_of_power` sees exactly the 400 ms / 75 %-overlap windows it would per sample."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.hop = round(0.1 * sample_rate)
        self.sos = k_weighting_sos(sample_rate).astype(np.float32)
        self.state = np.zeros((self.sos.shape[0], 2, 2), dtype=np.float32)
        self.gains = np.ones(2, dtype=np.float32)
        self.sums: list[npt.NDArray[np.float64]] = []
        self.carry = np.zeros(0, dtype=np.float32)

    def add(self, block: AudioBuffer) -> None:
        weighted, self.state = iir.sosfilt_block(self.sos, block, self.state)
        power = np.asarray(np.einsum("cn,cn,c->n", weighted, weighted, self.gains), dtype=np.float32)
        if self.carry.size:
            power = np.concatenate([self.carry, power])
        whole = power.size // self.hop * self.hop
        self.sums.append(power[:whole].reshape(-1, self.hop).sum(axis=1, dtype=np.float64))
        self.carry = power[whole:]

    def loudness(self) -> float:
        return loudness_of_power(np.concatenate(self.sums), self.sample_rate, self.hop)


@dataclass(frozen=True)
class BusGain:
    """The bus step's result: one gain curve for every stem, and the mix it makes."""

    gain: npt.NDArray[np.float32]
    """Per-sample glue x headroom trim: a post-fader stem is its pre-bus stem times this."""
    mix: AudioBuffer
    """The pre-master mix: the bus sum times `gain`."""
    bus_reduction_db: float
    trim_db: float


class MixBus:
    """The running sum of pre-bus stems plus each stem's 5 ms block peaks: all the bus step needs,
    so a stage can add one stem, free it and decode the next."""

    def __init__(self, frames: int, sample_rate: int) -> None:
        self.frames = frames
        self.sample_rate = sample_rate
        self._block = max(1, round(BLOCK_S * sample_rate))
        self._sum = np.zeros((2, frames), dtype=np.float32)
        self._peaks: dict[str, npt.NDArray[np.float32]] = {}

    @property
    def roles(self) -> list[str]:
        return list(self._peaks)

    def add(self, role: str, prebus: AudioBuffer) -> None:
        if role in self._peaks:
            raise InvalidAudio("two stems claim the same role")
        if prebus.shape != self._sum.shape:
            raise InvalidAudio(f"pre-bus stem {role!r} is {prebus.shape}, the bus {self._sum.shape}")
        self._sum += prebus
        self._peaks[role] = block_abs_peaks(prebus, self._block)

    def finish(self, load: Callable[[str], AudioBuffer]) -> BusGain:
        """Glue compressor gain from the bus, then the headroom trim against the loudest of mix and
        post-glue stems. A stem's post-glue peak is bounded by its block peaks x the glue's block
        maxima; only a stem whose bound beats the mix's peak is loaded (`load(role)` -> its pre-bus
        stem) and measured exactly, so the trim is exact without holding the stems."""
        if not self._peaks:
            raise InvalidAudio("no stems to mix")
        bus = self._sum
        block_db = block_rms_db(bus, self.sample_rate)
        active_db = block_db[block_db > -80.0]
        if active_db.size == 0:
            raise InvalidAudio("every stem is silent: nothing to mix")
        # Threshold under the loud passages: 1-3 dB of glue on the choruses, none on quiet parts.
        threshold_db = float(np.percentile(active_db, 90)) - 4.0
        glue = compressor_gain(
            bus,
            self.sample_rate,
            threshold_db=threshold_db,
            ratio=BUS_RATIO,
            attack_s=0.01,
            release_s=0.15,
            level_db=block_db,
        )
        np.multiply(bus, glue, out=bus)
        peak = _abs_max(bus)
        glue_max = block_abs_peaks(glue, self._block)
        for role, peaks in self._peaks.items():
            if float(np.max(peaks * glue_max)) > peak:
                peak = max(peak, _abs_max_product(load(role), glue))
        trim_db = BUS_HEADROOM_PEAK_DBFS - 20 * math.log10(peak)
        trim = np.float32(db_to_amplitude(trim_db))
        bus_reduction_db = float(-20 * np.log10(max(float(glue.min()), 1e-9)))
        np.multiply(bus, trim, out=bus)
        np.multiply(glue, trim, out=glue)
        return BusGain(gain=glue, mix=bus, bus_reduction_db=bus_reduction_db, trim_db=trim_db)


def _abs_max_product(audio: AudioBuffer, gain: npt.NDArray[np.float32]) -> float:
    """max |audio x gain| in 2^18-frame chunks: no full-length product temporary."""
    chunk = 1 << 18
    peak = 0.0
    for start in range(0, audio.shape[1], chunk):
        peak = max(peak, _abs_max(audio[:, start : start + chunk] * gain[start : start + chunk]))
    return peak


def mix_stems(stems: Mapping[str, AudioBuffer], sample_rate: int, genre: str = "") -> MixResult:
    """Stage, pan, carve, duck and glue `stems` (role -> (channels, frames)) into one stereo mix,
    holding every stem in memory: the channel strips and the bus as stages/mix.py runs them one stem
    at a time, for tests and bench/."""
    if not stems:
        raise InvalidAudio("no stems to mix")
    frames = max(stem.shape[1] for stem in stems.values())
    if frames == 0:
        raise InvalidAudio("every stem is empty")
    sidechain = sidechain_active(genre, stems)
    bus = MixBus(frames, sample_rate)
    prebus: dict[str, AudioBuffer] = {}
    duck_db: FloatArray | None = None
    ducked: list[str] = []
    for role in strip_order(stems):
        ducks = sidechain and role in DUCKED_ROLES
        audio = channel_strip(role, stems[role], frames, sample_rate, duck_db if ducks else None)
        if sidechain and role == DUCK_SOURCE_ROLE:
            duck_db = duck_from_drums(audio, sample_rate)
        if ducks:
            ducked.append(role)
        bus.add(role, audio)
        prebus[role] = audio
    result = bus.finish(prebus.__getitem__)
    for audio in prebus.values():
        np.multiply(audio, result.gain, out=audio)
    return MixResult(
        stems={role: prebus[role] for role in stems},
        mix=result.mix,
        sample_rate=sample_rate,
        ducked_roles=ducked,
        bus_reduction_db=result.bus_reduction_db,
        trim_db=result.trim_db,
    )
