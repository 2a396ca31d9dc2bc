"""The SoundFont synthesizer comparison behind the README's library-table row: tinysoundfont (chosen)
and pyfluidsynth against a `fluidsynth -F` render of the same MIDI, on three 180 s parts (piano
chords and melody, sustained strings, a drum groove): speed for one stem, level, octave-band
balance difference.

    .venv/bin/pip install pyfluidsynth   # for this comparison only: it needs libfluidsynth3, not a dependency
    .venv/bin/python bench/soundfont_synths.py
"""

import ctypes
import io
import itertools
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import mido
import numpy as np
import soundfile

from amp.audio_io import SAMPLE_RATE
from amp.synth.soundfont import render_midi, soundfont_path

DURATION_S = 180.0
BPM = 120.0
CHORDS = ((60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62))
BAND_EDGES_HZ = (31, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000)


def part_midi(kind: str) -> bytes:
    """One channel's part as a MIDI file (program on channel 0, drums on channel 10)."""
    qn_ticks = 480
    events: list[tuple[int, int, mido.Message]] = []
    beats = int(DURATION_S * BPM / 60) - 4
    if kind == "piano":
        events.append((0, 1, mido.Message("program_change", program=0)))
        for beat in range(beats):
            for pitch in CHORDS[(beat // 4) % 4]:
                events.append(
                    (beat * qn_ticks, 1, mido.Message("note_on", note=pitch, velocity=70 + beat % 4 * 8))
                )
                events.append((beat * qn_ticks + 432, 0, mido.Message("note_off", note=pitch)))
            melody = 72 + beat * 5 % 12
            events.append((beat * qn_ticks, 1, mido.Message("note_on", note=melody, velocity=90)))
            events.append((beat * qn_ticks + 216, 0, mido.Message("note_off", note=melody)))
    elif kind == "strings":
        events.append((0, 1, mido.Message("program_change", program=48)))
        for bar in range(beats // 4):
            chord = CHORDS[bar % 4]
            for pitch in (chord[0] - 12, *chord):
                events.append((bar * 4 * qn_ticks, 1, mido.Message("note_on", note=pitch, velocity=80)))
                events.append(((bar + 1) * 4 * qn_ticks - 48, 0, mido.Message("note_off", note=pitch)))
    else:
        for eighth in range(beats * 2):
            tick = eighth * qn_ticks // 2
            hits = (
                [(42, 80)]
                + ([(36, 110)] if eighth % 4 == 0 else [])
                + ([(38, 100)] if eighth % 4 == 2 else [])
            )
            for pitch, velocity in hits:
                events.append((tick, 1, mido.Message("note_on", channel=9, note=pitch, velocity=velocity)))
                events.append((tick + 96, 0, mido.Message("note_off", channel=9, note=pitch)))
    midi = mido.MidiFile(ticks_per_beat=qn_ticks)
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(BPM))])
    now = 0
    for tick, _, message in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(message.copy(time=tick - now))
        now = tick
    midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def render_pyfluidsynth(midi: bytes, frames: int, soundfont: Path) -> np.ndarray:
    """libfluidsynth through pyfluidsynth, float output, reverb and chorus off (as the CLI reference)."""
    import fluidsynth  # type: ignore[import-not-found]

    synth = fluidsynth.Synth(samplerate=float(SAMPLE_RATE), gain=0.2)
    synth.setting("synth.reverb.active", 0)
    synth.setting("synth.chorus.active", 0)
    font = synth.sfload(str(soundfont))
    synth.program_select(0, font, 0, 0)
    synth.program_select(9, font, 128, 0)
    write = fluidsynth._fl.fluid_synth_write_float
    write.argtypes = [ctypes.c_void_p, ctypes.c_int] + [ctypes.c_void_p, ctypes.c_int, ctypes.c_int] * 2
    out = np.zeros((frames, 2), dtype=np.float32)
    base = out.ctypes.data
    position = 0

    def render_to(end: int) -> None:
        nonlocal position
        while position < end:
            count = min(end - position, 65_536)
            write(synth.synth, count, base + position * 8, 0, 2, base + position * 8 + 4, 0, 2)
            position += count

    seconds = 0.0
    for message in _messages(midi):
        seconds += message.time
        render_to(min(frames, round(seconds * SAMPLE_RATE)))
        if message.type == "program_change":
            synth.program_change(message.channel, message.program)
        elif message.type == "note_on":
            synth.noteon(message.channel, message.note, message.velocity)
        elif message.type == "note_off":
            synth.noteoff(message.channel, message.note)
    render_to(frames)
    synth.delete()
    return out.T


def _messages(midi: bytes) -> list[mido.Message]:
    return [m for m in mido.MidiFile(file=io.BytesIO(midi)) if not m.is_meta or m.type == "set_tempo"]


def band_balance_db(audio: np.ndarray) -> np.ndarray:
    mono = audio.mean(axis=0).astype(np.float64)[: SAMPLE_RATE * 60]
    power = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(mono.shape[0], 1 / SAMPLE_RATE)
    return np.array(
        [
            10 * np.log10(power[(freqs >= lo) & (freqs < hi)].sum() / power.sum() + 1e-12)
            for lo, hi in itertools.pairwise(BAND_EDGES_HZ)
        ]
    )


def level_db(audio: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(audio, dtype=np.float64))) + 1e-12))


def main() -> None:
    fluidsynth_cli = shutil.which("fluidsynth")
    assert fluidsynth_cli, "fluidsynth is required (scripts/setup installs it)"
    soundfont = soundfont_path()
    frames = int(DURATION_S * SAMPLE_RATE)
    with tempfile.TemporaryDirectory() as work:
        for kind in ("piano", "strings", "drums"):
            midi = part_midi(kind)
            midi_path, wav_path = Path(work) / f"{kind}.mid", Path(work) / f"{kind}.wav"
            midi_path.write_bytes(midi)
            started = time.perf_counter()
            subprocess.run(
                [fluidsynth_cli, "-ni", "-q", "-R", "0", "-C", "0", "-g", "0.2", "-r", str(SAMPLE_RATE),
                 "-F", str(wav_path), str(soundfont), str(midi_path)],
                check=True, capture_output=True,
            )  # fmt: skip
            cli_s = time.perf_counter() - started
            reference = soundfile.read(wav_path, dtype="float32", always_2d=True)[0].T[:, :frames]
            started = time.perf_counter()
            tiny = render_midi(midi, frames)
            tiny_s = time.perf_counter() - started
            started = time.perf_counter()
            fluid = render_pyfluidsynth(midi, frames, soundfont)
            fluid_s = time.perf_counter() - started
            bands = band_balance_db(reference)
            print(
                f"{kind}: speed CLI {DURATION_S / cli_s:.0f}x, tinysoundfont {DURATION_S / tiny_s:.0f}x, "
                f"pyfluidsynth {DURATION_S / fluid_s:.0f}x; level dB CLI {level_db(reference):.1f}, "
                f"tinysoundfont {level_db(tiny):.1f}, pyfluidsynth {level_db(fluid):.1f}; octave-band balance "
                f"max |diff| vs CLI: tinysoundfont {np.abs(band_balance_db(tiny) - bands).max():.2f} dB "
                f"(per band {np.round(band_balance_db(tiny) - bands, 1).tolist()}), "
                f"pyfluidsynth {np.abs(band_balance_db(fluid) - bands).max():.2f} dB"
            )


if __name__ == "__main__":
    main()
