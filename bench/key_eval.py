"""Key and mode detection judged on real-instrument recordings: MIDI pieces played by FluidSynth with
the FluidR3 GM soundfont (sampled choirs, organ, strings, piano, brass, guitars, drums).

Run: .venv/bin/python bench/key_eval.py [--fixtures] [--write-fixtures]
The corpus: the eight committed pieces in tests/audio/music plus the PIECES below (chorales, rags,
string quartets, minor, modal and blues pieces, written here with mido and rendered once into a
cache dir). Estimators compared on the same audio:
- baseline: Krumhansl-Schmuckler (Krumhansl-Kessler profiles) on the mean of librosa's chroma_cqt;
- previous: AMP's estimator before this bench (HPSS + chroma_cqt, Krumhansl and Temperley profiles);
- amp: amp.analysis.features.estimate_key as it is now;
plus variants of the chroma and profiles, so the choice in features.py is measured, not guessed.
Printed: accuracy (exact key and mode), MIREX-style weighted score (fifth 0.5, relative 0.3,
parallel 0.2), and the confusions. Modal pieces are scored against their tonic and mode family
(dorian/phrygian/aeolian -> minor, mixolydian/lydian -> major), which is what the QA key check asks.
--write-fixtures renders the FIXTURE_NAMES pieces as small OGG files into tests/audio/keys.
"""

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import mido
import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "common"))

from amp.analysis import features, frontend  # noqa: E402
from amp.analysis.decode import decode_any  # noqa: E402
from amp.domain.spec import PITCH_CLASSES  # noqa: E402

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
MUSIC = ROOT / "tests" / "audio" / "music"
KEYS = ROOT / "tests" / "audio" / "keys"
CACHE = Path(os.environ.get("AMP_KEY_EVAL_CACHE", Path(tempfile.gettempdir()) / "amp-key-eval"))
TICKS = 480
DRUMS = 9
KICK, SNARE, HAT, RIDE = 36, 38, 42, 51

# Chord qualities as semitones over the chord root.
QUALITY: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7), "m": (0, 3, 7), "dim": (0, 3, 6), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10), "sus4": (0, 5, 7),
}  # fmt: skip
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 11),  # harmonic minor for melodies
    "dorian": (0, 2, 3, 5, 7, 9, 10), "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10), "aeolian": (0, 2, 3, 5, 7, 8, 10), "blues": (0, 3, 5, 6, 7, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
}  # fmt: skip
FAMILY = {"major": "major", "mixolydian": "major", "lydian": "major", "blues": "major"}


@dataclass(frozen=True)
class Piece:
    """A progression of (semitones above the tonic, chord quality) per bar, in a style."""

    name: str
    key: str
    scale: str
    bpm: float
    style: str
    chords: tuple[tuple[int, str], ...]
    programs: tuple[int, int, int]
    """bass, harmony, melody (General MIDI programs)."""
    beats_per_bar: int = 4
    repeats: int = 2

    @property
    def mode(self) -> Literal["major", "minor"]:
        return "major" if FAMILY.get(self.scale) == "major" else "minor"


def _c(*pairs: str) -> tuple[tuple[int, str], ...]:
    """'0', '5m', '7:7' -> (0, ''), (5, 'm'), (7, '7'): root semitones then quality."""
    chords = []
    for text in pairs:
        root, _, quality = text.partition(":")
        chords.append((int(root), quality))
    return tuple(chords)


PIECES: tuple[Piece, ...] = (
    Piece("chorale_G_major", "G", "major", 72, "chorale", _c("0", "9:m", "5", "7", "0", "2:m", "7:7", "0"), (19, 52, 52)),
    Piece("chorale_D_minor", "D", "minor", 66, "chorale", _c("0:m", "5:m", "7", "0:m", "8", "2:dim", "7:7", "0:m"), (19, 19, 52)),
    Piece("chorale_Eb_major", "Eb", "major", 76, "chorale", _c("0", "5", "2:m", "7", "9:m", "5", "7:7", "0"), (48, 48, 52)),
    Piece("chorale_F#_minor", "F#", "minor", 70, "chorale", _c("0:m", "7", "0:m", "5:m", "3", "8", "7:7", "0:m"), (52, 52, 52)),
    Piece("rag_C_major", "C", "major", 100, "rag", _c("0", "0", "9:7", "2:7", "7:7", "7:7", "0", "0"), (0, 0, 0), repeats=2),
    Piece("rag_F_major", "F", "major", 96, "rag", _c("0", "4:7", "9:m", "2:7", "7:7", "0", "7:7", "0"), (3, 3, 3)),
    Piece("quartet_C_minor", "C", "minor", 84, "quartet", _c("0:m", "8", "5:m", "7", "0:m", "3", "7:7", "0:m"), (42, 41, 40)),
    Piece("quartet_A_major", "A", "major", 92, "quartet", _c("0", "7", "9:m", "4", "5", "0", "7:7", "0"), (42, 41, 40)),
    Piece("quartet_B_minor", "B", "minor", 60, "quartet", _c("0:m", "5:m", "10", "3", "8", "1:dim", "7:7", "0:m"), (42, 41, 40)),
    Piece("dorian_D", "D", "dorian", 110, "groove", _c("0:m7", "0:m7", "5:7", "5:7", "0:m7", "10", "5", "0:m7"), (33, 4, 73)),
    Piece("mixolydian_G", "G", "mixolydian", 120, "rock", _c("0", "10", "5", "0", "0", "10", "5", "0"), (33, 29, 30)),
    Piece("aeolian_E_minor", "E", "aeolian", 96, "rock", _c("0:m", "10", "8", "10", "0:m", "8", "10", "0:m"), (33, 27, 81)),
    Piece("phrygian_E", "E", "phrygian", 104, "groove", _c("0:m", "1", "0:m", "3", "1", "0:m", "1", "0:m"), (32, 24, 71)),
    Piece("blues_A", "A", "blues", 96, "blues", _c("0:7", "5:7", "0:7", "0:7", "5:7", "5:7", "0:7", "0:7", "7:7", "5:7", "0:7", "7:7", "0:7"), (33, 0, 65), repeats=1),
    Piece("pop_Ab_major", "Ab", "major", 118, "pop", _c("0", "7", "9:m", "5", "0", "7", "9:m", "5", "0"), (33, 0, 80)),
    Piece("ballad_C#_minor", "C#", "minor", 72, "ballad", _c("0:m", "8", "3", "10", "0:m", "8", "7:7", "0:m"), (32, 0, 48)),
    Piece("march_Bb_major", "Bb", "major", 112, "march", _c("0", "5", "7", "0", "0", "5", "7:7", "0"), (58, 61, 56)),
    Piece("bossa_F_major", "F", "major", 132, "bossa", _c("0:maj7", "0:maj7", "7:m7", "0:7", "5:maj7", "5:maj7", "2:m7", "7:7", "0:maj7"), (32, 24, 73)),
    Piece("lament_G_minor", "G", "minor", 63, "quartet", _c("0:m", "10", "8", "7", "5:m", "3", "7:7", "0:m"), (42, 41, 40)),
    Piece("hymn_E_major", "E", "major", 80, "chorale", _c("0", "5", "0", "7", "9:m", "4:m", "2:7", "7", "0"), (19, 19, 19)),
    Piece("lydian_F", "F", "lydian", 88, "groove", _c("0:maj7", "2", "0:maj7", "2", "9:m", "2", "0:maj7", "0:maj7"), (33, 89, 80)),
)  # fmt: skip
FIXTURE_NAMES = ("chorale_D_minor", "rag_C_major", "quartet_B_minor", "dorian_D", "mixolydian_G", "blues_A")
"""The pieces committed as small OGG fixtures (tests/audio/keys) for the unit test."""


def _events(piece: Piece) -> tuple[list[tuple[int, float, int, int, float]], dict[int, int]]:
    """(channel, start beat, pitch, velocity, length) per note, and the programs per channel."""
    tonic = PITCH_CLASSES.index(piece.key)
    scale = SCALES[piece.scale]
    rng = np.random.default_rng(int(hashlib.sha256(piece.name.encode()).hexdigest()[:8], 16))
    beats = piece.beats_per_bar
    notes: list[tuple[int, float, int, int, float]] = []
    melody_pitch = 60 + tonic + 12
    bars = list(piece.chords) * piece.repeats
    for bar, (root_step, quality) in enumerate(bars):
        start = bar * beats
        root = (tonic + root_step) % 12
        chord_pcs = [(root + i) % 12 for i in QUALITY[quality]]
        bass = 36 + root if root < 7 else 24 + root
        last = bar == len(bars) - 1
        voicing = sorted(48 + ((pc - 0) % 12) + (12 if pc < 5 else 0) for pc in chord_pcs)
        style = piece.style
        if last:  # a held final chord, as most pieces end
            notes.append((0, start, bass, 96, beats * 1.5))
            notes.extend((1, start, p, 72, beats * 1.5) for p in voicing)
            notes.append((2, start, 72 + tonic if 72 + tonic < 80 else 60 + tonic, 80, beats * 1.5))
            break
        if style in {"chorale", "quartet"}:
            half = beats // 2
            notes.append((0, start, bass, 88, half - 0.05))
            fifth = bass + 7 if (root + 7) % 12 in chord_pcs else bass + 12
            notes.append((0, start + half, fifth if style == "quartet" else bass, 82, half - 0.05))
            notes.extend((1, start, p, 70, beats - 0.05) for p in voicing)
        elif style == "rag":
            for beat in range(beats):
                if beat % 2 == 0:
                    notes.append((0, start + beat, bass - 12 + (7 if beat == 2 else 0), 96, 0.45))
                else:
                    notes.extend((1, start + beat, p, 70, 0.4) for p in voicing)
        elif style in {"rock", "pop", "groove", "blues", "march", "bossa", "ballad"}:
            pattern = {"rock": (0, 1, 2, 3), "pop": (0, 2, 2.5), "groove": (0, 0.75, 2, 3.5),
                       "blues": (0, 1, 2, 3), "march": (0, 2), "bossa": (0, 1.5, 2, 3.5),
                       "ballad": (0, 2)}[style]  # fmt: skip
            for index, beat in enumerate(pattern):
                pitch = bass + (7 if style in {"bossa", "march"} and index % 2 else 0)
                notes.append((0, start + beat, pitch, 94, 0.45 if style != "ballad" else 1.9))
            chord_beats = (
                (0, 1, 2, 3)
                if style in {"rock", "blues", "march"}
                else (0, 1.5, 2.5)
                if style != "ballad"
                else (0,)
            )
            length = 0.45 if style != "ballad" else beats - 0.1
            notes.extend((1, start + beat, p, 66, length) for beat in chord_beats for p in voicing)
        # Melody: mostly chord tones, some scale steps (passing notes), a beat or half beat each.
        step = 1.0 if style in {"chorale", "quartet", "ballad", "march"} else 0.5
        t = 0.0
        while t < beats - 1e-6:
            if rng.random() < 0.65:
                target = chord_pcs[int(rng.integers(0, len(chord_pcs)))]
            else:
                target = (tonic + scale[int(rng.integers(0, len(scale)))]) % 12
            candidates = [p for p in range(60, 85) if p % 12 == target]
            melody_pitch = min(candidates, key=lambda p: abs(p - melody_pitch))
            notes.append((2, start + t, melody_pitch, 84 if t == 0 else 72, step * 0.95))
            t += step
        if style in {"rock", "pop", "groove", "blues", "march", "bossa"}:
            for beat in range(beats):
                if beat % 2 == 0:
                    notes.append((DRUMS, start + beat, KICK, 105, 0.2))
                else:
                    notes.append((DRUMS, start + beat, SNARE, 95, 0.2))
                notes.append((DRUMS, start + beat, HAT if style != "bossa" else RIDE, 70, 0.1))
                notes.append((DRUMS, start + beat + 0.5, HAT if style != "bossa" else RIDE, 55, 0.1))
    programs = {0: piece.programs[0], 1: piece.programs[1], 2: piece.programs[2]}
    return notes, programs


def midi_bytes(piece: Piece) -> bytes:
    notes, programs = _events(piece)
    midi = mido.MidiFile(ticks_per_beat=TICKS)
    midi.tracks.append(
        mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(piece.bpm), time=0)])
    )
    for channel in sorted({n[0] for n in notes}):
        track = mido.MidiTrack()
        if channel != DRUMS:
            track.append(mido.Message("program_change", channel=channel, program=programs[channel], time=0))
        timeline: list[tuple[int, int, mido.Message]] = []
        for ch, start, pitch, velocity, length in notes:
            if ch != channel:
                continue
            on, off = round(start * TICKS), round((start + length) * TICKS)
            timeline.append((on, 1, mido.Message("note_on", channel=ch, note=pitch, velocity=velocity)))
            timeline.append((off, 0, mido.Message("note_off", channel=ch, note=pitch, velocity=0)))
        timeline.sort(key=lambda item: (item[0], item[1]))
        now = 0
        for tick, _, message in timeline:
            track.append(message.copy(time=tick - now))
            now = tick
        midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def render(piece: Piece) -> Path:
    """The piece as a 44.1 kHz WAV in the cache dir (rendered once per MIDI content)."""
    data = midi_bytes(piece)
    digest = hashlib.sha256(data).hexdigest()[:12]
    wav = CACHE / f"{piece.name}-{digest}.wav"
    if wav.is_file():
        return wav
    fluidsynth = shutil.which("fluidsynth")
    if fluidsynth is None or not SOUNDFONT.is_file():
        sys.exit(f"fluidsynth and {SOUNDFONT} are needed (scripts/setup installs them)")
    CACHE.mkdir(parents=True, exist_ok=True)
    midi_path = CACHE / f"{piece.name}-{digest}.mid"
    midi_path.write_bytes(data)
    argv = [
        fluidsynth,
        "-ni",
        "-q",
        "-g",
        "0.6",
        "-r",
        "44100",
        "-F",
        str(wav),
        str(SOUNDFONT),
        str(midi_path),
    ]
    subprocess.run(argv, check=True, capture_output=True)
    return wav


# ----------------------------------------------------------------------------------- estimators
KRUMHANSL = (features.KRUMHANSL_MAJOR, features.KRUMHANSL_MINOR)
TEMPERLEY = (features.TEMPERLEY_MAJOR, features.TEMPERLEY_MINOR)
ALBRECHT = (features.ALBRECHT_MAJOR, features.ALBRECHT_MINOR)
Estimate = tuple[str, str, float]


def _best(
    profile: np.ndarray, profile_sets: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]
) -> Estimate:
    """Key by correlation with every rotation of each (major, minor) profile pair, averaged over sets."""
    best: Estimate = ("C", "major", -2.0)
    for tonic in range(12):
        for index, mode in enumerate(("major", "minor")):
            r = float(
                np.mean(
                    [np.corrcoef(profile, np.roll(np.array(p[index]), tonic))[0, 1] for p in profile_sets]
                )
            )
            if r > best[2]:
                best = (PITCH_CLASSES[tonic], mode, r)
    return best


def baseline(mono: np.ndarray) -> Estimate:
    """Krumhansl-Schmuckler on the mean chroma_cqt: the standard chroma-profile estimator."""
    librosa = features.librosa_module()
    chroma = librosa.feature.chroma_cqt(y=mono, sr=features.ANALYSIS_RATE)
    return _best(chroma.mean(axis=1), (KRUMHANSL,))


def previous(mono: np.ndarray) -> Estimate:
    """AMP's estimator before this bench: HPSS + chroma_cqt, Krumhansl and Temperley."""
    librosa = features.librosa_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        harmonic = librosa.effects.harmonic(
            mono, margin=2.0, n_fft=4096, hop_length=2048, kernel_size=(9, 31)
        )
        chroma = librosa.feature.chroma_cqt(y=harmonic, sr=features.ANALYSIS_RATE, hop_length=2048)
    return _best(chroma.mean(axis=1), (KRUMHANSL, TEMPERLEY))


def current(mono: np.ndarray) -> Estimate:
    found = features.estimate_key(mono)
    return (found.key or "-", found.mode or "-", found.confidence)


def variant(
    profiles: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...],
    *,
    bass: float = 0.0,
    final: float = 0.0,
) -> Callable[[np.ndarray], Estimate]:
    """The pitch-spectrogram chroma (frontend.pitch_spectrogram) with a bass weight and a final-chord
    weight, correlated with `profiles`."""

    def estimate(mono: np.ndarray) -> Estimate:
        spectrogram = frontend.pitch_spectrogram(mono, features.ANALYSIS_RATE)
        profile = features.key_profile(spectrogram, bass_weight=bass, final_weight=final)
        return _best(profile, profiles)

    return estimate


def judge(found: tuple[str, str], truth: tuple[str, str]) -> str:
    """'correct', 'fifth', 'relative', 'parallel' or 'other' (MIREX key categories)."""
    if found == truth:
        return "correct"
    tonic_f, tonic_t = PITCH_CLASSES.index(found[0]), PITCH_CLASSES.index(truth[0])
    interval = (tonic_f - tonic_t) % 12
    if found[1] == truth[1] and interval in {5, 7}:
        return "fifth"
    if found[1] != truth[1] and (
        (truth[1] == "major" and interval == 9) or (truth[1] == "minor" and interval == 3)
    ):
        return "relative"
    if found[1] != truth[1] and interval == 0:
        return "parallel"
    return "other"


WEIGHTS = {"correct": 1.0, "fifth": 0.5, "relative": 0.3, "parallel": 0.2, "other": 0.0}


def corpus(
    only_fixtures: bool, opening_s: float | None = None
) -> list[tuple[str, tuple[str, str], np.ndarray]]:
    """(name, (key, mode), mono at 22.05 kHz) per piece; `opening_s` keeps only each new piece's
    first seconds (no final cadence: how a clip cut from the middle of a song looks)."""
    items: list[tuple[str, tuple[str, str], np.ndarray]] = []
    if only_fixtures:
        for entry in json.loads((KEYS / "manifest.json").read_text()):
            decoded = decode_any((KEYS / entry["file"]).read_bytes(), what=entry["file"])
            items.append(
                (
                    entry["name"],
                    (entry["key"], entry["mode"]),
                    features.analysis_mono(decoded.audio, decoded.sample_rate),
                )
            )
        return items
    for entry in json.loads((MUSIC / "manifest.json").read_text()):
        decoded = decode_any((MUSIC / entry["file"]).read_bytes(), what=entry["file"])
        items.append(
            (
                entry["name"],
                (entry["key"], entry["mode"]),
                features.analysis_mono(decoded.audio, decoded.sample_rate),
            )
        )
    for piece in PIECES:
        audio, rate = sf.read(render(piece), dtype="float32", always_2d=True)
        if opening_s is not None:
            audio = audio[: round(opening_s * rate)]
        items.append((piece.name, (piece.key, piece.mode), features.analysis_mono(audio.T, rate)))
    return items


def write_fixtures() -> None:
    """The closing 16 s of the FIXTURE_NAMES pieces as OGG files (< 300 KB each) plus their manifest."""
    KEYS.mkdir(parents=True, exist_ok=True)
    manifest = []
    for piece in PIECES:
        if piece.name not in FIXTURE_NAMES:
            continue
        audio, rate = sf.read(render(piece), dtype="float32", always_2d=True)
        audio = audio[-16 * rate :]  # the closing 16 s: the cadence a whole piece ends with
        fade = rate // 4
        audio[:fade] *= np.linspace(0.0, 1.0, fade, dtype=np.float32)[:, None]
        audio *= 0.5 / max(float(np.max(np.abs(audio))), 1e-9)
        mono = audio.mean(axis=1)[: (audio.shape[0] // 2) * 2].reshape(-1, 2).mean(axis=1)
        target = KEYS / f"{piece.name}.ogg"
        sf.write(target, mono, rate // 2, subtype="VORBIS", format="OGG")
        manifest.append({**asdict(piece), "mode": piece.mode, "file": target.name})
        print(f"wrote {target} ({target.stat().st_size / 1024:.0f} KiB)")
    (KEYS / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", action="store_true", help="only the committed tests/audio/keys pieces")
    parser.add_argument("--write-fixtures", action="store_true")
    parser.add_argument("--variants", action="store_true", help="also the chroma/profile variants")
    parser.add_argument(
        "--opening", type=float, default=None, metavar="SECONDS",
        help="judge only the first SECONDS of each new piece (no final cadence)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.write_fixtures:
        write_fixtures()
        return 0
    items = corpus(args.fixtures, args.opening)
    estimators: dict[str, Callable[[np.ndarray], Estimate]] = {
        "baseline KS chroma_cqt": baseline,
        "previous HPSS+cqt K+T": previous,
        "amp estimate_key (now)": current,
    }
    if args.variants:
        for name, profiles in (
            ("K", (KRUMHANSL,)),
            ("T", (TEMPERLEY,)),
            ("AS", (ALBRECHT,)),
            ("K+T", (KRUMHANSL, TEMPERLEY)),
            ("T+AS", (TEMPERLEY, ALBRECHT)),
            ("K+T+AS", (KRUMHANSL, TEMPERLEY, ALBRECHT)),
        ):
            for bass, final in ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (2.0, 1.0)):
                estimators[f"pitchgram {name} bass{bass:g} final{final:g}"] = variant(
                    profiles, bass=bass, final=final
                )
    print(f"{len(items)} pieces; load {os.getloadavg()[0]:.2f}")
    rows = []
    for name, estimate in estimators.items():
        verdicts: dict[str, int] = dict.fromkeys(WEIGHTS, 0)
        wrong: list[str] = []
        cpu = time.process_time()
        for piece, truth, mono in items:
            key, mode, _ = estimate(mono)
            verdict = judge((key, mode), truth)
            verdicts[verdict] += 1
            if verdict != "correct":
                wrong.append(f"{piece}->{key} {mode}({verdict})")
        cpu = time.process_time() - cpu
        score = sum(WEIGHTS[v] * n for v, n in verdicts.items()) / len(items)
        rows.append((name, verdicts, score, cpu, wrong))
    print(
        f"{'estimator':<36}{'correct':>8}{'fifth':>7}{'relat':>7}{'paral':>7}{'other':>7}{'MIREX':>7}{'CPU s':>7}"
    )
    for name, verdicts, score, cpu, _ in rows:
        print(
            f"{name:<36}{verdicts['correct']:>5}/{len(items):<2}{verdicts['fifth']:>7}{verdicts['relative']:>7}"
            f"{verdicts['parallel']:>7}{verdicts['other']:>7}{score:>7.3f}{cpu:>7.1f}"
        )
    for name, _, _, _, wrong in rows[:3] if not args.variants else rows:
        if wrong:
            print(f"  {name}: " + ", ".join(wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())
