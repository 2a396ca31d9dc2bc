"""The web app in a real browser: Debian's chromium, driven by playwright-core from
frontend/e2e/run.mjs, against a real `amp serve` (API + built SPA on one loopback port) that makes a
real 5-second track. The browser steps live in JavaScript; this test starts the server, runs them and
asserts on their exit code, showing their TAP report when they fail."""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.serve import start_serve

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
WEB_INDEX = ROOT / "layers" / "common" / "amp" / "web" / "index.html"
CHROMIUM = Path(os.environ.get("AMP_CHROMIUM", "/usr/bin/chromium"))
SERVE_TIMEOUT_S = 60
BROWSER_TIMEOUT_S = 240

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require(condition: bool, what: str) -> None:
    if not condition:
        pytest.fail(f"the browser test needs {what}; run `bash scripts/setup`", pytrace=False)


@pytest.fixture
def served_app(tmp_path: Path) -> Iterator[str]:
    """`amp serve --port 0` with its own data dir; yields its base URL and stops it afterwards."""
    _require(WEB_INDEX.is_file(), f"the built web app ({WEB_INDEX.relative_to(ROOT)})")
    served = start_serve(tmp_path / "data", startup_timeout_s=SERVE_TIMEOUT_S)
    try:
        yield served.url
    finally:
        served.stop(grace_s=20)


def test_web_app_generates_plays_mutes_and_downloads_in_chromium(served_app: str) -> None:
    node = shutil.which("node")
    _require(node is not None, "node on PATH")
    _require(CHROMIUM.is_file(), f"Debian's chromium at {CHROMIUM}")
    _require((FRONTEND / "node_modules" / "playwright-core").is_dir(), "frontend/node_modules (npm ci)")
    assert node is not None
    result = subprocess.run(
        [node, "e2e/run.mjs"],
        cwd=FRONTEND,
        env={**os.environ, "AMP_E2E_BASE_URL": served_app},
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT_S,
        check=False,
    )
    report = result.stdout + result.stderr
    summary = re.search(r"^# pass (\d+)\n# fail (\d+)", report, re.MULTILINE)
    assert result.returncode == 0, f"browser tests failed (exit {result.returncode}):\n{report}"
    assert summary is not None and int(summary.group(1)) >= 12 and summary.group(2) == "0", report
