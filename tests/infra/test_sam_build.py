"""`sam build` of the layer and every zip function, without a container (CI has no Docker engine, so
the two container-image functions are excluded here and their Dockerfiles are checked statically in
test_template_contents.py). Then: every zip function fits Lambda's 250 MB unzipped limit (function +
layers), and its handler imports from the built artifacts alone.

Marked `sam_build`: about 30-90 s (pip installs the layer's dependencies from the package index) and
~250 MB in a temporary directory, removed afterwards. Run: .venv/bin/pytest -m sam_build -s tests/infra
"""

import os
import subprocess  # nosec B404: runs this venv's own tools with fixed arguments
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.template_resources import TEMPLATE_PATH as TEMPLATE
from tests.support.template_resources import load_template, resources_of_type

pytestmark = pytest.mark.sam_build

LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000
"""Lambda's "250 MB" deployment package quota (function code + all layers, unzipped) is 250 MiB."""
IMAGE_FUNCTIONS = sorted(
    name
    for name, props in resources_of_type(load_template(), "AWS::Serverless::Function").items()
    if props.get("PackageType") == "Image"
)
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def built(tool: Callable[..., subprocess.CompletedProcess[str]]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="amp-sam-build-") as scratch:
        build_dir = Path(scratch) / "build"
        excludes = [argument for name in IMAGE_FUNCTIONS for argument in ("--exclude", name)]
        result = tool(
            "sam",
            "build",
            "--template-file",
            str(TEMPLATE),
            "--build-dir",
            str(build_dir),
            "--no-cached",
            "--parallel",
            *excludes,
            timeout_s=600,
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        yield build_dir


def directory_bytes(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file() and not file.is_symlink())


def zip_functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: props
        for name, props in resources_of_type(template, "AWS::Serverless::Function").items()
        if props.get("PackageType") != "Image"
    }


def layer_dirs(build_dir: Path, template: dict[str, Any], function: dict[str, Any]) -> list[Path]:
    layers = resources_of_type(template, "AWS::Serverless::LayerVersion")
    dirs = []
    for reference in function.get("Layers", []):
        assert isinstance(reference, dict) and "Ref" in reference, f"layer {reference} is not built by SAM"
        dirs.append(build_dir / layers[reference["Ref"]]["ContentUri"])
    return dirs


def test_every_zip_function_fits_the_250_mb_unzipped_limit(built: Path) -> None:
    template = load_template(built / "template.yaml")
    functions = zip_functions(template)
    assert len(functions) >= 7
    sizes = {}
    for name, props in sorted(functions.items()):
        code = directory_bytes(built / props["CodeUri"])
        layers = sum(directory_bytes(path) for path in layer_dirs(built, template, props))
        sizes[name] = code + layers
        print(
            f"{name:<20} function {code / MIB:6.2f} MiB + layers {layers / MIB:6.1f} MiB = "
            f"{(code + layers) / MIB:6.1f} MiB of {LAMBDA_UNZIPPED_LIMIT_BYTES / MIB:.0f} MiB"
        )
    too_big = {name: size for name, size in sizes.items() if size >= LAMBDA_UNZIPPED_LIMIT_BYTES}
    assert not too_big, f"over Lambda's unzipped limit: {too_big}"


def test_the_layer_holds_the_amp_package_and_its_dependencies(built: Path) -> None:
    python = built / "CommonLayer" / "python"
    for name in ("amp", "aws_lambda_powertools", "pydantic", "numpy", "scipy", "pedalboard", "soundfile.py"):
        assert (python / name).exists(), f"{name} missing from the built layer"
    assert not (python / "librosa").exists(), "librosa belongs in the container images only"


def test_every_zip_handler_imports_from_the_built_artifacts_alone(built: Path) -> None:
    """`python -S` (no site-packages): only the function dir and the layer, as in Lambda's /var/task
    and /opt/python, so a dependency missing from requirements.txt fails here."""
    template = load_template(built / "template.yaml")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "HOME": str(built),
    }
    failures = []
    for name, props in sorted(zip_functions(template).items()):
        module, _, attribute = props["Handler"].partition(".")
        paths = [str(built / props["CodeUri"])] + [
            str(path / "python") for path in layer_dirs(built, template, props)
        ]
        script = (
            f"import sys; sys.path[:0] = {paths!r}; import {module}; "
            f"assert callable({module}.{attribute}), 'not callable'"
        )
        result = subprocess.run(  # nosec B603: this interpreter and a fixed script, no shell
            [sys.executable, "-S", "-c", script],
            cwd=built,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            failures.append(f"{name}: {result.stderr.strip().splitlines()[-1:]}")
    assert not failures, "\n".join(failures)
