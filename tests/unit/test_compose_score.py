"""The composer: whole-bar arrangement, harmony in the spec's key, genre idioms, meters, and a score
that does not depend on which role is rendered."""

import itertools

import numpy as np
import pytest

from amp.compose import compose_song, song_bars
from amp.compose.arrangement import plan_sections
from amp.compose.rhythm import CLAVES, KICK, RIDE, SNARE, beat_groups
from amp.compose.score import SectionName
from amp.compose.style import BassStyle, DrumFeel, patch_for, style_for
from amp.compose.theory import key_to_pitch_class
from amp.domain.spec import MODE_INTERVALS, Instrument, Mode, MusicSpec, Role
from amp.synth.instruments import PATCHES


def _spec(**changes: object) -> MusicSpec:
    values: dict[str, object] = {
        "genre": "house",
        "bpm": 124.0,
        "key": "A",
        "mode": Mode.MINOR,
        "duration_s": 90.0,
        "seed": 3,
        "instruments": [Instrument(name=r.value, role=r) for r in Role],
    }
    values.update(changes)
    return MusicSpec.model_validate(values)


@pytest.mark.parametrize("bars", [1, 3, 8, 11, 24, 33, 64, 97, 150])
def test_sections_tile_the_song_in_whole_bars(bars: int) -> None:
    sections = plan_sections(bars, 0.7)
    assert sections[0].start_bar == 0 and sections[-1].end_bar == bars
    assert all(a.end_bar == b.start_bar for a, b in itertools.pairwise(sections))
    assert all(s.bars >= 1 and 0.0 < s.energy <= 1.0 for s in sections)


def test_long_song_has_the_full_arc_and_energy_peaks_in_the_drops() -> None:
    sections = plan_sections(96, 0.8)
    names = [s.name for s in sections]
    for name in (
        SectionName.INTRO,
        SectionName.GROOVE,
        SectionName.BUILD,
        SectionName.DROP,
        SectionName.BREAKDOWN,
        SectionName.OUTRO,
    ):
        assert name in names
    drop = max(s.energy for s in sections if s.name is SectionName.DROP)
    assert drop == max(s.energy for s in sections)
    assert min(s.energy for s in sections if s.name is SectionName.BREAKDOWN) < drop
    assert all(s.bars % 4 == 0 for s in sections[:-1])


def test_score_is_the_same_whichever_role_is_rendered_and_changes_with_the_seed() -> None:
    first, second = compose_song(_spec()), compose_song(_spec())
    assert first == second
    other = compose_song(_spec(seed=4))
    assert other.parts[Role.LEAD].notes != first.parts[Role.LEAD].notes


def test_excluded_roles_are_not_composed() -> None:
    score = compose_song(_spec(excluded_roles=[Role.LEAD, Role.VOCAL]))
    assert Role.LEAD not in score.parts and Role.VOCAL not in score.parts and Role.BASS in score.parts


@pytest.mark.parametrize("mode", list(Mode))
def test_pitched_parts_stay_in_the_key_and_mode(mode: Mode) -> None:
    score = compose_song(_spec(key="Eb", mode=mode))
    scale = {(key_to_pitch_class("Eb") + i) % 12 for i in MODE_INTERVALS[mode]}
    for role in (Role.CHORDS, Role.PAD, Role.LEAD, Role.ARP, Role.VOCAL):
        outside = [n.pitch for n in score.parts[role].notes if n.pitch % 12 not in scale]
        assert not outside, f"{role}: {outside[:5]}"
    assert score.chords[0].root_pc == key_to_pitch_class("Eb")  # starts on the tonic


def test_bass_follows_chord_roots_and_walking_bass_approaches_the_next_root() -> None:
    score = compose_song(_spec(genre="jazz", bpm=140.0, key="F", mode=Mode.MAJOR))
    style = style_for("jazz", 4)
    assert style.bass_style is BassStyle.WALKING and style.drum_feel is DrumFeel.SWING
    grooves = [s for s in score.sections if s.name in (SectionName.GROOVE, SectionName.DROP)]
    bass = [
        n
        for n in score.parts[Role.BASS].notes
        if any(s.start_bar * 4 <= n.start_qn < s.end_bar * 4 for s in grooves)
    ]
    assert bass and all(abs(n.length_qn - 0.9) < 1e-9 for n in bass)
    chords = {c.start_bar: c for c in score.chords}
    downbeats = [
        n for n in bass if n.start_qn % score.bar_qn == 0 and int(n.start_qn // score.bar_qn) in chords
    ]
    assert all(n.pitch % 12 == chords[int(n.start_qn // score.bar_qn)].root_pc for n in downbeats)


def test_trap_808_glides_and_dnb_uses_reese_with_long_notes() -> None:
    trap = compose_song(_spec(genre="trap", bpm=140.0, instruments=[Instrument(name="808", role=Role.BASS)]))
    assert trap.parts[Role.BASS].patch == "808"
    assert any(n.glide_from is not None for n in trap.parts[Role.BASS].notes)
    dnb = compose_song(
        _spec(genre="drum and bass", bpm=174.0, instruments=[Instrument(name="reese bass", role=Role.BASS)])
    )
    assert dnb.parts[Role.BASS].patch == "reese"
    assert np.median([n.length_qn for n in dnb.parts[Role.BASS].notes]) >= 2.0


def test_house_bass_sits_on_the_offbeat_and_kick_is_four_on_the_floor() -> None:
    score = compose_song(_spec(genre="house"))
    bass = score.parts[Role.BASS].notes
    drop = next(s for s in score.sections if s.name is SectionName.DROP)
    in_drop = [n for n in bass if drop.start_bar * 4 <= n.start_qn < drop.end_bar * 4]
    assert in_drop and all(n.start_qn % 1.0 == 0.5 for n in in_drop)
    kicks = [
        n
        for n in score.parts[Role.DRUMS].notes
        if n.pitch == KICK and drop.start_bar * 4 - 0.05 <= n.start_qn < drop.end_bar * 4 - 0.05
    ]
    assert len(kicks) == 4 * drop.bars


def test_fast_breakbeats_put_a_ride_on_the_beat_and_a_fill_before_each_new_section() -> None:
    score = compose_song(_spec(genre="drum and bass", bpm=174.0, duration_s=120.0))
    notes = score.parts[Role.DRUMS].notes
    assert any(n.pitch == RIDE for n in notes)
    for section in score.sections[1:]:
        if section.name is SectionName.DROP:
            last_bar_start = (section.start_bar - 1) * score.bar_qn
            fill = [
                n
                for n in notes
                if last_bar_start + 3 <= n.start_qn < section.start_bar * score.bar_qn and n.pitch != KICK
            ]
            assert len(fill) >= 4


@pytest.mark.parametrize(
    ("meter", "bar_qn", "groups"),
    [("3/4", 3.0, [4, 4, 4]), ("6/8", 3.0, [6, 6]), ("7/8", 3.5, [4, 4, 6]), ("5/4", 5.0, [4] * 5)],
)
def test_odd_meters_have_their_bar_length_and_a_kick_on_each_downbeat(
    meter: str, bar_qn: float, groups: list[int]
) -> None:
    spec = _spec(time_signature=meter, genre="waltz" if meter == "3/4" else "pop", bpm=120.0, duration_s=40.0)
    score = compose_song(spec)
    numerator, unit = (int(x) for x in meter.split("/"))
    assert score.bar_qn == bar_qn and beat_groups(numerator, unit) == groups
    assert score.total_bars == song_bars(spec) == int(40.0 // (bar_qn * 0.5))
    kicks = {
        round(n.start_qn / bar_qn)
        for n in score.parts[Role.DRUMS].notes
        if n.pitch == KICK and abs(n.start_qn / bar_qn - round(n.start_qn / bar_qn)) < 0.02
    }
    drum_bars = {int(n.start_qn // bar_qn) for n in score.parts[Role.DRUMS].notes}
    played = [b for b in drum_bars if b in kicks]
    assert len(played) >= 0.6 * len(drum_bars)
    if meter == "3/4":
        snares = [n for n in score.parts[Role.DRUMS].notes if n.pitch == SNARE]
        assert snares and all(
            abs((n.start_qn % 3.0) - round(n.start_qn % 3.0)) < 0.05 or n.start_qn % 3 > 2 for n in snares
        )


def test_swing_delays_the_off_sixteenths_for_boom_bap() -> None:
    score = compose_song(_spec(genre="boom bap", bpm=90.0))
    positions = [n.start_qn % 0.5 for n in score.parts[Role.DRUMS].notes]
    swung = [p for p in positions if 0.26 < p < 0.4]
    assert swung and not any(abs(p - 0.25) < 0.004 for p in positions)


def test_reggaeton_gets_dembow_and_claves() -> None:
    score = compose_song(_spec(genre="reggaeton", bpm=95.0))
    assert style_for("reggaeton", 4).drum_feel is DrumFeel.DEMBOW
    assert any(n.pitch == CLAVES for n in score.parts[Role.PERCUSSION].notes)


@pytest.mark.parametrize(
    ("role", "name", "genre", "patch"),
    [
        (Role.BASS, "reese bass", "house", "reese"),
        (Role.BASS, "303", "techno", "acid"),
        (Role.BASS, "synth bass", "drum and bass", "reese"),
        (Role.BASS, "808 bass", "trap", "808"),
        (Role.CHORDS, "rhodes", "pop", "rhodes"),
        (Role.CHORDS, "distorted guitar", "rock", "dist_guitar"),
        (Role.CHORDS, "acoustic guitar", "folk", "guitar"),
        (Role.LEAD, "supersaw", "pop", "supersaw"),
        (Role.PAD, "strings", "pop", "strings"),
        (Role.CHORDS, "piano", "jazz", "piano"),
        (Role.LEAD, "synth lead", "trap", "bell"),
        (Role.VOCAL, "female vocals", "pop", "choir"),
        (Role.DRUMS, "808 drum machine", "pop", "kit808"),
        (Role.DRUMS, "drum machine", "house", "kit909"),
    ],
)
def test_instrument_names_map_to_patches_by_keyword(role: Role, name: str, genre: str, patch: str) -> None:
    assert patch_for(role, [name], style_for(genre, 4)) == patch


def test_every_default_patch_exists_in_the_synth() -> None:
    for genre in (
        "house",
        "techno",
        "trance",
        "dnb",
        "trap",
        "jazz",
        "lofi",
        "ambient",
        "rock",
        "pop",
        "waltz",
        "reggaeton",
        "dubstep",
        "boom bap",
        "soul",
        "breaks",
    ):
        style = style_for(genre, 4)
        for role in Role:
            if role not in (Role.DRUMS, Role.PERCUSSION, Role.FX):
                assert patch_for(role, [], style) in PATCHES


def test_named_big_drums_play_toms_on_every_beat() -> None:
    spec = _spec(genre="cinematic", bpm=90.0, instruments=[Instrument(name="taiko", role=Role.PERCUSSION)])
    score = compose_song(spec)
    toms = [n for n in score.parts[Role.PERCUSSION].notes if n.pitch in (45, 47)]
    beats = {round(n.start_qn) for n in toms if abs(n.start_qn - round(n.start_qn)) < 0.02}
    assert len(beats) >= 0.9 * score.total_bars * 4


def test_without_drums_the_lead_walks_in_even_beats() -> None:
    spec = _spec(
        genre="ambient",
        bpm=70.0,
        instruments=[Instrument(name="bells", role=Role.LEAD), Instrument(name="pad", role=Role.PAD)],
    )
    lead = compose_song(spec).parts[Role.LEAD].notes
    assert lead and all(abs(n.start_qn - round(n.start_qn)) < 1e-9 for n in lead)
    with_drums = compose_song(_spec(genre="ambient", bpm=70.0)).parts[Role.LEAD].notes
    assert any(abs(n.start_qn - round(n.start_qn)) > 0.1 for n in with_drums) or len(with_drums) != len(lead)


def test_drums_are_tuned_to_the_tonic() -> None:
    from amp.synth.drums import tuner

    tune = tuner(55.0)  # A1
    assert tune(50.0) == 55.0 and tune(190.0) == 220.0
    assert tune(150.0, True) == 165.0 and tune(150.0) == 110.0  # only toms may take the fifth (E3)
    assert tuner(None)(50.0) == 50.0
