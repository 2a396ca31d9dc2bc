"""x-real-time of reference analysis, mix and master (and QA) for a 180 s track, and the mastering
step side by side with matchering on the same input: time, loudness and true-peak accuracy.

Run:  .venv/bin/python bench/master.py [--seconds 180] [--matchering-python PATH]

matchering is GPL and lives only in its own benchmark venv, outside the repo and AMP's dependencies:
    python3.13 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install matchering
(or point --matchering-python / AMP_MATCHERING_PYTHON at any interpreter that has it).
x-real-time = track seconds / wall seconds (higher is faster). Measurements: pyloudnorm BS.1770-4
integrated loudness and 4x-oversampled true peak, as QA measures them.
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
from amp.mixing.mixer import mix_stems
from amp.plots import spectrogram_png, waveform_png
from amp.prompt import parse_prompt
from amp.providers.procedural import ProceduralProvider
from amp.stages.mix import master_mix
from amp.stages.qa import evaluate

DEFAULT_MATCHERING = [Path(tempfile.gettempdir()) / "bench-venv" / "bin" / "python"]  # nosec B108: a lookup, never written
MATCHERING_SCRIPT = """
import json, sys, time
import matchering as mg
start = time.perf_counter()
mg.process(target=sys.argv[1], reference=sys.argv[2], results=[mg.pcm24(sys.argv[3])])
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def timed[T](fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def render_stems(prompt: str, seconds: float, seed: int) -> tuple[dict[str, AudioBuffer], MusicSpec]:
    spec = parse_prompt(prompt, options=JobOptions(duration_s=seconds, seed=seed))
    provider = ProceduralProvider()
    return {role.value: provider.render_stem(spec, role).audio for role in spec.roles()}, spec


def matchering_python(explicit: str | None) -> Path | None:
    candidates = [Path(explicit)] if explicit else []
    if os.environ.get("AMP_MATCHERING_PYTHON"):
        candidates.append(Path(os.environ["AMP_MATCHERING_PYTHON"]))
    candidates.extend(DEFAULT_MATCHERING)
    return next((path for path in candidates if path.is_file()), None)


def row(name: str, seconds: float, track_s: float) -> str:
    return f"  {name:<34s} {seconds:8.2f} s  {track_s / seconds:8.1f}x real time"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--prompt", default="Driving techno at 128 bpm in A minor")
    parser.add_argument("--reference-prompt", default="Deep house groove at 122 bpm in F minor")
    parser.add_argument("--matchering-python", help="interpreter with matchering installed")
    args = parser.parse_args()
    track_s = args.seconds

    print(f"AMP mastering bench: {track_s:.0f} s track, {os.cpu_count()} CPUs")
    (stems, spec), render_s = timed(lambda: render_stems(args.prompt, track_s, 1))
    genre = spec.genre
    print(f"  (procedural stems: {len(stems)} roles rendered in {render_s:.1f} s)")

    mixed, mix_s = timed(lambda: mix_stems(stems, SAMPLE_RATE, genre))
    print(row("mix (stage, pan, carve, duck, bus)", mix_s, track_s))
    masters = {}
    for preset in ("streaming", "club", "broadcast"):
        (mastered, target), master_s = timed(lambda p=preset: master_mix(mixed, p, MasterAdjustments()))  # type: ignore[misc]
        masters[preset] = (mastered, target, master_s)
        print(row(f"master {preset} ({target:g} LUFS)", master_s, track_s))

    wav = encode_wav(masters["streaming"][0].audio)
    decoded, decode_s = timed(lambda: decode_any(wav))
    extract_features(
        decode_any(encode_wav(masters["streaming"][0].audio[:, : SAMPLE_RATE * 5]))
    )  # warm numba
    features, analysis_s = timed(lambda: extract_features(decoded))
    print(row("analysis: decode 24-bit WAV", decode_s, track_s))
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
    print(f"\n  side by side with matchering ({python}):")
    (ref_stems, ref_spec), _ = timed(lambda: render_stems(args.reference_prompt, min(track_s, 60.0), 2))
    reference, _ = master_mix(
        mix_stems(ref_stems, SAMPLE_RATE, ref_spec.genre), "streaming", MasterAdjustments()
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
        matchering_s = float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])
        theirs, _ = decode_audio(out_path.read_bytes())
    # AMP on the same task: master the same mix toward the same reference's loudness and balance.
    ref_features = extract_features(decode_any(encode_wav(reference.audio)))
    (ours, our_target), ours_s = timed(
        lambda: master_mix(mixed, "streaming", MasterAdjustments(), ref_features)
    )
    ours_audio, _ = decode_audio(encode_wav(ours.audio))
    print(f"    reference: {ref_lufs:.2f} LUFS, {levels.true_peak_dbtp(reference.audio):.2f} dBTP")
    print(
        f"    {'':<12s} {'time':>8s} {'xRT':>7s} {'LUFS':>8s} {'err LU':>7s} {'dBTP':>7s} {'<=-1 dBTP':>10s}"
    )
    for name, audio, seconds in (("AMP", ours_audio, ours_s), ("matchering", theirs, matchering_s)):
        lufs = levels.integrated_lufs(audio, SAMPLE_RATE)
        peak = levels.true_peak_dbtp(audio)
        print(
            f"    {name:<12s} {seconds:7.2f}s {track_s / seconds:6.1f}x {lufs:8.2f} {lufs - ref_lufs:+7.2f} "
            f"{peak:7.2f} {'yes' if peak <= -1.0 else 'no':>10s}"
        )
    print(f"    (AMP's target with this reference: {our_target:g} LUFS; matchering matches RMS, not LUFS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
