"""QA stage time on one job's real mastered mix and stems: seconds, CPU seconds and x real time.

Run: .venv/bin/python bench/qa.py [--duration 180] [--repeat 3] [--profile]
Runs one job through the local pipeline (the real ASL file), keeps the payload the QualityCheck
state received, then runs the QA stage on it again `--repeat` times in this warm process (the first
run inside the job pays the one-off costs: imports, numba, matplotlib fonts). --profile prints the
top cProfile entries of one warm run.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


class StopAtPublish(RuntimeError):
    """Raised in place of Publish: the job stays in QA for the warm runs."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument(
        "--prompt", default="A high-energy drum and bass track at 174 bpm with a heavy reese bass"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="amp-bench-qa-") as data_dir:
        os.environ["AMP_DATA_DIR"] = data_dir
        os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(data_dir) / "numba"))
        from amp.application import reset_application, stage_context
        from amp.config import get_settings
        from amp.domain.job import LOCAL_OWNER, Job, JobOptions
        from amp.domain.stage_io import QAInput
        from amp.orchestration.local_pipeline import run_job_locally, stage_handlers
        from amp.stages import qa

        get_settings.cache_clear()
        reset_application()
        ctx = stage_context()
        job = Job(
            owner=LOCAL_OWNER,
            prompt=args.prompt,
            options=JobOptions(duration_s=args.duration, seed=args.seed),
        )
        ctx.jobs.create(job)
        real_qa = stage_handlers()["qa"]
        payloads: list[QAInput] = []
        first: list[tuple[float, float]] = []

        def capture(payload: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            out = real_qa(payload)
            first.append((time.perf_counter() - wall, time.process_time() - cpu))
            payloads.append(QAInput.model_validate(payload))
            return out

        def stop_before_publish(payload: Any) -> Any:
            raise StopAtPublish("the bench keeps the job in QA")

        def keep_job(payload: Any) -> Any:
            return payload

        # Publish is replaced so the job stays in CHECKING and the QA stage can run again on it.
        run_job_locally(
            job.id, handlers={"qa": capture, "publish": stop_before_publish, "mark_failed": keep_job}
        )
        status = ctx.jobs.get(job.id).status.value
        print(
            f"{args.duration:g} s job, {len(payloads[-1].mix.stem_keys)} stems: reached {status}; "
            f"load {os.getloadavg()[0]:.2f}, cores {os.cpu_count()}"
        )
        wall, cpu = first[0]
        print(
            f"  QA in the job (first call in process): {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{args.duration / wall:.1f}x real time"
        )
        payload = payloads[-1]
        for index in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            qa.run(payload, ctx)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"  QA warm run {index + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                f"{args.duration / wall:.1f}x real time"
            )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            qa.run(payload, ctx)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        passed = ctx.jobs.get(job.id).qa
        print(f"  report: {'passed' if passed and passed.passed else 'FAILED'}")
        status = "SUCCEEDED" if passed and passed.passed else "FAILED"
    return 0 if status == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
