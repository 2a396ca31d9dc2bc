"""The SoundFont renderer: a part's performed notes played by tinysoundfont from a General MIDI SoundFont.

Why tinysoundfont: a self-contained extension (no libfluidsynth, which Lambda zip functions lack),
and within ~2 dB per octave band of the FluidSynth CLI on the same MIDI (README, library table).

Speed comes from reuse, as in the synth path: a SoundFont voice does not depend on other voices (no
global effects are used), so each distinct (program, pitch, velocity, held length) is rendered once,
alone, and placed at every onset. Expression (CC11) scales the channel's output exactly as the
synthesizer does for a live channel ((volume x expression)^3), and the sustain pedal (CC64, which
tinysoundfont does not read) holds each key until the pedal lifts, as a piano damper does.
`render_midi` plays a stem's MIDI file the ordinary, sequential way; a test checks that both agree.
"""

import io
import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import mido
import numpy as np

from amp.audio_io import SAMPLE_RATE
from amp.config import get_settings, soundfont_candidates
from amp.domain.errors import SoundFontMissing
from amp.synth.oscillators import FloatArray
from amp.synth.performance import PEDAL_CC

TAIL_BLOCK_FRAMES = 2048
TAIL_FLOOR_DB = -50.0
"""A note's release is cut (with a one-block fade) once a whole block stays 50 dB under the note's
peak: inaudible under the rest of the part and the room, and it keeps long harp and timpani tails
from costing more than the notes themselves."""
MAX_TAIL_S = 8.0

_LOCK = threading.Lock()
"""One synthesizer object per process; local runs render Map iterations in threads."""


def frame_at(seconds: float) -> int:
    """The sample frame of a time, half-frames rounded up whatever the float noise: a tick often
    falls on exactly half a frame (1/480 qn at 100 bpm is 55.125 frames), and the renderer (from the
    tempo map) and `render_midi` (from summed MIDI deltas) must place every event on the same frame."""
    return math.floor(seconds * SAMPLE_RATE + 0.5 + 1e-6)


def soundfont_path() -> Path:
    """The SoundFont file: AMP_SOUNDFONT when set (it must exist), else the first known Debian path.

    Never falls back to synth sounds: without a SoundFont the stem cannot be what was asked for."""
    configured = get_settings().soundfont
    if configured is not None:
        if configured.is_file():
            return configured
        raise SoundFontMissing(
            f"the SoundFont {configured} (AMP_SOUNDFONT) does not exist; install one with "
            "`apt-get install fluid-soundfont-gm` or point AMP_SOUNDFONT at a General MIDI .sf2/.sf3 file"
        )
    for candidate in soundfont_candidates():
        if candidate.is_file():
            return candidate
    raise SoundFontMissing(
        "no General MIDI SoundFont found for the sampled instruments; install one with "
        "`apt-get install fluid-soundfont-gm` or set AMP_SOUNDFONT to a .sf2/.sf3 file"
    )


@dataclass
class _Font:
    """A loaded SoundFont and what the synthesizer has told us about its exclusive classes."""

    synth: object
    chokes: dict[tuple[int, int, int, int], bool]


@cache
def _font(path: str) -> _Font:
    from tinysoundfont import _tinysoundfont as tsf  # imported here: synth-only jobs never load it

    try:
        synth = tsf.SoundFont(path)
    except Exception as error:  # the extension raises a bare RuntimeError for unreadable files
        raise SoundFontMissing(
            f"{path} is not a readable SoundFont ({error}); reinstall `fluid-soundfont-gm` or set AMP_SOUNDFONT"
        ) from error
    synth.set_output(tsf.OutputMode.StereoInterleaved, SAMPLE_RATE, 0.0)
    synth.set_max_voices(64)
    return _Font(synth=synth, chokes={})


def select_preset(synth: object, channel: int, bank: int, program: int) -> None:
    """Put a preset on a channel; a kit or variation the SoundFont lacks falls back as GM players do
    (to the standard kit, or to bank 0's program)."""
    index = synth.get_preset_index(bank, program)  # type: ignore[attr-defined]
    if index < 0:
        index = synth.get_preset_index(bank, 0 if bank == 128 else program)  # type: ignore[attr-defined]
    if index < 0:
        index = synth.get_preset_index(0, program)  # type: ignore[attr-defined]
    if index < 0:
        raise SoundFontMissing(
            f"the SoundFont has no preset for bank {bank} program {program}; use a General MIDI SoundFont"
        )
    synth.channel_set_preset_index(channel, index)  # type: ignore[attr-defined]


FLUSH_FRAMES = 1024
"""More than tinysoundfont's 10 ms quick release: after it no voice of the last note is left."""


def _silence(synth: object) -> None:
    """End every voice for good, so the next note renders exactly as in a fresh process (the cache
    must not depend on which notes a process happened to render before)."""
    synth.channel_sounds_off(0)  # type: ignore[attr-defined]
    _render_into(synth, FLUSH_FRAMES)


def _render_into(synth: object, frames: int) -> FloatArray:
    block = np.zeros((frames, 2), dtype=np.float32)
    synth.render(block, False)  # type: ignore[attr-defined]
    return block


@dataclass(frozen=True, slots=True)
class SoundingNote:
    """A note as the synthesizer plays it: frames from the start of the stem."""

    start: int
    held: int
    pitch: int
    velocity: int
    bank: int
    program: int


def loaded_font() -> _Font:
    """The process's SoundFont, loaded on first use (raises SoundFontMissing when there is none).
    Under the lock: Map iterations run as threads locally, and two loads would hold ~440 MiB each."""
    path = str(soundfont_path())
    with _LOCK:
        return _font(path)


HELD_STEP_FRAMES = 128
"""Key-up times are rendered on a 2.9 ms grid, below what a listener or a player resolves, so one
render serves the notes of a pitch and velocity whose lengths differ by a few samples. (Pedalled
notes still differ: each rings until its own pedal lift.)"""


class NoteCache:
    """Renders of one part's distinct notes, least recently used dropped past `max_bytes`.

    Scoped to one part (a warm process rendering several stems does not hold earlier parts' notes),
    and bounded: a pedalled 300 s harp has ~1,000 distinct notes of up to 8 s, 1.2 GiB unbounded.
    Notes recur near each other in time, so a budget of a few hundred MiB keeps nearly every hit."""

    def __init__(self, max_bytes: int = 192 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._renders: OrderedDict[tuple[int, int, int, int, int], FloatArray] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[int, int, int, int, int]) -> FloatArray | None:
        samples = self._renders.get(key)
        if samples is not None:
            self._renders.move_to_end(key)
        return samples

    def put(self, key: tuple[int, int, int, int, int], samples: FloatArray) -> None:
        self._renders[key] = samples
        self._bytes += samples.nbytes
        while self._bytes > self.max_bytes and len(self._renders) > 1:
            _, dropped = self._renders.popitem(last=False)
            self._bytes -= dropped.nbytes

    def __len__(self) -> int:
        return len(self._renders)


def note_samples(font: _Font, note: SoundingNote, cache: NoteCache) -> FloatArray:
    """One note alone, key held for `note.held` frames, release tail included: (frames, 2) float32."""
    held = max(HELD_STEP_FRAMES, round(note.held / HELD_STEP_FRAMES) * HELD_STEP_FRAMES)
    key = (note.bank, note.program, note.pitch, note.velocity, held)
    cached = cache.get(key)
    if cached is not None:
        return cached
    with _LOCK:
        synth = font.synth
        select_preset(synth, 0, note.bank, note.program)
        synth.channel_note_on(0, note.pitch, max(1, min(127, note.velocity)) / 127.0)  # type: ignore[attr-defined]
        blocks = [_render_into(synth, held)]
        synth.channel_note_off(0, note.pitch)  # type: ignore[attr-defined]
        peak = float(np.abs(blocks[0]).max(initial=0.0))
        for _ in range(int(MAX_TAIL_S * SAMPLE_RATE / TAIL_BLOCK_FRAMES)):
            block = _render_into(synth, TAIL_BLOCK_FRAMES)
            blocks.append(block)
            level = float(np.abs(block).max())
            peak = max(peak, level)
            if level <= peak * 10 ** (TAIL_FLOOR_DB / 20):
                block *= np.linspace(1.0, 0.0, TAIL_BLOCK_FRAMES, dtype=np.float32)[:, np.newaxis]
                break
        _silence(synth)
    samples = np.concatenate(blocks)
    samples.setflags(write=False)
    cache.put(key, samples)
    return samples


def expression_gain(value: int) -> float:
    """The channel gain tinysoundfont applies for a CC11 value (MSB; the LSB stays at its reset 127)."""
    return float((((max(0, min(127, value)) << 7) | 0x7F) / 16383.0) ** 3)


PROBE_FRAMES = 2048
QUICK_RELEASE_FRAMES = round(0.01 * SAMPLE_RATE)
"""tinysoundfont ends a choked voice over 10 ms."""


def chokes(font: _Font, bank: int, program: int, first: int, second: int) -> bool:
    """Whether striking `second` cuts a sounding `first` (an exclusive class: open and closed hi-hat,
    a timpani re-struck). Asked of the synthesizer itself, so the answer is the SoundFont's own."""
    key = (bank, program, first, second)
    if key not in font.chokes:
        with _LOCK:
            synth = font.synth
            select_preset(synth, 0, bank, program)
            synth.channel_note_on(0, first, 1.0)  # type: ignore[attr-defined]
            _render_into(synth, PROBE_FRAMES)
            alone = _render_into(synth, PROBE_FRAMES)
            _silence(synth)
            synth.channel_note_on(0, first, 1.0)  # type: ignore[attr-defined]
            _render_into(synth, PROBE_FRAMES)
            synth.channel_note_on(0, second, 1.0)  # type: ignore[attr-defined]
            both = _render_into(synth, PROBE_FRAMES)
            _silence(synth)
            synth.channel_note_on(0, second, 1.0)  # type: ignore[attr-defined]
            second_alone = _render_into(synth, PROBE_FRAMES)
            _silence(synth)
        tail = slice(PROBE_FRAMES // 2, None)
        first_energy = float(np.square(alone[tail]).sum())
        left_of_first = float(np.square(both[tail] - second_alone[tail]).sum())
        font.chokes[key] = first_energy > 1e-6 and left_of_first < 0.05 * first_energy
    return font.chokes[key]


def _choke_ends(font: _Font, notes: list[SoundingNote]) -> list[int | None]:
    """For drum-kit notes: the frame where a later note of the same exclusive class cuts each one."""
    ends: list[int | None] = [None] * len(notes)
    order = sorted(range(len(notes)), key=lambda i: notes[i].start)
    for position, index in enumerate(order):
        note = notes[index]
        if note.bank != 128:
            continue
        for later in order[position + 1 :]:
            other = notes[later]
            if other.start > note.start and chokes(font, note.bank, note.program, note.pitch, other.pitch):
                ends[index] = other.start - note.start
                break
            if other.start - note.start > MAX_TAIL_S * SAMPLE_RATE:
                break
    return ends


def place(notes: Iterator[SoundingNote] | list[SoundingNote], frames: int) -> FloatArray:
    """Sum every note's samples at its onset: (frames, 2) float32."""
    out = np.zeros((frames, 2), dtype=np.float32)
    font = loaded_font()
    notes = list(notes)
    cut_at = _choke_ends(font, notes)
    cache = NoteCache()
    for note, cut in zip(notes, cut_at, strict=True):
        if note.start >= frames:
            continue
        samples = note_samples(font, note, cache)
        if cut is not None and cut < samples.shape[0]:
            fade = min(QUICK_RELEASE_FRAMES, samples.shape[0] - cut)
            samples = samples[: cut + fade].copy()
            samples[cut:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, np.newaxis]
        end = min(frames, note.start + samples.shape[0])
        out[note.start : end] += samples[: end - note.start]
    return out


def apply_expression(out: FloatArray, changes: list[tuple[int, int]]) -> FloatArray:
    """Scale from each CC11 change on: [(frame, value)] in time order, full expression before the first."""
    bounds = [*changes, (out.shape[0], 0)]
    for (start, value), (end, _) in itertools.pairwise(bounds):
        if end > start:
            out[start:end] *= np.float32(expression_gain(value))
    return out


def render_midi(midi: bytes, frames: int) -> FloatArray:
    """Play a Standard MIDI File the sequential way, as any MIDI player would: (2, frames) float32.

    The reference the stems are checked against (tests), and a way to audition an edited stem's MIDI
    with the same instruments. Honours program changes, CC11 and CC64 on every channel."""
    from tinysoundfont import _tinysoundfont as tsf

    synth = tsf.SoundFont(str(soundfont_path()))
    synth.set_output(tsf.OutputMode.StereoInterleaved, SAMPLE_RATE, 0.0)
    synth.set_max_voices(256)
    for channel in range(16):
        select_preset(synth, channel, 128 if channel == 9 else 0, 0)
    out = np.zeros((frames, 2), dtype=np.float32)
    position = 0
    seconds = 0.0
    pedal_down: set[int] = set()
    held_by_pedal: dict[int, set[int]] = {}
    for message in mido.MidiFile(file=io.BytesIO(midi)):
        seconds += message.time
        frame = min(frames, frame_at(seconds))
        if frame > position:
            synth.render(out[position:frame], False)
            position = frame
        if message.is_meta:
            continue
        channel = message.channel
        if message.type == "program_change":
            select_preset(synth, channel, 128 if channel == 9 else 0, message.program)
        elif message.type == "note_on" and message.velocity > 0:
            if message.note in held_by_pedal.get(channel, set()):  # re-struck under the pedal: the
                held_by_pedal[channel].discard(message.note)  # old string is damped first
                synth.channel_note_off(channel, message.note)
            synth.channel_note_on(channel, message.note, message.velocity / 127.0)
        elif message.type in ("note_off", "note_on"):
            if channel in pedal_down:
                held_by_pedal.setdefault(channel, set()).add(message.note)
            else:
                synth.channel_note_off(channel, message.note)
        elif message.type == "control_change" and message.control == PEDAL_CC:
            if message.value >= 64:
                pedal_down.add(channel)
            else:
                pedal_down.discard(channel)
                for note in sorted(held_by_pedal.pop(channel, set())):
                    synth.channel_note_off(channel, note)
        elif message.type == "control_change":
            synth.channel_midi_control(channel, message.control, message.value)
    if position < frames:
        synth.render(out[position:frames], False)
    return np.ascontiguousarray(out.T)
