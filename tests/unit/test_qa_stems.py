"""QA's one-stem-at-a-time pass (amp.qa.stems): the running sums equal the stems held at once, each
stem's measurement names what is broken, and a parent's result is carried over only for a
byte-identical stem file."""

import numpy as np

from amp.domain.qa import QAReport, StemCheck
from amp.mastering.chain import dc_highpass
from amp.qa import checks
from amp.qa.stems import StemScan, file_sha256, parent_stem_checks, stem_check
from tests.audio.signals import sine, song_stems

RATE = 44_100


def test_the_running_sum_gives_the_stems_sum_check_of_the_stems_held_at_once() -> None:
    stems = song_stems(seconds=4.0)
    mix = dc_highpass(np.sum(list(stems.values()), axis=0), RATE) * np.float32(1.7)
    scan = StemScan.of_buffers(stems, mix.shape[1])
    stem_sum = scan.stem_sum()
    assert stem_sum is not None
    np.testing.assert_allclose(stem_sum, np.sum(list(stems.values()), axis=0), atol=1e-6)
    at_once = checks.stems_sum_check(mix, stems.values(), RATE)
    streamed = checks.summed_stems_check(mix, stem_sum, scan.count, RATE)
    assert streamed.passed and at_once.passed
    assert streamed.value == at_once.value and streamed.message == at_once.message
    assert f"The {len(stems)} stems" in streamed.message
    # A missing stem still shows: the sum of the rest does not explain the mix.
    partial = StemScan.of_buffers({r: a for r, a in stems.items() if r != "drums"}, mix.shape[1])
    assert partial.stem_sum() is not None
    missing = checks.summed_stems_check(mix, partial.stem_sum(), partial.count, RATE)  # type: ignore[arg-type]
    assert not missing.passed


def test_the_rhythm_sum_is_the_mid_signal_of_drums_and_percussion_only() -> None:
    stems = song_stems(seconds=2.0)
    percussion = stems["drums"][:, ::-1].copy()
    scan = StemScan.of_buffers({**stems, "percussion": percussion}, stems["drums"].shape[1])
    rhythm = scan.rhythm_stems()["drums"]
    expected = (stems["drums"] + percussion).mean(axis=0)
    np.testing.assert_allclose(rhythm[0], expected, atol=1e-6)
    assert StemScan.of_buffers({"bass": stems["bass"]}, stems["bass"].shape[1]).rhythm_stems() == {}


def test_a_short_stem_limits_the_sum_and_is_reported_as_short() -> None:
    tone = sine(220.0, 2.0)
    frames = tone.shape[1]
    scan = StemScan.of_buffers({"lead": tone, "pad": tone[:, : frames // 2]}, frames)
    stem_sum = scan.stem_sum()
    assert stem_sum is not None and stem_sum.shape == (2, frames // 2)
    intact = checks.stems_intact_of(scan.checks, {"lead", "pad"}, frames)
    assert not intact.passed and f"pad is {frames // 2} frames long" in intact.message
    scan.release()
    assert scan.stem_sum() is None and scan.rhythm_stems() == {} and scan.count == 2


def test_measurement_names_silent_clipping_and_non_finite_stems() -> None:
    tone = sine(330.0, 1.0)
    frames = tone.shape[1]
    loud = np.clip(tone * 4.0, -1.0, 1.0).astype(np.float32)
    nan = tone.copy()
    nan[1, 10] = np.nan
    measured = {
        "lead": checks.measure_stem("lead", tone),
        "pad": checks.measure_stem("pad", np.zeros_like(tone)),
        "arp": checks.measure_stem("arp", loud),
        "fx": checks.measure_stem("fx", nan),
    }
    assert measured["lead"].peak_dbfs is not None and -12.0 < measured["lead"].peak_dbfs < 0.0
    assert measured["lead"].clipped_samples == 0 and measured["lead"].finite
    assert measured["pad"].peak_dbfs is None
    assert measured["arp"].clipped_samples > 0
    assert not measured["fx"].finite
    assert checks.stem_problems(measured["lead"], frames) == []
    check = checks.stems_intact_of(list(measured.values()), measured, frames)
    assert not check.passed and check.value == 3.0
    for words in ("pad is silent throughout", "arp clips", "fx holds NaN"):
        assert words in check.message


def test_a_parents_result_is_carried_only_for_the_same_file_bytes() -> None:
    tone = sine(220.0, 1.0)
    sha = file_sha256(b"the stem file")
    measured = StemCheck(role="lead", frames=7, peak_dbfs=-3.0, sha256=sha, rendered_in="root")
    report = QAReport(passed=True, stems=[measured])
    parent = parent_stem_checks(report)["lead"]

    carried = stem_check("lead", tone, sha, parent_id="p1", parent=parent, rendered_in="root")
    assert carried.carried_from == "p1"
    assert (carried.frames, carried.peak_dbfs) == (7, -3.0)  # the parent's figures, not re-measured

    other = file_sha256(b"the stem file, re-mixed")
    fresh = stem_check("lead", tone, other, parent_id="p1", parent=parent, rendered_in="root")
    assert fresh.carried_from is None
    assert fresh.frames == tone.shape[1] and fresh.sha256 == other and fresh.rendered_in == "root"
    # A digest-less measurement (stems from memory) never matches anything.
    assert (
        stem_check(
            "lead", tone, "", parent_id="p1", parent=parent.model_copy(update={"sha256": ""})
        ).carried_from
        is None
    )
    assert parent_stem_checks(None) == {}
