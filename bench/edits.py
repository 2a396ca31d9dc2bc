"""A stem swap of a finished song versus a fresh job of the same song: time, CPU and x real time of
each, per stage, side by side in one run, and the bytes the swap reused instead of rendering.

Run: .venv/bin/python bench/edits.py [--duration 180] [--prompt "..."] [--role bass] [--instrument 808]

Both jobs run through the local runner (the real ASL file and stage handlers) in one fresh data dir:
first the fresh job (the parent), then `JobService.create` with `parent_id` + a swap edit, exactly as
POST /jobs/{id}/edits makes it, after a 5 s warm-up job that neither pays for. x real time = song
seconds / wall seconds (higher is faster). CPU is the process's (every thread of the runner's Map
included), taken at each top-level state's entry and exit: the task states run one at a time, so a
state's CPU is its own (GenerateStems: all its roles together). The table has one row per stage:
fresh and swap wall s, x real time and CPU s, and fresh / swap by wall and by CPU; the last row is
the whole job (the states between tasks included)."""

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

TASK_STATES = (
    "ParsePrompt",
    "AnalyzeReference",
    "GenerateStems",
    "ReuseParentStems",
    "MixAndMaster",
    "QualityCheck",
    "Publish",
)


class _Timer:
    """Wall and CPU seconds spent in each top-level task state of one run."""

    def __init__(self) -> None:
        self.started: dict[str, tuple[float, float]] = {}
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.lock = threading.Lock()

    def __call__(self, state: str, event: str) -> None:
        if state not in TASK_STATES:
            return
        with self.lock:
            if event.endswith("StateEntered"):
                self.started[state] = (time.perf_counter(), _cpu_s())
            elif event.endswith("StateExited") and state in self.started:
                wall, cpu = self.started.pop(state)
                self.wall[state] += time.perf_counter() - wall
                self.cpu[state] += _cpu_s() - cpu


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run(job_id: str) -> dict[str, Any]:
    from amp.orchestration.local_pipeline import run_job_locally

    timer = _Timer()
    wall_start, cpu_start = time.perf_counter(), _cpu_s()
    result = run_job_locally(job_id, on_state=timer)
    return {
        "wall_s": time.perf_counter() - wall_start,
        "cpu_s": _cpu_s() - cpu_start,
        "wall": dict(timer.wall),
        "cpu": dict(timer.cpu),
        "status": result.status.value,
    }


def _ratio(fresh: float, swap: float) -> str:
    return f"{fresh / swap:.2f}x" if swap > 0.005 else "-"


def _table(fresh: dict[str, Any], swap: dict[str, Any], song_s: float) -> list[str]:
    """One row per stage that either job ran, then the whole job: fresh vs swap, side by side."""
    lines = [
        "| stage | fresh s | fresh x RT | fresh CPU s | swap s | swap x RT | swap CPU s | fresh/swap wall | fresh/swap CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def row(name: str, f_wall: float, f_cpu: float, s_wall: float, s_cpu: float) -> str:
        def x_rt(wall: float) -> str:
            return f"{song_s / wall:.1f}" if wall > 0.005 else "-"

        return (
            f"| {name} | {f_wall:.2f} | {x_rt(f_wall)} | {f_cpu:.2f} | {s_wall:.2f} | {x_rt(s_wall)} | "
            f"{s_cpu:.2f} | {_ratio(f_wall, s_wall)} | {_ratio(f_cpu, s_cpu)} |"
        )

    for state in TASK_STATES:
        if state not in fresh["wall"] and state not in swap["wall"]:
            continue
        lines.append(
            row(
                state,
                fresh["wall"].get(state, 0.0),
                fresh["cpu"].get(state, 0.0),
                swap["wall"].get(state, 0.0),
                swap["cpu"].get(state, 0.0),
            )
        )
    lines.append(row("whole job", fresh["wall_s"], fresh["cpu_s"], swap["wall_s"], swap["cpu_s"]))
    return lines


def _prebus_reused(audio: Any, parent: Any, child: Any) -> list[str]:
    """The roles whose pre-bus stem the swap took from the parent: the same test the mix stage makes
    (`stages.mix._StripPlan.reusable`), a strip signature equal to the parent's, read from both
    jobs' published manifests (`prebus/strips.json`)."""
    from amp.stages.mix import _load_manifest  # the stage's own reader: "self/" tokens resolved

    reader = SimpleNamespace(audio=audio)  # all it reads of a StageContext
    manifests = []
    for job in (parent, child):
        artifact = job.artifact("strips")
        manifest = _load_manifest(reader, artifact.key, job) if artifact is not None else None  # type: ignore[arg-type]
        if manifest is None:
            return []
        manifests.append(manifest)
    mine, theirs = manifests[1].roles, manifests[0].roles
    return sorted(role for role, record in mine.items() if role in theirs and theirs[role] == record)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--prompt", default="dark techno at 130 bpm with a heavy reese bass")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--role", default="bass")
    parser.add_argument("--instrument", default="808")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="amp-bench-edits-") as data_dir:
        os.environ["AMP_DATA_DIR"] = data_dir
        os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(data_dir) / "numba"))
        from amp.application import get_application, reset_application
        from amp.config import get_settings
        from amp.domain.edit import SwapEdit
        from amp.domain.job import LOCAL_OWNER, JobRequest
        from amp.domain.spec import Role
        from amp.services.edits import reused_roles
        from tests.support.fakes import FakeLauncher

        get_settings.cache_clear()
        reset_application()
        application = get_application()
        service = application.job_service_with(FakeLauncher())  # records; the runs below execute

        # Warm up (imports, numba, the SoundFont) on a short song, so neither measured job pays it.
        warm = service.create(LOCAL_OWNER, JobRequest(prompt=args.prompt, duration_s=5, seed=args.seed + 1))
        _run(warm.id)
        parent = service.create(
            LOCAL_OWNER, JobRequest(prompt=args.prompt, duration_s=args.duration, seed=args.seed)
        )
        fresh = _run(parent.id)
        parent = service.jobs.get(parent.id)
        edit = SwapEdit(role=Role(args.role), instrument=args.instrument)
        child = service.create(LOCAL_OWNER, JobRequest(prompt=args.prompt, parent_id=parent.id, edit=edit))
        swap = _run(child.id)
        child = service.jobs.get(child.id)
        assert parent.spec is not None and child.spec is not None
        reused = reused_roles(parent.spec, child.spec, edit)
        reused_bytes = sum(
            a.size_bytes
            for a in child.artifacts
            if a.kind in ("source_stem", "midi") and a.role in {r.value for r in reused}
        )
        rendered_bytes = sum(
            a.size_bytes for a in child.artifacts if a.kind == "source_stem" and a.role == args.role
        )
        prebus_reused = _prebus_reused(application.audio, parent, child)
        prebus_bytes = sum(
            a.size_bytes for a in child.artifacts if a.kind == "prebus_stem" and a.role in prebus_reused
        )

    print(
        f"{args.duration:g} s song, {len(parent.spec.roles())} stems; swap {args.role} for {args.instrument}; "
        f"fresh {fresh['status']}, swap {swap['status']}"
    )
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared)")
    print()
    print("\n".join(_table(fresh, swap, args.duration)))
    print()
    print(
        f"swap / fresh: {fresh['wall_s'] / swap['wall_s']:.2f}x faster by wall time, "
        f"{fresh['cpu_s'] / swap['cpu_s']:.2f}x by CPU"
    )
    print(
        f"reused (copied, not rendered): {', '.join(r.value for r in reused)}: {reused_bytes / 1e6:.1f} MB; "
        f"rendered: {args.role} {rendered_bytes / 1e6:.1f} MB"
    )
    print(
        f"pre-bus stems reused (strip signature unchanged, copied, not stripped): "
        f"{', '.join(prebus_reused) or 'none'}: {prebus_bytes / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    ROOT = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]  # tests/support, and this tree's amp
    sys.exit(main())
