"""Drum voices: kicks sweep down to a low fundamental, hats are high-passed noise, every GM piece of
every kit renders, and drum hits land on the tempo grid in the rendered stem."""

import numpy as np
import pytest

from amp.compose import compose_song
from amp.compose.rhythm import CLOSED_HAT, KICK, SNARE
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.synth.drums import drum_sample
from amp.synth.effects import StemEffects
from amp.synth.render import place_notes

SR = 44_100


def _centroid_hz(samples: np.ndarray) -> float:
    """Power-weighted spectral centroid."""
    power = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / SR)
    return float((power * freqs).sum() / power.sum())


@pytest.mark.parametrize("kit", ["kit909", "kit808", "breaks", "acoustic"])
def test_kick_is_low_and_hat_is_high(kit: str) -> None:
    kick = drum_sample(kit, KICK, 1)
    hat = drum_sample(kit, CLOSED_HAT, 1)
    assert _centroid_hz(kick) < 150.0
    assert _centroid_hz(hat) > 6000.0
    assert 150.0 < _centroid_hz(drum_sample(kit, SNARE, 1)) < 6000.0


@pytest.mark.parametrize(
    "note", [35, 36, 37, 38, 39, 42, 44, 46, 49, 51, 45, 47, 50, 54, 56, 60, 61, 62, 63, 64, 70, 75]
)
def test_every_drum_piece_renders_finite_decaying_audio(note: int) -> None:
    sample = drum_sample("kit909", note, 3)
    assert np.all(np.isfinite(sample)) and 0.05 < float(np.abs(sample).max()) < 4.0
    assert float(np.abs(sample[-1])) < 1e-3


def test_drum_onsets_sit_on_the_sixteenth_grid() -> None:
    spec = MusicSpec(
        genre="techno",
        bpm=128.0,
        key="A",
        mode=Mode.MINOR,
        duration_s=16.0,
        seed=5,
        instruments=[Instrument(name="909", role=Role.DRUMS)],
    )
    score = compose_song(spec)
    part = score.parts[Role.DRUMS]
    kicks = [n for n in part.notes if n.pitch == KICK]
    step_qn = 0.25
    assert kicks and all(
        abs(n.start_qn / step_qn - round(n.start_qn / step_qn)) * step_qn * 60 / 128 < 0.004 for n in kicks
    )
    audio = place_notes(score, part, round(16.0 * SR), spec.seed, StemEffects(None, None)).mean(axis=0)
    kick = drum_sample(part.patch, KICK, spec.seed + KICK, 440.0 * 2 ** ((score.key_pc + 36 - 69) / 12))
    frames_per_qn = 60.0 / 128.0 * SR
    grid_frames = 0.25 * frames_per_qn
    for note in kicks[1:9]:
        expected = round(note.start_qn * frames_per_qn)
        segment = audio[expected - 1000 : expected + 1000 + 2048]
        correlation = np.correlate(segment, kick[:2048], mode="valid")
        found = expected - 1000 + int(np.argmax(correlation))
        assert abs(found - expected) <= 2, f"kick at {note.start_qn} qn placed {found - expected} frames off"
        assert abs(found / grid_frames - round(found / grid_frames)) * grid_frames < 0.004 * SR
