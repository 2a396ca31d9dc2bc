"""Test-wide defaults: hermetic env (no real AWS unless AWS_SAM_STACK_NAME names a stack), a fresh data
dir and fresh settings per test, and moto resources from template.yaml. (The one Lambda context for
handler calls is amp.lambda_context.LocalLambdaContext; the shared fakes live in tests/support.)"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

LIVE_STACK = os.environ.get("AWS_SAM_STACK_NAME")

os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "amp")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "AMP")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
# librosa's numba JIT cache: somewhere writable that outlives the run (site-packages may be read-only).
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(tempfile.gettempdir(), "amp-numba-cache"))
if not LIVE_STACK:
    # Dummy credentials, forced: a test run must never reach a real account by accident.
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        os.environ[name] = value
    os.environ.pop("AWS_PROFILE", None)

from tests.support.template_resources import (  # noqa: E402  (after the env defaults above)
    TemplateResources,
    create_template_resources,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`aws` tests need a deployed stack: without AWS_SAM_STACK_NAME they are deselected, not skipped."""
    if LIVE_STACK:
        return
    deselected = [item for item in items if item.get_closest_marker("aws")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("aws")]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir and reads settings afresh (AMP_* from the shell are dropped)."""
    from amp import application, config

    for name in config._ENV_NAMES.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AMP_DATA_DIR", str(tmp_path))
    config.get_settings.cache_clear()
    application.reset_application()
    yield
    config.get_settings.cache_clear()
    application.reset_application()


@pytest.fixture
def moto_resources() -> Iterator[TemplateResources]:
    """Every table and bucket of template.yaml, inside moto for the duration of the test."""
    from moto import mock_aws

    with mock_aws():
        yield create_template_resources()
