"""Generation engine benchmark: speed, memory, adherence to the spec, audio sanity, spectrograms.

    .venv/bin/python bench/generate.py                  # everything (several minutes)
    .venv/bin/python bench/generate.py speed memory     # a subset: speed memory adherence sanity spectrograms

Figures are printed; spectrogram PNGs go to bench/results/. Adherence measures tempo and key with
the product's own analysis (amp.analysis.features, as reference analysis and QA do).
"""

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="amp-numba-"))

import numpy as np

from amp.audio_io import SAMPLE_RATE, AudioBuffer
from amp.domain.errors import InvalidInput
from amp.domain.spec import MINOR_FAMILY, Instrument, Mode, MusicSpec, Role
from amp.providers.procedural import ProceduralProvider

RESULTS = Path(__file__).parent / "results"
ALL_ROLES = list(Role)


def full_band_spec(duration_s: float, genre: str = "drum and bass", bpm: float = 174.0) -> MusicSpec:
    return MusicSpec(
        genre=genre,
        bpm=bpm,
        key="D",
        mode=Mode.MINOR,
        duration_s=duration_s,
        seed=11,
        instruments=[Instrument(name=r.value, role=r) for r in ALL_ROLES],
    )


def _worker_init() -> None:
    """Spawned workers (no fork: pedalboard and numba threads do not survive it) each get their own
    numba cache dir, so two workers never write one cache file at once. Each loads the SoundFont
    here, as a warm Lambda has (a cold start pays it once per container, not per stem)."""
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="amp-numba-worker-")
    from amp.synth.soundfont import loaded_font

    loaded_font()


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
    )


def render_all(spec: MusicSpec) -> dict[Role, AudioBuffer]:
    provider = ProceduralProvider()
    return {role: provider.render_stem(spec, role).audio for role in spec.roles()}


def _render_one(args: tuple[str, str]) -> tuple[str, float]:
    spec_json, role = args
    spec = MusicSpec.model_validate_json(spec_json)
    started = time.process_time()
    ProceduralProvider().render_stem(spec, Role(role))
    return role, time.process_time() - started


def bench_speed(duration_s: float = 180.0) -> None:
    spec = full_band_spec(duration_s)
    provider = ProceduralProvider()
    provider.compose(spec)  # warm imports and the score cache out of the timing: measured below
    started = time.perf_counter()
    cpu_started = time.process_time()
    for role in spec.roles():
        provider.render_stem(spec, role)
    wall_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    print(
        f"speed: {len(spec.roles())} stems of a {duration_s:.0f} s track, one thread: wall {wall_s:.2f} s "
        f"({duration_s / wall_s:.0f}x real time), cpu {cpu_s:.2f} s ({duration_s / cpu_s:.0f}x)"
    )
    workers = os.cpu_count() or 2
    with _pool(workers) as pool:
        list(pool.map(_render_one, [(spec.model_dump_json(), "bass")] * workers))  # warm the workers
        started = time.perf_counter()
        per_role = dict(pool.map(_render_one, [(spec.model_dump_json(), r.value) for r in spec.roles()]))
        parallel_s = time.perf_counter() - started
    print(
        f"speed: {workers} processes (the Map's per-stem Lambdas on this machine): wall {parallel_s:.2f} s "
        f"({duration_s / parallel_s:.0f}x real time)"
    )
    print("speed: cpu per stem: " + ", ".join(f"{r} {s:.2f}s" for r, s in per_role.items()))
    print(f"speed: load average during the run {os.getloadavg()[0]:.1f} on {workers} cores")


def stem_memory(spec: MusicSpec) -> tuple[dict[str, float], float]:
    """Peak traced allocation (MiB) of each stem's render, after composing, and the process max RSS."""
    provider = ProceduralProvider()
    provider.compose(spec)
    tracemalloc.start()
    peaks = {}
    for role in spec.roles():
        tracemalloc.reset_peak()
        provider.render_stem(spec, role)
        peaks[role.value] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peaks, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_line(what: str, peaks: dict[str, float], rss_mib: float) -> str:
    worst = max(peaks, key=lambda r: peaks[r])
    return (
        f"memory: {what}, peak traced allocation per stem render: max {peaks[worst]:.0f} MiB "
        f"({worst}), median {statistics.median(peaks.values()):.0f} MiB; process max RSS {rss_mib:.0f} MiB"
    )


def bench_memory(duration_s: float = 300.0) -> None:
    print(memory_line(f"{duration_s:.0f} s track", *stem_memory(full_band_spec(duration_s))))


PROMPT_SET: list[tuple[str, float, str, Mode, str, list[tuple[str, Role]], list[Role]]] = [
    # genre, bpm, key, mode, time signature, instruments, excluded roles
    ("drum and bass", 174, "D", Mode.MINOR, "4/4", [("reese bass", Role.BASS), ("synth pad", Role.PAD)], []),
    ("house", 124, "A", Mode.MINOR, "4/4", [("electric piano", Role.CHORDS)], [Role.VOCAL]),
    ("techno", 132, "F", Mode.MINOR, "4/4", [("303", Role.BASS)], [Role.CHORDS]),
    ("trap", 140, "C#", Mode.MINOR, "4/4", [("808", Role.BASS), ("bells", Role.LEAD)], []),
    ("lo-fi hip hop", 82, "Eb", Mode.MAJOR, "4/4", [("rhodes", Role.CHORDS)], [Role.LEAD]),
    ("jazz", 120, "Bb", Mode.MAJOR, "4/4", [("upright bass", Role.BASS), ("piano", Role.CHORDS)], []),
    ("trance", 138, "G", Mode.MINOR, "4/4", [("supersaw", Role.LEAD), ("arpeggiator", Role.ARP)], []),
    ("pop", 110, "C", Mode.MAJOR, "4/4", [("piano", Role.CHORDS), ("synth lead", Role.LEAD)], []),
    ("rock", 128, "E", Mode.MINOR, "4/4", [("distorted guitar", Role.CHORDS)], [Role.PAD]),
    ("waltz", 150, "F", Mode.MAJOR, "3/4", [("piano", Role.CHORDS), ("strings", Role.PAD)], []),
    (
        "ambient",
        70,
        "Ab",
        Mode.MAJOR,
        "4/4",
        [("synth pad", Role.PAD), ("bells", Role.LEAD)],
        [Role.PERCUSSION],
    ),
    ("dubstep", 140, "F#", Mode.MINOR, "4/4", [("wobble bass", Role.BASS)], []),
    ("boom bap", 90, "G", Mode.MINOR, "4/4", [("upright bass", Role.BASS)], [Role.ARP]),
    ("synthwave", 100, "A", Mode.MINOR, "4/4", [("synth bass", Role.BASS), ("arpeggiator", Role.ARP)], []),
    ("reggaeton", 95, "B", Mode.MINOR, "4/4", [("808 bass", Role.BASS)], []),
    ("deep house", 120, "D", Mode.DORIAN, "4/4", [("sub bass", Role.BASS), ("rhodes", Role.CHORDS)], []),
    ("folk", 100, "G", Mode.MAJOR, "6/8", [("acoustic guitar", Role.CHORDS), ("violin", Role.LEAD)], []),
    ("cinematic", 90, "C", Mode.MINOR, "4/4", [("strings", Role.PAD), ("choir", Role.VOCAL)], []),
    ("disco", 118, "E", Mode.MAJOR, "4/4", [("bass guitar", Role.BASS), ("strings", Role.PAD)], []),
    ("funk", 105, "E", Mode.MIXOLYDIAN, "4/4", [("slap bass", Role.BASS), ("clavinet", Role.CHORDS)], []),
    ("psytrance", 145, "E", Mode.PHRYGIAN, "4/4", [("acid bass", Role.BASS)], []),
    ("soul", 96, "Eb", Mode.MAJOR, "4/4", [("organ", Role.CHORDS), ("vocals", Role.VOCAL)], []),
    ("uk garage", 132, "F", Mode.MINOR, "4/4", [("sub bass", Role.BASS), ("vocal chops", Role.VOCAL)], []),
    ("progressive house", 126, "Bb", Mode.MINOR, "5/4", [("pluck", Role.ARP)], []),
]

_CORE = (Role.DRUMS, Role.BASS, Role.CHORDS, Role.LEAD)


def adherence_specs(duration_s: float, seed_offset: int = 0) -> list[MusicSpec]:
    specs = []
    for index, (genre, bpm, key, mode, meter, instruments, excluded) in enumerate(PROMPT_SET):
        named = [Instrument(name=name, role=role) for name, role in instruments]
        roles = {i.role for i in named}
        named += [
            Instrument(name=r.value, role=r) for r in (*_CORE, Role.PAD, Role.PERCUSSION) if r not in roles
        ]
        specs.append(
            MusicSpec(
                genre=genre,
                bpm=bpm,
                key=key,
                mode=mode,
                time_signature=meter,
                duration_s=duration_s,
                instruments=named,
                excluded_roles=excluded,
                seed=1000 + index,
            )
        )
    return specs


PROMPTS: list[str] = [
    "A high-energy drum and bass track at 174 bpm in D minor with a heavy reese bass",
    "Deep house at 122 bpm in A minor with warm rhodes chords, no vocals",
    "Dark techno at 132 bpm in F minor with a 303 acid bassline",
    "Trap beat, 140 bpm, C# minor, booming 808s and bell melody",
    "Chill lo-fi hip hop in Eb major, 82 bpm, dusty rhodes, no lead",
    "Upbeat jazz in Bb major at 120 bpm with upright bass and piano",
    "Euphoric trance at 138 bpm in G minor with supersaw lead and arpeggios",
    "Happy pop song in C major at 110 bpm with piano and a synth lead",
    "Rock at 128 bpm in E minor with distorted guitars, no pads",
    "A gentle waltz in F major at 150 bpm in 3/4 with piano and strings",
    "Ambient soundscape in Ab major, 70 bpm, lush pads and bells",
    "Heavy dubstep at 140 bpm in F# minor with wobble bass",
    "Boom bap hip hop at 90 bpm in G minor with upright bass, no arpeggio",
    "Synthwave at 100 bpm in A minor with arpeggiator and synth bass",
    "Reggaeton at 95 bpm in B minor with 808 bass",
    "Deep house in D dorian at 120 bpm with sub bass",
    "Folk tune in G major in 6/8 at 100 bpm with acoustic guitar and violin",
    "Epic cinematic score in C minor at 90 bpm with strings and choir",
    "Disco at 118 bpm in E major with bass guitar and strings",
    "Funky groove at 105 bpm in E mixolydian with slap bass and clavinet",
    "Psytrance at 145 bpm in E phrygian with acid bass",
    "Soul at 96 bpm in Eb major with organ and vocals",
    "UK garage at 132 bpm in F minor with sub bass and vocal chops",
    "Progressive house in Bb minor at 126 bpm in 5/4 with plucks",
]


def prompt_specs(duration_s: float) -> list[MusicSpec]:
    """The prompt set through the real parser (amp.prompt.parse_prompt), duration fixed."""
    from amp.domain.job import JobOptions
    from amp.prompt import parse_prompt

    return [
        parse_prompt(text, options=JobOptions(duration_s=duration_s), seed_source=f"bench-{index}")
        for index, text in enumerate(PROMPTS)
    ]


def measure_tempo_and_key(mix: AudioBuffer) -> tuple[float, str, str]:
    """(bpm, tonic, 'major'|'minor') of a (channels, frames) mix, measured by the product's own
    analysis (amp.analysis.features, what reference analysis and QA use), not a second estimator.
    A track without pulse or pitch measures as 0 bpm / "?" so it counts as off, not as a crash."""
    from amp.analysis.features import analysis_mono, estimate_key, estimate_tempo

    mono = analysis_mono(mix, SAMPLE_RATE)
    tempo = estimate_tempo(mono).bpm
    key = estimate_key(mono)
    return tempo or 0.0, key.key or "?", key.mode or "?"


def _adherence_one(spec_json: str) -> dict[str, object]:
    spec = MusicSpec.model_validate_json(spec_json)
    stems = render_all(spec)
    provider = ProceduralProvider()
    refused = 0
    for role in spec.excluded_roles:
        try:
            provider.render_stem(spec, role)
        except InvalidInput:
            refused += 1
    mix = np.sum(list(stems.values()), axis=0)
    tempo, tonic, family = measure_tempo_and_key(mix)
    want_family = "minor" if spec.mode in MINOR_FAMILY else "major"
    return {
        "genre": spec.genre,
        "bpm": spec.bpm,
        "tempo": tempo,
        "meter": spec.time_signature,
        "key": f"{spec.key} {spec.mode.value}",
        "estimated": f"{tonic} {family}",
        "key_ok": tonic == spec.key and family == want_family,
        "excluded_ok": refused == len(spec.excluded_roles) and not set(spec.excluded_roles) & set(stems),
        "peaks_dbfs": {r.value: 20 * np.log10(max(float(np.abs(a).max()), 1e-9)) for r, a in stems.items()},
        "rms_dbfs": {
            r.value: 20 * np.log10(max(float(np.sqrt(np.mean(a**2))), 1e-9)) for r, a in stems.items()
        },
        "finite": all(bool(np.all(np.isfinite(a))) for a in stems.values()),
    }


def bench_adherence(duration_s: float = 30.0, seeds: int = 1, prompts: bool = False) -> None:
    if prompts:
        specs = prompt_specs(duration_s)
        print(f"adherence: {len(specs)} prompts parsed by amp.prompt.parse_prompt")
    else:
        specs = [spec for offset in range(seeds) for spec in adherence_specs(duration_s, offset)]
    with _pool(os.cpu_count() or 2) as pool:
        results = list(pool.map(_adherence_one, [s.model_dump_json() for s in specs]))
    tempo_ok = key_ok = octave_ok = 0
    for r in results:
        error = abs(float(r["tempo"]) / float(r["bpm"]) - 1.0)  # type: ignore[arg-type]
        folded = min(abs(float(r["tempo"]) * f / float(r["bpm"]) - 1.0) for f in (0.5, 2 / 3, 1.0, 1.5, 2.0))  # type: ignore[arg-type]
        tempo_ok += error <= 0.02
        octave_ok += folded <= 0.02
        key_ok += bool(r["key_ok"])
        print(
            f"  {r['genre']:18s} {r['meter']} {float(r['bpm']):5.0f} bpm -> {float(r['tempo']):6.1f}"  # type: ignore[arg-type]
            f" {'ok ' if error <= 0.02 else 'OFF'} | {r['key']:12s} -> {r['estimated']:9s}"
            f" {'ok' if r['key_ok'] else 'OFF'} | excluded ok: {r['excluded_ok']}"
        )
    count = len(results)
    print(
        f"adherence: {count} specs of {duration_s:.0f} s: tempo within 2%: {tempo_ok}/{count} "
        f"({100 * tempo_ok / count:.0f}%), within 2% allowing half/double/3:2 beat levels: {octave_ok}/{count}; "
        f"key (tonic + major/minor family): {key_ok}/{count} ({100 * key_ok / count:.0f}%); "
        f"excluded roles absent and refused: {sum(bool(r['excluded_ok']) for r in results)}/{count}"
    )
    peaks = [p for r in results for p in r["peaks_dbfs"].values()]  # type: ignore[attr-defined]
    rms = [p for r in results for p in r["rms_dbfs"].values()]  # type: ignore[attr-defined]
    print(
        f"sanity: all finite: {all(bool(r['finite']) for r in results)}; stem peak max {max(peaks):.2f} dBFS "
        f"(ceiling -1.0); stem RMS {min(rms):.1f}..{max(rms):.1f} dBFS over the whole stem"
    )


def bench_spectrograms(duration_s: float = 30.0) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy import signal

    RESULTS.mkdir(parents=True, exist_ok=True)
    chosen = [
        s
        for s in adherence_specs(duration_s)
        if s.genre in ("drum and bass", "house", "trap", "jazz", "waltz")
    ]
    for spec in chosen:
        stems = render_all(spec)
        fig, axes = plt.subplots(len(stems) + 1, 1, figsize=(14, 2.0 * (len(stems) + 1)), sharex=True)
        mix = np.sum(list(stems.values()), axis=0).mean(axis=0)
        for axis, (name, audio) in zip(
            axes, [("mix", mix), *[(r.value, a.mean(axis=0)) for r, a in stems.items()]], strict=True
        ):
            f, t, sxx = signal.spectrogram(audio, SAMPLE_RATE, nperseg=2048, noverlap=1024)
            level_db = 10 * np.log10(sxx + 1e-14)
            top_db = float(level_db.max())
            axis.pcolormesh(t, f, level_db, shading="auto", vmin=top_db - 80, vmax=top_db, cmap="magma")
            axis.set_yscale("symlog", linthresh=200)
            axis.set_ylim(30, 20000)
            axis.set_ylabel(name)
        axes[0].set_title(
            f"{spec.genre}, {spec.bpm:g} bpm, {spec.key} {spec.mode.value}, {spec.time_signature}"
        )
        axes[-1].set_xlabel("s")
        fig.tight_layout()
        path = RESULTS / f"spectrogram_{spec.genre.replace(' ', '_')}.png"
        fig.savefig(path, dpi=70)
        plt.close(fig)
        print(f"spectrogram: {path}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("parts", nargs="*", default=["speed", "memory", "adherence", "spectrograms"])
    parser.add_argument("--adherence-duration", type=float, default=30.0)
    parser.add_argument("--seeds", type=int, default=1, help="render the spec set with this many seeds")
    parser.add_argument("--prompts", action="store_true", help="adherence over prompt texts via the parser")
    args = parser.parse_args()
    steps = {
        "speed": bench_speed,
        "memory": bench_memory,
        "spectrograms": bench_spectrograms,
        "adherence": lambda: bench_adherence(args.adherence_duration, args.seeds, args.prompts),
    }
    for part in args.parts:
        steps[part]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
