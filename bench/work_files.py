"""Work-file formats: bytes and encode/decode time per stem for 24-bit WAV, FLAC (libFLAC levels 0..8)
and float32 WAV, on the real stems (and mix) of a job.

Run: .venv/bin/python bench/work_files.py [--seconds 180] [--prompt "..."] [--levels 0 1 5 8]

Each stem is rendered by the procedural provider, mixed by the real mixer, then every format
encodes and decodes it `--repeats` times; the best time is printed (the machine is shared). CPU
seconds (process_time) are printed beside wall seconds. The 24-bit formats are checked to decode to
the same samples, so the comparison is between equally exact files.
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common"))

import numpy as np

from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_flac, encode_wav
from amp.domain.job import JobOptions
from amp.mixing.mixer import mix_stems
from amp.prompt import parse_prompt
from amp.providers.procedural import ProceduralProvider


def best_of[T](repeats: int, fn: Callable[[], T]) -> tuple[T, float, float]:
    """The result and the fastest wall and CPU seconds of `repeats` calls."""
    walls: list[float] = []
    cpus: list[float] = []
    result: T | None = None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    return result, min(walls), min(cpus)


def formats(levels: list[int]) -> list[tuple[str, Callable[[AudioBuffer], bytes]]]:
    table: list[tuple[str, Callable[[AudioBuffer], bytes]]] = [
        ("wav PCM_24", encode_wav),
        ("wav FLOAT", lambda audio: encode_wav(audio, subtype="FLOAT")),
    ]
    for level in levels:
        table.append((f"flac 24 level {level}", lambda audio, level=level: encode_flac(audio, level=level)))
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument(
        "--prompt", default="A high-energy drum and bass track at 174 bpm with a heavy reese bass"
    )
    parser.add_argument("--levels", type=int, nargs="+", default=list(range(9)))
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    spec = parse_prompt(args.prompt, options=JobOptions(duration_s=args.seconds, seed=7))
    provider = ProceduralProvider()
    raw = {role.value: provider.render_stem(spec, role).audio for role in spec.roles()}
    mixed = mix_stems(raw, SAMPLE_RATE, spec.genre)
    buffers: dict[str, AudioBuffer] = {f"raw {r}": a for r, a in raw.items()}
    buffers.update({f"mixed {r}": a for r, a in mixed.stems.items()})
    buffers["pre-master mix"] = mixed.mix
    load = os.getloadavg()[0]
    print(f"{args.seconds:g} s, {len(raw)} stems, load {load:.1f}, cores {os.cpu_count()}")

    totals: dict[str, list[float]] = {}
    for name, encode in formats(args.levels):
        total_bytes = 0.0
        enc_wall = enc_cpu = dec_wall = dec_cpu = 0.0
        for audio in buffers.values():
            data, ew, ec = best_of(args.repeats, lambda audio=audio, encode=encode: encode(audio))
            decoded, dw, dc = best_of(args.repeats, lambda data=data: decode_audio(data)[0])
            if "24" in name:
                reference = decode_audio(encode_wav(audio))[0]
                if not np.array_equal(decoded, reference):
                    raise SystemExit(f"{name}: decoded samples differ from 24-bit WAV")
            total_bytes += len(data)
            enc_wall, enc_cpu, dec_wall, dec_cpu = enc_wall + ew, enc_cpu + ec, dec_wall + dw, dec_cpu + dc
        count = len(buffers)
        totals[name] = [
            total_bytes / count,
            enc_wall / count,
            enc_cpu / count,
            dec_wall / count,
            dec_cpu / count,
        ]

    wav_bytes = totals["wav PCM_24"][0]
    print(
        f"\nper {args.seconds:g} s stereo file (mean of {len(buffers)}: raw stems, mixed stems, pre-master mix)\n"
    )
    print("| format | MB | vs WAV24 | encode s (CPU) | decode s (CPU) |")
    print("|---|---|---|---|---|")
    for name, (size, ew, ec, dw, dc) in totals.items():
        print(
            f"| {name} | {size / 1e6:.1f} | {size / wav_bytes:.0%} | {ew:.3f} ({ec:.3f}) | {dw:.3f} ({dc:.3f}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
