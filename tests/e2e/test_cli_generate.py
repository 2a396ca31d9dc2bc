"""`amp generate` end to end through the real state machine file, measured like a person would:
ffmpeg's ebur128 filter for loudness and true peak, bytes for determinism."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from amp.cli.main import main

FFMPEG = shutil.which("ffmpeg")


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg measures them, independent of our own meter."""
    assert FFMPEG, "ffmpeg is required (scripts/setup installs it)"
    result = subprocess.run(
        [
            FFMPEG,
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-filter_complex",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


@pytest.fixture(scope="module")
def techno_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("techno")
    exit_code = main(
        [
            "generate",
            "Dark techno at 132 bpm in A minor",
            "--duration",
            "20",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    assert exit_code == 0
    return out


def test_mix_is_mastered_to_streaming_loudness_under_the_true_peak_ceiling(techno_run: Path) -> None:
    integrated_lufs, true_peak_dbtp = ebur128(techno_run / "mix.wav")
    assert integrated_lufs == pytest.approx(-14.0, abs=0.5)
    assert true_peak_dbtp <= -1.0


def test_job_json_records_spec_qa_and_artifact_paths(techno_run: Path) -> None:
    job = json.loads((techno_run / "job.json").read_text())
    assert job["status"] == "SUCCEEDED"
    assert job["spec"]["bpm"] == 132 and job["spec"]["key"] == "A" and job["spec"]["mode"] == "minor"
    assert job["qa"]["passed"] is True
    assert {"integrated_lufs", "true_peak_dbtp"} <= job["qa"].keys()
    for artifact in job["artifacts"]:
        assert (techno_run / artifact["path"]).is_file(), artifact


def test_stems_zip_in_the_out_folder_holds_every_stem_and_midi_file_as_written(techno_run: Path) -> None:
    """Publish stores no zip; the CLI builds it from the files it writes, with the API's builder."""
    import io
    import zipfile

    job = json.loads((techno_run / "job.json").read_text())
    folder = f"amp-{job['id'][:8]}"
    written = sorted(p.relative_to(techno_run).as_posix() for p in techno_run.glob("stems/*.wav"))
    written += sorted(p.relative_to(techno_run).as_posix() for p in techno_run.glob("midi/*.mid"))
    assert len(written) >= 8
    with zipfile.ZipFile(io.BytesIO((techno_run / "stems.zip").read_bytes())) as archive:
        assert sorted(archive.namelist()) == sorted(f"{folder}/{name}" for name in written)
        for name in written:
            assert archive.read(f"{folder}/{name}") == (techno_run / name).read_bytes()
    assert any(a["kind"] == "stems_zip" and a["path"] == "stems.zip" for a in job["artifacts"])


def test_at_least_four_24_bit_stereo_stems_are_written(techno_run: Path) -> None:
    import soundfile as sf

    stems = sorted((techno_run / "stems").glob("*.wav"))
    assert len(stems) >= 4
    for stem in stems:
        info = sf.info(str(stem))
        assert (info.samplerate, info.channels, info.subtype) == (44100, 2, "PCM_24")


def test_same_seed_gives_byte_identical_stems(techno_run: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert (
        main(
            [
                "generate",
                "Dark techno at 132 bpm in A minor",
                "--duration",
                "20",
                "--seed",
                "1",
                "--out",
                str(again),
            ]
        )
        == 0
    )
    first = {p.name: p.read_bytes() for p in (techno_run / "stems").glob("*.wav")}
    second = {p.name: p.read_bytes() for p in (again / "stems").glob("*.wav")}
    assert first.keys() == second.keys()
    assert all(first[name] == second[name] for name in first)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["   "], "prompt is empty"),
        (["techno", "--duration", "700"], "out of range"),
        (["techno", "--duration", "2"], "out of range"),
        (["techno", "--reference", "/nonexistent/ref.wav"], "does not exist"),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message_and_writes_nothing(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["generate", *arguments, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_text_file_named_wav_is_refused_as_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "song.wav"
    fake.write_text("this is not audio")
    assert main(["generate", "techno", "--reference", str(fake), "--out", str(tmp_path / "out")]) == 2
    assert "not a readable audio file" in capsys.readouterr().err


def test_a_failing_stage_exits_non_zero_naming_the_stage_and_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import amp.stages.mix
    from amp.domain.errors import InvalidAudio
    from amp.domain.job import JobStatus
    from amp.domain.stage_io import MixInput
    from amp.stages.context import StageContext

    def broken_mix(payload: MixInput, ctx: StageContext) -> object:
        ctx.begin(payload.job_id, JobStatus.MIXING, "mix", 0.65)
        raise InvalidAudio("stem drums has 3 channels")

    monkeypatch.setattr(amp.stages.mix, "run", broken_mix)
    assert main(["generate", "house at 124 bpm", "--duration", "6", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "FAILED at stage mix" in err and "stem drums has 3 channels" in err
