"""Downbeat error of the mastered mix against the plan: 20 plans across genres and metres, each
rendered (every stem), mixed and mastered through the stages' own storage-free path
(`mix_stems`, `master_mix`), then measured the way QA's hard check measures it
(`amp.qa.structure.section_timings`: each section's bar lines, attack curves averaged).

Run: .venv/bin/python bench/plan_accuracy.py [--only N]
Prints per plan the judged sections and their worst error, then the max over all judged sections
(the figure the 10 ms hard check bounds) and how many sections had no clear beat to judge. Also
prints the error on the drum stems alone, where the mix is not judged.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "common"))
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")


def s(name: str, bars: int, energy: float, **extra: Any) -> dict[str, Any]:
    return {"name": name, "bars": bars, "energy": energy, **extra}


PLANS: list[tuple[str, list[dict[str, Any]]]] = [
    ("house at 124 bpm", [s("intro", 4, 0.4), s("build", 4, 0.7), s("drop", 8, 0.95), s("outro", 4, 0.5)]),
    ("techno at 132 bpm", [s("groove", 8, 0.7), s("breakdown", 4, 0.3, text="filtered"), s("drop", 8, 0.95)]),
    ("trap at 140 bpm", [s("intro", 4, 0.4, mute_roles=["drums"]), s("verse", 8, 0.7), s("chorus", 8, 0.9)]),
    ("drum and bass at 174 bpm", [s("intro", 8, 0.5), s("drop", 16, 1.0), s("outro", 4, 0.5)]),
    ("rock at 120 bpm", [s("verse", 8, 0.6), s("chorus", 8, 0.9), s("bridge", 4, 0.5), s("chorus", 8, 0.95)]),
    ("metal at 150 bpm", [s("intro", 4, 0.6), s("verse", 8, 0.8), s("chorus", 8, 1.0)]),
    (
        "pop at 110 bpm",
        [s("verse", 8, 0.5), s("pre-chorus", 4, 0.7), s("chorus", 8, 0.9), s("outro", 4, 0.4)],
    ),
    ("funk at 105 bpm", [s("groove", 8, 0.7), s("solo", 8, 0.9), s("groove", 4, 0.7)]),
    ("hip hop at 90 bpm", [s("intro", 4, 0.4), s("verse", 8, 0.6), s("hook", 8, 0.8)]),
    ("reggae at 80 bpm", [s("verse", 8, 0.5), s("chorus", 8, 0.7)]),
    ("waltz in 3/4 at 150 bpm", [s("theme", 8, 0.5), s("b", 8, 0.7), s("theme", 8, 0.6)]),
    ("jazz waltz in 3/4 at 140 bpm", [s("head", 8, 0.5), s("solo", 8, 0.7), s("head", 8, 0.5)]),
    ("folk in 6/8 at 100 bpm", [s("verse", 8, 0.5), s("chorus", 8, 0.7)]),
    ("progressive rock in 7/8 at 140 bpm", [s("intro", 4, 0.5), s("verse", 8, 0.7), s("chorus", 8, 0.9)]),
    ("math rock in 5/4 at 120 bpm", [s("verse", 8, 0.6), s("chorus", 8, 0.9)]),
    ("latin salsa at 110 bpm", [s("intro", 4, 0.5), s("groove", 8, 0.8), s("drop", 8, 0.95)]),
    ("afrobeat at 112 bpm", [s("groove", 8, 0.7), s("breakdown", 4, 0.4), s("groove", 8, 0.8)]),
    ("12-bar blues shuffle at 96 bpm", [s("head", 12, 0.6), s("solo", 12, 0.85)]),
    ("synthwave at 100 bpm", [s("intro", 4, 0.4), s("verse", 8, 0.6), s("chorus", 8, 0.9, text="half-time")]),
    ("ambient at 72 bpm", [s("intro", 4, 0.2), s("drift", 8, 0.3)]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, help="run only plan N (0-based)")
    args = parser.parse_args()

    from amp.audio_io import SAMPLE_RATE
    from amp.domain.job import JobRequest
    from amp.domain.qa import MasterAdjustments
    from amp.mixing.mixer import mix_stems
    from amp.prompt import parse_prompt
    from amp.providers.procedural import ProceduralProvider
    from amp.qa.structure import RHYTHM_ROLES, downbeat_check, form_of, section_timings, struck_downbeats
    from amp.stages.mix import master_mix

    provider = ProceduralProvider()
    worst_mix_ms = 0.0
    worst_drums_ms = 0.0
    judged_sections = unjudged = failed = 0
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    chosen = [PLANS[args.only]] if args.only is not None else PLANS
    for index, (prompt, sections) in enumerate(chosen):
        request = JobRequest.model_validate(
            {"prompt": prompt, "seed": 11 + index, "plan": {"sections": sections}}
        )
        spec = parse_prompt(request.prompt, options=request.options("streaming"), seed_source=prompt)
        stems = {role.value: provider.render_stem(spec, role).audio for role in spec.roles()}
        mixed = mix_stems(stems, SAMPLE_RATE, spec.genre)
        mastered, _ = master_mix(mixed.mix, mixed.sample_rate, "streaming", MasterAdjustments())
        form = form_of(spec)
        struck = struck_downbeats(provider.compose(spec), spec.seed)
        timings = section_timings(mastered.audio, SAMPLE_RATE, form, struck)
        rhythm = [audio for role, audio in mixed.stems.items() if role in RHYTHM_ROLES]
        drum_errors = []
        if rhythm:
            total = sum(rhythm[1:], rhythm[0])
            drum_errors = [
                abs(t.offset_s) * 1000
                for t in section_timings(total, SAMPLE_RATE, form, struck)
                if t.judged and t.offset_s is not None
            ]
        errors = [abs(t.offset_s) * 1000 for t in timings if t.judged and t.offset_s is not None]
        verdict = downbeat_check(spec, mastered.audio, SAMPLE_RATE, set(mixed.stems), mixed.stems)
        failed += not verdict.passed
        judged_sections += len(errors)
        unjudged += len(timings) - len(errors)
        worst_mix_ms = max([worst_mix_ms, *errors])
        worst_drums_ms = max([worst_drums_ms, *drum_errors])
        steady = "steady" if not form.tempo_changes else "rubato"
        print(
            f"{prompt:<38} {spec.time_signature:>4} {spec.bpm:>5g} bpm {steady:<6} "
            f"mix: {len(errors)}/{len(timings)} sections judged, worst "
            f"{max(errors, default=float('nan')):.0f} ms; drum stems worst "
            f"{max(drum_errors, default=float('nan')):.0f} ms; QA check {verdict.value} ms passed={verdict.passed}"
        )
    print(
        f"max downbeat error of the mix over {judged_sections} judged sections of {len(chosen)} plans: "
        f"{worst_mix_ms:.1f} ms ({unjudged} sections without a clear beat not judged); "
        f"drum stems: {worst_drums_ms:.1f} ms; QA hard check failed on {failed} of {len(chosen)} plans"
    )
    print(
        f"{time.perf_counter() - started_wall:.0f} s wall, {time.process_time() - started_cpu:.0f} s CPU; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
