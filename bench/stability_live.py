"""One real Stability AI job, by hand (never in CI): guided generation of a short song against the
live API (or AMP_STABILITY_BASE_URL), then the cost, the corrections conforming made and the QA.

    STABILITY_API_KEY=sk-... .venv/bin/python bench/stability_live.py
    STABILITY_API_KEY=sk-... .venv/bin/python bench/stability_live.py --duration 30 --strength 0.5 \\
        --prompt "melancholic trip hop at 90 bpm in D minor" --max-credits 200

It runs the whole pipeline in-process (the same path as `amp generate --provider stability`) into a
temporary data dir, prints the estimate before starting and what the job record says it cost.
Without STABILITY_API_KEY it says so and exits 2, having sent nothing.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "common"))

from amp.domain.job import JobOptions  # noqa: E402
from amp.prompt.parser import parse_prompt  # noqa: E402
from amp.providers.stability import estimate_credits, estimate_requests  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--prompt", default="driving house at 124 bpm in A minor with 909 drums, bass and piano"
    )
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--strength", type=float, default=None, help="0.1..0.9 (default 0.35)")
    parser.add_argument("--mode", choices=("guided", "mix"), default="guided", help="stability_mode")
    parser.add_argument("--max-credits", type=float, default=None, help="refuse a job estimated over this")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the song (default: a temp dir)"
    )
    args = parser.parse_args()
    if not os.environ.get("STABILITY_API_KEY"):
        print("STABILITY_API_KEY is not set: nothing sent (this script spends real credits)", file=sys.stderr)
        return 2
    spec = parse_prompt(args.prompt, options=JobOptions(duration_s=args.duration, seed=args.seed))
    print(
        f"estimate ({args.mode}): {estimate_requests(spec, args.mode)} requests, "
        f"{estimate_credits(spec, args.mode):g} credits "
        f"for {len(spec.roles())} stems of {args.duration:g} s at {spec.bpm:g} bpm"
    )
    data_dir = tempfile.mkdtemp(prefix="amp-stability-live-")
    os.environ["AMP_DATA_DIR"] = data_dir
    if args.max_credits is not None:
        os.environ["AMP_STABILITY_MAX_CREDITS"] = f"{args.max_credits:g}"
    out = args.out or Path(data_dir) / "out"
    from amp.cli.main import main as amp_main

    command = ["generate", args.prompt, "--provider", "stability", "--duration", f"{args.duration:g}"]
    command += ["--seed", str(args.seed), "--out", str(out)]
    if args.strength is not None:
        command += ["--stability-strength", f"{args.strength:g}"]
    command += ["--stability-mode", args.mode]
    started = time.perf_counter()
    code = amp_main(command)
    elapsed = time.perf_counter() - started
    if code != 0:
        print(f"job did not succeed (exit {code}) after {elapsed:.0f} s", file=sys.stderr)
        return code
    job = json.loads((out / "job.json").read_text())
    reports = job.get("stem_reports", {})
    credits = sum(report["credits"] for report in reports.values())
    attempts = sum(report["attempts"] for report in reports.values())
    print(
        f"done in {elapsed:.0f} s: {credits:g} credits (${credits / 100:.2f}), {attempts} HTTP requests; {out}"
    )
    print(
        f"{'stem':<11}{'tempo x':>9}{'measured bpm':>14}{'lead-in s':>11}{'semitones':>11}{'match':>7}  midi"
    )
    for role, report in sorted(reports.items()):
        if report.get("measured"):  # whole-mix mode: nothing conformed; what the model played
            print(f"{role:<11}asked {report['asked']}, measured {report['measured']}")
        for section in report["sections"]:
            c = section["corrections"]
            print(
                f"{role:<11}{c['tempo_ratio']:>9.4f}{c['measured_bpm'] or 0:>14.2f}{c['lead_in_s']:>11.3f}"
                f"{c['pitch_shift_semitones']:>11d}{c['match'] or 0:>7.2f}  {report['midi']}"
            )
    qa = job.get("qa") or {}
    print(
        f"QA {'passed' if qa.get('passed') else 'FAILED'}: {qa.get('integrated_lufs')} LUFS, "
        f"{qa.get('true_peak_dbtp')} dBTP"
    )
    for check in qa.get("checks", []):
        print(f"  {check.get('name')}: {'ok' if check.get('passed') else 'FAIL'} {check.get('message', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
