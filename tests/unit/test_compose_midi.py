"""MIDI export: notes read back by mido match the score, drums on channel 10 with GM numbers, tempo
and time signature meta events present, bytes deterministic."""

import io

import mido
import pytest

from amp.compose import compose_song
from amp.compose.midi import TICKS_PER_QN, has_midi, part_to_midi
from amp.domain.spec import Instrument, Mode, MusicSpec, Role


def _score(meter: str = "4/4", bpm: float = 128.0):  # type: ignore[no-untyped-def]
    spec = MusicSpec(
        genre="house",
        bpm=bpm,
        key="G",
        mode=Mode.MINOR,
        duration_s=30.0,
        seed=9,
        time_signature=meter,
        instruments=[Instrument(name=r.value, role=r) for r in Role],
    )
    return compose_song(spec)


def _read_notes(data: bytes) -> tuple[mido.MidiFile, list[tuple[int, int, int, int, int]]]:
    """(start_tick, end_tick, pitch, velocity, channel) per note."""
    midi = mido.MidiFile(file=io.BytesIO(data))
    open_notes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    notes = []
    for track in midi.tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                open_notes.setdefault((message.channel, message.note), []).append((now, message.velocity))
            elif message.type in ("note_off", "note_on"):
                start, velocity = open_notes[(message.channel, message.note)].pop(0)
                notes.append((start, now, message.note, velocity, message.channel))
    return midi, sorted(notes)


@pytest.mark.parametrize("role", [Role.BASS, Role.CHORDS, Role.LEAD, Role.PAD, Role.ARP, Role.VOCAL])
def test_pitched_part_round_trips_through_mido(role: Role) -> None:
    score = _score()
    part = score.parts[role]
    midi, notes = _read_notes(part_to_midi(score, part))
    expected = sorted(
        (
            round(n.start_qn * TICKS_PER_QN),
            max(round(n.start_qn * TICKS_PER_QN) + 1, round((n.start_qn + n.length_qn) * TICKS_PER_QN)),
            n.pitch,
            n.velocity,
            0,
        )
        for n in part.notes
    )
    assert notes == expected
    assert midi.ticks_per_beat == TICKS_PER_QN


def test_drum_part_uses_channel_ten_and_gm_drum_notes() -> None:
    score = _score()
    _, notes = _read_notes(part_to_midi(score, score.parts[Role.DRUMS]))
    assert notes and {channel for *_, channel in notes} == {9}
    assert {36, 42}.issubset({pitch for _, _, pitch, _, _ in notes})
    assert len(notes) == len(score.parts[Role.DRUMS].notes)


@pytest.mark.parametrize(("meter", "bpm"), [("4/4", 128.0), ("3/4", 150.0), ("6/8", 100.0)])
def test_tempo_and_time_signature_meta_events(meter: str, bpm: float) -> None:
    score = _score(meter, bpm)
    midi = mido.MidiFile(file=io.BytesIO(part_to_midi(score, score.parts[Role.BASS])))
    metas = [m for m in midi.tracks[0] if m.is_meta]
    tempo = next(m for m in metas if m.type == "set_tempo")
    signature = next(m for m in metas if m.type == "time_signature")
    assert abs(mido.tempo2bpm(tempo.tempo) - bpm) < 0.01
    assert f"{signature.numerator}/{signature.denominator}" == meter


def test_midi_bytes_are_deterministic_and_fx_has_none() -> None:
    first, second = _score(), _score()
    assert part_to_midi(first, first.parts[Role.LEAD]) == part_to_midi(second, second.parts[Role.LEAD])
    assert not has_midi(Role.FX) and all(has_midi(r) for r in Role if r is not Role.FX)
