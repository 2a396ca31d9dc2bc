"""The template passes the tools CI runs: `sam validate --lint`, cfn-lint and checkov (no failed check;
each skip says why), and SAM translates both auth modes. All offline; together about 15 s. (statelint
on the ASL runs in test_state_machine_contract.py, with the substitutions filled.)"""

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess  # nosec B404: the type only, for annotations

import pytest

from tests.support.template_resources import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def test_sam_validate_with_lint_passes(tool: Callable[..., CompletedProcess[str]]) -> None:
    result = tool("sam", "validate", "--lint", "--template-file", str(TEMPLATE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_cfn_lint_passes(tool: Callable[..., CompletedProcess[str]]) -> None:
    result = tool("cfn-lint", str(TEMPLATE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkov_leaves_no_failed_check(tool: Callable[..., CompletedProcess[str]]) -> None:
    result = tool(
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
    assert not failed, (
        "checkov failed checks (fix, or skip in Metadata.checkov with a reason):\n" + "\n".join(failed)
    )
    assert report.get("summary", {}).get("passed", 0) > 20, result.stderr[-2000:]


def test_every_checkov_skip_explains_itself() -> None:
    for logical_id, resource in load_template()["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            comment = skip.get("comment", "")
            assert len(comment) >= 20, f"{logical_id} skips {skip.get('id')} without a reason"


@pytest.mark.parametrize("auth_mode", ["CognitoAuthorizer", "AWS_IAM"])
def test_both_auth_modes_translate_and_protect_every_route(auth_mode: str) -> None:
    """SAM resolves AuthMode at transform time; check the API it generates for each value."""
    from samtranslator.translator.transform import transform  # type: ignore[import-untyped]
    from samtranslator.yaml_helper import yaml_parse  # type: ignore[import-untyped]

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
