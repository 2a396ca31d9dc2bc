"""Manifest parsing, deterministic job ids and the report format (pure)."""

import json

import pytest

from amp.batch.manifest import (
    MAX_LINE_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_MANIFEST_LINES,
    ManifestSource,
    ReportLine,
    is_manifest_key,
    is_storable_key,
    owner_for_key,
    parse_manifest,
    read_report,
    render_report,
    report_key,
)
from amp.domain.errors import InvalidInput
from amp.domain.job import JOB_ID_PATTERN


def _jsonl(*rows: object) -> bytes:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows).encode()


def test_valid_lines_keep_their_physical_line_numbers_and_blank_lines_are_skipped() -> None:
    data = _jsonl({"prompt": "dark techno"}, "", "   ", {"prompt": "lofi", "duration_s": 5, "seed": 7})
    lines = parse_manifest(data)
    assert [line.number for line in lines] == [1, 4]
    assert lines[1].request is not None
    assert lines[1].request.duration_s == 5
    assert lines[1].request.seed == 7
    assert all(line.error is None for line in lines)


def test_options_take_the_default_preset_only_when_the_line_names_none() -> None:
    lines = parse_manifest(_jsonl({"prompt": "a"}, {"prompt": "b", "master_preset": "club"}))
    assert [line.request.options("broadcast").master_preset for line in lines if line.request] == [
        "broadcast",
        "club",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("{not json", "not JSON"),
        ('["a list"]', "must be a JSON object"),
        ('{"prompt": "x", "duration": 5}', "duration: Extra inputs are not permitted"),
        ('{"prompt": "x", "duration_s": 2}', "duration_s: Input should be greater than or equal to 5"),
        ('{"prompt": "x", "master_preset": "loud"}', "master_preset"),
        ('{"prompt": "   "}', "prompt: is empty"),
        ('{"duration_s": 30}', "prompt: Field required"),
        ('{"prompt": "x", "overrides": {"bpm": 500}}', "overrides.bpm"),
    ],
)
def test_a_bad_line_gets_its_own_error_and_the_next_line_still_parses(raw: str, expected: str) -> None:
    lines = parse_manifest(_jsonl(raw, {"prompt": "fine"}))
    assert lines[0].request is None
    assert lines[0].error is not None and expected in lines[0].error
    assert lines[1].request is not None and lines[1].error is None


def test_errors_never_echo_the_prompt() -> None:
    private_prompt = "my private lyrics about zebras"
    [line] = parse_manifest(_jsonl({"prompt": private_prompt, "duration_s": 1000}))
    assert line.error is not None
    assert "zebras" not in line.error


def test_non_utf8_and_overlong_lines_are_line_errors() -> None:
    overlong = json.dumps({"prompt": "x" * 1500, "pad": "y" * MAX_LINE_BYTES}).encode()
    lines = parse_manifest(b'\xff\xfe{"prompt": 1}\n' + overlong + b"\n")
    assert lines[0].error == "line is not UTF-8 text"
    assert lines[1].error is not None and "longer than" in lines[1].error


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted() -> None:
    lines = parse_manifest(b'\xef\xbb\xbf{"prompt": "a"}\r\n{"prompt": "b"}\r\n')
    assert [line.request.prompt for line in lines if line.request] == ["a", "b"]


def test_a_manifest_over_the_size_or_line_limit_is_refused_as_a_whole() -> None:
    with pytest.raises(InvalidInput, match="limit"):
        parse_manifest(b" " * (MAX_MANIFEST_BYTES + 1))
    with pytest.raises(InvalidInput, match="lines"):
        parse_manifest(b'{"prompt":"a"}\n' * (MAX_MANIFEST_LINES + 1))


def test_job_ids_are_deterministic_per_manifest_revision_and_line() -> None:
    source = ManifestSource(location="s3://bucket/batch/a.jsonl", revision="v1")
    first = source.job_id(3)
    assert JOB_ID_PATTERN.match(first)
    assert first == ManifestSource(location="s3://bucket/batch/a.jsonl", revision="v1").job_id(3)
    assert first != source.job_id(4)
    assert first != ManifestSource(location="s3://bucket/batch/a.jsonl", revision="v2").job_id(3)
    assert first != ManifestSource(location="s3://other/batch/a.jsonl", revision="v1").job_id(3)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("batch/songs.jsonl", True),
        ("batch/alice/songs.jsonl", True),
        ("batch/songs.jsonl.report.jsonl", False),
        ("batch/songs.csv", False),
        ("uploads/songs.jsonl", False),
    ],
)
def test_only_jsonl_under_batch_that_is_not_a_report_is_a_manifest(key: str, expected: bool) -> None:
    assert is_manifest_key(key) is expected


def test_the_report_of_a_manifest_is_itself_never_a_manifest() -> None:
    assert not is_manifest_key(report_key("batch/x.jsonl"))
    assert report_key("batch/x.jsonl") == "batch/x.jsonl.report.jsonl"


def test_owner_comes_from_the_folder_under_batch() -> None:
    assert owner_for_key("batch/alice/songs.jsonl") == "alice"
    assert owner_for_key("batch/team/sub/songs.jsonl") == "team"
    assert owner_for_key("batch/songs.jsonl") == "batch"


def test_report_lines_round_trip_and_omit_empty_fields() -> None:
    lines = [
        ReportLine(line=1, status="started", job_id="a" * 32),
        ReportLine(line=2, status="invalid", error="prompt: Field required"),
    ]
    rendered = render_report(lines)
    assert rendered.decode().splitlines()[0] == json.dumps(
        {"line": 1, "status": "started", "job_id": "a" * 32}, separators=(",", ":")
    )
    assert "job_id" not in rendered.decode().splitlines()[1]
    assert read_report(rendered) == lines


@pytest.mark.parametrize(
    ("key", "storable"),
    [("batch/a-b_c.d/x.jsonl", True), ("batch/my songs.jsonl", False), ("batch/../x.jsonl", False)],
)
def test_only_keys_the_audio_store_accepts_are_storable(key: str, storable: bool) -> None:
    assert is_storable_key(key) is storable
