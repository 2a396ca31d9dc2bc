"""The common layer installs exactly the runtime dependencies pyproject.toml declares: a package added
to one and not the other would work locally and fail in Lambda (or the reverse)."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def normalized(requirements: list[str]) -> dict[str, tuple[frozenset[str], str, str]]:
    """name -> (extras, specifier, marker), names canonical, specifiers order-independent."""
    parsed = [Requirement(line) for line in requirements]
    return {
        canonicalize_name(req.name): (
            frozenset(req.extras),
            ",".join(sorted(str(spec) for spec in req.specifier)),
            str(req.marker or ""),
        )
        for req in parsed
    }


def layer_requirements() -> list[str]:
    lines = (ROOT / "layers" / "common" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def test_layer_requirements_match_pyproject_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = normalized(project["dependencies"])
    layer = normalized(layer_requirements())
    assert layer == declared, (
        f"only in pyproject: {sorted(set(declared) - set(layer))}; "
        f"only in the layer: {sorted(set(layer) - set(declared))}; "
        f"different: {sorted(n for n in set(declared) & set(layer) if declared[n] != layer[n])}"
    )


def test_the_layer_leaves_the_analysis_extra_to_the_container_images() -> None:
    names = set(normalized(layer_requirements()))
    assert not names & {"librosa", "numba", "llvmlite", "matplotlib", "onnxruntime"}


def test_zip_functions_bring_no_dependencies_of_their_own() -> None:
    """Everything comes from the layer, so the 250 MB budget is counted once (tests/infra/test_sam_build)."""
    for requirements in sorted((ROOT / "functions").glob("*/requirements.txt")):
        lines = [line.strip() for line in requirements.read_text(encoding="utf-8").splitlines()]
        assert all(not line or line.startswith("#") for line in lines), requirements
