"""x-real-time of reference analysis, mix and master (and QA) for a 180 s track, the mix stage
itself (first pass, and a remaster pass that re-masters the stored pre-master), and the mastering
step side by side with matchering 2.0.6 on the same input in the same run.

Run:  .venv/bin/python bench/master.py [--seconds 180] [--matchering-python PATH]

matchering (GPL-3.0) is a dev-only dependency (pyproject's dev extra) and runs in a subprocess of
this venv's Python (or --matchering-python / AMP_MATCHERING_PYTHON), never imported by amp. It needs
a reference track: the bench renders one from the same prompt with another seed, masters it with
AMP's streaming preset, and gives it to both: matchering matches its RMS and spectrum, AMP masters
to its loudness (clamped to the preset's swing) and leans halfway toward its spectral balance.
x-real-time = track seconds / wall seconds (higher is faster); CPU seconds (process time) beside.
Measurements: pyloudnorm BS.1770-4 integrated loudness and 4x-oversampled true peak, as QA's.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(tempfile.gettempdir()) / "amp-numba-cache"))


from amp.analysis import levels
from amp.analysis.decode import decode_any
from amp.analysis.features import extract_features
from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_wav
from amp.domain.job import Job, JobOptions
from amp.domain.qa import MasterAdjustments
from amp.domain.spec import MusicSpec
from amp.domain.stage_io import MixOutput, QAInput
from amp.mastering.preview import encode_mp3
from amp.mixing.mixer import mix_stems
from amp.plots import spectrogram_png, waveform_png
from amp.prompt import parse_prompt
from amp.providers.procedural import ProceduralProvider
from amp.stages.mix import master_mix
from amp.stages.qa import evaluate

DEFAULT_MATCHERING = [
    Path(sys.executable),
    Path(tempfile.gettempdir()) / "bench-venv" / "bin" / "python",  # nosec B108: a lookup, never written
]
MATCHERING_SCRIPT = """
import json, sys, time
import matchering as mg
start, cpu = time.perf_counter(), time.process_time()
mg.process(target=sys.argv[1], reference=sys.argv[2], results=[mg.pcm24(sys.argv[3])])
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}))
"""


CPU_SECONDS: list[float] = []
"""Process time of the last `timed` call (its CPU seconds, beside the wall seconds it returns)."""


def timed[T](fn: Callable[[], T]) -> tuple[T, float]:
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    CPU_SECONDS[:] = [time.process_time() - cpu]
    return result, time.perf_counter() - start


def render_stems(prompt: str, seconds: float, seed: int) -> tuple[dict[str, AudioBuffer], MusicSpec]:
    spec = parse_prompt(prompt, options=JobOptions(duration_s=seconds, seed=seed))
    provider = ProceduralProvider()
    return {role.value: provider.render_stem(spec, role).audio for role in spec.roles()}, spec


def has_matchering(python: Path) -> bool:
    done = subprocess.run(  # nosec B603: a python interpreter, fixed argv
        [str(python), "-c", "import matchering"], capture_output=True, check=False
    )
    return done.returncode == 0


def matchering_python(explicit: str | None) -> Path | None:
    candidates = [Path(explicit)] if explicit else []
    if os.environ.get("AMP_MATCHERING_PYTHON"):
        candidates.append(Path(os.environ["AMP_MATCHERING_PYTHON"]))
    candidates.extend(DEFAULT_MATCHERING)
    return next((path for path in candidates if path.is_file() and has_matchering(path)), None)


def row(name: str, seconds: float, track_s: float) -> str:
    cpu = f"  cpu {CPU_SECONDS[0]:6.2f} s" if CPU_SECONDS else ""
    return f"  {name:<40s} {seconds:8.2f} s  {track_s / seconds:8.1f}x real time{cpu}"


def bench_stage(stems: dict[str, AudioBuffer], spec: MusicSpec, track_s: float) -> None:
    """The mix stage as the pipeline runs it (decode stems, mix, master, encode, store) over the
    local adapters: pass 1, then a remaster pass that must re-master the stored pre-master."""
    with tempfile.TemporaryDirectory(prefix="amp-bench-mix-") as data_dir:
        os.environ["AMP_DATA_DIR"] = data_dir
        from amp.application import reset_application, stage_context
        from amp.config import get_settings
        from amp.domain import keys
        from amp.domain.stage_io import GenerateOutput, MasteringSettings, MixInput
        from amp.stages import mix

        get_settings.cache_clear()
        reset_application()
        ctx = stage_context()
        job = Job(owner="bench", prompt="bench", spec=spec)
        ctx.jobs.create(job)
        outputs = []
        for role, audio in stems.items():
            key = keys.raw_stem_key(job.owner, job.id, role)
            ctx.audio.put_bytes(key, encode_wav(audio), "audio/wav")
            outputs.append(GenerateOutput(role=role, stem_key=key))
        payload = MixInput(job_id=job.id, stems=outputs)
        _, first_s = timed(lambda: mix.run(payload, ctx))
        print(row(f"mix stage pass 1 ({len(stems)} stems, store I/O)", first_s, track_s))
        second = MasteringSettings(mastering_pass=2, adjustments=MasterAdjustments(loudness_offset_lu=-1.0))
        _, second_s = timed(lambda: mix.run(payload.model_copy(update={"mastering": second}), ctx))
        print(row("mix stage pass 2 (re-master the pre-master)", second_s, track_s))
        reset_application()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument(
        "--prompt", default="A high-energy drum and bass track at 174 bpm with a heavy reese bass"
    )
    parser.add_argument("--reference-seed", type=int, default=2, help="seed of the reference track")
    parser.add_argument("--matchering-python", help="interpreter with matchering installed")
    args = parser.parse_args()
    track_s = args.seconds

    print(f"AMP mastering bench: {track_s:.0f} s track, {os.cpu_count()} CPUs")
    (stems, spec), render_s = timed(lambda: render_stems(args.prompt, track_s, 1))
    genre = spec.genre
    print(
        f"  (procedural stems: {len(stems)} roles rendered in {render_s:.1f} s; load: {os.getloadavg()[0]:.1f})"
    )
    bench_stage(stems, spec, track_s)

    mixed, mix_s = timed(lambda: mix_stems(stems, SAMPLE_RATE, genre))
    print(row("mix (stage, pan, carve, duck, bus)", mix_s, track_s))
    masters = {}
    for preset in ("streaming", "club", "broadcast"):
        (mastered, target), master_s = timed(
            lambda p=preset: master_mix(mixed.mix, SAMPLE_RATE, p, MasterAdjustments())
        )  # type: ignore[misc]
        masters[preset] = (mastered, target, master_s)
        print(row(f"master {preset} ({target:g} LUFS)", master_s, track_s))

    wav = encode_wav(masters["streaming"][0].audio)
    _, preview_s = timed(lambda: encode_mp3(masters["streaming"][0].audio, SAMPLE_RATE))
    print(row("preview: 320 kbps MP3 (in QA, beside the analyses)", preview_s, track_s))
    decoded, decode_s = timed(lambda: decode_any(wav))
    print(row("analysis: decode 24-bit WAV", decode_s, track_s))
    extract_features(
        decode_any(encode_wav(masters["streaming"][0].audio[:, : SAMPLE_RATE * 5]))
    )  # warm numba
    features, analysis_s = timed(lambda: extract_features(decoded))
    print(row("analysis: features (librosa)", analysis_s, track_s))
    print(f"    -> bpm {features.bpm}, key {features.key} {features.mode}, {features.integrated_lufs} LUFS")

    job = Job(owner="bench", prompt=args.prompt, spec=spec)
    payload = QAInput(
        job_id=job.id,
        mix=MixOutput(
            mix_key="m", stem_keys={r: r for r in mixed.stems}, mastering_pass=1, target_lufs=-14.0
        ),
    )
    report, qa_s = timed(
        lambda: evaluate(
            masters["streaming"][0].audio,
            SAMPLE_RATE,
            target_lufs=-14.0,
            stems=mixed.stems,
            job=job,
            payload=payload,
        )
    )
    print(row(f"qa: {len(report.checks)} checks (passed: {report.passed})", qa_s, track_s))
    plots_s = timed(
        lambda: (waveform_png(decoded.audio, SAMPLE_RATE), spectrogram_png(decoded.audio, SAMPLE_RATE))
    )[1]
    print(row("qa: waveform + spectrogram PNGs", plots_s, track_s))

    print("\n  accuracy of AMP's master (pyloudnorm / 4x true peak), target +-0.5 LU, <= -1.0 dBTP:")
    for preset, (mastered, target, _) in masters.items():
        audio, _ = decode_audio(encode_wav(mastered.audio))  # as stored: 24-bit
        lufs = levels.integrated_lufs(audio, SAMPLE_RATE)
        peak = levels.true_peak_dbtp(audio)
        print(
            f"    {preset:<10s} {lufs:7.2f} LUFS (error {lufs - target:+.2f} LU)  true peak {peak:6.2f} dBTP"
        )

    python = matchering_python(args.matchering_python)
    if python is None:
        print("\n  matchering: no benchmark venv found (see the module docstring); comparison not run")
        return 0
    print(f"\n  side by side with matchering 2.0.6 ({python}), same {track_s:.0f} s pre-master mix:")
    (ref_stems, ref_spec), _ = timed(lambda: render_stems(args.prompt, track_s, args.reference_seed))
    reference, _ = master_mix(
        mix_stems(ref_stems, SAMPLE_RATE, ref_spec.genre).mix, SAMPLE_RATE, "streaming", MasterAdjustments()
    )
    ref_lufs = levels.integrated_lufs(reference.audio, SAMPLE_RATE)
    with tempfile.TemporaryDirectory(prefix="amp-bench-master-") as tmp:
        target_path, reference_path, out_path = (
            Path(tmp) / n for n in ("target.wav", "reference.wav", "out.wav")
        )
        target_path.write_bytes(encode_wav(mixed.mix))
        reference_path.write_bytes(encode_wav(reference.audio))
        done = subprocess.run(  # nosec B603: a python of the bench venv, fixed argv
            [str(python), "-c", MATCHERING_SCRIPT, str(target_path), str(reference_path), str(out_path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            print(f"  matchering failed: {done.stderr.strip().splitlines()[-1:]}")
            return 1
        timing = json.loads(done.stdout.strip().splitlines()[-1])
        matchering_s, matchering_cpu = float(timing["seconds"]), float(timing["cpu"])
        theirs, _ = decode_audio(out_path.read_bytes())
    # AMP on the same task: master the same mix toward the same reference's loudness and balance.
    ref_features, analysis_s = timed(lambda: extract_features(decode_any(encode_wav(reference.audio))))
    (ours, our_target), ours_s = timed(
        lambda: master_mix(mixed.mix, SAMPLE_RATE, "streaming", MasterAdjustments(), ref_features)
    )
    ours_cpu = CPU_SECONDS[0]
    ours_audio, _ = decode_audio(encode_wav(ours.audio))
    print(f"    reference (seed {args.reference_seed}, AMP streaming master): {ref_lufs:.2f} LUFS, "
          f"{levels.true_peak_dbtp(reference.audio):.2f} dBTP")  # fmt: skip
    print(
        f"    {'':<12s} {'time':>8s} {'cpu':>7s} {'xRT':>7s} {'LUFS':>8s} {'vs ref':>7s} {'dBTP':>7s} {'<=-1 dBTP':>10s}"
    )
    for name, audio, seconds, cpu in (
        ("AMP", ours_audio, ours_s, ours_cpu),
        ("matchering", theirs, matchering_s, matchering_cpu),
    ):
        lufs = levels.integrated_lufs(audio, SAMPLE_RATE)
        peak = levels.true_peak_dbtp(audio)
        print(
            f"    {name:<12s} {seconds:7.2f}s {cpu:6.2f}s {track_s / seconds:6.1f}x {lufs:8.2f} {lufs - ref_lufs:+7.2f} "
            f"{peak:7.2f} {'yes' if peak <= -1.0 else 'no':>10s}"
        )
    our_lufs = levels.integrated_lufs(ours_audio, SAMPLE_RATE)
    error = our_lufs - our_target
    print(
        f"    AMP vs its target {our_target:g} LUFS: {error:+.3f} LU "
        f"({'within' if abs(error) <= 0.1 else 'OUTSIDE'} +-0.1 LU); matchering matches RMS, has no LUFS target"
    )
    print(
        f"    speed: AMP master {matchering_s / ours_s:.1f}x faster than matchering "
        f"({matchering_s / (ours_s + analysis_s):.1f}x counting AMP's reference analysis, {analysis_s:.2f} s, "
        "a separate stage)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
