"""MIDI for audio the composer did not write: Spotify's basic-pitch model run through onnxruntime.

Why not the `basic-pitch` package: on Python 3.13 `pip install basic-pitch` (0.4.0) fails resolving
`numpy<1.24,>=1.18` for this platform ("Failed to build 'numpy' when getting requirements to build
wheel": numpy 1.23 has no 3.13 wheel and does not build), and installed without its dependencies it
still cannot import (resampy needs `pkg_resources`, then mir_eval, pretty_midi, tensorflow). Its
trained model is a 230 KB ONNX file (Apache-2.0, `models/basic_pitch_nmp.onnx`, licence beside it):
this module runs it with onnxruntime and decodes notes the way basic-pitch does (2 s windows at
22.05 kHz overlapping by 30 frames; onset peaks >= 0.5 start a note, it lasts while the frame
activation stays >= 0.3, allowing 11 frames below; notes shorter than 128 ms dropped; basic-pitch's
defaults). Its optional "melodia" pass and pitch bends are left out: a MIDI file to re-voice a part
wants clean notes.

onnxruntime is 68 MB: it is in the `transcription` extra, not in the zip layer. In the cloud the
transcription belongs in a container-image function (the analysis image already carries librosa);
in a process without onnxruntime `available()` is False and stems are delivered without MIDI, said
so in the job record.
"""

from functools import cache
from importlib import resources
from math import gcd
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from amp.audio_io import SAMPLE_RATE, AudioBuffer

MODEL_RATE = 22_050
FFT_HOP = 256
WINDOW_SAMPLES = MODEL_RATE * 2 - FFT_HOP
OVERLAP_FRAMES = 30
FRAMES_PER_S = MODEL_RATE // FFT_HOP
WINDOW_FRAMES = FRAMES_PER_S * 2
MIDI_OFFSET = 21
ONSET_THRESHOLD = 0.5
FRAME_THRESHOLD = 0.3
ENERGY_TOLERANCE = 11
MIN_NOTE_FRAMES = round(0.1277 * FRAMES_PER_S)
TICKS_PER_BEAT = 480


def available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _session() -> Any:
    import onnxruntime

    model = resources.files("amp.providers").joinpath("models/basic_pitch_nmp.onnx").read_bytes()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def activations(audio: AudioBuffer, sample_rate: int = SAMPLE_RATE) -> tuple[npt.NDArray[np.float32], ...]:
    """(frames, onsets), each (n_frames, 88 piano keys) at 86 frames/s, as basic-pitch computes them."""
    mono = np.asarray(audio, dtype=np.float32).mean(axis=0) if audio.ndim == 2 else audio
    if sample_rate != MODEL_RATE:
        divisor = gcd(MODEL_RATE, sample_rate)
        mono = signal.resample_poly(mono, MODEL_RATE // divisor, sample_rate // divisor).astype(np.float32)
    overlap = OVERLAP_FRAMES * FFT_HOP
    hop = WINDOW_SAMPLES - overlap
    padded = np.concatenate([np.zeros(overlap // 2, np.float32), mono])
    windows = []
    for start in range(0, padded.size, hop):
        window = padded[start : start + WINDOW_SAMPLES]
        windows.append(np.pad(window, (0, WINDOW_SAMPLES - window.size)))
    batch = np.stack(windows)[:, :, None].astype(np.float32)
    session = _session()
    notes_out, onsets_out = session.run(
        ["StatefulPartitionedCall:1", "StatefulPartitionedCall:2"], {"serving_default_input_2:0": batch}
    )
    n_frames = int(np.floor(mono.size * FRAMES_PER_S / MODEL_RATE))
    half = OVERLAP_FRAMES // 2

    def unwrap(output: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        trimmed = output[:, half:-half, :]
        return trimmed.reshape(-1, trimmed.shape[2])[:n_frames]

    return unwrap(notes_out), unwrap(onsets_out)


def frame_times(n_frames: int) -> npt.NDArray[np.float64]:
    """Frame index -> seconds, with basic-pitch's per-window offset correction."""
    index = np.arange(n_frames, dtype=np.float64)
    window_offset = (FFT_HOP / MODEL_RATE) * (WINDOW_FRAMES - WINDOW_SAMPLES / FFT_HOP) + 0.0018
    return index * FFT_HOP / MODEL_RATE - window_offset * np.floor(index / WINDOW_FRAMES)


def notes_from_activations(
    frames: npt.NDArray[np.float32], onsets: npt.NDArray[np.float32]
) -> list[tuple[float, float, int, float]]:
    """(start_s, end_s, midi pitch, amplitude 0..1) per note, latest onsets claimed first."""
    n_frames = frames.shape[0]
    peaks = np.zeros_like(onsets)
    maxima = signal.argrelmax(onsets, axis=0)
    peaks[maxima] = onsets[maxima]
    starts, pitches = np.nonzero(peaks >= ONSET_THRESHOLD)
    order = np.argsort(-starts, kind="stable")
    remaining = frames.astype(np.float64).copy()
    times = frame_times(n_frames + 1)
    events: list[tuple[float, float, int, float]] = []
    for start, pitch in zip(starts[order], pitches[order], strict=True):
        if start >= n_frames - 1:
            continue
        i, below = start + 1, 0
        while i < n_frames - 1 and below < ENERGY_TOLERANCE:
            below = below + 1 if remaining[i, pitch] < FRAME_THRESHOLD else 0
            i += 1
        end = i - below
        if end - start <= MIN_NOTE_FRAMES:
            continue
        remaining[start:end, max(0, pitch - 1) : pitch + 2] = 0.0
        amplitude = float(np.mean(frames[start:end, pitch]))
        events.append((float(times[start]), float(times[end]), int(pitch) + MIDI_OFFSET, amplitude))
    return sorted(events)


def notes_to_midi(notes: list[tuple[float, float, int, float]], bpm: float, program: int = 0) -> bytes:
    """A one-track Standard MIDI File at the song's tempo (so its bars match the guide's MIDI)."""
    import io

    import mido

    seconds_per_tick = 60.0 / bpm / TICKS_PER_BEAT
    events: list[tuple[int, int, mido.Message]] = []
    for start_s, end_s, pitch, amplitude in notes:
        velocity = max(1, min(127, round(40 + 87 * amplitude)))
        on, off = round(max(0.0, start_s) / seconds_per_tick), round(end_s / seconds_per_tick)
        events.append((on, 1, mido.Message("note_on", note=pitch, velocity=velocity)))
        events.append((max(off, on + 1), 0, mido.Message("note_off", note=pitch, velocity=0)))
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    track.append(mido.MetaMessage("track_name", name="transcribed (basic-pitch)", time=0))
    track.append(mido.Message("program_change", program=program, time=0))
    now = 0
    for tick, _, message in sorted(events, key=lambda event: (event[0], event[1])):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    midi = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(track)
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


def transcribe(audio: AudioBuffer, bpm: float) -> bytes | None:
    """The notes heard in a pitched stem as MIDI; None when onnxruntime is missing or no note is heard."""
    if not available():
        return None
    frames, onsets = activations(audio)
    notes = notes_from_activations(frames, onsets)
    return notes_to_midi(notes, bpm) if notes else None
