"""Oscillators and voices: band-limiting (alias fold-back), pitch accuracy, envelopes that end at
silence, and the vectorised Karplus-Strong string."""

import numpy as np
import pytest
from scipy.signal import get_window

from amp.synth.envelopes import adsr
from amp.synth.instruments import PATCHES, render_note
from amp.synth.oscillators import naive_saw, phase_from_frequency, polyblep_saw, saw, square

SR = 44_100


def _alias_db(signal: np.ndarray, fundamental_hz: float) -> float:
    """Energy away from the true harmonics (under Nyquist) relative to the harmonics, in dB."""
    spectrum = np.abs(np.fft.rfft(signal * get_window("blackmanharris", signal.size))) ** 2
    freqs = np.fft.rfftfreq(signal.size, 1 / SR)
    harmonic = np.zeros(freqs.size, dtype=bool)
    for k in range(1, int(SR / 2 // fundamental_hz) + 1):
        harmonic |= np.abs(freqs - k * fundamental_hz) < 30.0
    harmonic &= freqs > 1.0
    return float(10 * np.log10(spectrum[~harmonic & (freqs > 1.0)].sum() / spectrum[harmonic].sum()))


def test_polyblep_saw_at_5_khz_folds_back_far_less_than_the_naive_saw() -> None:
    phase, increment = phase_from_frequency(5000.0, SR, SR)
    polyblep = _alias_db(polyblep_saw(phase, increment), 5000.0)
    naive = _alias_db(naive_saw(phase), 5000.0)
    assert polyblep < -20.0
    assert polyblep < naive - 12.0


@pytest.mark.parametrize("fundamental_hz", [3000.0, 5000.0, 7919.0])
def test_high_saws_and_squares_are_exactly_band_limited(fundamental_hz: float) -> None:
    phase, increment = phase_from_frequency(fundamental_hz, SR, SR)
    assert _alias_db(saw(phase, increment), fundamental_hz) < -80.0
    assert _alias_db(square(phase, increment), fundamental_hz) < -80.0


def test_low_saw_keeps_its_harmonics_and_stays_in_range() -> None:
    phase, increment = phase_from_frequency(110.0, SR, SR)
    wave = saw(phase, increment)
    assert -1.05 < float(wave.min()) < -0.9 and 0.9 < float(wave.max()) < 1.05
    assert abs(float(wave.mean())) < 0.01
    assert _alias_db(wave, 110.0) < -40.0


def test_pulse_has_no_dc_offset() -> None:
    phase, increment = phase_from_frequency(440.0, SR, SR)
    assert abs(float(square(phase, increment, 0.3).mean())) < 0.01


def test_adsr_attacks_sustains_and_releases_to_silence() -> None:
    env = adsr(SR, 2 * SR, SR, attack_s=0.1, decay_s=0.05, sustain=0.5, release_s=0.1)
    assert env[0] == 0.0 and abs(float(env[int(0.1 * SR)]) - 1.0) < 0.01
    assert abs(float(env[SR - 1]) - 0.5) < 0.01
    assert float(env[-1]) == 0.0 and float(env[int(1.5 * SR)]) < 0.5 * np.exp(-4)


@pytest.mark.parametrize(
    "patch",
    [
        "pluck",
        "upright",
        "guitar",
        "saw_lead",
        "square_lead",
        "sub_bass",
        "strings",
        "rhodes",
        "piano",
        "flute",
        "supersaw",
        "choir",
    ],
)
def test_patches_play_the_requested_pitch(patch: str) -> None:
    pitch = 45 if patch in ("upright", "sub_bass") else 57
    note = render_note(patch, pitch, SR, None, 120.0)
    mono = note.mean(axis=0)[int(0.3 * SR) : int(0.3 * SR) + 32768].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(mono.size)))
    freqs = np.fft.rfftfreq(mono.size, 1 / SR)
    expected_hz = 440.0 * 2 ** ((pitch - 69) / 12)
    band = (freqs > expected_hz * 0.5) & (freqs < expected_hz * 1.5)
    peak_hz = freqs[band][np.argmax(spectrum[band])]
    assert abs(1200 * np.log2(peak_hz / expected_hz)) < 30, (
        f"{patch}: {peak_hz:.1f} Hz, want {expected_hz:.1f}"
    )


@pytest.mark.parametrize("patch", sorted(PATCHES))
def test_every_patch_renders_finite_audio_that_ends_silent(patch: str) -> None:
    note = render_note(patch, 48, SR // 2, 41 if patch == "808" else None, 128.0)
    assert note.dtype == np.float32 and note.shape[0] in (1, 2)
    assert np.all(np.isfinite(note))
    assert 0.05 < float(np.abs(note).max()) < 4.0
    assert float(np.abs(note[:, -1]).max()) < 1e-3
