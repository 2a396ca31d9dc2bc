"""A long song (default: 10 minutes, 8 stems) through every stage, each stage in its own process as
Lambda runs it, with the stage's wall time, CPU time and peak memory (ru_maxrss of that process).

Run: .venv/bin/python bench/long_song.py [--duration 600] [--prompt "..."] [--plan plan.json]
The job is made with a plan when --plan is given (else the plan is derived from the prompt). Prints
one row per stage invocation and the whole job's time and x real time (song seconds / job seconds,
with the generate Map's roles run one after another here, as on one core; Lambda runs them at once).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cost import template_limits  # bench/cost.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROMPT = (
    "epic progressive house with drums, percussion, bass, piano chords, warm pad, synth lead, "
    "arpeggiator and risers"
)


def _child(stage: str, payload: dict[str, Any]) -> None:
    """Run one stage handler in this process and print its output with the process's figures."""
    from amp.entrypoints.stages import stage_handler
    from amp.lambda_context import LocalLambdaContext

    wall = time.perf_counter()
    cpu = time.process_time()
    result = stage_handler(stage)(payload, LocalLambdaContext())
    figures = {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    print(json.dumps({"result": result, "figures": figures}))


def _run(stage: str, payload: dict[str, Any], env: dict[str, str]) -> tuple[dict[str, Any], dict[str, float]]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", stage, json.dumps(payload)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{done.stderr[-3000:]}")
    line = done.stdout.strip().splitlines()[-1]
    answer = json.loads(line)
    return answer["result"], answer["figures"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600.0)
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument("--plan", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "PAYLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], json.loads(args.child[1]))
        return 0

    sys.path.insert(0, str(ROOT / "layers" / "common"))
    with tempfile.TemporaryDirectory(prefix="amp-long-") as data_dir:
        env = {
            **os.environ,
            "AMP_DATA_DIR": data_dir,
            "PYTHONPATH": str(ROOT / "layers" / "common"),
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        os.environ.update({k: env[k] for k in ("AMP_DATA_DIR", "POWERTOOLS_LOG_LEVEL")})
        from amp.application import reset_application, stage_context
        from amp.config import get_settings
        from amp.domain.job import LOCAL_OWNER, Job, JobRequest

        get_settings.cache_clear()
        reset_application()
        values: dict[str, Any] = {"prompt": args.prompt, "duration_s": args.duration, "seed": args.seed}
        if args.plan:
            values["plan"] = json.loads(args.plan.read_text())
        request = JobRequest.model_validate(values)
        job = Job(owner=LOCAL_OWNER, prompt=request.prompt, options=request.options("streaming"))
        stage_context().jobs.create(job)

        rows: list[tuple[str, dict[str, float]]] = []
        ref = {"job_id": job.id}
        parsed, figures = _run("parse", ref, env)
        rows.append(("parse", figures))
        stems = []
        for role in parsed["roles"]:
            stem, figures = _run("generate", {**ref, "role": role}, env)
            rows.append((f"generate {role}", figures))
            stems.append(stem)
        mastering = {"mastering_pass": 1, "adjustments": {}}
        mix, figures = _run("mix", {**ref, "stems": stems, "mastering": mastering}, env)
        rows.append(("mix", figures))
        qa, figures = _run("qa", {**ref, "mix": mix, "stems": stems, "mastering": mastering}, env)
        rows.append(("qa", figures))
        _, figures = _run("publish", {**ref, "mix": mix, "stems": stems}, env)
        rows.append(("publish", figures))
        spec = stage_context().jobs.get(job.id).spec
        assert spec is not None
        song_s = spec.duration_s

    print(
        f"song: {song_s:.1f} s, {len(stems)} stems, {spec.genre} at {spec.bpm:g} bpm, "
        f"{len(spec.plan.sections) if spec.plan else 0} sections; qa passed={qa['passed']}"
    )
    print(f"{'stage':<22}{'wall s':>9}{'cpu s':>9}{'peak MB':>10}{'limit MB':>10}{'limit s':>9}")
    limits = template_limits()  # bench/cost.py: the template's MemorySize and Timeout per stage
    for name, figures in rows:
        memory_mb, timeout_s = limits[name.split()[0]]
        print(
            f"{name:<22}{figures['wall_s']:>9.1f}{figures['cpu_s']:>9.1f}{figures['peak_mb']:>10.0f}"
            f"{memory_mb:>10}{timeout_s:>9}"
        )
    total_wall = sum(f["wall_s"] for _, f in rows)
    total_cpu = sum(f["cpu_s"] for _, f in rows)
    print(
        f"whole job (stages in sequence): {total_wall:.1f} s wall, {total_cpu:.1f} s CPU, "
        f"{song_s / total_wall:.2f}x real time; load {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
