"""Per-stem effects built from pedalboard: insert effects (EQ, compression, chorus) at full rate,
and a send (delay and reverb in parallel) that runs at a quarter of the sample rate.

Why a quarter-rate send: reverb and echo tails are dark by nature (Freeverb damping, tape-style
delays), so their content above 5.5 kHz is negligible, and running them at 11.025 kHz costs a quarter
of the CPU. That keeps a 180 s song's nine stems near 100x real time on two cores. Saturation lives
in the synth voices (np.tanh) rather than a Distortion plugin for the same reason.
"""

from dataclasses import dataclass

import numpy as np
from pedalboard import (
    Chain,
    Chorus,
    Compressor,
    Delay,
    HighpassFilter,
    LowShelfFilter,
    Mix,
    PeakFilter,
    Reverb,
)

from amp.audio_io import SAMPLE_RATE
from amp.domain.spec import Role
from amp.synth.oscillators import FloatArray

SEND_DECIMATION = 4
SEND_RATE = SAMPLE_RATE // SEND_DECIMATION


@dataclass(frozen=True)
class StemEffects:
    voice_inserts: Chain | None
    """Applied to each distinct note/chord/drum sample before placement (EQ, compression, chorus):
    the same sound as on the bus for the linear effects, at a fraction of the cost."""
    send: Chain | None
    send_level: float = 0.0
    voice_tail_s: float = 0.0
    """Silence appended to each sample before the voice inserts, for a reverb among them to ring out."""


def _send(
    room_size: float, *, echo_qn: float | None = None, bpm: float = 120.0, feedback: float = 0.3
) -> Chain:
    """Wet-only reverb, in parallel with a tempo-synced, mid-boosted echo when echo_qn is given."""
    reverb = Reverb(room_size=room_size, damping=0.5, wet_level=1.0, dry_level=0.0, width=1.0)
    if echo_qn is None:
        return Chain([reverb])
    echo = Chain(
        [
            Delay(delay_seconds=echo_qn * 60.0 / bpm, feedback=feedback, mix=1.0),
            PeakFilter(cutoff_frequency_hz=1500.0, gain_db=2.0, q=0.7),
        ]
    )
    return Chain([Mix([Chain([reverb]), echo])])


_MONO_PATCHES = frozenset({"piano", "rhodes", "guitar", "pluck", "organ", "stab", "bell", "mallet"})


def stem_effects(role: Role, patch: str, bpm: float) -> StemEffects:
    match role:
        case Role.DRUMS:
            # Reverb is linear and time-invariant, so the room on each cached one-shot sums to the
            # same room as on the bus, at the cost of a few seconds of audio instead of the song.
            return StemEffects(
                Chain(
                    [
                        LowShelfFilter(cutoff_frequency_hz=90.0, gain_db=2.0),
                        Compressor(threshold_db=-14.0, ratio=3.0, attack_ms=2.0, release_ms=80.0),
                        Reverb(room_size=0.25, damping=0.5, wet_level=0.08, dry_level=1.0, width=1.0),
                    ]
                ),
                None,
                voice_tail_s=0.8,
            )
        case Role.PERCUSSION:
            return StemEffects(
                Chain([Reverb(room_size=0.35, damping=0.5, wet_level=0.18, dry_level=1.0, width=1.0)]),
                None,
                voice_tail_s=1.0,
            )
        case Role.BASS:
            return StemEffects(
                Chain(
                    [
                        HighpassFilter(cutoff_frequency_hz=30.0),
                        Compressor(threshold_db=-12.0, ratio=4.0, attack_ms=5.0, release_ms=80.0),
                    ]
                ),
                None,
            )
        case Role.CHORDS:
            inserts = (
                Chain([Chorus(rate_hz=0.8, depth=0.2, centre_delay_ms=7.0, mix=0.35)])
                if patch in _MONO_PATCHES
                else None
            )
            return StemEffects(inserts, _send(0.6), 0.28)
        case Role.PAD:
            return StemEffects(None, _send(0.9), 0.45)
        case Role.LEAD:
            return StemEffects(
                Chain([Compressor(threshold_db=-14.0, ratio=3.0, attack_ms=5.0, release_ms=100.0)]),
                _send(0.5, echo_qn=0.75, bpm=bpm),
                0.3,
            )
        case Role.ARP:
            return StemEffects(None, _send(0.6, echo_qn=0.5, bpm=bpm, feedback=0.35), 0.35)
        case Role.FX:
            return StemEffects(None, _send(0.92), 0.5)
        case Role.VOCAL:
            return StemEffects(None, _send(0.8, echo_qn=1.0, bpm=bpm, feedback=0.25), 0.4)


def _decimate(audio: FloatArray) -> FloatArray:
    """Quarter-rate copy: a 4-sample boxcar average (nulls at the image frequencies)."""
    frames = audio.shape[1] // SEND_DECIMATION * SEND_DECIMATION
    out = audio[:, 0:frames:SEND_DECIMATION].astype(np.float32)
    for offset in range(1, SEND_DECIMATION):
        out += audio[:, offset:frames:SEND_DECIMATION]
    out *= np.float32(1.0 / SEND_DECIMATION)
    return out


def _interpolate(audio: FloatArray, frames: int) -> FloatArray:
    """Back to full rate by linear interpolation (images fall ~26 dB below the dark send)."""
    channels, count = audio.shape
    count = min(count, frames // SEND_DECIMATION)
    audio = audio[:, :count]
    step = np.diff(audio, axis=1, append=audio[:, -1:])
    out: FloatArray = np.zeros((channels, frames), dtype=np.float32)
    grid = out[:, : count * SEND_DECIMATION].reshape(channels, count, SEND_DECIMATION)
    for offset in range(SEND_DECIMATION):
        grid[:, :, offset] = audio + step * np.float32(offset / SEND_DECIMATION)
    return out


def apply_send(dry: FloatArray, effects: StemEffects) -> FloatArray:
    """(2, frames) float32 in, same shape out: the send's wet signal mixed under the dry stem."""
    audio = dry.astype(np.float32, copy=False)
    if effects.send is None or effects.send_level <= 0:
        return audio
    wet = effects.send(_decimate(audio), SEND_RATE, buffer_size=65_536)
    wet *= np.float32(effects.send_level)
    audio += _interpolate(wet, audio.shape[1])  # in place: one full-length buffer less at peak
    return audio


ROOMS: dict[str, tuple[float, float]] = {
    "studio": (0.30, 0.12),
    "chamber": (0.50, 0.20),
    "hall": (0.80, 0.28),
    "church": (0.92, 0.34),
}
"""Room -> (Freeverb room size, send level) for sampled parts: the ensemble's space, not a per-patch
effect; every SoundFont stem of a song gets the same room, so the mix sounds like one place."""


def room_effects(room: str) -> StemEffects:
    """The quarter-rate reverb send of a room (see the module's note on its cost)."""
    room_size, level = ROOMS[room]
    return StemEffects(voice_inserts=None, send=_send(room_size), send_level=level)
