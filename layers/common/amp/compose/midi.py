"""Score part -> Standard MIDI File bytes (mido), so a producer can re-voice a stem in a DAW.

Drum parts go on channel 10 (index 9) with General MIDI drum notes. Output is deterministic.
"""

import io

import mido

from amp.compose.score import Part, Score
from amp.domain.spec import Role

TICKS_PER_QN = 480

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
DRUM_CHANNEL = 9


def has_midi(role: Role) -> bool:
    """FX cues are not notes a producer would re-voice; every other role gets a MIDI file."""
    return role is not Role.FX


def part_to_midi(score: Score, part: Part) -> bytes:
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QN)
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage("track_name", name="AMP", time=0))
    meta.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(score.bpm), time=0))
    meta.append(
        mido.MetaMessage("time_signature", numerator=score.beats_per_bar, denominator=score.beat_unit, time=0)
    )
    meta.append(mido.MetaMessage("end_of_track", time=0))
    midi.tracks.append(meta)

    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=part.role.value, time=0))
    channel = DRUM_CHANNEL if part.is_drum else 0
    if not part.is_drum:
        track.append(
            mido.Message("program_change", channel=channel, program=_GM_PROGRAMS.get(part.patch, 80), time=0)
        )
    events: list[tuple[int, int, int, int]] = []  # (tick, order, note, velocity); note-offs first
    for note in part.notes:
        start = round(note.start_qn * TICKS_PER_QN)
        end = max(start + 1, round((note.start_qn + note.length_qn) * TICKS_PER_QN))
        events.append((start, 1, note.pitch, max(1, min(127, note.velocity))))
        events.append((end, 0, note.pitch, 0))
    events.sort()
    now = 0
    for tick, order, pitch, velocity in events:
        kind = "note_on" if order == 1 else "note_off"
        track.append(mido.Message(kind, channel=channel, note=pitch, velocity=velocity, time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()
