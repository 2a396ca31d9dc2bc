"""Instrument patches: how one note of each named instrument sounds.

A patch renders a note to (channels, frames) float64, release tail included. Renders are cached
per (patch, pitch, frames, glide, tempo) because songs repeat the same notes many times.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from amp.compose.theory import midi_to_hz
from amp.synth.envelopes import adsr, exp_decay
from amp.synth.filters import biquad, swept_lowpass
from amp.synth.oscillators import (
    FloatArray,
    fm,
    phase_from_frequency,
    saw,
    sine,
    square,
    supersaw,
    triangle,
)

SR = 44_100


@dataclass(frozen=True)
class NoteContext:
    frequency_hz: float
    on_frames: int
    total_frames: int
    glide_from_hz: float | None
    bpm: float
    pitch: int


VoiceFn = Callable[[NoteContext], FloatArray]


@dataclass(frozen=True)
class Patch:
    voice: VoiceFn
    release_s: float
    gain: float = 1.0


def _vibrato(ctx: NoteContext, depth_cents: float, rate_hz: float = 5.2, delay_s: float = 0.25) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    ramp = np.clip((t - delay_s) / 0.3, 0.0, 1.0)
    return ctx.frequency_hz * 2.0 ** (depth_cents * ramp * np.sin(2 * np.pi * rate_hz * t) / 1200.0)


def _env(ctx: NoteContext, a: float, d: float, s: float, r: float) -> FloatArray:
    return adsr(ctx.on_frames, ctx.total_frames, SR, attack_s=a, decay_s=d, sustain=s, release_s=r)


def _saws(ctx: NoteContext, frequency: FloatArray | float, detune_cents: float, count: int = 2) -> FloatArray:
    out = np.zeros(ctx.total_frames)
    for amount in np.linspace(-1.0, 1.0, count):
        f = np.asarray(frequency) * 2.0 ** (amount * detune_cents / 1200.0)
        phase, increment = phase_from_frequency(
            f if f.ndim else float(f), ctx.total_frames, SR, 0.25 * (amount + 1)
        )
        out += saw(phase, increment)
    return out / count


def _karplus_strong(ctx: NoteContext, brightness_hz: float, t60_s: float, seed: int) -> FloatArray:
    """Plucked string: a noise burst recirculating through a delay line with a two-point average.

    Vectorised by blocks of one period: each block depends only on the previous one, so the Python
    loop runs once per period, not per sample.
    """
    period = max(2, round(SR / ctx.frequency_hz - 0.5))
    frames = ctx.total_frames
    excitation = np.zeros(frames)
    burst = biquad(np.random.default_rng(seed).uniform(-1, 1, period), "lowpass", brightness_hz)
    excitation[: min(period, frames)] = burst[: min(period, frames)]
    loss = 10.0 ** (-3.0 / (t60_s * ctx.frequency_hz))
    buffer = np.zeros(frames + 1)
    for start in range(0, frames, period):
        end = min(start + period, frames)
        block = excitation[start:end].copy()
        if start >= period:
            previous = buffer[start - period + 1 : end - period + 1]
            shifted = buffer[start - period : end - period]
            block += loss * 0.5 * (previous + shifted)
        buffer[start + 1 : end + 1] = block
    return buffer[1:]


# --- voices -------------------------------------------------------------------------------


def _sub_bass(ctx: NoteContext) -> FloatArray:
    phase, _ = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    wave = sine(phase) + 0.15 * triangle(phase)
    return wave * _env(ctx, 0.005, 0.3, 0.85, 0.06)


def _808(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    frequency = np.full(ctx.total_frames, ctx.frequency_hz)
    if ctx.glide_from_hz is not None:
        frequency = ctx.frequency_hz + (ctx.glide_from_hz - ctx.frequency_hz) * np.exp(-t / 0.06)
    frequency = frequency * (1.0 + 0.9 * np.exp(-t / 0.012))
    phase, _ = phase_from_frequency(frequency, ctx.total_frames, SR)
    body = np.tanh(2.2 * sine(phase)) * 0.8
    return body * _env(ctx, 0.002, 1.2, 0.55, 0.08)


def _reese(ctx: NoteContext) -> FloatArray:
    """Two saws detuned against each other (the moving 'reese' beat) over a clean sine sub."""
    detuned = _saws(ctx, ctx.frequency_hz, 18.0, 2)
    t = np.arange(ctx.total_frames) / SR
    sweep = 0.5 + 0.5 * np.sin(2 * np.pi * (ctx.bpm / 60.0 / 4.0) * t - np.pi / 2)
    mid = swept_lowpass(np.tanh(1.8 * detuned), 350.0, 1400.0, sweep, 1.2)
    phase, _ = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    sub = sine(phase)
    return (0.55 * biquad(mid, "highpass", 90.0) + 0.75 * sub) * _env(ctx, 0.01, 0.5, 0.9, 0.08)


def _acid(ctx: NoteContext) -> FloatArray:
    phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    wave = saw(phase, increment)
    filter_env = exp_decay(ctx.total_frames, SR, 0.12)
    out = swept_lowpass(wave, 250.0, 2800.0, filter_env, q=5.0)
    return np.tanh(2.0 * out) * 0.7 * _env(ctx, 0.003, 0.2, 0.6, 0.03)


def _wobble(ctx: NoteContext) -> FloatArray:
    wave = 0.6 * _saws(ctx, ctx.frequency_hz, 10.0, 2)
    phase, increment = phase_from_frequency(ctx.frequency_hz / 2, ctx.total_frames, SR)
    wave += 0.5 * square(phase, increment)
    t = np.arange(ctx.total_frames) / SR
    lfo = 0.5 - 0.5 * np.cos(2 * np.pi * (ctx.bpm / 60.0 * 2.0) * t)
    out = swept_lowpass(np.tanh(1.5 * wave), 180.0, 2200.0, lfo, q=2.0)
    return out * _env(ctx, 0.01, 0.4, 0.9, 0.05)


def _filtered_bass(cutoff_hz: float, env_hz: float, decay_s: float, sustain: float) -> VoiceFn:
    def voice(ctx: NoteContext) -> FloatArray:
        phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
        wave = 0.6 * saw(phase, increment) + 0.5 * square(phase, increment) + 0.6 * sine(phase)
        amount = exp_decay(ctx.total_frames, SR, decay_s)
        out = swept_lowpass(wave, cutoff_hz, cutoff_hz + env_hz, amount, q=1.1)
        return out * _env(ctx, 0.003, decay_s * 2, sustain, 0.04)

    return voice


def _finger_bass(ctx: NoteContext) -> FloatArray:
    phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    wave = 0.7 * triangle(phase) + 0.35 * saw(phase, increment)
    out = swept_lowpass(wave, 500.0, 1800.0, exp_decay(ctx.total_frames, SR, 0.05), q=0.8)
    return out * _env(ctx, 0.004, 0.6, 0.5, 0.05)


def _upright(ctx: NoteContext) -> FloatArray:
    string = _karplus_strong(ctx, 900.0, 1.4, ctx.pitch)
    phase, _ = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    body = sine(phase) * exp_decay(ctx.total_frames, SR, 0.5) * 0.4
    return (string * 1.4 + body) * _env(ctx, 0.003, 2.0, 1.0, 0.06)


def _pluck(ctx: NoteContext) -> FloatArray:
    return _karplus_strong(ctx, 5000.0, 1.2, ctx.pitch) * 1.6 * _env(ctx, 0.001, 3.0, 1.0, 0.15)


def _guitar(ctx: NoteContext) -> FloatArray:
    string = _karplus_strong(ctx, 3500.0, 2.5, ctx.pitch + 1)
    body = string + 0.3 * biquad(string, "bandpass", 220.0, 1.5)
    return body * 1.5 * _env(ctx, 0.002, 4.0, 1.0, 0.08)


def _piano(ctx: NoteContext) -> FloatArray:
    """Additive partials with string inharmonicity; higher partials decay faster."""
    t = np.arange(ctx.total_frames) / SR
    inharmonicity = 0.0004
    out = np.zeros(ctx.total_frames)
    brightness = 1.0 if ctx.pitch > 60 else 1.3
    for k in range(1, 9):
        frequency = ctx.frequency_hz * k * np.sqrt(1 + inharmonicity * k * k)
        if frequency > 16000:
            break
        amplitude = brightness / k**1.3
        out += amplitude * np.sin(2 * np.pi * frequency * t) * np.exp(-t * (0.9 + 0.9 * k))
    hammer = (
        biquad(np.random.default_rng(ctx.pitch).uniform(-1, 1, ctx.total_frames), "bandpass", 2500.0, 1.0)
        * np.exp(-t / 0.004)
        * 0.3
    )
    return (out + hammer) * _env(ctx, 0.002, 5.0, 1.0, 0.12) * 0.7


def _rhodes(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    index = 0.3 + 1.6 * np.exp(-t / 0.15)
    tone = fm(ctx.frequency_hz, ctx.total_frames, SR, 1.0, index)
    tine = fm(ctx.frequency_hz, ctx.total_frames, SR, 14.0, 0.6) * np.exp(-t / 0.03) * 0.25
    tremolo = 1.0 + 0.15 * np.sin(2 * np.pi * 4.5 * t)
    return (tone + tine) * tremolo * _env(ctx, 0.002, 1.5, 0.35, 0.25) * 0.8


def _bell(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    index = 3.5 * np.exp(-t / 0.4)
    return fm(ctx.frequency_hz, ctx.total_frames, SR, 3.5, index) * _env(ctx, 0.001, 1.0, 0.0, 0.6) * 0.8


def _mallet(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    index = 2.0 * np.exp(-t / 0.05)
    return fm(ctx.frequency_hz, ctx.total_frames, SR, 4.0, index) * _env(ctx, 0.001, 0.35, 0.0, 0.3)


def _organ(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    out = np.zeros(ctx.total_frames)
    for harmonic, level in ((0.5, 0.5), (1, 1.0), (2, 0.6), (3, 0.35), (4, 0.25), (6, 0.12)):
        out += level * np.sin(2 * np.pi * ctx.frequency_hz * harmonic * t)
    return out * 0.45 * (1.0 + 0.08 * np.sin(2 * np.pi * 6.5 * t)) * _env(ctx, 0.01, 0.1, 0.9, 0.06)


def _supersaw(ctx: NoteContext) -> FloatArray:
    wave = supersaw(ctx.frequency_hz, ctx.total_frames, SR, 25.0, voices=7, seed=ctx.pitch)
    out = biquad(wave, "lowpass", 6500.0, 0.7)
    return out * _env(ctx, 0.01, 0.5, 0.8, 0.2)


def _stab(ctx: NoteContext) -> FloatArray:
    wave = _saws(ctx, ctx.frequency_hz, 12.0, 2)
    phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    wave = wave + 0.4 * square(phase, increment)
    out = swept_lowpass(wave, 700.0, 4500.0, exp_decay(ctx.total_frames, SR, 0.08), q=1.0)
    return out * _env(ctx, 0.002, 0.15, 0.4, 0.08)


def _saw_lead(ctx: NoteContext) -> FloatArray:
    frequency = _vibrato(ctx, 18.0)
    wave = _saws(ctx, frequency, 9.0, 2)
    out = swept_lowpass(wave, 1800.0, 5500.0, exp_decay(ctx.total_frames, SR, 0.25), q=0.9)
    return out * _env(ctx, 0.006, 0.3, 0.75, 0.12)


def _square_lead(ctx: NoteContext) -> FloatArray:
    phase, increment = phase_from_frequency(_vibrato(ctx, 15.0), ctx.total_frames, SR)
    wave = square(phase, increment, 0.4)
    return biquad(wave, "lowpass", 3200.0) * 0.8 * _env(ctx, 0.005, 0.3, 0.7, 0.1)


def _brass(ctx: NoteContext) -> FloatArray:
    frequency = _vibrato(ctx, 10.0, delay_s=0.35)
    wave = _saws(ctx, frequency, 6.0, 2)
    t = np.arange(ctx.total_frames) / SR
    swell = np.clip(t / 0.08, 0.0, 1.0) * (0.7 + 0.3 * np.exp(-t / 0.3))
    out = swept_lowpass(wave, 600.0, 3200.0, swell, q=0.8)
    return out * _env(ctx, 0.04, 0.4, 0.8, 0.12)


def _flute(ctx: NoteContext) -> FloatArray:
    frequency = _vibrato(ctx, 14.0, 5.0, 0.2)
    phase, _ = phase_from_frequency(frequency, ctx.total_frames, SR)
    tone = sine(phase) + 0.2 * np.sin(4 * np.pi * phase) + 0.08 * np.sin(6 * np.pi * phase)
    breath = (
        biquad(
            np.random.default_rng(ctx.pitch).uniform(-1, 1, ctx.total_frames),
            "bandpass",
            ctx.frequency_hz * 2,
            2.0,
        )
        * 0.25
    )
    return (tone + breath) * 0.8 * _env(ctx, 0.05, 0.3, 0.85, 0.12)


def _strings(ctx: NoteContext) -> FloatArray:
    wave = supersaw(ctx.frequency_hz, ctx.total_frames, SR, 12.0, voices=5, seed=ctx.pitch)
    t = np.arange(ctx.total_frames) / SR
    wave = wave * (1.0 + 0.05 * np.sin(2 * np.pi * 5.5 * t))
    out = biquad(wave, "lowpass", 2800.0, 0.7, stages=2)
    return out * _env(ctx, 0.25, 1.0, 0.9, 0.5)


def _pad(cutoff_hz: float, detune_cents: float) -> VoiceFn:
    def voice(ctx: NoteContext) -> FloatArray:
        wave = supersaw(ctx.frequency_hz, ctx.total_frames, SR, detune_cents, voices=5, seed=ctx.pitch)
        out = biquad(wave, "lowpass", cutoff_hz, 0.7, stages=2)
        return out * _env(ctx, 0.6, 1.5, 0.85, 0.9)

    return voice


_VOWELS: dict[str, tuple[tuple[float, float], ...]] = {
    # (formant centre Hz, relative gain)
    "oo": ((300.0, 1.0), (870.0, 0.35), (2240.0, 0.1)),
    "ah": ((730.0, 1.0), (1090.0, 0.5), (2440.0, 0.2)),
}


def _formants(source: FloatArray, vowel: str) -> FloatArray:
    return sum(
        (gain * biquad(source, "bandpass", centre_hz, 6.0) for centre_hz, gain in _VOWELS[vowel]),
        start=np.zeros_like(source),
    )


def _choir(ctx: NoteContext) -> FloatArray:
    """A vowel synth: a vibrato saw through formant band-passes, opening from 'ooh' to 'aah'."""
    out = np.zeros((2, ctx.total_frames))
    t = np.arange(ctx.total_frames) / SR
    morph = np.clip(t / max(ctx.on_frames / SR, 0.2), 0.0, 1.0)
    for voice, (detune, pan) in enumerate(((-8.0, 0.3), (0.0, 0.5), (8.0, 0.7))):
        frequency = _vibrato(ctx, 22.0, 5.0 + 0.4 * voice, 0.15) * 2.0 ** (detune / 1200.0)
        phase, increment = phase_from_frequency(frequency, ctx.total_frames, SR, 0.3 * voice)
        source = saw(phase, increment)
        sung = _formants(source, "oo") * (1.0 - morph) + _formants(source, "ah") * morph
        out[0] += sung * np.sqrt(1.0 - pan)
        out[1] += sung * np.sqrt(pan)
    breath = biquad(
        np.random.default_rng(ctx.pitch).uniform(-1, 1, ctx.total_frames), "bandpass", 3000.0, 1.0
    )
    out += 0.04 * breath
    return out * 2.2 * _env(ctx, 0.15, 0.8, 0.85, 0.35)


PATCHES: dict[str, Patch] = {
    "sub_bass": Patch(_sub_bass, 0.1),
    "808": Patch(_808, 0.12),
    "reese": Patch(_reese, 0.1),
    "acid": Patch(_acid, 0.06),
    "wobble": Patch(_wobble, 0.08),
    "house_bass": Patch(_filtered_bass(350.0, 1200.0, 0.06, 0.5), 0.06),
    "rolling_bass": Patch(_filtered_bass(450.0, 900.0, 0.04, 0.3), 0.04),
    "finger_bass": Patch(_finger_bass, 0.08),
    "upright": Patch(_upright, 0.1),
    "pluck": Patch(_pluck, 0.3),
    "guitar": Patch(_guitar, 0.2),
    "piano": Patch(_piano, 0.3),
    "rhodes": Patch(_rhodes, 0.5),
    "bell": Patch(_bell, 1.2),
    "mallet": Patch(_mallet, 0.5),
    "organ": Patch(_organ, 0.1),
    "supersaw": Patch(_supersaw, 0.4),
    "stab": Patch(_stab, 0.15),
    "saw_lead": Patch(_saw_lead, 0.25),
    "square_lead": Patch(_square_lead, 0.2),
    "brass": Patch(_brass, 0.25),
    "flute": Patch(_flute, 0.25),
    "strings": Patch(_strings, 1.0),
    "warm_pad": Patch(_pad(1400.0, 18.0), 1.8),
    "dark_pad": Patch(_pad(650.0, 12.0), 1.8),
    "choir": Patch(_choir, 0.7),
}


@lru_cache(maxsize=2048)
def render_note(
    patch_name: str, pitch: int, on_frames: int, glide_from: int | None, bpm: float
) -> FloatArray:
    """One note of a patch, release tail included, shaped (channels, frames) with 1 or 2 channels."""
    patch = PATCHES[patch_name]
    total = (
        on_frames + int(patch.release_s * 5 * SR)
        if patch.release_s < 0.5
        else on_frames + int(patch.release_s * 3 * SR)
    )
    ctx = NoteContext(
        frequency_hz=midi_to_hz(pitch),
        on_frames=on_frames,
        total_frames=total,
        glide_from_hz=midi_to_hz(glide_from) if glide_from is not None else None,
        bpm=bpm,
        pitch=pitch,
    )
    out = np.atleast_2d(patch.voice(ctx)) * patch.gain
    out.setflags(write=False)
    return out
