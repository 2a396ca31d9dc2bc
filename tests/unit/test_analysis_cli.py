"""`amp analyze FILE`: features JSON on stdout for a real recording; a clear message and a non-zero
exit for files that are not usable audio."""

import json
from pathlib import Path

import pytest

from amp.cli.main import main

AUDIO = Path(__file__).resolve().parents[1] / "audio"


def test_analyze_prints_the_features_of_a_recording(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(AUDIO / "music" / "waltz_C_major_3-4_92bpm.ogg")]) == 0
    features = json.loads(capsys.readouterr().out)
    assert features["bpm"] == pytest.approx(92.0, rel=0.02)
    assert (features["key"], features["mode"], features["time_signature"]) == ("C", "major", "3/4")
    assert {"integrated_lufs", "loudness_range_lu", "spectral_balance_db", "stereo_width"} <= set(features)
    assert "beat_times_s" not in features


def test_analyze_can_include_the_beat_grid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--beats", str(AUDIO / "music" / "rock_D_major_4-4_120bpm.ogg")]) == 0
    beats = json.loads(capsys.readouterr().out)["beat_times_s"]
    assert len(beats) > 20


@pytest.mark.parametrize(
    ("name", "message"),
    [("text.wav", "text file, not audio"), ("all_zero.wav", "silent"), ("zero_length.wav", "empty"),
     ("missing.wav", "no such file")],
)  # fmt: skip
def test_unusable_files_exit_non_zero_with_a_reason(
    name: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(AUDIO / "faults" / name)]) == 1
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
