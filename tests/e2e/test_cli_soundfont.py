"""`amp generate` without a SoundFont: the job ends FAILED at the generate stage with a sentence
naming what to install, and no song made of synth stand-ins is published."""

from pathlib import Path

import pytest

from amp.cli.main import main


def test_a_missing_soundfont_fails_the_job_naming_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMP_SOUNDFONT", str(tmp_path / "no-such.sf2"))
    out = tmp_path / "out"
    assert main(["generate", "a slow cello melody", "--duration", "6", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "FAILED at stage generate" in err
    assert "apt-get install fluid-soundfont-gm" in err and "AMP_SOUNDFONT" in err
    assert not (out / "mix.wav").exists()
