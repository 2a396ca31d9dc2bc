"""Cold start: `amp`'s startup and the observability module import nothing heavy they do not use.

Each check runs in a fresh interpreter (this test process has imported everything already)."""

import json
import os
import subprocess
import sys

HEAVY = (
    "scipy",
    "matplotlib",
    "librosa",
    "numba",
    "pedalboard",
    "onnxruntime",
    "numpy",
    "soundfile",
    "boto3",
    "botocore.session",
    "aws_xray_sdk.core",
)


def _imported_after(code: str, **env: str) -> list[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    environment = {key: value for key, value in os.environ.items() if key != "LAMBDA_TASK_ROOT"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**environment, "PYTHONPATH": os.pathsep.join(sys.path), **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    imported: list[str] = json.loads(done.stdout.splitlines()[-1])
    return imported


def test_amp_startup_builds_every_subcommand_without_heavy_imports() -> None:
    assert _imported_after("import amp.cli.main as main\nmain.build_parser()") == []


def test_the_tracer_outside_lambda_imports_no_x_ray_sdk_or_botocore_session() -> None:
    code = "from amp.observability import tracer\nassert tracer.disabled"
    assert _imported_after(code, POWERTOOLS_TRACE_DISABLED="false") == []
