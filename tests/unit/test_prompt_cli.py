"""`amp parse`: one prompt prints its MusicSpec as JSON; --batch prints one line per prompt, reports
bad JSONL lines as error objects and exits 1 at the end; option flags override the text."""

import argparse
import json
from pathlib import Path

import pytest

from amp.cli import parse_cmd
from amp.cli.main import main
from amp.domain.errors import InvalidInput
from amp.domain.spec import MusicSpec
from tests.support.lengths import delivered_s


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="amp")
    parse_cmd.register(parser.add_subparsers(dest="command"))
    return parser


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    code: int = args.func(args)
    return code


def test_parse_prints_the_spec_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["parse", "Dark techno at 132 bpm in A minor"]) == 0
    spec = MusicSpec.model_validate_json(capsys.readouterr().out)
    assert (spec.genre, spec.bpm, spec.key, spec.mode.value) == ("techno", 132, "A", "minor")


def test_flags_override_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["parse", "techno at 128 bpm in C", "--bpm", "140", "--key", "F#m", "--genre", "dnb",
            "--duration", "20", "--seed", "9"]  # fmt: skip
    assert _run(argv) == 0
    spec = MusicSpec.model_validate_json(capsys.readouterr().out)
    assert (spec.bpm, spec.key, spec.mode.value, spec.genre) == (140, "F#", "minor", "drum and bass")
    assert (spec.duration_s, spec.seed) == (delivered_s(spec, 20), 9)
    assert spec.provenance["bpm"] == "overridden"


def test_batch_reads_plain_and_jsonl_lines_and_reports_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "prompts.txt"
    batch.write_text(
        "house at 124 bpm\n"
        "\n"
        '{"prompt": "lo-fi in F#m", "id": "job-1"}\n'
        '{"prompt": 42}\n'
        "{not json\n"
        "   \n"
        '{"prompt": "dnb"}\n',
        encoding="utf-8",
    )
    assert _run(["parse", "--batch", str(batch)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 5
    assert lines[0]["genre"] == "house" and lines[0]["bpm"] == 124
    assert lines[1]["key"] == "F#"
    assert lines[2]["line"] == 4 and "prompt" in lines[2]["error"]
    assert lines[3]["line"] == 5 and "invalid JSON" in lines[3]["error"]
    assert lines[4]["genre"] == "drum and bass"


def test_batch_id_field_seeds_the_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "prompts.jsonl"
    batch.write_text('{"prompt": "house", "id": "a"}\n{"prompt": "house", "id": "b"}\n', encoding="utf-8")
    assert _run(["parse", "--batch", str(batch)]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["seed"] != second["seed"]


def test_all_good_batch_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "prompts.txt"
    batch.write_text("techno\nambient\n", encoding="utf-8")
    assert _run(["parse", "--batch", str(batch), "--duration", "30"]) == 0
    specs = [MusicSpec.model_validate_json(line) for line in capsys.readouterr().out.splitlines()]
    assert [spec.duration_s for spec in specs] == [delivered_s(spec, 30) for spec in specs]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["parse"], "either a PROMPT or --batch"),
        (["parse", "x", "--batch", "f"], "either a PROMPT or --batch"),
        (["parse", "   "], "empty"),
        (["parse", "x", "--duration", "1000"], "--duration"),
        (["parse", "x", "--bpm", "10"], "--bpm"),
        (["parse", "x", "--key", "H"], "not a key"),
        (["parse", "x", "--genre", "polka-dub-xyz"], "unknown genre"),
        (["parse", "--batch", "/nonexistent/prompts.txt"], "cannot read batch file"),
    ],
)
def test_bad_input_raises_a_clear_invalid_input(argv: list[str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _run(argv)


def test_amp_main_discovers_parse_and_exits_non_zero_on_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "house in Bb major"]) == 0
    assert json.loads(capsys.readouterr().out)["key"] == "Bb"
    assert main(["parse", "x", "--duration", "1"]) != 0
    assert "--duration" in capsys.readouterr().err
