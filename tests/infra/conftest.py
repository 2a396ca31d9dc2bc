"""Runs the venv's infrastructure tools (sam, cfn-lint, statelint, checkov) offline and quietly."""

import os
import subprocess  # nosec B404: runs this venv's own tools with fixed arguments
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

ToolRunner = Callable[..., subprocess.CompletedProcess[str]]


def tool_env() -> dict[str, str]:
    """A region for the SAM translator, no telemetry, the venv's tools first on PATH (sam build
    looks for python3.13 there)."""
    env = dict(os.environ)
    env.update(
        AWS_DEFAULT_REGION=env.get("AWS_DEFAULT_REGION", "us-east-1"),
        SAM_CLI_TELEMETRY="0",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def run_tool(*argv: str, timeout_s: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # nosec B603: fixed argv of the venv's own tools, no shell
        [str(BIN / argv[0]), *argv[1:]],
        cwd=ROOT,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


@pytest.fixture(scope="session")
def tool() -> ToolRunner:
    return run_tool
