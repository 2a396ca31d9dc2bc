"""Per-stage time and x-real-time of a whole job through the local runner (the real ASL file).

Run: .venv/bin/python bench/pipeline.py [--durations 30 180] [--prompt "..."]
x-real-time = track seconds / wall seconds (higher is faster). Each run uses a fresh data dir.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

TASK_STATES = ("ParsePrompt", "AnalyzeReference", "GenerateStems", "MixAndMaster", "QualityCheck", "Publish")


def bench_one(prompt: str, duration_s: float, seed: int) -> tuple[dict[str, float], float, str]:
    with tempfile.TemporaryDirectory(prefix="amp-bench-") as data_dir:
        os.environ["AMP_DATA_DIR"] = data_dir
        os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(data_dir) / "numba"))
        from amp.application import reset_application, stage_context
        from amp.config import get_settings
        from amp.domain.job import LOCAL_OWNER, Job, JobOptions
        from amp.orchestration.local_pipeline import run_job_locally

        get_settings.cache_clear()
        reset_application()
        ctx = stage_context()
        job = Job(owner=LOCAL_OWNER, prompt=prompt, options=JobOptions(duration_s=duration_s, seed=seed))
        ctx.jobs.create(job)
        started: dict[str, float] = {}
        spent: dict[str, float] = defaultdict(float)
        lock = threading.Lock()

        def on_state(state: str, event: str) -> None:
            if state not in TASK_STATES:
                return
            with lock:
                if event.endswith("StateEntered"):
                    started[state] = time.perf_counter()
                elif event.endswith("StateExited") and state in started:
                    spent[state] += time.perf_counter() - started.pop(state)

        wall_start = time.perf_counter()
        run_job_locally(job.id, on_state=on_state)
        wall_s = time.perf_counter() - wall_start
        status = ctx.jobs.get(job.id).status.value
    return dict(spent), wall_s, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", type=float, nargs="+", default=[30.0, 180.0])
    parser.add_argument(
        "--prompt", default="A high-energy drum and bass track at 174 bpm with a heavy reese bass"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"prompt: {args.prompt!r}  cores: {os.cpu_count()}")
    failed = False
    for duration_s in args.durations:
        spent, wall_s, status = bench_one(args.prompt, duration_s, args.seed)
        print(
            f"\n{duration_s:g} s track: {status}, whole job {wall_s:.2f} s = {duration_s / wall_s:.1f}x real time"
        )
        print(f"  {'stage':<18}{'seconds':>9}{'x-real-time':>13}")
        for state in TASK_STATES:
            if state in spent:
                seconds = spent[state]
                print(f"  {state:<18}{seconds:9.2f}{duration_s / seconds if seconds else float('inf'):13.1f}")
        failed |= status != "SUCCEEDED"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
