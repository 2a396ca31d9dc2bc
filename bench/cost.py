"""Lambda GB-s per generated minute, per function, the way README's cost table computes it; and each
function's MemorySize right-sized from its measured peak.

Run: .venv/bin/python bench/cost.py [--durations 60 120] [--prompt "..."] [--margin 1.3]

Method (README "Cost per generated minute"): each stage handler runs alone in a fresh process, as a
separate Lambda would (bench/stage_process.py), driven by the real ASL file through the local runner
(the Map's generate iterations and any remaster pass included), procedural provider. A function's
seconds are the sum of its invocations' handler times; per generated minute = the longest song's
seconds / (its length in minutes); GB-s = those seconds x the function's MemorySize in template.yaml.

Right-sizing: a function's peak is its invocations' largest RSS high-water mark (ru_maxrss, what
Lambda reports as Max Memory Used), fitted linearly over the durations and extrapolated to the
longest song a job may ask for (`amp.domain.spec.MAX_DURATION_S`); memory = peak x margin, rounded
up to 64 MB, at least 256 MB (`MIN_MB`); a CPU-bound function (`CPU_BOUND_S`) keeps at least 1,769 MB. Lambda gives CPU in proportion to memory (one vCPU at 1,769 MB), so at
a memory M below that a stage that needed C CPU-seconds here takes at least C x 1769 / M seconds;
the "at the right-sized memory" figures use max(measured seconds, that bound). A function whose
measured CPU time exceeds its wall time used more than one core and keeps the memory that buys
them (it is not sized below 1,769 MB x cores used).

Prints two ready-to-paste markdown tables: the README's table at today's template memory, and the
right-sized one with the MemorySize values to put in template.yaml.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

REPO = Path(__file__).resolve().parents[1]
STAGE_PROCESS = REPO / "bench" / "stage_process.py"
ONE_VCPU_MB = 1769
"""Lambda allocates one full vCPU at 1,769 MB (AWS Lambda docs: memory and computing power)."""
MIN_MB = 256
"""Below this the Lambda runtime, boto3's clients and the logger's buffers, which a local process
does not measure, leave too little headroom over a ~90 MiB Python process."""
CPU_BOUND_S = 1.0
"""A function whose longest call needs this many CPU-seconds keeps one full vCPU (1,769 MB): below
that its CPU work bills the same GB-s (less memory, proportionally longer), only slower."""
PRICE_PER_GB_S = 0.0000166667
"""Lambda x86 us-east-1, as in README's table."""
COST_STAGES = ("parse", "generate", "mix", "qa", "publish")


@dataclass
class Invocation:
    run_s: float
    cpu_s: float
    max_rss_mib: float
    import_s: float


@dataclass
class Song:
    duration_s: float
    status: str
    invocations: dict[str, list[Invocation]] = field(default_factory=lambda: defaultdict(list))


def template_limits() -> dict[str, tuple[int, int]]:
    """Stage name -> (MemorySize MB, Timeout s) in template.yaml (the Globals value where a function
    sets none): the limits the benches hold each stage to."""
    sys.path.insert(0, str(REPO))
    from amp.stages import STAGES
    from tests.support.template_resources import load_template

    template = load_template(REPO / "template.yaml")
    globals_ = template["Globals"]["Function"]
    resources = template["Resources"]
    limits: dict[str, tuple[int, int]] = {}
    for name, stage in STAGES.items():
        if stage.function_id in resources:
            properties = resources[stage.function_id]["Properties"]
            limits[name] = (
                int(properties.get("MemorySize", globals_["MemorySize"])),
                int(properties.get("Timeout", globals_["Timeout"])),
            )
    return limits


def template_memory() -> dict[str, int]:
    """Stage name -> MemorySize in template.yaml."""
    return {name: memory for name, (memory, _) in template_limits().items()}


def in_child(stage: str, lock: threading.Lock, song: Song) -> Any:
    """A task handler that runs the real stage handler in a fresh process and records its figures."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}

    def invoke(payload: Any) -> Any:
        done = subprocess.run(
            [sys.executable, str(STAGE_PROCESS), stage],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{stage} failed in its process:\n{done.stderr[-2000:]}")
        report = json.loads(done.stdout)
        with lock:
            song.invocations[stage].append(
                Invocation(report["run_s"], report["cpu_s"], report["max_rss_mib"], report["import_s"])
            )
        return report["output"]

    return invoke


def run_song(prompt: str, duration_s: float, seed: int) -> Song:
    with tempfile.TemporaryDirectory(prefix="amp-cost-") as data_dir:
        os.environ["AMP_DATA_DIR"] = data_dir
        from amp.application import reset_application, stage_context
        from amp.config import get_settings
        from amp.domain.job import LOCAL_OWNER, Job, JobOptions
        from amp.orchestration.local_pipeline import run_job_locally
        from amp.stages import STAGES

        get_settings.cache_clear()
        reset_application()
        ctx = stage_context()
        job = Job(owner=LOCAL_OWNER, prompt=prompt, options=JobOptions(duration_s=duration_s, seed=seed))
        ctx.jobs.create(job)
        song = Song(duration_s, "RUNNING")
        lock = threading.Lock()
        handlers = {name: in_child(name, lock, song) for name in STAGES if name != "mark_failed"}
        run_job_locally(job.id, handlers=handlers)
        song.status = ctx.jobs.get(job.id).status.value
    return song


def round_up(mb: float, step: int = 64) -> int:
    return max(MIN_MB, int(math.ceil(mb / step) * step))


def lambda_seconds(wall_s: float, cpu_s: float, memory_mb: int) -> float:
    """Seconds the stage would bill at memory_mb: its measured time, or longer when that memory
    buys less CPU than it used."""
    return max(wall_s, cpu_s * ONE_VCPU_MB / memory_mb)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", type=float, nargs="+", default=[60.0, 120.0])
    parser.add_argument(
        "--prompt", default="A high-energy drum and bass track at 174 bpm with a heavy reese bass"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--margin", type=float, default=1.3, help="memory = extrapolated peak x this")
    args = parser.parse_args()
    import amp
    from amp.domain.spec import MAX_DURATION_S

    memory = template_memory()
    load = os.getloadavg()[0]
    print(f"amp: {Path(amp.__file__).parent}  cores: {os.cpu_count()}  load at start {load:.1f}")
    songs = [run_song(args.prompt, duration, args.seed) for duration in sorted(args.durations)]
    for song in songs:
        if song.status != "SUCCEEDED":
            print(f"{song.duration_s:g} s song ended {song.status}")
            return 1
    longest = songs[-1]
    minutes = longest.duration_s / 60

    def seconds(song: Song, stage: str) -> float:
        return sum(call.run_s for call in song.invocations[stage])

    def cpu(song: Song, stage: str) -> float:
        return sum(call.cpu_s for call in song.invocations[stage])

    def peak(song: Song, stage: str) -> float:
        return max((call.max_rss_mib for call in song.invocations[stage]), default=0.0)

    headers = " | ".join(f"{song.duration_s:g} s song" for song in songs)
    print(f"\nAt today's template memory (load at end {os.getloadavg()[0]:.1f}):\n")
    print(
        f"| Stage (memory) | {headers} | per generated minute | GB-s per minute | "
        "CPU s per minute | GB-s per minute from CPU time |"
    )
    print("|---|" + "---|" * len(songs) + "---|---|---|---|")
    total_gbs = total_cpu_gbs = 0.0
    for stage in COST_STAGES:
        count = len(longest.invocations[stage])
        label = f"{stage} ×{count}" if count > 1 else stage
        per_minute = seconds(longest, stage) / minutes
        cpu_per_minute = cpu(longest, stage) / minutes
        gbs = per_minute * memory[stage] / 1024
        cpu_gbs = cpu_per_minute * memory[stage] / 1024
        total_gbs += gbs
        total_cpu_gbs += cpu_gbs
        cells = " | ".join(f"{seconds(song, stage):.2f} s" for song in songs)
        print(
            f"| {label} ({memory[stage] / 1024:.2f} GB) | {cells} | {per_minute:.2f} s | {gbs:.2f} | "
            f"{cpu_per_minute:.2f} s | {cpu_gbs:.2f} |"
        )
    totals = " | ".join(f"{sum(seconds(song, stage) for stage in COST_STAGES):.1f} s" for song in songs)
    per_minute_total = sum(seconds(longest, stage) for stage in COST_STAGES) / minutes
    cpu_minute_total = sum(cpu(longest, stage) for stage in COST_STAGES) / minutes
    print(
        f"| **total** | {totals} | {per_minute_total:.1f} s | **{total_gbs:.1f}** | "
        f"{cpu_minute_total:.1f} s | **{total_cpu_gbs:.1f}** |"
    )
    print(
        "\n(CPU time is what a stage needs of one dedicated core; on a loaded machine wall time also "
        "counts the waiting for one. Compare before and after in one column.)"
    )
    print(
        f"\nLambda compute per generated minute: {total_gbs:.1f} GB-s x ${PRICE_PER_GB_S} = ${total_gbs * PRICE_PER_GB_S:.5f}"
    )

    print(f"\nRight-sized (peak extrapolated to {MAX_DURATION_S:g} s, margin x{args.margin:g}):\n")
    print(
        "| function | peak RSS MiB per song | peak at "
        f"{MAX_DURATION_S:g} s | cores used | MemorySize | per generated minute | GB-s per minute | "
        "GB-s per minute from CPU time |"
    )
    print("|---|---|---|---|---|---|---|---|")
    sized_total = sized_cpu_total = 0.0
    for stage in COST_STAGES:
        peaks = [peak(song, stage) for song in songs]
        if len(songs) > 1 and longest.duration_s > songs[0].duration_s:
            slope = (peaks[-1] - peaks[0]) / (longest.duration_s - songs[0].duration_s)
            at_max = peaks[-1] + max(0.0, slope) * (MAX_DURATION_S - longest.duration_s)
        else:
            at_max = peaks[-1]
        cores = max([1.0] + [c.cpu_s / c.run_s for s in songs for c in s.invocations[stage] if c.run_s > 0])
        sized = round_up(at_max * args.margin)  # Lambda sizes memory in MiB (it writes "MB")
        if cores > 1.2:  # it used more than one core here: keep the memory that buys them
            sized = max(sized, round_up(ONE_VCPU_MB * min(cores, 2.0)))
        elif max(c.cpu_s for c in longest.invocations[stage]) >= CPU_BOUND_S:
            sized = max(sized, ONE_VCPU_MB)
        sized = min(sized, 10240)
        calls = longest.invocations[stage]
        per_minute = sum(lambda_seconds(c.run_s, c.cpu_s, sized) for c in calls) / minutes
        cpu_minute = sum(lambda_seconds(c.cpu_s, c.cpu_s, sized) for c in calls) / minutes
        gbs = per_minute * sized / 1024
        cpu_gbs = cpu_minute * sized / 1024
        sized_total += gbs
        sized_cpu_total += cpu_gbs
        peak_cells = " / ".join(f"{value:.0f}" for value in peaks)
        print(
            f"| {stage} | {peak_cells} | {at_max:.0f} | {cores:.2f} | {sized} | {per_minute:.2f} s | "
            f"{gbs:.2f} | {cpu_gbs:.2f} |"
        )
    print(f"| **total** | | | | | | **{sized_total:.1f}** | **{sized_cpu_total:.1f}** |")
    print(
        f"\nRight-sized Lambda compute per generated minute: {sized_total:.1f} GB-s = "
        f"${sized_total * PRICE_PER_GB_S:.5f} ({sized_total / total_gbs:.0%} of the table above); "
        f"from CPU time {sized_cpu_total:.1f} GB-s ({sized_cpu_total / total_cpu_gbs:.0%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
