"""Regenerate the committed audio fixtures: `python tests/audio/make_fixtures.py`.

- faults/: the fault corpus (truncated, wrong header, empty, 1-sample, all-zero, full-scale square,
  NaN float, 8-channel, 8 kHz, 192 kHz, text named .wav) plus one tone per supported container.
- music/: short pieces written as MIDI and played by FluidSynth with the FluidR3 GM soundfont
  (sampled piano, strings, bass, drums...), with their known tempo, key, mode and metre in
  music/manifest.json: real recordings of real instruments to judge tempo and key detection on.

Needs the Debian packages fluidsynth and fluid-soundfont-gm (scripts/setup installs them)."""

import io
import json
import math
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import mido
import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
FAULTS = HERE / "faults"
MUSIC = HERE / "music"
SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
TICKS = 480
PITCH_CLASSES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
DRUM_CHANNEL = 9
KICK, SNARE, HAT, RIDE, SIDE_STICK = 36, 38, 42, 51, 37


# ----------------------------------------------------------------------------------------- faults
def _tone(
    seconds: float, rate: int, channels: int = 1, freq_hz: float = 440.0, amp: float = 0.5
) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    wave = amp * np.sin(2 * np.pi * freq_hz * t)
    return np.tile(wave[:, None], (1, channels)).astype(np.float32)


def _wav(samples: np.ndarray, rate: int, subtype: str = "PCM_16", fmt: str = "WAV") -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, subtype=subtype, format=fmt)
    return buffer.getvalue()


def make_faults() -> None:
    FAULTS.mkdir(exist_ok=True)
    rate = 22_050
    tone = _tone(2.0, rate)
    whole = _wav(tone, rate)
    files: dict[str, bytes] = {
        "truncated.wav": whole[: 44 + (len(whole) - 44) // 2],  # header promises 2 s, 1 s present
        "wrong_header.wav": b"RIFF\x24\x00\x00\x00WAVEfmX " + whole[16:2000],
        "zero_length.wav": b"",
        "one_sample.wav": _wav(tone[:1], rate),
        "all_zero.wav": _wav(np.zeros((2 * 8_000, 2), dtype=np.float32), 8_000),
        "square_full_scale.wav": _wav(
            np.sign(np.sin(2 * np.pi * 100 * np.arange(2 * rate) / rate))[:, None].astype(np.float32), rate
        ),
        "eight_channel.wav": _wav(
            np.hstack([_tone(1.2, 11_025, 1, 220.0 * (k + 1), 0.1) for k in range(8)]), 11_025
        ),
        "rate_8k.wav": _wav(_tone(2.0, 8_000), 8_000),
        "rate_192k.flac": _wav(_tone(1.2, 192_000), 192_000, fmt="FLAC"),
        "text.wav": b"These are the lyrics of my song, not a recording of it.\nVerse 1...\n",
        "tone_440hz_-6dbfs.aiff": _wav(_tone(1.5, rate), rate, fmt="AIFF"),
        "tone_440hz_-6dbfs.ogg": _wav(_tone(1.5, rate), rate, subtype="VORBIS", fmt="OGG"),
        "tone_440hz_-6dbfs.mp3": _wav(_tone(1.5, rate), rate, subtype="MPEG_LAYER_III", fmt="MP3"),
    }
    nan_tone = _tone(1.5, 8_000)
    nan_tone[1000:1010] = np.nan
    files["nan_float.wav"] = _wav(nan_tone, 8_000, subtype="FLOAT")
    for name, data in files.items():
        (FAULTS / name).write_bytes(data)


# ------------------------------------------------------------------------------------------ music
@dataclass(frozen=True)
class Piece:
    name: str
    bpm: float
    key: str
    mode: str
    beats_per_bar: int
    style: str
    seconds: float = 20.0
    container: str = "OGG"

    @property
    def filename(self) -> str:
        return f"{self.name}.{ {'OGG': 'ogg', 'FLAC': 'flac', 'MP3': 'mp3'}[self.container] }"


PIECES = (
    Piece("waltz_C_major_3-4_92bpm", 92, "C", "major", 3, "waltz"),
    Piece("ballad_E_minor_4-4_68bpm", 68, "E", "minor", 4, "ballad", 24.0),
    Piece("rock_D_major_4-4_120bpm", 120, "D", "major", 4, "rock"),
    Piece("dnb_G_minor_4-4_172bpm", 172, "G", "minor", 4, "dnb", container="MP3"),
    Piece("jazz_waltz_Bb_major_3-4_152bpm", 152, "Bb", "major", 3, "jazz_waltz"),
    Piece("minuet_A_minor_3-4_74bpm", 74, "A", "minor", 3, "minuet", 24.0),
    Piece("funk_F_major_4-4_104bpm", 104, "F", "major", 4, "funk", container="FLAC"),
    Piece("techno_A_minor_4-4_136bpm", 136, "A", "minor", 4, "techno"),
)


class Song:
    """Collects note events per channel in beats, then writes a type-1 MIDI file."""

    def __init__(self, bpm: float) -> None:
        self.bpm = bpm
        self.events: dict[int, list[tuple[float, int, int, float]]] = {}
        self.programs: dict[int, int] = {}

    def instrument(self, channel: int, program: int) -> None:
        self.programs[channel] = program

    def note(self, channel: int, start_beat: float, pitch: int, velocity: int, length_beats: float) -> None:
        self.events.setdefault(channel, []).append(
            (start_beat, pitch, max(1, min(127, velocity)), length_beats)
        )

    def to_midi(self) -> mido.MidiFile:
        midi = mido.MidiFile(ticks_per_beat=TICKS)
        meta = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(self.bpm), time=0)])
        midi.tracks.append(meta)
        for channel, notes in sorted(self.events.items()):
            track = mido.MidiTrack()
            if channel != DRUM_CHANNEL:
                track.append(
                    mido.Message("program_change", channel=channel, program=self.programs[channel], time=0)
                )
            timeline: list[tuple[int, int, mido.Message]] = []
            for start, pitch, velocity, length in notes:
                on = round(start * TICKS)
                off = round((start + length) * TICKS)
                timeline.append(
                    (on, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity))
                )
                timeline.append((off, 0, mido.Message("note_off", channel=channel, note=pitch, velocity=0)))
            timeline.sort(key=lambda item: (item[0], item[1]))
            now = 0
            for tick, _, message in timeline:
                track.append(message.copy(time=tick - now))
                now = tick
            midi.tracks.append(track)
        return midi


def _scale_pitch(tonic: int, mode: str, degree: int, octave: int) -> int:
    scale = MAJOR if mode == "major" else MINOR
    return 12 * (octave + 1) + tonic + scale[degree % 7] + 12 * (degree // 7)


def _triad(tonic: int, mode: str, degree: int, octave: int) -> list[int]:
    notes = [_scale_pitch(tonic, mode, degree + step, octave) for step in (0, 2, 4)]
    if mode == "minor" and degree % 7 == 4:  # harmonic minor: the dominant's raised leading tone
        notes[1] += 1
    return notes


def compose(piece: Piece) -> Song:
    song = Song(piece.bpm)
    tonic = PITCH_CLASSES.index(piece.key)
    progression = (0, 3, 4, 0, 5, 3, 4, 0)  # I IV V I vi IV V I (minor: i iv V i VI iv V i)
    bar_beats = piece.beats_per_bar
    bars = math.ceil(piece.seconds / (60.0 / piece.bpm * bar_beats))
    rng = np.random.default_rng(len(piece.name) * 7919)  # deterministic per piece
    style = piece.style
    bass_program = {"rock": 33, "dnb": 38, "funk": 36, "techno": 38}.get(style, 32)
    chord_program = {"rock": 29, "dnb": 89, "funk": 4, "techno": 81, "ballad": 0, "jazz_waltz": 0}.get(
        style, 0
    )
    melody_program = {"waltz": 40, "minuet": 73, "ballad": 48, "jazz_waltz": 65, "rock": 30}.get(style, 80)
    song.instrument(0, bass_program)
    song.instrument(1, chord_program)
    song.instrument(2, melody_program)
    drums = style in {"ballad", "rock", "dnb", "jazz_waltz", "funk", "techno"}
    for bar in range(bars):
        degree = progression[bar % len(progression)]
        start = bar * bar_beats
        chord = _triad(tonic, piece.mode, degree, 4)
        root = _scale_pitch(tonic, piece.mode, degree, 2)
        # Bass: the downbeat always, plus style-specific pushes.
        if style in {"waltz", "minuet", "jazz_waltz"}:
            song.note(0, start, root, 100, 0.95)
            if style == "jazz_waltz":
                song.note(0, start + 1, root + 7, 78, 0.9)
                song.note(0, start + 2, root + 12, 78, 0.9)
            for beat in (1, 2):
                for pitch in chord:
                    song.note(1, start + beat, pitch, 62, 0.8)
        elif style == "ballad":
            song.note(0, start, root, 95, 1.9)
            song.note(0, start + 2, root + 7, 80, 1.9)
            arpeggio = [*chord, chord[0] + 12, chord[2], chord[1], chord[0], chord[1] - 12 + 12]
            for step in range(8):
                song.note(
                    1,
                    start + step * 0.5,
                    arpeggio[step % len(arpeggio)],
                    60 + (10 if step % 2 == 0 else 0),
                    0.9,
                )
        elif style in {"rock", "funk"}:
            for step in range(8):
                song.note(0, start + step * 0.5, root + (12 if style == "funk" and step % 4 == 3 else 0),
                          100 if step % 2 == 0 else 80, 0.45)  # fmt: skip
            for beat in range(4):
                for pitch in chord:
                    song.note(
                        1, start + beat, pitch, 85 if beat % 2 == 0 else 70, 0.6 if style == "funk" else 0.9
                    )
        elif style in {"dnb", "techno"}:
            song.note(0, start, root, 105, 1.5)
            song.note(0, start + 2.5, root, 95, 1.0)
            for pitch in chord:
                song.note(1, start, pitch, 70, bar_beats - 0.1)
        # Melody: chord tones and scale steps, a half or whole bar each.
        if style != "techno":
            step = 1 if style in {"minuet", "waltz", "ballad"} else 2
            for beat in range(0, bar_beats, step):
                choice = int(rng.integers(0, 3))
                pitch = chord[choice] + 12
                song.note(2, start + beat, pitch, 84 if beat == 0 else 70, step * 0.95)
        if drums:
            _drums(song, style, start, bar_beats)
    return song


def _drums(song: Song, style: str, start: float, bar_beats: int) -> None:
    d = DRUM_CHANNEL
    if style == "jazz_waltz":
        song.note(d, start, KICK, 70, 0.2)
        for beat, velocity in ((0, 90), (1, 70), (1.66, 55), (2, 70)):
            song.note(d, start + beat, RIDE, velocity, 0.3)
        song.note(d, start + 2, SIDE_STICK, 55, 0.2)
        return
    if style == "techno":
        for beat in range(4):
            song.note(d, start + beat, KICK, 120, 0.2)
            song.note(d, start + beat + 0.5, HAT, 80, 0.1)
        song.note(d, start + 1, 39, 80, 0.1)  # clap
        song.note(d, start + 3, 39, 80, 0.1)
        return
    kicks = {"ballad": (0, 2), "rock": (0, 2, 2.5), "dnb": (0, 2.5), "funk": (0, 0.75, 2, 2.5)}[style]
    for beat in kicks:
        song.note(d, start + beat, KICK, 110, 0.2)
    for beat in (1, 3):
        song.note(d, start + beat, SNARE, 100 if style != "ballad" else 70, 0.2)
    for step in range(bar_beats * 2):
        song.note(d, start + step * 0.5, HAT, 75 if step % 2 == 0 else 55, 0.1)


def render(piece: Piece, workdir: Path) -> None:
    fluidsynth = shutil.which("fluidsynth")
    if fluidsynth is None or not SOUNDFONT.is_file():
        sys.exit(f"fluidsynth and {SOUNDFONT} are needed (apt-get install fluidsynth fluid-soundfont-gm)")
    midi_path = workdir / f"{piece.name}.mid"
    wav_path = workdir / f"{piece.name}.wav"
    compose(piece).to_midi().save(str(midi_path))
    argv = [fluidsynth, "-ni", "-q", "-g", "0.6", "-r", "44100", "-F", str(wav_path)]
    subprocess.run([*argv, str(SOUNDFONT), str(midi_path)], check=True, capture_output=True)
    audio, rate = sf.read(wav_path, dtype="float32", always_2d=True)
    audio = audio[: round(piece.seconds * rate)]
    fade = round(0.5 * rate)
    audio[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
    audio *= 0.5 / max(float(np.max(np.abs(audio))), 1e-9)
    target = MUSIC / piece.filename
    if piece.container == "FLAC":
        # Mono 22.05 kHz keeps the lossless fixture small.
        mono = audio.mean(axis=1)
        mono = (
            mono.reshape(-1, 2).mean(axis=1) if mono.size % 2 == 0 else mono[:-1].reshape(-1, 2).mean(axis=1)
        )
        sf.write(target, mono, rate // 2, subtype="PCM_16", format="FLAC")
    elif piece.container == "MP3":
        sf.write(target, audio, rate, subtype="MPEG_LAYER_III", format="MP3")
    else:
        sf.write(target, audio, rate, subtype="VORBIS", format="OGG")


def make_music() -> None:
    MUSIC.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        for piece in PIECES:
            render(piece, Path(workdir))
    manifest = [{**asdict(piece), "file": piece.filename} for piece in PIECES]
    (MUSIC / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    make_faults()
    make_music()
    total = sum(path.stat().st_size for path in HERE.rglob("*") if path.is_file())
    print(f"fixtures written under {HERE} ({total / 1024:.0f} KiB in total)")
