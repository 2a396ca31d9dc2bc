"""`amp edit`: each flag set becomes its edit body; bad input exits 2 with the reason and starts
nothing (the parent is written straight to the store; nothing renders here)."""

from pathlib import Path

import pytest

from amp.application import get_application
from amp.cli.edit_cmd import edit_values
from amp.cli.main import build_parser, main
from amp.domain.job import LOCAL_OWNER, JobStatus
from tests.unit.test_api_edits import finished_job


@pytest.mark.parametrize(
    ("flags", "body"),
    [
        (["--variation"], {"kind": "variation", "roles": [], "seed": None}),
        (
            ["--variation", "--roles", "bass, lead", "--seed", "5"],
            {"kind": "variation", "roles": ["bass", "lead"], "seed": 5},
        ),
        (
            ["--swap", "bass", "--instrument", "808"],
            {"kind": "swap", "role": "bass", "instrument": "808", "seed": None},
        ),
        (["--add", "chords"], {"kind": "add", "role": "chords", "instrument": None}),
        (["--remove", "pad"], {"kind": "remove", "role": "pad"}),
        (["--bpm", "128"], {"kind": "retempo", "bpm": 128.0}),
        (["--transpose", "-2"], {"kind": "transpose", "semitones": -2}),
        (["--extend", "8", "--before"], {"kind": "extend", "bars": 8, "before": True}),
        (
            ["--replace-bars", "17-24", "--text", "a breakdown"],
            {"kind": "replace_bars", "start_bar": 17, "end_bar": 24, "seed": None, "text": "a breakdown"},
        ),
        (["--remaster", "club"], {"kind": "remaster", "master_preset": "club"}),
        (["--remaster"], {"kind": "remaster", "master_preset": None}),
    ],
)
def test_flags_become_the_edit_body(flags: list[str], body: dict[str, object]) -> None:
    args = build_parser().parse_args(["edit", "a" * 32, *flags])
    assert edit_values(args) == body


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--swap", "vocal-like"], "the song has no vocal-like part"),
        (["--replace-bars", "3-99"], "bar 99 is outside it"),
        (["--replace-bars", "three"], "write the bars as N-M"),
        (["--bpm", "128", "--roles", "bass"], "--roles does not go with this edit"),
        (["--remaster"], "name a master_preset or a reference_upload_id"),
        (["--extend", "0"], "invalid edit: --extend: Input should be greater than or equal to 1"),
        (
            ["--remaster", "loud"],
            "invalid edit: --remaster: Input should be 'streaming', 'club' or 'broadcast'",
        ),
    ],
)
def test_an_edit_the_song_cannot_take_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], words: str
) -> None:
    service = get_application().job_service
    parent = finished_job(service, owner=LOCAL_OWNER)
    assert main(["edit", parent.id, *flags, "--out", str(tmp_path / "out")]) == 2
    assert words in capsys.readouterr().err
    assert [job.id for job in service.list_jobs(LOCAL_OWNER).jobs] == [parent.id]
    assert not (tmp_path / "out").exists()


def test_no_such_job_and_a_running_job_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edit", "f" * 32, "--remove", "pad"]) == 2
    assert "no job ffff" in capsys.readouterr().err
    running = finished_job(get_application().job_service, owner=LOCAL_OWNER, status=JobStatus.MIXING)
    assert main(["edit", running.id, "--remove", "pad"]) == 2
    assert "only a SUCCEEDED job can be edited; job" in capsys.readouterr().err
