"""Synthetic test signals with known physics (level, tempo, pitch), shaped (channels, frames) float32.

Deterministic: every generator is seeded or noise-free, so a test's figures never drift."""

import numpy as np

from amp.audio_io import SAMPLE_RATE, AudioBuffer


def sine(
    frequency_hz: float,
    seconds: float,
    *,
    amplitude: float = 0.5,
    sample_rate: int = SAMPLE_RATE,
    channels: int = 2,
    fade_s: float = 0.01,
) -> AudioBuffer:
    """A sine faded at both ends (no clicks)."""
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    wave = amplitude * np.sin(2 * np.pi * frequency_hz * t)
    fade = min(round(fade_s * sample_rate), t.size // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        wave[:fade] *= ramp
        wave[-fade:] *= ramp[::-1]
    return np.tile(wave.astype(np.float32), (channels, 1))


def band_noise(seconds: float, *, amplitude: float, seed: int, sample_rate: int = SAMPLE_RATE) -> AudioBuffer:
    rng = np.random.default_rng(seed)
    return (amplitude * rng.standard_normal((2, round(seconds * sample_rate)))).astype(np.float32)


def song_stems(
    bpm: float = 120.0, seconds: float = 8.0, *, sample_rate: int = SAMPLE_RATE
) -> dict[str, AudioBuffer]:
    """Four stereo stems of a tiny A-minor loop at `bpm`: kick+hat drums, bass, chords, lead."""
    frames = round(seconds * sample_rate)
    t = np.arange(frames) / sample_rate
    beat_s = 60.0 / bpm
    rng = np.random.default_rng(7)
    drums = np.zeros(frames)
    for onset_s in np.arange(0.0, seconds, beat_s):
        start = round(onset_s * sample_rate)
        length = min(frames - start, round(0.25 * sample_rate))
        local = np.arange(length) / sample_rate
        drums[start : start + length] += (
            0.9 * np.sin(2 * np.pi * (45 * local + 90 / 25 * (1 - np.exp(-25 * local)))) * np.exp(-9 * local)
        )
        hat_start = round((onset_s + beat_s / 2) * sample_rate)
        hat_len = min(max(frames - hat_start, 0), round(0.04 * sample_rate))
        drums[hat_start : hat_start + hat_len] += (
            0.2 * rng.standard_normal(hat_len) * np.exp(-80 * np.arange(hat_len) / sample_rate)
        )
    roots_hz = [110.0, 87.31, 130.81, 98.0]  # A F C G
    bar_s = 4 * beat_s
    chord_index = (t // bar_s).astype(int) % len(roots_hz)
    root = np.array(roots_hz)[chord_index]
    bass = 0.5 * np.sin(2 * np.pi * np.cumsum(root / 2) / sample_rate)
    chords = np.zeros(frames)
    for ratio in (1.0, 1.2, 1.5):  # minor-ish triad on each root
        chords += 0.12 * np.sin(2 * np.pi * np.cumsum(root * 2 * ratio) / sample_rate)
    melody_hz = np.array([440.0, 523.25, 659.25, 587.33, 523.25, 493.88, 440.0, 392.0])
    note = (t // beat_s).astype(int) % melody_hz.size
    envelope = np.exp(-3 * (t % beat_s))
    lead = 0.3 * envelope * np.sin(2 * np.pi * np.cumsum(melody_hz[note]) / sample_rate)
    return {
        "drums": np.tile(drums.astype(np.float32), (2, 1)),
        "bass": np.tile(bass.astype(np.float32), (2, 1)),
        "chords": np.stack([chords, np.roll(chords, 200)]).astype(np.float32),
        "lead": np.tile(lead.astype(np.float32), (2, 1)),
    }
