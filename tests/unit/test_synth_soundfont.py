"""Sampled instruments: the score drives the SoundFont render, the stem's MIDI file is what was
played, expression (velocity, pedal, CC11, articulations, tempo map) is audible, renders are
deterministic, and a missing SoundFont is a clear error, never synth sounds."""

import dataclasses
import io
import itertools
import shutil
import subprocess
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile

from amp.audio_io import SAMPLE_RATE
from amp.compose import compose_song
from amp.compose.midi import part_to_midi
from amp.compose.score import Chord, ControlEvent, NoteEvent, Part, Score, Section, SectionName
from amp.config import get_settings
from amp.domain.errors import SoundFontMissing
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.providers.base import stem_frames
from amp.providers.procedural import ProceduralProvider
from amp.synth import soundfont
from amp.synth.performance import PEDAL_CC, perform
from amp.synth.render import render_part, render_sampled_dry, room_for
from amp.synth.sources import SoundFontProgram, source_for_part

ENSEMBLE = [
    ("timpani", Role.PERCUSSION),
    ("upright bass", Role.BASS),
    ("piano", Role.CHORDS),
    ("strings", Role.PAD),
    ("cello", Role.LEAD),
    ("harp", Role.ARP),
    ("choir", Role.VOCAL),
]


def _spec(seed: int = 4, duration_s: float = 12.0) -> MusicSpec:
    return MusicSpec(
        genre="orchestral",
        bpm=100.0,
        key="D",
        mode=Mode.MINOR,
        duration_s=duration_s,
        seed=seed,
        instruments=[Instrument(name=n, role=r) for n, r in ENSEMBLE],
        excluded_roles=[Role.DRUMS, Role.FX],
    )


def _score(*parts: Part, tempo_changes: tuple[tuple[float, float], ...] = ()) -> Score:
    return Score(
        bpm=120.0,
        beats_per_bar=4,
        beat_unit=4,
        total_bars=4,
        duration_s=8.0,
        key_pc=0,
        scale_pcs=(0, 2, 4, 5, 7, 9, 11),
        sections=(Section(SectionName.GROOVE, 0, 4, 0.6),),
        chords=(Chord(0, 2, 0, (0, 4, 7), 1), Chord(2, 2, 5, (5, 9, 0), 4)),
        parts={p.role: p for p in parts},
        tempo_changes=tempo_changes,
    )


def _rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))


def test_every_stem_midi_file_renders_to_the_stem_it_was_made_with() -> None:
    """The MIDI is what was played: a sequential MIDI player (same SoundFont) gives the same sound."""
    spec = _spec()
    score = compose_song(spec)
    frames = stem_frames(spec)
    checked = 0
    for part in score.parts.values():
        if not isinstance(source_for_part(part), SoundFontProgram):
            continue
        stem = render_sampled_dry(score, part, frames, spec.seed)
        played = soundfont.render_midi(part_to_midi(score, part, spec.seed), frames)
        correlation = float(np.corrcoef(stem.ravel(), played.ravel())[0, 1])
        assert correlation > 0.999, (part.role, correlation)
        assert abs(20 * np.log10(_rms(stem) / _rms(played))) < 0.5, part.role
        checked += 1
    assert checked == len(ENSEMBLE)


def test_the_same_seed_gives_byte_identical_stems_and_another_seed_another_performance() -> None:
    # the cello's line: in this 4-bar piece every piano chord falls on a section's first downbeat,
    # which is played on the grid whatever the seed
    spec = _spec()
    first = ProceduralProvider().render_stem(spec, Role.LEAD)
    ProceduralProvider().render_stem(spec, Role.CHORDS)  # another instrument through the note cache
    again = ProceduralProvider().render_stem(spec, Role.LEAD)
    assert first.audio.tobytes() == again.audio.tobytes() and first.midi == again.midi
    other = ProceduralProvider().render_stem(spec.model_copy(update={"seed": 5}), Role.LEAD)
    assert other.midi != first.midi


def test_humanised_timing_moves_onsets_by_milliseconds_not_beats() -> None:
    score = compose_song(_spec())
    part = score.parts[Role.ARP]  # the piano's chords all fall on section starts (played on the grid)
    played = perform(score, part, seed=4)
    written = sorted(n.start_qn for n in part.notes)
    shifts_ms = [
        (p - w) * score.seconds_per_qn * 1000
        for p, w in zip(sorted(n.start_qn for n in played.notes), written, strict=True)
    ]
    assert max(abs(s) for s in shifts_ms) < 25 and np.std(shifts_ms) > 1.0
    assert perform(score, part, seed=None).notes[0].start_qn == min(written)


def test_velocity_sets_the_soundfont_velocity() -> None:
    soft = Part(Role.CHORDS, "piano", (NoteEvent(0.0, 1.0, 60, 30),))
    hard = Part(Role.CHORDS, "piano", (NoteEvent(0.0, 1.0, 60, 120),))
    frames = 2 * SAMPLE_RATE
    assert _rms(render_sampled_dry(_score(hard), hard, frames, 0)) > 3 * _rms(
        render_sampled_dry(_score(soft), soft, frames, 0)
    )


def test_the_sustain_pedal_holds_released_keys_until_it_lifts() -> None:
    notes = (NoteEvent(0.0, 0.25, 60, 90), NoteEvent(0.0, 0.25, 64, 90))
    dry = Part(Role.CHORDS, "piano", notes, controls=(ControlEvent(0.0, PEDAL_CC, 0),))
    pedalled = dataclasses.replace(
        dry, controls=(ControlEvent(0.0, PEDAL_CC, 127), ControlEvent(6.0, PEDAL_CC, 0))
    )
    frames = 4 * SAMPLE_RATE
    later = slice(int(1.5 * SAMPLE_RATE), int(2.5 * SAMPLE_RATE))  # well after the keys are up (0.125 s)
    held = render_sampled_dry(_score(pedalled), pedalled, frames, 0)[:, later]
    released = render_sampled_dry(_score(dry), dry, frames, 0)[:, later]
    assert _rms(held) > 10 * _rms(released)
    midi = mido.MidiFile(file=io.BytesIO(part_to_midi(_score(pedalled), pedalled, 0)))
    assert [m.value for m in midi.tracks[1] if m.type == "control_change" and m.control == PEDAL_CC] == [
        127,
        0,
    ]


def test_piano_parts_without_pedal_get_one_per_chord_change() -> None:
    part = Part(Role.CHORDS, "piano", tuple(NoteEvent(b * 4.0, 1.0, 60, 90) for b in range(4)))
    score = _score(part)
    pedal = [(c.time_qn, c.value) for c in perform(score, part, 0).controls if c.controller == PEDAL_CC]
    assert pedal[0] == (0.0, 127) and (8.0, 0) in pedal and (8.125, 127) in pedal and pedal[-1][1] == 0


def test_expression_swells_scale_the_sound_and_sustained_parts_get_a_default_swell() -> None:
    note = (NoteEvent(0.0, 8.0, 62, 100),)
    steady = Part(Role.PAD, "strings", note, controls=(ControlEvent(0.0, 11, 127),))
    dipped = dataclasses.replace(steady, controls=(ControlEvent(0.0, 11, 127), ControlEvent(4.0, 11, 64)))
    frames = 4 * SAMPLE_RATE
    window = slice(int(2.5 * SAMPLE_RATE), int(3.5 * SAMPLE_RATE))
    ratio = _rms(render_sampled_dry(_score(dipped), dipped, frames, 0)[:, window]) / _rms(
        render_sampled_dry(_score(steady), steady, frames, 0)[:, window]
    )
    assert ratio == pytest.approx(soundfont.expression_gain(64) / soundfont.expression_gain(127), rel=0.02)
    bare = Part(Role.PAD, "strings", note)
    swell = [c.value for c in perform(_score(bare), bare, 0).controls if c.controller == 11]
    assert len(swell) > 4 and max(swell) - min(swell) >= 20


def test_pizzicato_switches_program_in_the_midi_and_sounds_short() -> None:
    arco = Part(Role.LEAD, "strings", (NoteEvent(0.0, 4.0, 67, 100),), instruments=("violin",))
    pizz = Part(
        Role.LEAD,
        "strings",
        (NoteEvent(0.0, 4.0, 67, 100, articulation="pizzicato"),),
        instruments=("violin",),
    )
    programs = [
        m.program
        for m in mido.MidiFile(file=io.BytesIO(part_to_midi(_score(pizz), pizz, 0))).tracks[1]
        if m.type == "program_change"
    ]
    assert programs == [40, 45]
    frames = 3 * SAMPLE_RATE
    late = slice(int(1.0 * SAMPLE_RATE), int(1.8 * SAMPLE_RATE))
    assert _rms(render_sampled_dry(_score(pizz), pizz, frames, 0)[:, late]) < 0.2 * _rms(
        render_sampled_dry(_score(arco), arco, frames, 0)[:, late]
    )


def test_the_tempo_map_places_notes_and_is_written_to_the_midi() -> None:
    part = Part(
        Role.CHORDS, "piano", (NoteEvent(8.0, 0.5, 72, 110),), controls=(ControlEvent(0.0, PEDAL_CC, 0),)
    )
    score = _score(part, tempo_changes=((4.0, 60.0),))  # 4 qn at 120 bpm (2 s), then 1 s per qn
    audio = render_sampled_dry(score, part, 8 * SAMPLE_RATE, seed=0)
    onset_s = int(np.argmax(np.abs(audio[0]) > 0.01)) / SAMPLE_RATE
    assert onset_s == pytest.approx(score.time_s(8.0), abs=0.03) and score.time_s(8.0) == pytest.approx(6.0)
    midi = mido.MidiFile(file=io.BytesIO(part_to_midi(score, part, 0)))
    tempos = [round(mido.tempo2bpm(m.tempo)) for m in midi.tracks[0] if m.type == "set_tempo"]
    assert tempos == [120, 60]


def test_rooms_follow_the_ensemble() -> None:
    assert room_for(compose_song(_spec())) == "church"  # a choir sings in it
    quartet = MusicSpec(
        genre="classical",
        bpm=90.0,
        key="G",
        mode=Mode.MAJOR,
        duration_s=10.0,
        seed=1,
        instruments=[Instrument(name="violin", role=Role.LEAD), Instrument(name="cello", role=Role.BASS)],
        excluded_roles=[r for r in Role if r not in (Role.LEAD, Role.BASS)],
    )
    assert room_for(compose_song(quartet)) == "chamber"
    techno = MusicSpec(genre="techno", bpm=130.0, key="A", mode=Mode.MINOR, duration_s=10.0, seed=1)
    assert room_for(compose_song(techno)) == "studio"


def test_a_missing_soundfont_is_a_clear_error_naming_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AMP_SOUNDFONT", str(tmp_path / "absent.sf2"))
    get_settings.cache_clear()
    spec = _spec(duration_s=5.0)
    score = compose_song(spec)
    with pytest.raises(SoundFontMissing, match=r"apt-get install fluid-soundfont-gm.*AMP_SOUNDFONT"):
        render_part(score, score.parts[Role.CHORDS], stem_frames(spec), spec.seed)


def test_no_known_soundfont_path_and_no_setting_is_the_same_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(soundfont, "soundfont_candidates", lambda: (Path("/nonexistent/a.sf2"),))
    with pytest.raises(SoundFontMissing, match="apt-get install fluid-soundfont-gm"):
        soundfont.soundfont_path()


FLUIDSYNTH = shutil.which("fluidsynth")


@pytest.mark.parametrize("role", [Role.CHORDS, Role.PAD, Role.VOCAL])
def test_the_render_sounds_like_fluidsynth_playing_the_same_midi(role: Role, tmp_path: Path) -> None:
    """Listening proxy: octave-band balance within 3 dB of the reference SoundFont synthesizer."""
    assert FLUIDSYNTH, "fluidsynth is required (scripts/setup installs it)"
    spec = _spec(duration_s=20.0)
    score = compose_song(spec)
    part = score.parts[role]
    frames = stem_frames(spec)
    ours = render_sampled_dry(score, part, frames, spec.seed)
    midi_path, wav_path = tmp_path / "part.mid", tmp_path / "part.wav"
    midi_path.write_bytes(part_to_midi(score, part, spec.seed))
    subprocess.run(
        [
            FLUIDSYNTH,
            "-ni",
            "-q",
            "-R",
            "0",
            "-C",
            "0",
            "-r",
            str(SAMPLE_RATE),
            "-F",
            str(wav_path),
            str(soundfont.soundfont_path()),
            str(midi_path),
        ],
        check=True,
        capture_output=True,
    )
    reference, _ = soundfile.read(wav_path, dtype="float32", always_2d=True)

    def bands(audio: np.ndarray) -> np.ndarray:
        power = np.abs(np.fft.rfft(audio.astype(np.float64))) ** 2
        freqs = np.fft.rfftfreq(audio.shape[0], 1 / SAMPLE_RATE)
        edges = [63, 125, 250, 500, 1000, 2000, 4000, 8000]
        return np.array(
            [
                10 * np.log10(power[(freqs >= lo) & (freqs < hi)].sum() / power.sum() + 1e-12)
                for lo, hi in itertools.pairwise(edges)
            ]
        )

    theirs = bands(reference.mean(axis=1)[:frames])
    mine = bands(ours.mean(axis=0))
    loud = theirs > -30  # bands that carry the part's sound
    assert np.abs(mine - theirs)[loud].max() < 3.0, np.round(mine - theirs, 1)
