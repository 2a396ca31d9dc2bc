"""The template passes the tools CI runs: `sam validate --lint`, cfn-lint, statelint (on the ASL with
its substitutions filled, as Step Functions sees it) and checkov (no failed check; each skip says why).
All offline; together about 15 s."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.template_resources import load_template

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "template.yaml"
DEFINITION = ROOT / "statemachine" / "pipeline.asl.json"


def tool_env() -> dict[str, str]:
    """Offline and quiet: a region for the SAM translator, no telemetry, the venv's tools first."""
    env = dict(os.environ)
    env.update(
        AWS_DEFAULT_REGION=env.get("AWS_DEFAULT_REGION", "us-east-1"),
        SAM_CLI_TELEMETRY="0",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def run_tool(*argv: str, timeout_s: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed argv of the venv's own tools)
        [str(BIN / argv[0]), *argv[1:]],
        cwd=ROOT,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def test_sam_validate_with_lint_passes() -> None:
    result = run_tool("sam", "validate", "--lint", "--template-file", str(TEMPLATE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_cfn_lint_passes() -> None:
    result = run_tool("cfn-lint", str(TEMPLATE))
    assert result.returncode == 0, result.stdout + result.stderr


def filled_definition(template: dict[str, Any]) -> str:
    """The ASL with each `${Name}` replaced by an ARN of the right shape, as DefinitionSubstitutions
    does at deploy time (statelint needs URIs where the file has placeholders)."""
    substitutions = template["Resources"]["PipelineStateMachine"]["Properties"]["DefinitionSubstitutions"]
    text = DEFINITION.read_text(encoding="utf-8")
    missing = sorted(set(re.findall(r"\$\{([^}]+)\}", text)) - set(substitutions))
    assert not missing, f"placeholders without a DefinitionSubstitutions entry: {missing}"
    for name in substitutions:
        function_id = name.removesuffix("Arn")
        text = text.replace(f"${{{name}}}", f"arn:aws:lambda:us-east-1:123456789012:function:amp-{function_id}")
    return text


def test_statelint_passes_on_the_definition_as_deployed(tmp_path: Path) -> None:
    definition = tmp_path / "pipeline.asl.json"
    definition.write_text(filled_definition(load_template()), encoding="utf-8")
    result = run_tool("statelint", str(definition))
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkov_leaves_no_failed_check() -> None:
    result = run_tool(
        "checkov",
        "--file",
        str(TEMPLATE),
        "--framework",
        "cloudformation",
        "--output",
        "json",
        "--quiet",
        "--compact",
        "--skip-download",  # no network here; guidelines are not needed to evaluate checks
    )
    report = json.loads(result.stdout or "{}")
    failed = [
        f"{check['check_id']} {check['resource']}: {check['check_name']}"
        for check in report.get("results", {}).get("failed_checks", [])
    ]
    assert not failed, "checkov failed checks (fix, or skip in Metadata.checkov with a reason):\n" + "\n".join(failed)
    assert report.get("summary", {}).get("passed", 0) > 20, result.stderr[-2000:]


def test_every_checkov_skip_explains_itself() -> None:
    for logical_id, resource in load_template()["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            comment = skip.get("comment", "")
            assert len(comment) >= 20, f"{logical_id} skips {skip.get('id')} without a reason"


@pytest.mark.parametrize("auth_mode", ["CognitoAuthorizer", "AWS_IAM"])
def test_both_auth_modes_translate_and_protect_every_route(auth_mode: str) -> None:
    """SAM resolves AuthMode at transform time; check the API it generates for each value."""
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse(TEMPLATE.read_text(encoding="utf-8"))
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for uri in ("CodeUri", "ContentUri", "DefinitionUri"):
            if uri in properties:
                properties[uri] = "s3://bucket/key"
        if properties.get("PackageType") == "Image":
            properties["ImageUri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/amp:latest"

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    output = transform(template, {"AuthMode": auth_mode}, NoManagedPolicies())
    paths = output["Resources"]["Api"]["Properties"]["Body"]["paths"]
    for path, methods in paths.items():
        for method, operation in methods.items():
            if method == "options":
                continue  # CORS preflight carries no credentials by design
            assert operation.get("security") == [{auth_mode: []}], f"{method} {path} is not protected"
