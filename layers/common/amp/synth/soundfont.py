"""The SoundFont renderer: a part's performed notes played by tinysoundfont from a General MIDI SoundFont.

Why tinysoundfont: a self-contained extension (no libfluidsynth, which Lambda zip functions lack),
and within ~2 dB per octave band of the FluidSynth CLI on the same MIDI (README, library table).

Speed comes from reuse, as in the synth path: a SoundFont voice does not depend on other voices (no
global effects are used), so each distinct (program, pitch, velocity, held length) is rendered at
most once, alone, and placed at every onset (`PartRenders` derives most of them from fewer renders). Expression (CC11) scales the channel's output exactly as the
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


def _quantised_hold(held: int) -> int:
    return max(HELD_STEP_FRAMES, round(held / HELD_STEP_FRAMES) * HELD_STEP_FRAMES)


def note_samples(font: _Font, note: SoundingNote, cache: NoteCache) -> FloatArray:
    """One note alone, key held for `note.held` frames, release tail included: (frames, 2) float32."""
    held = _quantised_hold(note.held)
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


RELEASE_FIT_FRAMES = 64
"""tinysoundfont steps a voice's envelope every 64 frames; the release is fitted block by block."""
RELEASE_FIT_MAX_FRAMES = 65_536
"""The first 1.5 s of a release is fitted and checked: it carries all but a trace of its energy."""
RELEASE_FIT_MAX_ERROR = 0.01
"""A fitted release must reproduce the real one to 1% of its energy (-20 dB) or the group's notes are
all rendered by the synthesizer."""


def _release_gain(rate: float, start: int, frames: int, held_for: int) -> FloatArray:
    """exp(rate x age) for ages start .. start + frames from key-up, held once the longer note's own
    key comes up `held_for` frames after this one's (from then on both fade at the same rate)."""
    age = np.minimum(np.arange(start, start + frames, dtype=np.float32), np.float32(held_for))
    age *= np.float32(rate)
    gain: FloatArray = np.exp(age, out=age)
    return gain


def _release_rate(short: FloatArray, hold: int, held: FloatArray, held_hold: int) -> float | None:
    """How much faster than the held note a released one fades, per frame (natural log), fitted over
    the release of `short` (the key up at `hold`) against `held` (the same key up later, at
    `held_hold`); None when that model does not reproduce `short` to RELEASE_FIT_MAX_ERROR (a sample
    that changes its loop on release, layers that release at different rates).

    Why this model: tinysoundfont plays a voice as its (filtered) sample times a gain envelope, and
    at key-up the envelope turns from the held decay or sustain to an exponential release. So from
    the key-up on, the released sound is the held sound times exp(rate x frames since key-up), until
    the held note's own key-up, after which both fade alike."""
    blocks = min(min(short.shape[0], held.shape[0]) - hold, RELEASE_FIT_MAX_FRAMES) // RELEASE_FIT_FRAMES
    if blocks < 4:
        return None
    span = slice(hold, hold + blocks * RELEASE_FIT_FRAMES)
    released = short[span].reshape(blocks, -1).astype(np.float64)
    sustained = held[span].reshape(blocks, -1).astype(np.float64)
    energy = np.einsum("bf,bf->b", sustained, sustained)
    ratio = np.einsum("bf,bf->b", released, sustained) / np.maximum(energy, 1e-30)
    age = (np.arange(blocks) + 0.5) * RELEASE_FIT_FRAMES
    usable = (energy > energy.max(initial=0.0) * 1e-6) & (ratio > 1e-3) & (age < held_hold - hold)
    rate = 0.0
    if usable.sum() >= 3:
        weight = energy[usable] * ratio[usable] ** 2  # where the released sound is loud, it counts
        rate = float(np.sum(weight * age[usable] * np.log(ratio[usable])) / np.sum(weight * age[usable] ** 2))
    rate = min(rate, 0.0)
    gain = _release_gain(rate, 0, blocks * RELEASE_FIT_FRAMES, held_hold - hold).astype(np.float64)
    model = sustained * np.repeat(gain.reshape(blocks, -1), released.shape[1] // RELEASE_FIT_FRAMES, axis=1)
    error = float(np.sum((released - model) ** 2)) / max(float(np.sum(released**2)), 1e-30)
    return rate if error <= RELEASE_FIT_MAX_ERROR else None


def _released_from(held: FloatArray, held_hold: int, hold: int, rate: float) -> FloatArray:
    """The key released at `hold`: `held` (up at `held_hold`) up to it, then faded by the release
    gain, cut as the synthesizer's own renders are (a tail block 50 dB under the note's peak fades
    and ends it). Built a few blocks at a time: a piano's release ends in ~0.3 s of an 8 s budget."""
    length = min(held.shape[0] - hold, int(MAX_TAIL_S * SAMPLE_RATE))
    peak = float(np.abs(held[:hold]).max(initial=0.0))
    floor = 10 ** (TAIL_FLOOR_DB / 20)
    chunks = []
    chunk_frames = 8 * TAIL_BLOCK_FRAMES
    for start in range(0, length, chunk_frames):
        frames = min(chunk_frames, length - start)
        tail = (
            held[hold + start : hold + start + frames]
            * _release_gain(rate, start, frames, held_hold - hold)[:, np.newaxis]
        )
        chunks.append(tail)
        blocks = frames // TAIL_BLOCK_FRAMES
        if not blocks:
            break
        levels = np.abs(tail[: blocks * TAIL_BLOCK_FRAMES].reshape(blocks, -1)).max(axis=1)
        peaks = np.maximum(np.maximum.accumulate(levels), peak)
        quiet = np.flatnonzero(levels <= peaks * floor)
        if quiet.size:
            end = (int(quiet[0]) + 1) * TAIL_BLOCK_FRAMES
            tail[end - TAIL_BLOCK_FRAMES : end] *= np.linspace(1.0, 0.0, TAIL_BLOCK_FRAMES, dtype=np.float32)[
                :, np.newaxis
            ]
            chunks[-1] = tail[:end]
            break
        peak = float(peaks[-1])
    samples = np.concatenate([held[:hold], *chunks])
    samples.setflags(write=False)
    return samples


LAYER_PROBE_FRAMES = 8_192
"""The opening 0.19 s of a key at each velocity: enough to tell whether two velocities play one
sample (the same sound, louder) or two velocity layers."""
LAYER_MAX_ERROR = 1e-6
"""-60 dB: two velocities whose openings differ by more than a scale factor are different layers."""

GroupKey = tuple[int, int, int, int]
"""(bank, program, pitch, velocity)"""


def _probe(font: _Font, bank: int, program: int, pitch: int, velocity: int) -> FloatArray:
    with _LOCK:
        synth = font.synth
        select_preset(synth, 0, bank, program)
        synth.channel_note_on(0, pitch, max(1, min(127, velocity)) / 127.0)  # type: ignore[attr-defined]
        opening = _render_into(synth, LAYER_PROBE_FRAMES)
        _silence(synth)
    return opening


class PartRenders:
    """The renders of one sampled part's notes, each played by the synthesizer as seldom as it can be.

    Two savings on top of the NoteCache, both exact to the synthesizer's own model:
    - Velocity: tinysoundfont plays a key at another velocity as the same sample at another gain, unless
      the velocity falls in another layer of the preset. Each key's velocities are probed (the first
      0.19 s of each); those that are one sample scaled share the loudest one's renders, scaled.
    - Key-up: notes of one key that differ only in when the key comes up (a pedalled piano holds each
      until its own pedal lift) are the longest-held render faded from their own key-up by the
      fitted release (see `_release_rate`); the shortest and the longest are rendered.
    In the 180 s orchestral bench piece this takes the synthesizer from 650 s of rendered audio to
    240 s for the pedalled piano, 620 s to 140 s for the harp, 520 s to 240 s for the strings; each
    stem stays within -50 dB (energy) of rendering every note in the synthesizer. Drum kits
    (one-shots, exclusive-class chokes) are rendered as they are.

    Deterministic: which notes share a render, and every fit, depend only on the part's notes."""

    def __init__(self, font: _Font, notes: list[SoundingNote], cache: NoteCache) -> None:
        self._font = font
        self._cache = cache
        self._velocities: dict[tuple[int, int, int], set[int]] = {}
        for note in notes:
            if note.bank != 128:
                self._velocities.setdefault((note.bank, note.program, note.pitch), set()).add(note.velocity)
        self._notes = [n for n in notes if n.bank != 128]
        self._layers: dict[GroupKey, tuple[int, float]] = {}
        self._span: dict[GroupKey, tuple[int, int]] | None = None
        self._rates: dict[GroupKey, float | None] = {}

    def _layer(self, bank: int, program: int, pitch: int, velocity: int) -> tuple[int, float]:
        """(the velocity whose renders this one shares, the gain from that one's to this one's)."""
        key = (bank, program, pitch, velocity)
        if key not in self._layers:
            representatives: list[tuple[int, FloatArray]] = []
            for played in sorted(self._velocities[(bank, program, pitch)], reverse=True):
                opening = _probe(self._font, bank, program, pitch, played).astype(np.float64)
                energy = float(np.sum(opening**2))
                layer = (played, 1.0)
                for loudest, reference in representatives:
                    scale = float(np.sum(opening * reference)) / max(float(np.sum(reference**2)), 1e-30)
                    if float(np.sum((opening - scale * reference) ** 2)) <= LAYER_MAX_ERROR * energy:
                        layer = (loudest, scale)
                        break
                if layer[0] == played:
                    representatives.append((played, opening))
                self._layers[(bank, program, pitch, played)] = layer
        return self._layers[key]

    def _spans(self) -> dict[GroupKey, tuple[int, int]]:
        """(shortest, longest) key-up of each shared render group."""
        if self._span is None:
            self._span = {}
            for note in self._notes:
                group = (note.bank, note.program, note.pitch, self._layer(*_group(note))[0])
                held = _quantised_hold(note.held)
                low, high = self._span.get(group, (held, held))
                self._span[group] = (min(low, held), max(high, held))
        return self._span

    def samples(self, note: SoundingNote) -> FloatArray:
        """The note's samples, (frames, 2) float32, as `note_samples` would render them."""
        if note.bank == 128:
            return note_samples(self._font, note, self._cache)
        held = _quantised_hold(note.held)
        own = (*_group(note), held)
        cached = self._cache.get(own)
        if cached is not None:
            return cached
        loudest, scale = self._layer(*_group(note))
        base = self._held_for(note.bank, note.program, note.pitch, loudest, held)
        if loudest == note.velocity:
            return base
        samples = base * np.float32(scale)
        samples.setflags(write=False)
        self._cache.put(own, samples)
        return samples

    def _held_for(self, bank: int, program: int, pitch: int, velocity: int, held: int) -> FloatArray:
        group = (bank, program, pitch, velocity)
        low, high = self._spans()[group]
        exact = SoundingNote(0, held, pitch, velocity, bank, program)
        if held in (low, high):
            return note_samples(self._font, exact, self._cache)
        cached = self._cache.get((*group, held))
        if cached is not None:
            return cached
        longest = note_samples(self._font, SoundingNote(0, high, pitch, velocity, bank, program), self._cache)
        if group not in self._rates:
            shortest = note_samples(
                self._font, SoundingNote(0, low, pitch, velocity, bank, program), self._cache
            )
            self._rates[group] = _release_rate(shortest, low, longest, high)
        rate = self._rates[group]
        if rate is None:
            return note_samples(self._font, exact, self._cache)
        samples = _released_from(longest, high, held, rate)
        self._cache.put((*group, held), samples)
        return samples


def _group(note: SoundingNote) -> GroupKey:
    return (note.bank, note.program, note.pitch, note.velocity)


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
    renders = PartRenders(font, [note for note in notes if note.start < frames], cache)
    for note, cut in zip(notes, cut_at, strict=True):
        if note.start >= frames:
            continue
        samples = renders.samples(note)
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
