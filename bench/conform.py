"""Conform and transcription speed: x real time (CPU seconds per second of audio) to conform one
Stability clip to the grid (amp.providers.conform: analysis, alignment to the guide, Rubber Band
stretch) and to transcribe one pitched stem (basic-pitch on onnxruntime), plus how close the
conformed stems land to the guide's beat grid: the median and the worst beat's offset (ms) of the
stem's attacks from the guide's (tests/support/grid.py beat_offsets_ms, the tests' measure).

    .venv/bin/python bench/conform.py                    # 30 s song, every stem
    .venv/bin/python bench/conform.py --duration 60
    .venv/bin/python bench/conform.py --sweep 8          # 8 song seeds x fake-model draws: per role
                                                         # the median and worst beat error over all
    .venv/bin/python bench/conform.py --sweep 8 --pitch 1.0      # every answer a semitone off
    .venv/bin/python bench/conform.py --sweep 6 --seams --duration 27.1  # continued, 10 s sections

The clips come from the fake Stability server's model (tests/support/fake_stability.py): the
procedural stem played 2-4% off tempo, after a random lead-in, sometimes a semitone off, recoloured.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "common"))

import numpy as np  # noqa: E402

from amp.audio_io import SAMPLE_RATE  # noqa: E402
from amp.domain.job import JobOptions  # noqa: E402
from amp.prompt.parser import parse_prompt  # noqa: E402
from amp.providers import transcribe  # noqa: E402
from amp.providers.conform import conform  # noqa: E402
from amp.providers.procedural import ProceduralProvider  # noqa: E402
from amp.providers.stability import UNPITCHED_ROLES  # noqa: E402
from tests.support.fake_stability import FakeStability  # noqa: E402
from tests.support.grid import beat_offsets_ms, time_map_errors_ms  # noqa: E402

PROMPT = "driving house at 124 bpm in A minor with 909 drums, bass, piano chords, pad and lead"


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sweep", type=int, default=0, help="song seeds to sweep (0: one run)")
    parser.add_argument("--pitch", type=float, default=0.25, help="share of answers a semitone off")
    parser.add_argument(
        "--seams", action="store_true", help="sweep: through the provider, continued in 10 s sections"
    )
    args = parser.parse_args()
    if args.sweep:
        return sweep(args)
    spec = parse_prompt(PROMPT, options=JobOptions(duration_s=args.duration, seed=args.seed))
    provider = ProceduralProvider()
    fake = FakeStability()
    rng = np.random.default_rng(args.seed)
    print(
        f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.duration:g} s song at {spec.bpm:g} bpm"
    )
    conform(np.zeros((2, SAMPLE_RATE * 4), np.float32), bpm=spec.bpm, frames=SAMPLE_RATE * 4)  # warm numba
    transcribe.transcribe(np.zeros((2, SAMPLE_RATE), np.float32), spec.bpm)
    print(
        f"{'role':<11}{'conform xRT':>12}{'wall xRT':>10}{'ratio':>8}{'lead-in':>9}{'semis':>6}"
        f"{'beats med/max ms':>17}{'transcribe xRT':>16}"
    )
    for role in spec.roles():
        guide = provider.render_stem(spec, role)
        clip = fake.model_audio_to_audio(guide.audio, SAMPLE_RATE, 0.35, args.duration * 1.08 + 0.5, rng)
        started_cpu, started_wall = cpu_s(), time.perf_counter()
        result = conform(
            clip,
            bpm=spec.bpm,
            frames=guide.audio.shape[1],
            guide=guide.audio,
            pitched=role not in UNPITCHED_ROLES,
        )
        conform_cpu, conform_wall = cpu_s() - started_cpu, time.perf_counter() - started_wall
        errors = [abs(lag) for _, lag in beat_offsets_ms(guide.audio, result.audio, spec.bpm)]
        transcribe_xrt = float("nan")
        if role not in UNPITCHED_ROLES and transcribe.available():
            started_cpu = cpu_s()
            transcribe.transcribe(result.audio, spec.bpm)
            transcribe_xrt = (cpu_s() - started_cpu) / args.duration
        c = result.corrections
        grid = f"{np.median(errors):.1f}/{max(errors):.1f}" if errors else "-"
        print(
            f"{role.value:<11}{conform_cpu / args.duration:>12.3f}{conform_wall / args.duration:>10.3f}"
            f"{c.tempo_ratio:>8.4f}{c.lead_in_s:>9.3f}{c.pitch_shift_semitones:>6d}{grid:>17}{transcribe_xrt:>16.3f}"
        )
    return 0


def sweep(args: argparse.Namespace) -> int:
    """Every role over `args.sweep` song seeds, each conformed from its own fake-model draw: per
    role the median of the per-song medians and the worst beat over every song, the number of songs
    whose worst beat is over 10 ms, and the conform CPU per stem-second. --seams: through the
    provider against the fake server with 10 s sections, so every song has continuation seams."""
    from amp.domain.spec import Role
    from amp.providers.stability import RequestPacer, StabilityProvider
    from tests.support.fake_stability import Behaviour

    roles = [Role.DRUMS, Role.BASS] if args.seams else None
    medians: dict[str, list[float]] = {}
    worsts: dict[str, list[tuple[float, int, float]]] = {}
    map_worsts: dict[str, list[tuple[float, int, float]]] = {}
    cpu: dict[str, float] = {}
    seconds: dict[str, float] = {}
    provider = ProceduralProvider()
    conform(np.zeros((2, SAMPLE_RATE * 4), np.float32), bpm=124.0, frames=SAMPLE_RATE * 4)  # warm numba
    with FakeStability(behaviour=Behaviour(pitch_shift_probability=args.pitch)) as fake:
        stability = StabilityProvider(
            api_key=fake.api_key,
            base_url=fake.base_url,
            transcriber=None,
            pacer=RequestPacer(max_requests=1000),
            section_limit_s=10.0,
        )
        for seed in range(args.seed, args.seed + args.sweep):
            spec = parse_prompt(PROMPT, options=JobOptions(duration_s=args.duration, seed=seed))
            rng = np.random.default_rng(seed)
            for role in roles or spec.roles():
                guide = provider.render_stem(spec, role).audio
                started = cpu_s()
                answered = len(fake.answers)
                if args.seams:
                    stem = stability.render_stem(spec, role)
                    audio = stem.audio
                    assert stem.report is not None
                    sections = [(s["start_s"], s["end_s"], s["corrections"]) for s in stem.report["sections"]]
                else:
                    clip = fake.model_audio_to_audio(
                        guide, SAMPLE_RATE, 0.35, args.duration * 1.08 + 0.5, rng
                    )
                    result = conform(
                        clip,
                        bpm=spec.bpm,
                        frames=guide.shape[1],
                        guide=guide,
                        pitched=role not in UNPITCHED_ROLES,
                    )
                    audio = result.audio
                    sections = [(0.0, args.duration, result.corrections.model_dump())]
                cpu[role.value] = cpu.get(role.value, 0.0) + cpu_s() - started
                truth = []
                for answer, (start_s, end_s, corrections) in zip(
                    fake.answers[answered:], sections, strict=True
                ):
                    for t, error in time_map_errors_ms(
                        answer,
                        tempo_ratio=corrections["tempo_ratio"],
                        shift_s=corrections["shift_s"],
                        bpm=spec.bpm,
                        duration_s=end_s - start_s,
                    ):
                        truth.append((abs(error), seed, start_s + t))
                map_worsts.setdefault(role.value, []).append(max(truth))
                seconds[role.value] = seconds.get(role.value, 0.0) + args.duration
                offsets = beat_offsets_ms(guide, audio, spec.bpm)
                if not offsets:
                    continue
                errors = [abs(lag) for _, lag in offsets]
                worst_index = int(np.argmax(errors))
                medians.setdefault(role.value, []).append(float(np.median(errors)))
                worsts.setdefault(role.value, []).append((errors[worst_index], seed, offsets[worst_index][0]))
    print(
        f"sweep: {args.sweep} seeds from {args.seed}, {args.duration:g} s, pitch-off share {args.pitch:g}"
        f"{', 10 s sections' if args.seams else ''}"
    )
    print("beats: tests/support/grid.py beat_offsets_ms (the audio); map: the applied time map against")
    print("the fake's recorded drift and lead-in (the truth; a pad's beats read its texture, see grid.py)")
    print(
        f"{'role':<11}{'beats med':>10}{'worst':>7}{'at (seed, s)':>14}{'>10':>5}"
        f"{'map worst':>10}{'at (seed, s)':>14}{'>10':>5}{'CPU xRT':>9}"
    )
    for name, values in medians.items():
        worst, worst_seed, at = max(worsts[name])
        over = sum(1 for w, _, _ in worsts[name] if w > 10.0)
        map_worst, map_seed, map_at = max(map_worsts[name])
        map_over = sum(1 for w, _, _ in map_worsts[name] if w > 10.0)
        print(
            f"{name:<11}{np.median(values):>10.1f}{worst:>7.1f}{f'({worst_seed}, {at:.1f})':>14}"
            f"{f'{over}/{len(values)}':>5}{map_worst:>10.1f}{f'({map_seed}, {map_at:.1f})':>14}"
            f"{f'{map_over}/{len(values)}':>5}{cpu[name] / seconds[name]:>9.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
