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
    constant_saw,
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
    """What a voice needs to render a held note's timbre (the envelope is applied afterwards)."""

    frequency_hz: float
    total_frames: int
    glide_from_hz: float | None
    bpm: float
    pitch: int


VoiceFn = Callable[[NoteContext], FloatArray]


@dataclass(frozen=True)
class Adsr:
    attack_s: float
    decay_s: float
    sustain: float
    release_s: float
    """Release time constant; the rendered tail lasts 6 of them (about -52 dB)."""

    @property
    def tail_frames(self) -> int:
        return int(max(0.03, 6.0 * self.release_s) * SR)


@dataclass(frozen=True)
class Patch:
    """A voice renders the timbre of a held note; the ADSR shapes it per note length. Keeping the
    two apart lets one timbre render per pitch serve every note length of that pitch."""

    voice: VoiceFn
    adsr: Adsr
    gain: float = 1.0


def _vibrato(ctx: NoteContext, depth_cents: float, rate_hz: float = 5.2, delay_s: float = 0.25) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    ramp = np.clip((t - delay_s) / 0.3, 0.0, 1.0)
    return ctx.frequency_hz * 2.0 ** (depth_cents * ramp * np.sin(2 * np.pi * rate_hz * t) / 1200.0)


def _saws(ctx: NoteContext, frequency: FloatArray | float, detune_cents: float, count: int = 2) -> FloatArray:
    out = np.zeros(ctx.total_frames)
    for amount in np.linspace(-1.0, 1.0, count):
        f = np.asarray(frequency) * 2.0 ** (amount * detune_cents / 1200.0)
        if not f.ndim:  # a fixed pitch: the cheap exact path
            out += constant_saw(float(f), ctx.total_frames, SR, 0.25 * (amount + 1))
            continue
        phase, increment = phase_from_frequency(f, ctx.total_frames, SR, 0.25 * (amount + 1))
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
    return wave


def _808(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    frequency = np.full(ctx.total_frames, ctx.frequency_hz)
    if ctx.glide_from_hz is not None:
        frequency = ctx.frequency_hz + (ctx.glide_from_hz - ctx.frequency_hz) * np.exp(-t / 0.06)
    frequency = frequency * (1.0 + 0.9 * np.exp(-t / 0.012))
    phase, _ = phase_from_frequency(frequency, ctx.total_frames, SR)
    body = np.tanh(2.2 * sine(phase)) * 0.8
    return body


def _reese(ctx: NoteContext) -> FloatArray:
    """Two saws detuned against each other (the moving 'reese' beat) over a clean sine sub."""
    detuned = _saws(ctx, ctx.frequency_hz, 18.0, 2)
    t = np.arange(ctx.total_frames) / SR
    sweep = 0.5 + 0.5 * np.sin(2 * np.pi * (ctx.bpm / 60.0 / 4.0) * t - np.pi / 2)
    mid = swept_lowpass(np.tanh(1.8 * detuned), 350.0, 1400.0, sweep, 1.2)
    phase, _ = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    sub = sine(phase)
    return 0.55 * biquad(mid, "highpass", 90.0) + 0.75 * sub


def _acid(ctx: NoteContext) -> FloatArray:
    phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    wave = saw(phase, increment)
    filter_env = exp_decay(ctx.total_frames, SR, 0.12)
    out = swept_lowpass(wave, 250.0, 2800.0, filter_env, q=5.0)
    return np.tanh(2.0 * out) * 0.7


def _wobble(ctx: NoteContext) -> FloatArray:
    wave = 0.6 * _saws(ctx, ctx.frequency_hz, 10.0, 2)
    phase, increment = phase_from_frequency(ctx.frequency_hz / 2, ctx.total_frames, SR)
    wave += 0.5 * square(phase, increment)
    t = np.arange(ctx.total_frames) / SR
    lfo = 0.5 - 0.5 * np.cos(2 * np.pi * (ctx.bpm / 60.0 * 2.0) * t)
    out = swept_lowpass(np.tanh(1.5 * wave), 180.0, 2200.0, lfo, q=2.0)
    return out


def _filtered_bass(cutoff_hz: float, env_hz: float, decay_s: float) -> VoiceFn:
    def voice(ctx: NoteContext) -> FloatArray:
        phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
        wave = 0.6 * saw(phase, increment) + 0.5 * square(phase, increment) + 0.6 * sine(phase)
        amount = exp_decay(ctx.total_frames, SR, decay_s)
        out = swept_lowpass(wave, cutoff_hz, cutoff_hz + env_hz, amount, q=1.1)
        return out

    return voice


def _finger_bass(ctx: NoteContext) -> FloatArray:
    phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    wave = 0.7 * triangle(phase) + 0.35 * saw(phase, increment)
    out = swept_lowpass(wave, 500.0, 1800.0, exp_decay(ctx.total_frames, SR, 0.05), q=0.8)
    return out


def _upright(ctx: NoteContext) -> FloatArray:
    string = _karplus_strong(ctx, 900.0, 1.4, ctx.pitch)
    phase, _ = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    body = sine(phase) * exp_decay(ctx.total_frames, SR, 0.5) * 0.4
    return string * 1.4 + body


def _pluck(ctx: NoteContext) -> FloatArray:
    return _karplus_strong(ctx, 5000.0, 1.2, ctx.pitch) * 1.6


def _guitar(ctx: NoteContext) -> FloatArray:
    string = _karplus_strong(ctx, 3500.0, 2.5, ctx.pitch + 1)
    body = string + 0.3 * biquad(string, "bandpass", 220.0, 1.5)
    return body * 1.5


def _dist_guitar(ctx: NoteContext) -> FloatArray:
    """An overdriven electric guitar: a long-sustain plucked string into a tanh stage and a
    speaker-cabinet low-pass."""
    string = _karplus_strong(ctx, 4000.0, 6.0, ctx.pitch + 2)
    driven = np.tanh(8.0 * string)
    out: FloatArray = biquad(driven, "lowpass", 3800.0, 0.9, stages=2) * 0.45
    return out


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
    return (out + hammer) * 0.7


def _rhodes(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    index = 0.3 + 1.6 * np.exp(-t / 0.15)
    tone = fm(ctx.frequency_hz, ctx.total_frames, SR, 1.0, index)
    tine = fm(ctx.frequency_hz, ctx.total_frames, SR, 14.0, 0.6) * np.exp(-t / 0.03) * 0.25
    tremolo = 1.0 + 0.15 * np.sin(2 * np.pi * 4.5 * t)
    return (tone + tine) * tremolo * 0.8


def _bell(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    index = 3.5 * np.exp(-t / 0.4)
    return fm(ctx.frequency_hz, ctx.total_frames, SR, 3.5, index) * 0.8


def _mallet(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    index = 2.0 * np.exp(-t / 0.05)
    return fm(ctx.frequency_hz, ctx.total_frames, SR, 4.0, index)


def _organ(ctx: NoteContext) -> FloatArray:
    t = np.arange(ctx.total_frames) / SR
    out = np.zeros(ctx.total_frames)
    for harmonic, level in ((0.5, 0.4), (1, 1.0), (2, 0.6), (3, 0.15), (4, 0.3), (8, 0.1)):
        out += level * np.sin(2 * np.pi * ctx.frequency_hz * harmonic * t)
    return out * 0.45 * (1.0 + 0.08 * np.sin(2 * np.pi * 6.5 * t))


def _supersaw(ctx: NoteContext) -> FloatArray:
    wave = supersaw(ctx.frequency_hz, ctx.total_frames, SR, 25.0, voices=7, seed=ctx.pitch)
    out = biquad(wave, "lowpass", 6500.0, 0.7)
    return out


def _stab(ctx: NoteContext) -> FloatArray:
    wave = _saws(ctx, ctx.frequency_hz, 12.0, 2)
    phase, increment = phase_from_frequency(ctx.frequency_hz, ctx.total_frames, SR)
    wave = wave + 0.4 * square(phase, increment)
    out = swept_lowpass(wave, 700.0, 4500.0, exp_decay(ctx.total_frames, SR, 0.08), q=1.0)
    return out


def _saw_lead(ctx: NoteContext) -> FloatArray:
    frequency = _vibrato(ctx, 18.0)
    wave = _saws(ctx, frequency, 9.0, 2)
    out = swept_lowpass(wave, 1800.0, 5500.0, exp_decay(ctx.total_frames, SR, 0.25), q=0.9)
    return out


def _square_lead(ctx: NoteContext) -> FloatArray:
    phase, increment = phase_from_frequency(_vibrato(ctx, 15.0), ctx.total_frames, SR)
    wave = square(phase, increment, 0.4)
    return biquad(wave, "lowpass", 3200.0) * 0.8


def _brass(ctx: NoteContext) -> FloatArray:
    frequency = _vibrato(ctx, 10.0, delay_s=0.35)
    wave = _saws(ctx, frequency, 6.0, 2)
    t = np.arange(ctx.total_frames) / SR
    swell = np.clip(t / 0.08, 0.0, 1.0) * (0.7 + 0.3 * np.exp(-t / 0.3))
    out = swept_lowpass(wave, 600.0, 3200.0, swell, q=0.8)
    return out


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
    return (tone + breath) * 0.8


def _strings(ctx: NoteContext) -> FloatArray:
    wave = supersaw(ctx.frequency_hz, ctx.total_frames, SR, 12.0, voices=5, seed=ctx.pitch)
    t = np.arange(ctx.total_frames) / SR
    wave = wave * (1.0 + 0.05 * np.sin(2 * np.pi * 5.5 * t))
    out = biquad(wave, "lowpass", 2800.0, 0.7, stages=2)
    return out


def _pad(cutoff_hz: float, detune_cents: float) -> VoiceFn:
    def voice(ctx: NoteContext) -> FloatArray:
        wave = supersaw(ctx.frequency_hz, ctx.total_frames, SR, detune_cents, voices=4, seed=ctx.pitch)
        out = biquad(wave, "lowpass", cutoff_hz, 0.7, stages=2)
        return out

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
    """A vowel synth: two detuned vibrato saws (left, right) through formant band-passes, opening
    from 'ooh' to 'aah' over the first 1.2 s of the note."""
    t = np.arange(ctx.total_frames) / SR
    morph = np.clip(t / 1.2, 0.0, 1.0)
    source = np.empty((2, ctx.total_frames))
    for channel, (detune_cents, rate_hz) in enumerate(((-7.0, 5.0), (7.0, 5.4))):
        frequency = _vibrato(ctx, 22.0, rate_hz, 0.15) * 2.0 ** (detune_cents / 1200.0)
        phase, increment = phase_from_frequency(frequency, ctx.total_frames, SR, 0.3 * channel)
        source[channel] = saw(phase, increment)
    sung = _formants(source, "ah")
    opening = min(ctx.total_frames, int(1.2 * SR))  # 'oo' only matters while the vowel opens
    sung[:, :opening] = sung[:, :opening] * morph[:opening] + _formants(source[:, :opening], "oo") * (
        1.0 - morph[:opening]
    )
    breath = biquad(
        np.random.default_rng(ctx.pitch).uniform(-1, 1, ctx.total_frames), "bandpass", 3000.0, 1.0
    )
    out: FloatArray = (sung + 0.04 * breath) * 2.6
    return out


def _a(attack_s: float, decay_s: float, sustain: float, release_s: float) -> Adsr:
    return Adsr(attack_s, decay_s, sustain, release_s)


PATCHES: dict[str, Patch] = {
    "sub_bass": Patch(_sub_bass, _a(0.005, 0.3, 0.85, 0.03)),
    "808": Patch(_808, _a(0.002, 1.2, 0.55, 0.04)),
    "reese": Patch(_reese, _a(0.01, 0.5, 0.9, 0.04)),
    "acid": Patch(_acid, _a(0.003, 0.2, 0.6, 0.02)),
    "wobble": Patch(_wobble, _a(0.01, 0.4, 0.9, 0.03)),
    "house_bass": Patch(_filtered_bass(350.0, 1200.0, 0.06), _a(0.003, 0.12, 0.5, 0.03)),
    "rolling_bass": Patch(_filtered_bass(450.0, 900.0, 0.04), _a(0.003, 0.08, 0.3, 0.02)),
    "finger_bass": Patch(_finger_bass, _a(0.004, 0.6, 0.5, 0.04)),
    "upright": Patch(_upright, _a(0.003, 2.0, 1.0, 0.05)),
    "pluck": Patch(_pluck, _a(0.001, 3.0, 1.0, 0.1)),
    "guitar": Patch(_guitar, _a(0.002, 4.0, 1.0, 0.06)),
    "dist_guitar": Patch(_dist_guitar, _a(0.002, 6.0, 1.0, 0.06)),
    "piano": Patch(_piano, _a(0.002, 5.0, 1.0, 0.1)),
    "rhodes": Patch(_rhodes, _a(0.002, 1.5, 0.35, 0.2)),
    "bell": Patch(_bell, _a(0.001, 1.0, 0.0, 0.4)),
    "mallet": Patch(_mallet, _a(0.001, 0.35, 0.0, 0.2)),
    "organ": Patch(_organ, _a(0.01, 0.1, 0.9, 0.05)),
    "supersaw": Patch(_supersaw, _a(0.01, 0.5, 0.8, 0.15)),
    "stab": Patch(_stab, _a(0.002, 0.15, 0.4, 0.06)),
    "saw_lead": Patch(_saw_lead, _a(0.006, 0.3, 0.75, 0.1)),
    "square_lead": Patch(_square_lead, _a(0.005, 0.3, 0.7, 0.08)),
    "brass": Patch(_brass, _a(0.04, 0.4, 0.8, 0.1)),
    "flute": Patch(_flute, _a(0.05, 0.3, 0.85, 0.1)),
    "strings": Patch(_strings, _a(0.25, 1.0, 0.9, 0.35)),
    "warm_pad": Patch(_pad(1400.0, 18.0), _a(0.6, 1.5, 0.85, 0.5)),
    "dark_pad": Patch(_pad(650.0, 12.0), _a(0.6, 1.5, 0.85, 0.5)),
    "choir": Patch(_choir, _a(0.15, 0.8, 0.85, 0.3)),
}


def note_frames(patch_name: str, on_frames: int) -> int:
    """A note's rendered length: held frames plus the release tail."""
    return on_frames + PATCHES[patch_name].adsr.tail_frames


def timbre(patch_name: str, pitch: int, glide_from: int | None, bpm: float, frames: int) -> FloatArray:
    """The held note's sound for `frames` frames, (channels, frames) float32, before the envelope.

    Voices are causal (oscillators, IIR filters, seeded noise), so a longer render starts with the
    same samples as a shorter one.
    """
    patch = PATCHES[patch_name]
    ctx = NoteContext(
        frequency_hz=midi_to_hz(pitch),
        total_frames=frames,
        glide_from_hz=midi_to_hz(glide_from) if glide_from is not None else None,
        bpm=bpm,
        pitch=pitch,
    )
    return np.asarray(np.atleast_2d(patch.voice(ctx)) * patch.gain, dtype=np.float32)


@lru_cache(maxsize=512)
def envelope(patch_name: str, on_frames: int) -> FloatArray:
    shape = PATCHES[patch_name].adsr
    total = note_frames(patch_name, on_frames)
    env = adsr(
        on_frames,
        total,
        SR,
        attack_s=shape.attack_s,
        decay_s=shape.decay_s,
        sustain=shape.sustain,
        release_s=shape.release_s,
    ).astype(np.float32)
    env.setflags(write=False)
    return env


def render_note(
    patch_name: str, pitch: int, on_frames: int, glide_from: int | None = None, bpm: float = 120.0
) -> FloatArray:
    """One complete note (timbre x envelope), release tail included."""
    total = note_frames(patch_name, on_frames)
    return timbre(patch_name, pitch, glide_from, bpm, total) * envelope(patch_name, on_frames)
