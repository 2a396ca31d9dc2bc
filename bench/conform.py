"""Conform and transcription speed: x real time (CPU seconds per second of audio) to conform one
Stability clip to the grid (amp.providers.conform: analysis, alignment to the guide, Rubber Band
stretch) and to transcribe one pitched stem (basic-pitch on onnxruntime), plus how close the
conformed stems land to the guide's beat grid: the median and the worst beat's offset (ms) of the
stem's attacks from the guide's (tests/support/grid.py beat_offsets_ms, the tests' measure).

    .venv/bin/python bench/conform.py                    # 30 s song, every stem
    .venv/bin/python bench/conform.py --duration 60

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
from tests.support.grid import beat_offsets_ms  # noqa: E402

PROMPT = "driving house at 124 bpm in A minor with 909 drums, bass, piano chords, pad and lead"


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
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


if __name__ == "__main__":
    sys.exit(main())
