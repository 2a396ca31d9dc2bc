"""The mix bus: post-fader stems always sum to the mix, roles land at their staged levels and pans,
non-bass stems are high-passed, the bass ducks under the kick only where the genre wants it."""

import numpy as np
import pytest
from scipy import signal

from amp.analysis import levels
from amp.domain.errors import InvalidAudio
from amp.mixing.dynamics import BLOCK_S, compressor_gain, duck_gain
from amp.mixing.mixer import BUS_HEADROOM_PEAK_DBFS, mix_stems, pan_gains, wants_sidechain
from tests.audio.signals import band_noise, sine, song_stems

RATE = 44_100


def _band_energy_db(audio: np.ndarray, low_hz: float, high_hz: float) -> float:
    freqs, psd = signal.welch(audio.mean(axis=0), fs=RATE, nperseg=8192)
    band = (freqs >= low_hz) & (freqs < high_hz)
    return float(10 * np.log10(psd[band].sum() + 1e-30))


@pytest.mark.parametrize("genre", ["techno", "jazz", "ambient"])
def test_post_fader_stems_sum_exactly_to_the_mix(genre: str) -> None:
    result = mix_stems(song_stems(seconds=4.0), RATE, genre)
    total = np.sum(list(result.stems.values()), axis=0)
    assert np.max(np.abs(total - result.mix)) < 1e-6
    assert levels.sample_peak_dbfs(result.mix) == pytest.approx(BUS_HEADROOM_PEAK_DBFS, abs=0.01)
    assert all(float(np.max(np.abs(stem))) < 1.0 for stem in result.stems.values())


def test_stems_are_staged_to_their_role_levels_whatever_they_arrive_at() -> None:
    stems = song_stems(seconds=4.0)
    quiet = {role: audio * np.float32(0.05) for role, audio in stems.items()}
    loud = mix_stems(stems, RATE, "jazz")
    soft = mix_stems(quiet, RATE, "jazz")
    for role in stems:
        assert levels.gated_loudness_lufs(loud.stems[role], RATE) == pytest.approx(
            levels.gated_loudness_lufs(soft.stems[role], RATE), abs=0.2
        )
    drums = levels.gated_loudness_lufs(loud.stems["drums"], RATE)
    chords = levels.gated_loudness_lufs(loud.stems["chords"], RATE)
    assert drums - chords == pytest.approx(5.0, abs=1.5)  # drums -18 vs chords -23 LUFS, then shared bus gain


def test_pan_law_is_constant_power_with_unity_at_centre() -> None:
    assert pan_gains(0.0) == pytest.approx((1.0, 1.0))
    left, right = pan_gains(-0.35)
    assert left > 1.0 > right
    assert left**2 + right**2 == pytest.approx(2.0)
    result = mix_stems(song_stems(seconds=2.0), RATE, "jazz")
    chords = result.stems["chords"]  # panned -0.2
    assert float(np.sum(chords[0] ** 2)) > float(np.sum(chords[1] ** 2))


def test_non_bass_stems_are_high_passed() -> None:
    rumble = sine(50.0, 2.0, amplitude=0.3) + sine(1000.0, 2.0, amplitude=0.3)
    result = mix_stems({"pad": rumble, "bass": sine(55.0, 2.0)}, RATE, "jazz")
    pad = result.stems["pad"]
    low = _band_energy_db(pad, 40, 60)
    mid = _band_energy_db(pad, 900, 1100)
    assert mid - low > 15.0  # the 50 Hz half of the pad was carved away (200 Hz high-pass)


def test_bass_ducks_under_the_kick_for_techno_only() -> None:
    stems = song_stems(bpm=120.0, seconds=4.0)
    stems["bass"] = sine(55.0, 4.0, amplitude=0.5, fade_s=0.0)  # steady, so any movement is ducking
    techno = mix_stems(stems, RATE, "techno")
    jazz = mix_stems(stems, RATE, "jazz")
    assert techno.ducked_roles == ["bass"]
    assert jazz.ducked_roles == []

    def beat_vs_offbeat_db(bass: np.ndarray) -> float:
        window = round(0.03 * RATE)
        on = [bass[:, round(b * RATE) + round(0.01 * RATE) :][:, :window] for b in np.arange(0.5, 3.5, 0.5)]
        off = [bass[:, round((b + 0.25) * RATE) :][:, :window] for b in np.arange(0.5, 3.5, 0.5)]
        return levels.rms_dbfs(np.concatenate(on, axis=1)) - levels.rms_dbfs(np.concatenate(off, axis=1))

    # Jazz's bass only moves with the shared bus compressor (~1 dB); techno's ducks several dB more.
    jazz_db = beat_vs_offbeat_db(jazz.stems["bass"])
    assert abs(jazz_db) < 2.0
    assert beat_vs_offbeat_db(techno.stems["bass"]) < jazz_db - 2.5


def test_genre_families_decide_sidechain() -> None:
    assert wants_sidechain("deep house") and wants_sidechain("drum and bass") and wants_sidechain("trap")
    assert not wants_sidechain("jazz") and not wants_sidechain("ambient") and not wants_sidechain("rock")
    assert wants_sidechain("unheard-of electro fusion")  # keyword fallback for unknown genres


def test_mono_multichannel_and_uneven_stems_are_mixed_to_stereo() -> None:
    stems = {
        "lead": sine(440.0, 1.0, channels=1),
        "pad": np.tile(sine(330.0, 2.0, channels=1), (6, 1)),
        "drums": band_noise(1.5, amplitude=0.2, seed=1),
    }
    result = mix_stems(stems, RATE, "pop")
    assert result.mix.shape == (2, 2 * RATE)
    assert all(stem.shape == (2, 2 * RATE) for stem in result.stems.values())


def test_bus_compressor_reduces_only_the_loud_part() -> None:
    quiet = band_noise(1.0, amplitude=0.02, seed=3)
    loud = band_noise(1.0, amplitude=0.5, seed=4)
    audio = np.concatenate([quiet, loud], axis=1)
    gain = compressor_gain(audio, RATE, threshold_db=-20.0, ratio=2.0, attack_s=0.01, release_s=0.1)
    assert float(np.mean(gain[: RATE // 2])) == pytest.approx(1.0, abs=0.01)
    loud_gain_db = 20 * np.log10(float(np.mean(gain[RATE + RATE // 2 :])))
    assert loud_gain_db == pytest.approx(-(levels.rms_dbfs(loud) + 20.0) / 2, abs=1.5)


def test_duck_gain_is_unity_without_a_trigger() -> None:
    gain = duck_gain(np.zeros((2, RATE), np.float32), RATE, depth_db=6.0, attack_s=0.003, release_s=0.1)
    assert np.all(gain == 1.0)
    assert BLOCK_S < 0.01


def test_silent_or_broken_stems_are_refused() -> None:
    with pytest.raises(InvalidAudio, match="silent"):
        mix_stems({"pad": np.zeros((2, RATE), np.float32)}, RATE, "ambient")
    with pytest.raises(InvalidAudio, match="no stems"):
        mix_stems({}, RATE, "ambient")
    broken = sine(440.0, 1.0)
    broken[0, 5] = np.inf
    with pytest.raises(InvalidAudio, match="NaN or infinite"):
        mix_stems({"lead": broken}, RATE, "pop")


def test_the_trim_is_exact_when_a_stem_peaks_above_the_cancelling_mix() -> None:
    """Two stems in opposite phase through identical strips (roles outside the table share the
    default settings): the mix is quiet, the stems are not. The bus step measures the
    stems whose block-peak bound beats the mix's peak, so the loudest post-fader stem (not the mix)
    lands on the headroom peak and no 24-bit stem clips."""
    clicks = np.zeros((2, 2 * RATE), np.float32)
    clicks[:, RATE // 20 :: RATE // 10] = 0.5  # spiky: peaks far above its loudness
    stems = {"clicks": clicks, "inverted": -clicks, "hum": sine(300.0, 2.0, amplitude=0.2)}
    result = mix_stems(stems, RATE)
    loudest = max(levels.sample_peak_dbfs(stem) for stem in result.stems.values())
    assert loudest == pytest.approx(BUS_HEADROOM_PEAK_DBFS, abs=0.01)
    assert levels.sample_peak_dbfs(result.mix) < BUS_HEADROOM_PEAK_DBFS - 6.0
    total = np.sum(list(result.stems.values()), axis=0)
    assert np.max(np.abs(total - result.mix)) < 1e-6
