"""Key and mode on the closing bars of real-instrument pieces where a standard chroma-profile
estimator goes wrong: a chorale, a rag, a string quartet, dorian and mixolydian vamps and a blues,
played by FluidSynth with the FluidR3 GM soundfont (bench/key_eval.py --write-fixtures)."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amp.analysis import features, frontend
from amp.analysis.decode import decode_any
from tests.audio.signals import sine

KEYS = Path(__file__).resolve().parents[1] / "audio" / "keys"
MANIFEST: list[dict[str, Any]] = json.loads((KEYS / "manifest.json").read_text())


def _mono(entry: dict[str, Any]) -> np.ndarray:
    decoded = decode_any((KEYS / entry["file"]).read_bytes(), what=entry["file"])
    return features.analysis_mono(decoded.audio, decoded.sample_rate)


def test_the_fixtures_cover_both_modes_and_modal_pieces() -> None:
    assert {entry["mode"] for entry in MANIFEST} == {"major", "minor"}
    assert {"dorian", "mixolydian"} <= {entry["scale"] for entry in MANIFEST}
    assert len(MANIFEST) >= 6


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["name"] for entry in MANIFEST])
def test_key_and_mode_of_real_instrument_pieces(entry: dict[str, Any]) -> None:
    found = features.estimate_key(_mono(entry))
    assert (found.key, found.mode) == (entry["key"], entry["mode"])
    assert found.confidence > 0.2  # ahead of the nearest rival (for a minor piece often its relative)


def test_the_key_follows_a_transposition() -> None:
    """Shifting a piece's pitch by a tone moves the estimate by a tone (nothing is tied to C)."""
    entry = next(e for e in MANIFEST if e["name"] == "chorale_D_minor")
    mono = _mono(entry)
    spectrogram = frontend.pitch_spectrogram(mono, features.ANALYSIS_RATE)
    profile = features.key_profile(spectrogram, bass_weight=0.0)
    shifted = frontend.PitchSpectrogram(
        np.roll(spectrogram.energy, 2, axis=0), spectrogram.low_midi, spectrogram.frame_s
    )
    moved = features.key_profile(shifted, bass_weight=0.0)
    assert np.allclose(np.roll(profile, 2), moved, atol=0.1)  # two rows wrap around the grid


def test_tuning_a_third_of_a_semitone_sharp_keeps_the_pitch_classes() -> None:
    """An A at 440 * 2**(1/36) Hz still reads as A: the pitch grid follows the piece's tuning."""
    rate = features.ANALYSIS_RATE
    tone = (
        sine(440.0 * 2 ** (1 / 36), 3.0, sample_rate=rate)[0]
        + sine(660.0 * 2 ** (1 / 36), 3.0, sample_rate=rate)[0]
    )
    spectrogram = frontend.pitch_spectrogram(tone.astype(np.float32), rate)
    profile = features.key_profile(spectrogram, bass_weight=0.0, final_weight=0.0)
    assert set(np.argsort(profile)[-2:]) == {9, 4}  # A and E


def test_silence_has_no_key() -> None:
    found = features.estimate_key(np.zeros(features.ANALYSIS_RATE * 2, dtype=np.float32))
    assert (found.key, found.mode, found.confidence) == (None, None, 0.0)
