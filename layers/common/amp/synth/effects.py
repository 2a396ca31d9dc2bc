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


_AVERAGE = np.full(SEND_DECIMATION, 1.0 / SEND_DECIMATION, dtype=np.float32)
_RAMPS = np.stack(
    [1.0 - np.arange(SEND_DECIMATION) / SEND_DECIMATION, np.arange(SEND_DECIMATION) / SEND_DECIMATION]
).astype(np.float32)
"""Linear interpolation weights: full-rate frame 4i + k is (1 - k/4) x wet[i] + k/4 x wet[i + 1]."""
INTERPOLATION_CHUNK = 16_384
"""Decimated frames per interpolation step: the (chunk, 4) product stays in cache, and no
full-length temporary is allocated (each costs ~60 MiB of page faults for a 180 s stem)."""


def _decimate(audio: FloatArray) -> FloatArray:
    """Quarter-rate copy: a 4-sample boxcar average (nulls at the image frequencies), as one
    matrix-vector product per channel over the (frames / 4, 4) view."""
    frames = audio.shape[1] // SEND_DECIMATION * SEND_DECIMATION
    out = np.empty((audio.shape[0], frames // SEND_DECIMATION), dtype=np.float32)
    for channel in range(audio.shape[0]):
        np.matmul(audio[channel, :frames].reshape(-1, SEND_DECIMATION), _AVERAGE, out=out[channel])
    return out


def _add_interpolated(audio: FloatArray, wet: FloatArray) -> None:
    """Add the quarter-rate `wet` to full-rate `audio` in place, back at full rate by linear
    interpolation (images fall ~26 dB below the dark send), chunk by chunk."""
    count = min(wet.shape[1], audio.shape[1] // SEND_DECIMATION)
    if count == 0:
        return
    for channel in range(min(audio.shape[0], wet.shape[0])):
        pairs = np.empty((count, 2), dtype=np.float32)  # (wet[i], wet[i + 1]), the last held
        pairs[:, 0] = wet[channel, :count]
        pairs[:-1, 1] = wet[channel, 1:count]
        pairs[-1, 1] = wet[channel, count - 1]
        target = audio[channel, : count * SEND_DECIMATION].reshape(count, SEND_DECIMATION)
        for start in range(0, count, INTERPOLATION_CHUNK):
            end = min(count, start + INTERPOLATION_CHUNK)
            target[start:end] += pairs[start:end] @ _RAMPS


SEND_BLOCK = 8_192
"""Quarter-rate frames per send call (0.74 s)."""
SEND_FLOOR = 1e-4
"""-80 dB under the stem's peak (some 60 dB under its loudness, and the send sits 5-18 dB under the
dry stem): a block quieter than this is silence to the send, and a tail that has decayed under it
has ended. (A hall's Freeverb tail reaches -80 dB in 3-6 s; its last -100 dB never dies away.)"""


def _run_send(send: Chain, dry: FloatArray) -> FloatArray:
    """The send's output over the quarter-rate stem, run only where it can sound: from each block
    that has signal until the reverb and echo tails after it fall 80 dB under the stem's peak. A
    part that rests (timpani between hits, FX cues between sections, a tacet verse) costs nothing
    while it rests, where the full run spent the same CPU on every second of the song. The state is
    reset where a run starts again, which differs from the unbroken run by less than -80 dB."""
    frames = dry.shape[1]
    wet = np.zeros_like(dry)
    blocks = -(-frames // SEND_BLOCK)
    padded = np.zeros((dry.shape[0], blocks * SEND_BLOCK), dtype=np.float32)
    padded[:, :frames] = dry
    block_peak = np.abs(padded.reshape(dry.shape[0], blocks, SEND_BLOCK)).max(axis=(0, 2))
    floor = float(block_peak.max(initial=0.0)) * SEND_FLOOR
    if floor <= 0.0:
        return wet
    running = False
    for block in range(blocks):
        active = bool(block_peak[block] > floor)
        if not (active or running):
            continue
        start, end = block * SEND_BLOCK, min(frames, (block + 1) * SEND_BLOCK)
        out = send.process(dry[:, start:end], SEND_RATE, buffer_size=SEND_BLOCK, reset=not running)
        wet[:, start : start + out.shape[1]] = out
        running = active or float(np.abs(out).max(initial=0.0)) > floor
    return wet


def apply_send(dry: FloatArray, effects: StemEffects) -> FloatArray:
    """(2, frames) float32 in, same shape out: the send's wet signal mixed under the dry stem."""
    audio = np.ascontiguousarray(dry, dtype=np.float32)  # rows must reshape as views, added in place
    if effects.send is None or effects.send_level <= 0:
        return audio
    wet = _run_send(effects.send, _decimate(audio))
    wet *= np.float32(effects.send_level)
    _add_interpolated(audio, wet)  # in place: no full-length buffer at peak
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
