"""Each QA check on signals with a known answer, and the remaster decision built from them."""

import numpy as np
import pytest

from amp.analysis import features
from amp.analysis.features import KeyEstimate, TempoEstimate
from amp.domain.qa import MasterAdjustments, QACheck, QAReport, Severity
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.domain.stage_io import MAX_MASTERING_PASSES, MasteringSettings
from amp.mastering.chain import dc_highpass
from amp.qa import checks, musical
from amp.qa.report import advisory_lines, build_report, next_mastering, should_remaster, summary
from tests.audio.signals import band_noise, sine, song_stems

RATE = 44_100


def _spec(bpm: float = 120.0, key: str = "A", mode: Mode = Mode.MINOR, genre: str = "techno") -> MusicSpec:
    return MusicSpec(
        genre=genre, bpm=bpm, key=key, mode=mode, duration_s=30, seed=1,
        instruments=[Instrument(name="kit", role=Role.DRUMS), Instrument(name="bass", role=Role.BASS)],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("measured", "passed"), [(-14.0, True), (-14.49, True), (-13.4, False), (-15.2, False)]
)
def test_loudness_passes_within_half_an_lu(measured: float, passed: bool) -> None:
    check = checks.loudness_check(measured, -14.0)
    assert check.passed is passed
    assert check.remasterable
    assert "LUFS" in check.message


def test_true_peak_bound_is_inclusive_and_remasterable() -> None:
    assert checks.true_peak_check(-1.0).passed
    failed = checks.true_peak_check(-0.4)
    assert not failed.passed and failed.remasterable and "exceeds" in failed.message


def test_clipping_counts_runs_of_full_scale_samples() -> None:
    tone = sine(100.0, 1.0, amplitude=0.5)
    assert checks.clipping_check(tone).passed
    clipped = np.clip(tone * 4, -1.0, 1.0)
    check = checks.clipping_check(clipped)
    assert not check.passed and check.value is not None and check.value > 100


def test_silence_in_intro_and_outro_is_allowed_but_not_inside() -> None:
    tone = sine(220.0, 2.0)
    gap = np.zeros((2, 3 * RATE), np.float32)
    framed = np.concatenate([gap, tone, gap], axis=1)  # 3 s intro and outro silence
    assert checks.silence_check(framed, RATE).passed
    holed = np.concatenate([tone, gap, tone], axis=1)
    check = checks.silence_check(holed, RATE)
    assert not check.passed
    assert check.value == pytest.approx(3.0, abs=0.1)
    assert "2.0-5.0 s" in check.message
    short = np.concatenate([tone, gap[:, :RATE], tone], axis=1)
    assert checks.silence_check(short, RATE).passed


def test_an_all_silent_mix_fails_the_silence_check() -> None:
    check = checks.silence_check(np.zeros((2, RATE * 3), np.float32), RATE)
    assert not check.passed and "silent throughout" in check.message


def test_dc_offset_and_phase_checks() -> None:
    tone = sine(440.0, 1.0, amplitude=0.3, fade_s=0.0)
    assert checks.dc_offset_check(tone).passed
    assert not checks.dc_offset_check(tone + np.float32(0.01)).passed
    assert checks.phase_check(tone).passed
    inverted = np.stack([tone[0], -tone[1]])
    assert not checks.phase_check(inverted).passed


def test_stems_sum_check_catches_a_missing_stem() -> None:
    stems = song_stems(seconds=4.0)
    # What the master chain does before its limiter: DC high-pass and gain. Neither is a residual.
    mix = dc_highpass(np.sum(list(stems.values()), axis=0), RATE) * np.float32(1.7)
    assert checks.stems_sum_check(mix, stems.values(), RATE).passed
    without_drums = [audio for role, audio in stems.items() if role != "drums"]
    check = checks.stems_sum_check(mix, without_drums, RATE)
    assert not check.passed and check.value is not None and check.value > -10.0


def test_excluded_roles_check() -> None:
    assert checks.excluded_roles_check({"drums", "bass"}, [Role.LEAD]).passed
    check = checks.excluded_roles_check({"drums", "lead"}, [Role.LEAD])
    assert not check.passed and not check.remasterable and "lead" in check.message


@pytest.mark.parametrize(
    ("found_bpm", "passed"),
    [(120.5, True), (60.2, True), (241.0, True), (80.5, True), (179.0, True), (100.0, False), (126.0, False)],
)
def test_tempo_check_accepts_the_same_grid_in_half_double_or_triplet_time(
    found_bpm: float, passed: bool
) -> None:
    check = musical.tempo_check(_spec(120.0), TempoEstimate(found_bpm, 0.8, []), {"drums", "bass"}, 30.0)
    assert check.passed is passed


def test_tempo_is_not_judged_on_short_mixes_or_without_a_rhythm_section_or_a_pulse() -> None:
    wrong = TempoEstimate(90.0, 0.8, [])
    assert musical.tempo_check(_spec(120.0), wrong, {"pad", "lead"}, 30.0).passed
    assert musical.tempo_check(_spec(120.0), TempoEstimate(90.0, 0.1, []), {"drums"}, 30.0).passed
    short = musical.tempo_check(_spec(120.0), wrong, {"drums"}, 6.0)
    assert short.passed and "too short" in short.message


@pytest.mark.parametrize(
    ("found", "spec_key", "spec_mode", "passed"),
    [
        (("A", "minor"), "A", Mode.MINOR, True),
        (("C", "major"), "A", Mode.MINOR, True),  # relative major: same notes
        (("D", "minor"), "D", Mode.DORIAN, True),  # same tonic, minor family
        (("E", "minor"), "A", Mode.MINOR, True),  # a fifth away
        (("Bb", "minor"), "A", Mode.MINOR, False),  # a semitone off
        (("A", "major"), "A", Mode.MINOR, False),  # parallel major is a different key
        (("Eb", "minor"), "A", Mode.MINOR, False),  # tritone
    ],
)
def test_key_check(found: tuple[str, str], spec_key: str, spec_mode: Mode, passed: bool) -> None:
    estimate = KeyEstimate(found[0], found[1], 0.8)  # type: ignore[arg-type]
    assert musical.key_check(_spec(key=spec_key, mode=spec_mode), estimate).passed is passed


def test_key_is_not_judged_when_the_chroma_is_ambiguous() -> None:
    assert musical.key_check(_spec(), KeyEstimate("Eb", "minor", 0.2)).passed


def test_spectral_balance_bounds_follow_the_genre() -> None:
    no_bass = {"low": -25.0, "low_mid": -3.0, "mid": -4.0, "high": -12.0}
    assert not musical.spectral_balance_check("techno", no_bass).passed
    assert musical.spectral_balance_check("ambient", no_bass).passed
    hiss = {"low": -12.0, "low_mid": -10.0, "mid": -6.0, "high": -1.5}
    assert not musical.spectral_balance_check("rock", hiss).passed
    assert musical.spectral_balance_check(
        "a genre nobody knows", {"low": -3, "low_mid": -6, "mid": -9, "high": -14}
    ).passed


def _failing(name: str, remasterable: bool, value: float) -> QACheck:
    return QACheck(
        name=name, value=value, threshold="x", passed=False, message="m", remasterable=remasterable
    )


def test_remaster_only_when_every_failure_is_remasterable_and_a_pass_is_left() -> None:
    settings = MasteringSettings(mastering_pass=1)
    loud = build_report([_failing("integrated_loudness", True, -12.0)], integrated_lufs=-12.0,
                        true_peak_dbtp=-1.5, target_lufs=-14.0, mastering=settings)  # fmt: skip
    assert should_remaster(loud)
    assert next_mastering(loud).mastering_pass == 2
    assert next_mastering(loud).adjustments.loudness_offset_lu == pytest.approx(-2.0)
    mixed = build_report([_failing("integrated_loudness", True, -12.0), _failing("key", False, 0.9)],
                         integrated_lufs=-12.0, true_peak_dbtp=-1.5, target_lufs=-14.0, mastering=settings)  # fmt: skip
    assert not should_remaster(mixed)
    last = MasteringSettings(mastering_pass=MAX_MASTERING_PASSES)
    exhausted = build_report([_failing("true_peak", True, -0.5)], integrated_lufs=-14.0, true_peak_dbtp=-0.5,
                             target_lufs=-14.0, mastering=last)  # fmt: skip
    assert not should_remaster(exhausted)
    assert "1 of 1 checks failed: true_peak" in summary(exhausted)


def test_adjustments_accumulate_over_passes() -> None:
    second = MasteringSettings(
        mastering_pass=2, adjustments=MasterAdjustments(loudness_offset_lu=1.0, ceiling_offset_db=-0.3)
    )
    report = build_report(
        [_failing("integrated_loudness", True, -14.8), _failing("true_peak", True, -0.8)],
        integrated_lufs=-14.8, true_peak_dbtp=-0.8, target_lufs=-14.0, mastering=second,
    )  # fmt: skip
    adjustments = next_mastering(report).adjustments
    assert adjustments.loudness_offset_lu == pytest.approx(1.8)
    assert adjustments.ceiling_offset_db == pytest.approx(-0.3 - 0.2 - 0.2)


def test_decorrelated_stereo_is_mono_compatible() -> None:
    noise = band_noise(3.0, amplitude=0.1, seed=11)
    assert checks.phase_check(noise).passed  # decorrelated noise: correlation ~0, mono-safe


def test_tempo_check_asks_the_onsets_when_the_estimate_locks_onto_another_grid() -> None:
    mono = features.analysis_mono(np.sum(list(song_stems(bpm=120.0, seconds=16.0).values()), axis=0), RATE)
    measured = features.estimate_tempo(mono)
    assert measured.bpm == pytest.approx(120.0, rel=0.02)
    # Pretend the estimate locked onto an unrelated grid: the 120 bpm beat is still in the onsets.
    locked = TempoEstimate(100.0, measured.confidence, [], measured.onset_autocorrelation)
    assert musical.tempo_check(_spec(120.0), locked, {"drums"}, 16.0).passed
    # A spec tempo the music does not have finds no support there.
    check = musical.tempo_check(_spec(100.0), measured, {"drums"}, 16.0)
    assert not check.passed and "periodicity" in check.message


def test_broken_audio_checks_are_hard_and_style_checks_advisory() -> None:
    tone = sine(220.0, 2.0)
    hard = [
        checks.loudness_check(-14.0, -14.0),
        checks.true_peak_check(-1.5),
        checks.clipping_check(tone),
        checks.silence_check(tone, RATE),
        checks.dc_offset_check(tone),
        checks.phase_check(tone),
        checks.stems_sum_check(tone, [tone], RATE),
        checks.stems_intact_check({"lead": tone}, ["lead"], tone.shape[1]),
        checks.excluded_roles_check({"lead"}, []),
    ]
    assert all(check.severity is Severity.HARD and not check.advisory for check in hard)
    advisory = [
        musical.tempo_check(_spec(120.0), TempoEstimate(90.0, 0.8, []), {"drums"}, 30.0),
        musical.key_check(_spec(), KeyEstimate("Eb", "minor", 0.9)),
        musical.spectral_balance_check("techno", {"low": -30.0, "low_mid": -3.0, "mid": -4.0, "high": -12.0}),
    ]
    assert all(check.severity is Severity.ADVISORY and not check.passed for check in advisory)
    assert not any(check.remasterable for check in advisory)


def _advisory_failure(name: str) -> QACheck:
    return QACheck(
        name=name,
        value=0.0,
        threshold="x",
        passed=False,
        message=f"{name} is off",
        severity=Severity.ADVISORY,
    )


def test_advisory_failures_never_fail_the_report_nor_ask_for_a_remaster() -> None:
    settings = MasteringSettings(mastering_pass=1)
    notes = [_advisory_failure("spectral_balance"), _advisory_failure("key")]
    report = build_report([*notes, checks.true_peak_check(-1.5)], integrated_lufs=-14.0, true_peak_dbtp=-1.5,
                          target_lufs=-14.0, mastering=settings)  # fmt: skip
    assert report.passed
    assert report.failed_checks() == []
    assert [check.name for check in report.advisory_notes()] == ["spectral_balance", "key"]
    assert report.adjustments is None
    assert not should_remaster(report)
    text = summary(report)
    assert text.startswith(
        "passed; 1 of 3 checks clean; 2 advisory notes: spectral_balance (spectral_balance is off)"
    )
    assert advisory_lines(report) == [
        "advisory: spectral_balance: spectral_balance is off",
        "advisory: key: key is off",
    ]


def test_a_hard_failure_beside_advisory_notes_still_remasters_and_names_both() -> None:
    settings = MasteringSettings(mastering_pass=1)
    report = build_report([_failing("integrated_loudness", True, -12.0), _advisory_failure("tempo")],
                          integrated_lufs=-12.0, true_peak_dbtp=-1.5, target_lufs=-14.0, mastering=settings)  # fmt: skip
    assert not report.passed
    assert should_remaster(report)  # the advisory tempo note is not a reason to stop remastering
    assert summary(report) == (
        "1 of 2 checks failed: integrated_loudness (m); 1 advisory note: tempo (tempo is off)"
    )


def test_a_report_stored_before_the_split_reads_its_checks_as_hard() -> None:
    stored = {"passed": False, "checks": [{"name": "spectral_balance", "threshold": "x", "passed": False,
                                           "message": "low -36 dB"}]}  # fmt: skip
    report = QAReport.model_validate(stored)
    assert report.checks[0].severity is Severity.HARD
    assert [check.name for check in report.failed_checks()] == ["spectral_balance"]


def test_stems_intact_names_missing_silent_non_finite_and_short_stems() -> None:
    tone = sine(330.0, 2.0)
    frames = tone.shape[1]
    good = checks.stems_intact_check({"lead": tone, "pad": tone}, {"lead", "pad"}, frames)
    assert good.passed and good.value == 0.0 and "2 stems" in good.message
    nan = tone.copy()
    nan[0, 100] = np.nan
    broken = checks.stems_intact_check(
        {"lead": np.zeros_like(tone), "pad": nan, "arp": tone[:, : frames // 2]},
        {"lead", "pad", "arp", "bass"},
        frames,
    )
    assert not broken.passed and not broken.remasterable
    assert broken.value == 4.0
    for words in (
        "no stem for bass",
        "lead is silent throughout",
        "pad holds NaN",
        f"arp is {frames // 2} frames",
    ):
        assert words in broken.message
