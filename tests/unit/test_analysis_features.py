"""Tempo, key, mode and metre judged on real sampled-instrument recordings: MIDI pieces played by
FluidSynth with the FluidR3 GM soundfont (tests/audio/make_fixtures.py), including 3/4 pieces and
tempos under 80 and over 130 bpm where half/double-tempo errors are common."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amp.analysis import features
from amp.analysis.decode import decode_any
from amp.audio_io import encode_wav
from tests.audio.signals import sine

MUSIC = Path(__file__).resolve().parents[1] / "audio" / "music"
MANIFEST: list[dict[str, Any]] = json.loads((MUSIC / "manifest.json").read_text())
TEMPO_TOLERANCE = 0.02
"""2%: a metronome-tight render must not be off by more than a couple of bpm, and never by an octave."""


@pytest.fixture(scope="module")
def analysed() -> dict[str, Any]:
    results = {}
    for piece in MANIFEST:
        decoded = decode_any((MUSIC / piece["file"]).read_bytes(), what=piece["file"])
        results[piece["name"]] = features.extract_features(decoded)
    return results


def test_the_corpus_covers_slow_fast_and_triple_metre() -> None:
    assert any(p["bpm"] < 80 for p in MANIFEST)
    assert any(p["bpm"] > 130 for p in MANIFEST)
    assert any(p["beats_per_bar"] == 3 and p["bpm"] < 80 for p in MANIFEST)
    assert any(p["beats_per_bar"] == 3 and p["bpm"] > 130 for p in MANIFEST)
    assert {p["container"] for p in MANIFEST} >= {"OGG", "FLAC", "MP3"}


@pytest.mark.parametrize("piece", MANIFEST, ids=[p["name"] for p in MANIFEST])
def test_tempo_is_found_without_half_or_double_errors(
    piece: dict[str, Any], analysed: dict[str, Any]
) -> None:
    found = analysed[piece["name"]]
    assert found.bpm == pytest.approx(piece["bpm"], rel=TEMPO_TOLERANCE)
    beats = np.array(found.beat_times_s)
    assert np.median(np.diff(beats)) == pytest.approx(60.0 / piece["bpm"], rel=0.03)


@pytest.mark.parametrize("piece", MANIFEST, ids=[p["name"] for p in MANIFEST])
def test_key_and_mode_are_found(piece: dict[str, Any], analysed: dict[str, Any]) -> None:
    found = analysed[piece["name"]]
    assert (found.key, found.mode) == (piece["key"], piece["mode"])
    assert found.key_confidence >= 0.5


@pytest.mark.parametrize("piece", MANIFEST, ids=[p["name"] for p in MANIFEST])
def test_time_signature_is_told_apart(piece: dict[str, Any], analysed: dict[str, Any]) -> None:
    assert analysed[piece["name"]].time_signature == f"{piece['beats_per_bar']}/4"


def test_features_describe_level_balance_and_image(analysed: dict[str, Any]) -> None:
    for piece in MANIFEST:
        found = analysed[piece["name"]]
        assert -40.0 < found.integrated_lufs < 0.0
        assert -12.0 < found.true_peak_dbtp <= 0.0  # rendered at -6 dBFS sample peak (FLAC: mono mean)
        assert found.loudness_range_lu >= 0.0
        assert found.crest_factor_db > 3.0
        assert set(found.spectral_balance_db) == {"low", "low_mid", "mid", "high"}
        assert 0.5 < found.onset_density_per_s < 20.0
    flac = next(p for p in MANIFEST if p["container"] == "FLAC")
    assert analysed[flac["name"]].stereo_width == 0.0  # the FLAC fixture is mono


def test_a_steady_tone_has_no_confident_tempo_and_no_metre() -> None:
    tone = sine(440.0, 6.0, fade_s=0.5)
    found = features.extract_features(decode_any(encode_wav(tone), what="tone"))
    assert found.time_signature is None
    assert found.bpm is None or found.bpm_confidence < features.MIN_PULSE_CLARITY
