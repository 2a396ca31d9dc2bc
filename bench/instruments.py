"""Sampled-instrument benchmark: x real time for every stem of a 180 s orchestral-like spec (SoundFont
parts) and a 180 s techno spec (synth parts), and peak memory for a 300 s orchestral spec.

    .venv/bin/python bench/instruments.py                    # speed for both, memory
    .venv/bin/python bench/instruments.py speed --duration 60

Speed is measured the way bench/generate.py measures it: one process per core, each rendering whole
stems as the Map's per-stem Lambdas do (workers warmed first, so imports and the SoundFont load
are out of the timing, as in a warm Lambda).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import _pool, _render_one, memory_line, stem_memory

from amp.domain.spec import Instrument, Mode, MusicSpec, Role

ORCHESTRAL: list[tuple[str, Role]] = [
    ("timpani", Role.PERCUSSION),
    ("upright bass", Role.BASS),
    ("strings", Role.PAD),
    ("piano", Role.CHORDS),
    ("violin", Role.LEAD),
    ("harp", Role.ARP),
    ("choir", Role.VOCAL),
    ("french horn", Role.FX),
]
"""Eight parts across the roles; FX carries no instrument name in the parser, so the horn there is
rendered as the role's FX cues (a synth source) and the rest are SoundFont parts."""


def orchestral_spec(duration_s: float) -> MusicSpec:
    return MusicSpec(
        genre="orchestral",
        bpm=96.0,
        key="D",
        mode=Mode.MINOR,
        duration_s=duration_s,
        seed=5,
        instruments=[Instrument(name=name, role=role) for name, role in ORCHESTRAL],
        excluded_roles=[Role.DRUMS],
    )


def techno_spec(duration_s: float) -> MusicSpec:
    return MusicSpec(
        genre="techno",
        bpm=132.0,
        key="A",
        mode=Mode.MINOR,
        duration_s=duration_s,
        seed=3,
        instruments=[Instrument(name=r.value, role=r) for r in Role],
    )


def _warm_one(args: tuple[str, str]) -> None:
    _render_one(args)
    time.sleep(1.0)


def bench_speed(name: str, spec: MusicSpec) -> None:
    workers = os.cpu_count() or 2
    spec_json = spec.model_dump_json()
    roles = [r.value for r in spec.roles()]
    with _pool(workers) as pool:
        # warm every worker (imports, the SoundFont, the score): each warm task holds its worker a
        # moment, so the next one goes to another worker and none starts the timing cold
        list(pool.map(_warm_one, [(spec_json, roles[0])] * workers))
        started = time.perf_counter()
        per_role = dict(pool.map(_render_one, [(spec_json, r) for r in roles]))
        wall_s = time.perf_counter() - started
    cpu_bound_s = sum(per_role.values()) / workers
    print(
        f"{name}: {len(roles)} stems of a {spec.duration_s:.0f} s track on {workers} processes: wall {wall_s:.2f} s "
        f"= {spec.duration_s / wall_s:.0f}x real time (cpu / {workers} cores = {spec.duration_s / cpu_bound_s:.0f}x, "
        "the figure on an unshared machine); cpu per stem: "
        + ", ".join(f"{r} {s:.2f}s" for r, s in per_role.items())
        + f"; load average {os.getloadavg()[0]:.1f}"
    )


def bench_memory(duration_s: float) -> None:
    line = memory_line(f"{duration_s:.0f} s orchestral track", *stem_memory(orchestral_spec(duration_s)))
    print(f"{line} (the SoundFont's samples, decoded by the synthesizer outside tracemalloc, are in the RSS)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "what", nargs="*", choices=["speed", "techno", "memory"], help="default: speed memory"
    )
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--memory-duration", type=float, default=300.0)
    args = parser.parse_args()
    args.what = args.what or ["speed", "memory"]
    if "speed" in args.what:
        bench_speed("orchestral", orchestral_spec(args.duration))
    if "speed" in args.what or "techno" in args.what:
        bench_speed("techno", techno_spec(args.duration))
    if "memory" in args.what:
        bench_memory(args.memory_duration)


if __name__ == "__main__":
    main()
