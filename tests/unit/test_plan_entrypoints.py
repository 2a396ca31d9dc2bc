"""Issue 16 at the entry points: POST /jobs answers a bad plan with a 422 naming the field and starts
nothing; `amp generate --plan FILE` and a batch manifest line take the same object; `amp parse
--plan-only` prints the derived plan in that shape, ready to edit and pass back."""

import json
from pathlib import Path
from typing import Any

import pytest

from amp.batch.manifest import parse_manifest
from amp.cli import generate_cmd
from amp.cli.main import main
from amp.domain.errors import InvalidInput
from amp.domain.spec import Plan
from tests.support.fakes import FakeLauncher
from tests.unit.test_api_handler import call, launcher, load_event  # noqa: F401 (fixture)
from tests.unit.test_job_request import _args

GOOD_PLAN: dict[str, Any] = {
    "sections": [{"name": "intro", "bars": 8, "energy": 0.3}, {"name": "drop", "bars": 16, "energy": 0.9}]
}


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"sections": []}, "plan.sections"),
        ({"sections": [{"name": "verse", "bars": 4}] * 33}, "plan.sections"),
        (
            {"sections": [{"name": "verse", "bars": 4}] * 3 + [{"name": "drop", "bars": 0}]},
            "plan.sections[3].bars",
        ),
        ({"sections": [{"name": "drop", "bars": 257}]}, "plan.sections[0].bars"),
        ({"sections": [{"name": "drop", "bars": 200}] * 3}, "plan"),
        (
            {"sections": [{"name": "drop", "bars": 8, "mute_roles": ["banjo"]}]},
            "plan.sections[0].mute_roles[0]",
        ),
    ],
)
def test_a_bad_plan_is_a_422_naming_the_field_and_starts_nothing(
    launcher: FakeLauncher,  # noqa: F811
    plan: dict[str, Any],
    field: str,
) -> None:
    status, _, body = call(load_event("api_create_job.json", body={"prompt": "techno", "plan": plan}))
    assert (status, body["error"]["code"]) == (422, "validation_error")
    assert field in {problem["field"] for problem in body["error"]["details"]["fields"]}
    assert launcher.started == []


def test_a_good_plan_is_stored_on_the_job_options(launcher: FakeLauncher) -> None:  # noqa: F811
    status, _, body = call(
        load_event("api_create_job.json", body={"prompt": "techno", "plan": GOOD_PLAN, "loop": True})
    )
    assert status == 202
    assert Plan.model_validate(body["options"]["plan"]) == Plan.model_validate(GOOD_PLAN)
    assert body["options"]["loop"] is True
    assert launcher.started == [body["id"]]


def test_generate_takes_the_plan_file_as_the_apis_plan_field(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(GOOD_PLAN), encoding="utf-8")
    request = generate_cmd.request_from_args(_args(plan=path, loop=True))
    assert request.plan == Plan.model_validate(GOOD_PLAN) and request.loop


def test_a_bad_plan_file_is_refused_naming_the_flag_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"sections": [{"name": "drop", "bars": 0}]}), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"--plan: plan\.sections\[0\]\.bars"):
        generate_cmd.request_from_args(_args(plan=path))
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput, match="is not JSON"):
        generate_cmd.request_from_args(_args(plan=path))
    with pytest.raises(InvalidInput, match="cannot read"):
        generate_cmd.request_from_args(_args(plan=tmp_path / "missing.json"))


def test_generate_with_a_bad_plan_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"sections": [{"name": "drop", "bars": 300}]}), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", "techno", "--plan", str(path), "--out", str(out)]) == 2
    assert "plan.sections[0].bars" in capsys.readouterr().err
    assert not out.exists()


def test_parse_prints_the_derived_plan_in_the_shape_it_takes_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", "house with a long intro", "--duration", "60", "--plan-only"]) == 0
    printed = json.loads(capsys.readouterr().out)
    plan = Plan.model_validate(printed)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(printed), encoding="utf-8")
    assert main(["parse", "house with a long intro", "--plan", str(path)]) == 0
    spec = json.loads(capsys.readouterr().out)
    assert Plan.model_validate(spec["plan"]) == plan
    assert spec["provenance"]["plan"] == "stated"


def test_a_manifest_line_takes_a_plan() -> None:
    lines = parse_manifest((json.dumps({"prompt": "techno", "plan": GOOD_PLAN}) + "\n").encode())
    assert lines[0].request is not None and lines[0].request.plan == Plan.model_validate(GOOD_PLAN)
    bad = parse_manifest(
        json.dumps({"prompt": "techno", "plan": {"sections": [{"name": "x", "bars": 0}]}}).encode()
    )
    assert bad[0].error is not None and "plan.sections[0].bars" in bad[0].error
