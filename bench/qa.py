"""QA stage time on one job's real mastered mix and stems: seconds, CPU seconds and x real time.

Run: .venv/bin/python bench/qa.py [--duration 180] [--repeat 3] [--profile]
Runs one job through the local pipeline (the real ASL file), keeps the payload the QualityCheck
state received, then runs the QA stage on it again `--repeat` times in this warm process (the first
run inside the job pays the one-off costs: imports, first calls). --profile prints the
top cProfile entries of one warm run. Each warm run also prints the CPU time of the stage's
main thread and of its analysis thread (tempo, key, balance, pictures; the form checks run on the main thread): the larger
is the stage's time on two idle cores. --breakdown times each part of the stage (decode, every check,
each plot) on the same decoded audio, best of `--repeat`, wall and CPU seconds.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common"))  # this tree's amp


class StopAtPublish(RuntimeError):
    """Raised in place of Publish: the job stays in QA for the warm runs."""


def _count_worker_cpu(qa: Any) -> list[float]:
    """Wrap what the QA stage hands its analysis thread so each call adds its thread CPU time to
    the returned list: with the main thread's CPU time, the stage's critical path on idle cores
    (on this shared machine wall time mostly measures everyone else's load)."""
    spent: list[float] = []

    def counted(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent.append(time.thread_time() - start)

        return run

    qa.features = _Patched(qa.features, analyse_music=counted(qa.features.analyse_music))
    qa.plots = _Patched(qa.plots, draw=counted(qa.plots.draw))
    return spent


class _Patched:
    """A module with some attributes replaced (the stage module's own references only)."""

    def __init__(self, module: Any, **replaced: Any) -> None:
        self._module = module
        self._replaced = replaced

    def __getattr__(self, name: str) -> Any:
        return self._replaced[name] if name in self._replaced else getattr(self._module, name)


def _timed(label: str, repeat: int, work: Callable[[], object]) -> object:
    """Run `work` `repeat` times; print the best wall and CPU seconds; return its last result."""
    best_wall = best_cpu = float("inf")
    result: object = None
    for _ in range(max(1, repeat)):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"    {label:<28} {best_wall:6.3f} s wall {best_cpu:6.3f} s CPU")
    return result


def breakdown(payload: Any, ctx: Any, repeat: int) -> None:
    """Each part of the QA stage on its own, on the job's decoded mix and stems."""
    import numpy as np

    from amp import plots
    from amp.analysis import features, levels
    from amp.analysis.spectrum import spectral_balance_db
    from amp.audio_io import decode_audio
    from amp.qa import checks, structure

    job = ctx.jobs.get(payload.job_id)
    spec = job.spec
    mix_bytes = ctx.audio.get_bytes(payload.mix.mix_key)
    stem_bytes = {role: ctx.audio.get_bytes(key) for role, key in payload.mix.stem_keys.items()}
    mix, rate = decode_audio(mix_bytes)
    stems = {role: decode_audio(data)[0] for role, data in stem_bytes.items()}
    roles = set(stems)
    print(f"  breakdown (best of {repeat}; load {os.getloadavg()[0]:.2f}):")
    _timed("decode mix", repeat, lambda: decode_audio(mix_bytes))
    _timed("decode stems", repeat, lambda: [decode_audio(data) for data in stem_bytes.values()])
    _timed("integrated loudness", repeat, lambda: levels.integrated_lufs(mix, rate))
    _timed("true peak", repeat, lambda: levels.true_peak_dbtp(mix))
    _timed("clipping", repeat, lambda: checks.clipping_check(mix))
    _timed("silence", repeat, lambda: checks.silence_check(mix, rate))
    _timed("dc offset", repeat, lambda: checks.dc_offset_check(mix))
    _timed("phase", repeat, lambda: checks.phase_check(mix))
    _timed("stems sum", repeat, lambda: checks.stems_sum_check(mix, stems.values(), rate))
    _timed("stems intact", repeat, lambda: checks.stems_intact_check(stems, roles, mix.shape[1]))
    mono = _timed("analysis mono", repeat, lambda: features.analysis_mono(mix, rate))
    assert isinstance(mono, np.ndarray)
    _timed("tempo", repeat, lambda: features.estimate_tempo(mono))
    _timed("key", repeat, lambda: features.estimate_key(mono))
    _timed("spectral balance", repeat, lambda: spectral_balance_db(mix, rate))
    if spec is not None:
        _timed(
            "structure (downbeats, energy)",
            repeat,
            lambda: structure.structure_checks(spec, mix, rate, roles, stems),
        )
    _timed("waveform png", repeat, lambda: plots.waveform_png(mix, rate))
    _timed("spectrogram png", repeat, lambda: plots.spectrogram_png(mix, rate))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument(
        "--prompt", default="A high-energy drum and bass track at 174 bpm with a heavy reese bass"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--breakdown", action="store_true", help="time each check and plot on its own")
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
        worker_cpu = _count_worker_cpu(qa)
        for index in range(args.repeat):
            worker_cpu.clear()
            wall, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
            qa.run(payload, ctx)
            wall, cpu, main = time.perf_counter() - wall, time.process_time() - cpu, time.thread_time() - main
            worker = sum(worker_cpu)
            print(
                f"  QA warm run {index + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                f"{args.duration / wall:.1f}x real time; main thread {main:.2f} CPU-s, analysis thread "
                f"{worker:.2f} CPU-s: {args.duration / max(main, worker):.0f}x real time on two idle cores"
            )
        if args.breakdown:
            breakdown(payload, ctx, args.repeat)
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
