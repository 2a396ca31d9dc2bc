"""Per-stage time, x real time, CPU time, peak memory and import time of a whole job through the
local runner (the real ASL file), and the bytes the job stores.

Run: .venv/bin/python bench/pipeline.py [--durations 30 180] [--prompt "..."] [--seed 7]

- seconds / x-real-time: wall time of each ASL task state in one warm process (the whole job runs
  here; GenerateStems is the Map of every role, run as the ASL runs it). x-real-time = track seconds
  / stage seconds (higher is faster).
- CPU s: process CPU time over the stage (both cores count: above its wall time means it ran in
  parallel).
- peak RSS: the process's resident set at its highest over the stage (the kernel's high-water
  mark, reset as each stage begins; sampled every 5 ms where that cannot be reset), and "+rise"
  above the RSS when the stage began (what the stage itself added; earlier stages' memory and
  caches stay in this warm process, and with freed arrays kept for reuse, amp/allocator.py, a stage
  that fits in what earlier ones freed rises little or not at all).
- warm process: before the measured jobs, one short job (--warmup-s, default 5 s) runs in the same
  process, as a warm Lambda or a long-lived `amp serve` has run one: modules imported, SoundFont
  loaded, numba kernels loaded from the cache. --warmup-s 0 measures the first job instead.
- import s: the stage's Lambda handler imported in a fresh process (bench/stage_process.py), i.e.
  the cold start's own share, with that process's RSS after import.
- cold `amp generate`: the CLI in a fresh process on the prompt at --cold-s seconds (default 30),
  run with `python -X importtime`: its wall and CPU time, and per stage (CLI startup, then each ASL
  state up to its exit line on stderr) the seconds spent importing modules for the first time
  (top-level imports' cumulative time; -X importtime itself adds a few percent).
- bytes: every file under the job's published prefix after the job, and its work prefix as Publish
  starts (the work files' high-water mark; publish deletes them).
The `amp` imported is the one on sys.path: PYTHONPATH=<tree>/layers/common measures that tree.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

TASK_STATES = ("ParsePrompt", "AnalyzeReference", "GenerateStems", "MixAndMaster", "QualityCheck", "Publish")
STAGE_OF_STATE = {
    "ParsePrompt": "parse",
    "AnalyzeReference": "analyze",
    "GenerateStems": "generate",
    "MixAndMaster": "mix",
    "QualityCheck": "qa",
    "Publish": "publish",
}
STAGE_PROCESS = Path(__file__).resolve().parent / "stage_process.py"
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * _PAGE


def _high_water_bytes() -> int:
    """The kernel's peak RSS of this process since it was last reset (VmHWM)."""
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmHWM in /proc/self/status")


def _reset_high_water() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0: '5' to /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


class PeakRss:
    """Peak RSS per window (a stage), from the kernel's own high-water mark: each window's opening
    folds the mark into the windows already open and resets it, and its close takes the larger of
    what was folded into it and the mark. Exact, and costs nothing while the stage runs: the 5 ms
    sampling thread it replaces (the fallback where clear_refs cannot be written) took the GIL and
    the memory map's lock beside the stage's threads 200 times a second, ~0.2 s of a 6 s job and
    ~0.5 CPU-s (measured, alternating), and could miss a peak shorter than its period."""

    def __init__(self, period_s: float = 0.005) -> None:
        self._period_s = period_s
        self._lock = threading.Lock()
        self._windows: dict[str, int] = {}
        self._stop = threading.Event()
        try:
            _reset_high_water()
            _high_water_bytes()
            self._thread: threading.Thread | None = None
        except OSError:
            self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PeakRss":
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _fold(self, now: int) -> None:
        for name, peak in self._windows.items():
            if now > peak:
                self._windows[name] = now

    def open(self, name: str) -> int:
        """Open a window; returns the RSS now."""
        now = rss_bytes()
        with self._lock:
            if self._thread is None:
                self._fold(_high_water_bytes())
                _reset_high_water()
            self._windows[name] = now
        return now

    def close(self, name: str) -> int:
        """Close a window; returns its peak RSS."""
        with self._lock:
            now = _high_water_bytes() if self._thread is None else rss_bytes()
            self._fold(now)
            return self._windows.pop(name, now)

    def _sample(self) -> None:
        while not self._stop.wait(self._period_s):
            now = rss_bytes()
            with self._lock:
                self._fold(now)


@dataclass
class StageFigures:
    seconds: float = 0.0
    cpu_s: float = 0.0
    peak_rss: int = 0
    rise: int = 0


@dataclass
class JobFigures:
    status: str
    wall_s: float
    stages: dict[str, StageFigures]
    published: dict[str, int] = field(default_factory=dict)
    work_peak: dict[str, int] = field(default_factory=dict)


def sizes(audio: Any, prefix: str) -> dict[str, int]:
    """key (relative to prefix) -> bytes, for every object under prefix."""
    measure = getattr(audio, "size_bytes", None)  # older trees lack it: read the object instead
    return {
        key.removeprefix(prefix): measure(key) if measure else len(audio.get_bytes(key))
        for key in audio.list_keys(prefix)
    }


def bench_one(prompt: str, duration_s: float, seed: int) -> JobFigures:
    with tempfile.TemporaryDirectory(prefix="amp-bench-") as data_dir:
        os.environ["AMP_DATA_DIR"] = data_dir
        os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(data_dir) / "numba"))
        from amp.application import reset_application, stage_context
        from amp.config import get_settings
        from amp.domain import keys
        from amp.domain.job import LOCAL_OWNER, Job, JobOptions
        from amp.orchestration.local_pipeline import run_job_locally

        get_settings.cache_clear()
        reset_application()
        ctx = stage_context()
        job = Job(owner=LOCAL_OWNER, prompt=prompt, options=JobOptions(duration_s=duration_s, seed=seed))
        ctx.jobs.create(job)
        work_prefix = keys.work_prefix(job.owner, job.id)
        started: dict[str, tuple[float, float, int]] = {}
        figures: dict[str, StageFigures] = defaultdict(StageFigures)
        work_peak: dict[str, int] = {}
        lock = threading.Lock()

        with PeakRss() as sampler:

            def on_state(state: str, event: str) -> None:
                if state not in TASK_STATES:
                    return
                with lock:
                    if event.endswith("StateEntered"):
                        if state == "Publish":
                            work_peak.update(sizes(ctx.audio, work_prefix))
                        started[state] = (time.perf_counter(), time.process_time(), sampler.open(state))
                    elif event.endswith("StateExited") and state in started:
                        wall, cpu, entry_rss = started.pop(state)
                        peak = sampler.close(state)
                        stage = figures[state]
                        stage.seconds += time.perf_counter() - wall
                        stage.cpu_s += time.process_time() - cpu
                        stage.peak_rss = max(stage.peak_rss, peak)
                        stage.rise = max(stage.rise, peak - entry_rss)

            wall_start = time.perf_counter()
            run_job_locally(job.id, on_state=on_state)
            wall_s = time.perf_counter() - wall_start
        final = ctx.jobs.get(job.id)
        published = sizes(ctx.audio, keys.job_prefix(job.owner, job.id))
    return JobFigures(final.status.value, wall_s, dict(figures), published, work_peak)


def cold_import(stage: str) -> dict[str, Any]:
    """The stage handler imported in a fresh interpreter (bench/stage_process.py --import-only)."""
    done = subprocess.run(
        [sys.executable, str(STAGE_PROCESS), stage, "--import-only"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@dataclass
class ColdCli:
    wall_s: float
    cpu_s: float
    exit_code: int
    stage_s: dict[str, float]
    """state -> seconds, as the CLI's progress lines print them"""
    import_s: dict[str, float]
    """'startup' and each state -> seconds importing modules first needed there"""


_STATE_LINE = re.compile(r"^\s+(\w+)\s+([0-9.]+) s$")
_IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| (\s*)\S")


def cold_cli(prompt: str, duration_s: float, seed: int) -> ColdCli:
    """`amp generate` in a fresh interpreter (-X importtime), into a throwaway data dir and out folder.

    The import lines and the CLI's per-state progress lines both go to the child's stderr in the
    order they happen, so the imports printed before a state's exit line (and after the previous
    one) are that state's. Only top-level imports count (nested ones are inside their cumulative
    time); imports from the Map's concurrent threads can nest oddly, so GenerateStems is the Map's."""
    with tempfile.TemporaryDirectory(prefix="amp-cold-cli-") as scratch:
        env = {
            **os.environ,
            "AMP_DATA_DIR": str(Path(scratch) / "data"),
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        }
        command = [sys.executable, "-X", "importtime", "-m", "amp.cli.main", "generate", prompt]
        command += ["--duration", f"{duration_s:g}", "--seed", str(seed), "--out", str(Path(scratch) / "out")]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        wall_s = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stage_s: dict[str, float] = {}
    import_s: dict[str, float] = defaultdict(float)
    current = "startup"
    for line in done.stderr.splitlines():
        if imported := _IMPORT_LINE.match(line):
            if not imported.group(2):
                import_s[current] += int(imported.group(1)) / 1e6
        elif state := _STATE_LINE.match(line):
            name = state.group(1)
            if name in TASK_STATES:
                stage_s[name] = float(state.group(2))
                import_s[name] += import_s.pop("pending", 0.0)
                current = "pending"
        elif line.startswith("job "):
            current = "pending"
    import_s["after the job"] = import_s.pop("pending", 0.0)
    if done.returncode != 0:
        tail = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import time"))
        print(f"cold amp generate failed ({done.returncode}):\n{tail[-2000:]}", file=sys.stderr)
    return ColdCli(wall_s, cpu_s, done.returncode, stage_s, dict(import_s))


def print_cold_cli(cold: ColdCli, duration_s: float) -> None:
    total_import = sum(cold.import_s.values())
    print(
        f"\ncold `amp generate` ({duration_s:g} s track, fresh process, -X importtime): exit "
        f"{cold.exit_code}, wall {cold.wall_s:.2f} s, CPU {cold.cpu_s:.2f} s, of which importing "
        f"{total_import:.2f} s (load {os.getloadavg()[0]:.1f})"
    )
    print("| part | seconds (CLI's progress line) | first imports s |")
    print("|---|---|---|")
    print(f"| startup (parse args, build the app) | - | {cold.import_s.get('startup', 0.0):.2f} |")
    for state in TASK_STATES:
        if state in cold.stage_s:
            print(f"| {state} | {cold.stage_s[state]:.2f} | {cold.import_s.get(state, 0.0):.2f} |")
    print(f"| after the job (write the out folder) | - | {cold.import_s.get('after the job', 0.0):.2f} |")


def mib(count: int) -> str:
    return f"{count / 2**20:.0f}"


def megabytes(count: int) -> str:
    return f"{count / 1e6:.1f}"


def print_bytes(title: str, files: dict[str, int]) -> None:
    groups: dict[str, int] = defaultdict(int)
    for name, size in files.items():
        folder = name.split("/")[-2] if "/" in name else name
        groups[folder] += size
    detail = ", ".join(f"{name} {megabytes(size)}" for name, size in sorted(groups.items()))
    print(f"  {title}: {megabytes(sum(files.values()))} MB in {len(files)} files ({detail})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", type=float, nargs="+", default=[30.0, 180.0])
    parser.add_argument(
        "--prompt", default="A high-energy drum and bass track at 174 bpm with a heavy reese bass"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-imports", action="store_true", help="skip the cold import column")
    parser.add_argument(
        "--warmup-s", type=float, default=5.0, help="a job this long runs first, unmeasured (0: none)"
    )
    parser.add_argument(
        "--cold-s", type=float, default=30.0, help="track seconds of the cold `amp generate` (0: skip)"
    )
    args = parser.parse_args()
    import amp

    print(f"prompt: {args.prompt!r}  cores: {os.cpu_count()}  amp: {Path(amp.__file__).parent}")
    imports = {} if args.no_imports else {stage: cold_import(stage) for stage in STAGE_OF_STATE.values()}
    failed = False
    if args.cold_s:
        cold = cold_cli(args.prompt, args.cold_s, args.seed)
        print_cold_cli(cold, args.cold_s)
        failed |= cold.exit_code != 0
    if args.warmup_s:
        warm = bench_one(args.prompt, args.warmup_s, args.seed + 1)
        print(
            f"\nwarm-up: one {args.warmup_s:g} s job first ({warm.status}, {warm.wall_s:.2f} s), not measured"
        )
        failed |= warm.status != "SUCCEEDED"
    for duration_s in args.durations:
        load = os.getloadavg()[0]
        job = bench_one(args.prompt, duration_s, args.seed)
        total_cpu = sum(stage.cpu_s for stage in job.stages.values())
        print(
            f"\n{duration_s:g} s track{' (warm process)' if args.warmup_s else ''}: {job.status}, whole job {job.wall_s:.2f} s = "
            f"{duration_s / job.wall_s:.1f}x real time (stages' CPU {total_cpu:.2f} s; load {load:.1f})"
        )
        print("| stage | seconds | x real time | CPU s | peak RSS MiB (+rise) | cold import s (RSS MiB) |")
        print("|---|---|---|---|---|---|")
        for state in TASK_STATES:
            if state not in job.stages:
                continue
            stage = job.stages[state]
            speed = duration_s / stage.seconds if stage.seconds else float("inf")
            cold = imports.get(STAGE_OF_STATE[state])
            imported = f"{cold['import_s']:.2f} ({cold['import_rss_mib']:.0f})" if cold else "-"
            print(
                f"| {state} | {stage.seconds:.2f} | {speed:.1f} | {stage.cpu_s:.2f} | "
                f"{mib(stage.peak_rss)} (+{mib(stage.rise)}) | {imported} |"
            )
        print_bytes("stored after the job (published)", job.published)
        print_bytes("work files as Publish starts", job.work_peak)
        failed |= job.status != "SUCCEEDED"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
