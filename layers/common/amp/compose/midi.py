"""Score part -> Standard MIDI File bytes (mido): the stem's performance, so the MIDI is what was played.

The notes, controller changes and program changes come from `amp.synth.performance.perform`, the
same function the renderer plays, at the same tick positions. The tempo map is written as one
set_tempo per tempo change, and a marker meta-event at each section's first downbeat. Drum parts go on channel 10 (index 9) with General MIDI drum notes;
SoundFont parts carry their source's program (and a program change wherever an articulation
switches it); synth parts carry the nearest GM program to their patch. Output is deterministic.
"""

import struct

import mido

from amp.compose.markers import section_markers
from amp.compose.score import Part, Score
from amp.domain.spec import Role
from amp.synth.performance import TICKS_PER_QN, perform
from amp.synth.sources import SoundFontProgram

_GM_PROGRAMS: dict[str, int] = {
    "piano": 0,
    "rhodes": 4,
    "organ": 16,
    "guitar": 25,
    "dist_guitar": 30,
    "pluck": 25,
    "upright": 32,
    "finger_bass": 33,
    "sub_bass": 38,
    "808": 38,
    "reese": 38,
    "acid": 38,
    "house_bass": 38,
    "rolling_bass": 38,
    "wobble": 38,
    "strings": 48,
    "choir": 52,
    "brass": 61,
    "flute": 73,
    "square_lead": 80,
    "saw_lead": 81,
    "supersaw": 81,
    "warm_pad": 89,
    "dark_pad": 89,
    "stab": 81,
    "bell": 14,
    "mallet": 11,
}
"""For synth parts only: the GM program a producer would start from to re-voice the patch."""
DRUM_CHANNEL = 9

_NOTE_OFF, _CONTROL, _PROGRAM, _NOTE_ON = range(4)
"""Order of events on one tick: releases, then controllers, then program changes, then new notes
(the renderer's pedal and articulation logic assumes this order)."""


def has_midi(role: Role) -> bool:
    """FX cues are not notes a producer would re-voice; every other role gets a MIDI file."""
    return role is not Role.FX


def _tick(qn: float) -> int:
    return round(qn * TICKS_PER_QN)


def part_to_midi(score: Score, part: Part, seed: int | None = None) -> bytes:
    """The part's MIDI file. `seed` is the song's seed, as given to the renderer: the file then holds
    the humanised timing the stem was played with; None writes the notes at their written times."""
    performance = perform(score, part, seed)
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage("track_name", name="AMP", time=0))
    meta.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(score.bpm), time=0))
    meta.append(
        mido.MetaMessage("time_signature", numerator=score.beats_per_bar, denominator=score.beat_unit, time=0)
    )
    # Tempo changes and one marker per section (a DAW shows them on its timeline), in tick order.
    timeline: list[tuple[int, int, mido.MetaMessage]] = [
        (_tick(start_qn), 0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
        for start_qn, bpm in score.tempo_changes
    ]
    timeline += [
        (_tick(marker.start_qn), 1, mido.MetaMessage("marker", text=marker.name, time=0))
        for marker in section_markers(score)
    ]
    now = 0
    for tick, _, message in sorted(timeline, key=lambda item: (item[0], item[1])):
        meta.append(message.copy(time=tick - now))
        now = tick
    meta.append(mido.MetaMessage("end_of_track", time=0))

    track: list[tuple[int, bytes]] = [
        (0, bytes(mido.MetaMessage("track_name", name=part.role.value).bytes()))
    ]
    channel = performance.channel
    sampled = isinstance(performance.source, SoundFontProgram)
    opening = performance.program if sampled else _GM_PROGRAMS.get(part.patch, 80)
    if not part.is_drum or (sampled and opening != 0):
        track.append((0, bytes((0xC0 | channel, opening))))
    events: list[tuple[int, int, int, int]] = []  # (tick, order, a, b)
    for control in performance.controls:
        events.append((_tick(control.time_qn), _CONTROL, control.controller, max(0, min(127, control.value))))
    program = opening
    for note in performance.notes:
        start = _tick(note.start_qn)
        if sampled and not part.is_drum and note.program != program:
            events.append((start, _PROGRAM, note.program, 0))
            program = note.program
        events.append((start, _NOTE_ON, note.pitch, note.velocity))
        events.append((max(start + 1, _tick(note.end_qn)), _NOTE_OFF, note.pitch, 0))
    events.sort()
    if any(not 0 <= a <= 127 or not 0 <= b <= 127 for _, _, a, b in events):
        raise ValueError(f"the {part.role.value} part has a note or controller outside MIDI's 0..127")
    status = {_NOTE_OFF: 0x80 | channel, _CONTROL: 0xB0 | channel, _NOTE_ON: 0x90 | channel}
    program_status = 0xC0 | channel
    now = 0
    for tick, order, a, b in events:
        message = bytes((program_status, a)) if order == _PROGRAM else bytes((status[order], a, b))
        track.append((tick - now, message))
        now = tick
    track.append((0, bytes(mido.MetaMessage("end_of_track").bytes())))
    meta_track = [(message.time, bytes(message.bytes())) for message in meta]
    header = struct.pack(">4sLhhh", b"MThd", 6, 1, 2, TICKS_PER_QN)
    return header + _track_chunk(meta_track) + _track_chunk(track)


def _track_chunk(messages: list[tuple[int, bytes]]) -> bytes:
    """One MTrk chunk of (delta ticks, message bytes), written as mido's MidiFile.save writes it
    (running status for channel messages, reset by a meta event), so files are byte-identical to
    mido's; every value was checked before, and building ~8,000 mido Message objects per drum file
    was most of its time."""
    data = bytearray()
    running: int | None = None
    for delta, message in messages:
        data += _variable_int(delta)
        status = message[0]
        data += message[1:] if status == running else message
        running = status if status < 0xF0 else None
    return b"MTrk" + struct.pack(">L", len(data)) + bytes(data)


def _variable_int(value: int) -> bytes:
    """A MIDI variable-length quantity: 7 bits per byte, most significant first, high bit on all
    but the last."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))
