"""The composer's idioms for classical, choral, folk, rock/metal, blues, latin, world and orchestral
music: each family's harmony, texture and rhythm, instrument ranges, and the expression written into
the score (pedal, swells, articulations, tempo map)."""

import dataclasses
import itertools

import pytest

from amp.compose import compose_song, compose_with_style
from amp.compose.idioms.blues import TWELVE_BAR
from amp.compose.idioms.latin import BOSSA_COMP, CLAVE_3_2
from amp.compose.ranges import SATB, instrument_range, register_for
from amp.compose.rhythm import CLAVES, KICK, TOM_LOW
from amp.compose.score import Score, SectionName
from amp.compose.style import style_for
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.genres import DrumFeel, Family, drum_feel_for, family_for


def _spec(genre: str, instruments: list[tuple[str, Role]], **changes: object) -> MusicSpec:
    values: dict[str, object] = {
        "genre": genre,
        "bpm": 100.0,
        "key": "D",
        "mode": Mode.MINOR,
        "duration_s": 90.0,
        "seed": 5,
        "instruments": [Instrument(name=name, role=role) for name, role in instruments],
    }
    values.update(changes)
    return MusicSpec.model_validate(values)


def _in_style(spec: MusicSpec, family: Family, feel: DrumFeel) -> Score:
    """Compose with an explicit family and feel, so the test does not depend on the genre table."""
    style = dataclasses.replace(
        style_for(spec.genre, spec.beats_per_bar, spec.bpm), family=family, drum_feel=feel
    )
    return compose_with_style(spec, style)


def _cyclic_distance(position: float, targets: list[float], cycle: float) -> float:
    """How far a position (humanised) is from the nearest target on a repeating cycle."""
    return min(min(abs(position - t), cycle - abs(position - t)) for t in targets)


QUARTET = [("violin", Role.LEAD), ("violin", Role.ARP), ("viola", Role.PAD), ("cello", Role.BASS)]


def test_style_takes_family_and_feel_from_the_genre_module() -> None:
    for genre in ("blues", "string quartet", "bossa nova", "metal", "techno", "jazz"):
        style = style_for(genre, 4)
        assert style.family is family_for(genre) and style.drum_feel is drum_feel_for(genre)


def test_string_quartet_parts_stay_in_their_instruments_ranges_and_name_them() -> None:
    score = _in_style(_spec("string quartet", QUARTET), Family.CLASSICAL, DrumFeel.NONE)
    for role, name in (
        (Role.LEAD, "violin"),
        (Role.ARP, "violin"),
        (Role.PAD, "viola"),
        (Role.BASS, "cello"),
    ):
        part = score.parts[role]
        playable = instrument_range(name)
        assert playable is not None and part.notes and part.instruments == (name,)
        outside = [n.pitch for n in part.notes if not playable.low <= n.pitch <= playable.high]
        assert not outside, f"{role}: {outside[:5]}"
    lead = [n.pitch for n in score.parts[Role.LEAD].notes]
    bass = [n.pitch for n in score.parts[Role.BASS].notes]
    assert sum(lead) / len(lead) > sum(bass) / len(bass) + 12  # violin I sings over the cello's bass
    assert Role.DRUMS not in score.parts or not score.parts[Role.DRUMS].notes  # no drums unless asked


def test_classical_phrases_end_in_cadences_and_the_piece_ends_v_i_on_the_tonic() -> None:
    score = _in_style(_spec("classical", QUARTET), Family.CLASSICAL, DrumFeel.NONE)
    degrees = [c.degree for c in score.chords]
    assert degrees[-2:] == [4, 0] and degrees[-3] in (3, 1)  # IV-V-I (or ii-V-I)
    # the dominant of a minor key takes the raised leading tone (C# in D minor)
    assert all(1 in c.pitch_classes for c in score.chords if c.degree == 4)
    phrase_ends = [c.degree for c in score.chords if (c.start_bar + 1) % 4 == 0]
    assert phrase_ends and all(d in (0, 4) for d in phrase_ends)
    bass = score.parts[Role.BASS].notes
    last_bar = score.total_bars - 1
    assert {n.pitch % 12 for n in bass if n.start_qn >= last_bar * score.bar_qn - 0.05} == {score.key_pc}
    assert score.parts[Role.LEAD].notes[-1].pitch % 12 == score.key_pc
    assert any(n.articulation == "legato" for n in score.parts[Role.LEAD].notes)


def test_classical_piano_plays_alberti_with_the_pedal_at_chord_changes() -> None:
    spec = _spec("classical", [("piano", Role.CHORDS), ("violin", Role.LEAD), ("cello", Role.BASS)])
    score = _in_style(spec, Family.CLASSICAL, DrumFeel.NONE)
    piano = score.parts[Role.CHORDS]
    bar = 9
    in_bar = sorted(
        (n for n in piano.notes if bar * 4 - 0.1 <= n.start_qn < bar * 4 + 3.9), key=lambda n: n.start_qn
    )
    pitches = [n.pitch for n in in_bar]
    assert (
        len(pitches) == 8 and pitches[1] == pitches[3] and pitches[0] < pitches[2] < pitches[1]
    )  # low-high-mid-high
    pedal = [c for c in piano.controls if c.controller == 64]
    changes = {c.start_bar * score.bar_qn for c in score.chords}
    downs = [c.time_qn - 0.05 for c in pedal if c.value == 127]
    assert downs and all(min(abs(d - x) for x in changes) < 1e-6 for d in downs)
    assert len(downs) >= 0.8 * len(score.chords)


def test_classical_tempo_has_rubato_within_two_percent_and_a_final_ritardando_inside_the_duration() -> None:
    spec = _spec("classical", QUARTET, bpm=90.0)
    score = _in_style(spec, Family.CLASSICAL, DrumFeel.NONE)
    rit_start = (score.total_bars - 4) * score.bar_qn
    body = [bpm for qn, bpm in score.tempo_changes if qn < rit_start]
    assert body and all(abs(bpm / 90.0 - 1.0) <= 0.02 for bpm in body)
    final = [bpm for qn, bpm in score.tempo_changes if qn >= rit_start]
    assert final and min(final) < 0.85 * 90.0 and final == sorted(final, reverse=True)
    end_s = score.time_s(score.total_bars * score.bar_qn)
    assert end_s <= spec.duration_s and end_s > spec.duration_s - 4.0


def test_choral_voices_sing_within_satb_ranges_in_one_rhythm() -> None:
    voices = [("soprano", Role.LEAD), ("alto", Role.CHORDS), ("tenor", Role.PAD), ("bass voice", Role.BASS)]
    score = _in_style(_spec("choral", voices, mode=Mode.MAJOR), Family.CHORAL, DrumFeel.NONE)
    for role, voice in (
        (Role.LEAD, "soprano"),
        (Role.CHORDS, "alto"),
        (Role.PAD, "tenor"),
        (Role.BASS, "bass"),
    ):
        notes = score.parts[role].notes
        limits = SATB[voice]
        assert notes and all(limits.low <= n.pitch <= limits.high for n in notes), role
    onsets = {
        role: {round(n.start_qn * 2) for n in score.parts[role].notes} for role in (Role.LEAD, Role.BASS)
    }
    assert len(onsets[Role.LEAD] ^ onsets[Role.BASS]) <= 0.1 * len(onsets[Role.LEAD])  # homophonic
    assert any(c.controller == 11 for c in score.parts[Role.LEAD].controls)


def test_one_choir_part_sings_all_four_voices() -> None:
    score = _in_style(_spec("choral", [("choir", Role.VOCAL)]), Family.CHORAL, DrumFeel.NONE)
    notes = score.parts[Role.VOCAL].notes
    first = [n.pitch for n in notes if n.start_qn < 0.1]
    assert len(first) == 4 and min(first) >= SATB["bass"].low and max(first) <= SATB["soprano"].high


def test_blues_follows_the_twelve_bar_form_in_dominant_sevenths_with_a_shuffle() -> None:
    spec = _spec(
        "blues",
        [
            ("drum kit", Role.DRUMS),
            ("bass guitar", Role.BASS),
            ("piano", Role.CHORDS),
            ("harmonica", Role.LEAD),
        ],
        key="A",
        mode=Mode.MAJOR,
        bpm=96.0,
    )
    score = _in_style(spec, Family.BLUES, DrumFeel.SHUFFLE)
    choruses = [s for s in score.sections if s.bars == 12]
    assert len(choruses) >= 2
    by_bar = {c.start_bar: c for c in score.chords}
    for chorus in choruses:
        degrees = [by_bar[b].degree for b in range(chorus.start_bar, chorus.end_bar)]
        expected = list(TWELVE_BAR)
        if chorus.end_bar == score.total_bars:
            expected[-1] = 0
        assert degrees == expected
    assert all((c.root_pc + 10) % 12 in c.pitch_classes and len(c.pitch_classes) == 4 for c in score.chords)
    bass_offbeats = [n.start_qn % 1.0 for n in score.parts[Role.BASS].notes if 0.1 < n.start_qn % 1.0 < 0.9]
    assert bass_offbeats and all(abs(p - 2 / 3) < 0.04 for p in bass_offbeats)  # triplet shuffle
    assert score.parts[Role.LEAD].notes


def test_bossa_nova_comps_on_the_bossa_rhythm_over_ii_v_i() -> None:
    spec = _spec(
        "bossa nova",
        [("nylon guitar", Role.CHORDS), ("upright bass", Role.BASS)],
        bpm=130.0,
        mode=Mode.MAJOR,
    )
    score = _in_style(spec, Family.LATIN, DrumFeel.BOSSA)
    onsets = {n.start_qn % 8.0 for n in score.parts[Role.CHORDS].notes}
    allowed = [*BOSSA_COMP[0], *(4.0 + o for o in BOSSA_COMP[1])]
    assert onsets and all(_cyclic_distance(o, allowed, 8.0) < 0.06 for o in onsets)
    assert all(len(c.pitch_classes) == 4 for c in score.chords)  # seventh chords
    degrees = [c.degree for c in score.chords]
    assert any(a == 1 and b == 4 for a, b in itertools.pairwise(degrees))  # ii-V


def test_salsa_percussion_plays_the_3_2_clave() -> None:
    spec = _spec("salsa", [("congas", Role.PERCUSSION), ("piano", Role.CHORDS)], bpm=180.0)
    score = _in_style(spec, Family.LATIN, DrumFeel.CLAVE)
    claves = [n.start_qn for n in score.parts[Role.PERCUSSION].notes if n.pitch == CLAVES]
    expected = [b * 4 + o for b in range(2) for o in CLAVE_3_2[b]]
    assert claves and all(_cyclic_distance(q % 8.0, expected, 8.0) < 0.06 for q in claves)


def test_tango_strikes_marcato_chords_on_every_beat() -> None:
    spec = _spec("tango", [("bandoneon", Role.CHORDS), ("double bass", Role.BASS)], bpm=120.0)
    score = _in_style(spec, Family.LATIN, DrumFeel.TANGO)
    chords = score.parts[Role.CHORDS].notes
    assert all(n.articulation == "staccato" for n in chords)
    beats = {round(n.start_qn) for n in chords}
    assert len(beats) >= 0.95 * score.total_bars * 4


def test_metal_chugs_palm_muted_power_chords_over_a_double_kick() -> None:
    spec = _spec(
        "metal",
        [("drum kit", Role.DRUMS), ("distorted guitar", Role.CHORDS), ("bass guitar", Role.BASS)],
        bpm=150.0,
        mode=Mode.PHRYGIAN,
        key="E",
        energy=0.95,
    )
    score = _in_style(spec, Family.ROCK, DrumFeel.ROCK)
    guitar = score.parts[Role.CHORDS].notes
    muted = [n for n in guitar if n.articulation == "palm_mute"]
    assert len(muted) > 0.3 * len(guitar)
    by_start: dict[float, list[int]] = {}
    for note in guitar:
        by_start.setdefault(note.start_qn, []).append(note.pitch)
    for pitches in by_start.values():  # power chords: only roots, fifths and octaves
        low = min(pitches)
        assert {(p - low) % 12 for p in pitches} <= {0, 7}
    drop = next(s for s in score.sections if s.name is SectionName.DROP)
    kicks = [
        n
        for n in score.parts[Role.DRUMS].notes
        if n.pitch == KICK and drop.start_bar * 4 <= n.start_qn < (drop.start_bar + 1) * 4 - 0.5
    ]
    assert len(kicks) >= 12  # sixteenth-note double kick
    assert any(c.root_pc == (score.key_pc + 1) % 12 for c in score.chords)  # the phrygian bII


def test_orchestral_has_timpani_at_section_starts_swells_and_an_ostinato() -> None:
    spec = _spec(
        "cinematic",
        [
            ("timpani", Role.PERCUSSION),
            ("strings", Role.ARP),
            ("strings", Role.PAD),
            ("brass section", Role.CHORDS),
            ("cello", Role.BASS),
        ],
        bpm=90.0,
    )
    score = _in_style(spec, Family.ORCHESTRAL, DrumFeel.ORCHESTRAL)
    hits = {
        round(n.start_qn, 1)
        for n in score.parts[Role.PERCUSSION].notes
        if n.pitch == TOM_LOW and n.velocity >= 110
    }
    starts = {round(s.start_bar * score.bar_qn, 1) for s in score.sections}
    assert all(any(abs(h - s) < 0.1 for h in hits) for s in starts)
    swells = [c for c in score.parts[Role.PAD].controls if c.controller == 11]
    assert (
        len({c.value for c in swells}) > 5
        and max(c.value for c in swells) - min(c.value for c in swells) >= 25
    )
    ostinato = score.parts[Role.ARP].notes
    assert ostinato and all(n.articulation == "staccato" for n in ostinato)
    first_entries = {
        role: min(n.start_qn for n in score.parts[role].notes) for role in (Role.ARP, Role.CHORDS)
    }
    assert first_entries[Role.ARP] < first_entries[Role.CHORDS]  # layered: the ostinato first
    assert score.tempo_changes and score.tempo_changes[-1][1] < 0.85 * 90.0


def test_folk_jig_runs_in_eighths_over_a_strummed_guitar_and_a_drone() -> None:
    spec = _spec(
        "folk",
        [("fiddle", Role.LEAD), ("acoustic guitar", Role.CHORDS), ("bagpipe drone", Role.PAD)],
        time_signature="6/8",
        bpm=116.0,
        mode=Mode.MAJOR,
        energy=0.7,
    )
    score = _in_style(spec, Family.FOLK, DrumFeel.FOLK)
    fiddle = [n for n in score.parts[Role.LEAD].notes if n.length_qn > 0.1]
    eighths = [n for n in fiddle if abs(n.start_qn * 2 - round(n.start_qn * 2)) < 0.2]
    assert len(eighths) > 0.8 * len(fiddle) and len(fiddle) > 3 * score.total_bars
    drone = {n.pitch % 12 for n in score.parts[Role.PAD].notes}
    assert drone == {score.key_pc, (score.key_pc + 7) % 12}
    strums = [n for n in score.parts[Role.CHORDS].notes if n.start_qn < 3.0 * 8]
    assert len({round(n.start_qn, 3) for n in strums}) > len(
        {round(n.start_qn, 1) for n in strums}
    )  # strings staggered


def test_world_melody_is_ornamented_over_a_drone_and_a_tala_cycle() -> None:
    spec = _spec(
        "indian classical",
        [("sitar", Role.LEAD), ("tanpura drone", Role.PAD), ("tabla", Role.DRUMS)],
        mode=Mode.PHRYGIAN,
        key="C#",
    )
    score = _in_style(spec, Family.WORLD, DrumFeel.WORLD)
    lead = score.parts[Role.LEAD].notes
    assert any(n.glide_from is not None for n in lead) and any(n.length_qn < 0.1 for n in lead)  # meend, kan
    scale = set(score.scale_pcs)
    assert all(n.pitch % 12 in scale for n in lead)
    assert {n.pitch % 12 for n in score.parts[Role.PAD].notes} == {score.key_pc, (score.key_pc + 7) % 12}
    drums = score.parts[Role.DRUMS].notes
    assert drums and KICK not in {n.pitch for n in drums}  # hand drums, not a kit


@pytest.mark.parametrize(
    ("family", "feel"),
    [
        (Family.CLASSICAL, DrumFeel.NONE),
        (Family.CHORAL, DrumFeel.NONE),
        (Family.FOLK, DrumFeel.FOLK),
        (Family.ROCK, DrumFeel.ROCK),
        (Family.BLUES, DrumFeel.SHUFFLE),
        (Family.LATIN, DrumFeel.CLAVE),
        (Family.WORLD, DrumFeel.WORLD),
        (Family.ORCHESTRAL, DrumFeel.ORCHESTRAL),
    ],
)
def test_every_idiom_is_deterministic_and_fills_the_song(family: Family, feel: DrumFeel) -> None:
    instruments = [(r.value, r) for r in Role]
    spec = _spec("any", instruments, duration_s=45.0)
    first, second = _in_style(spec, family, feel), _in_style(spec, family, feel)
    assert first == second
    other = _in_style(spec.model_copy(update={"seed": 6}), family, feel)
    assert any(other.parts[r].notes != first.parts[r].notes for r in first.parts)
    end_qn = first.total_bars * first.bar_qn
    assert first.time_s(end_qn) <= spec.duration_s + 1e-6
    for role, part in first.parts.items():
        assert all(0.0 <= n.start_qn < end_qn + 0.1 and 1 <= n.velocity <= 127 for n in part.notes), role
        assert all(0 <= c.value <= 127 for c in part.controls)
        assert list(part.controls) == sorted(part.controls, key=lambda c: (c.time_qn, c.controller))


def test_compose_song_uses_the_idiom_of_the_genres_family() -> None:
    spec = _spec("blues", [("bass guitar", Role.BASS)], key="E", mode=Mode.MAJOR, duration_s=60.0)
    assert family_for("blues") is Family.BLUES
    score = compose_song(spec)
    chorus = next(s for s in score.sections if s.bars == 12)
    by_bar = {c.start_bar: c.degree for c in score.chords}
    assert [by_bar[b] for b in range(chorus.start_bar, chorus.start_bar + 11)] == list(TWELVE_BAR[:11])


def test_instrument_ranges_and_role_registers() -> None:
    expected = {
        "violin": (55, 105),
        "viola": (48, 88),
        "cello": (36, 81),
        "double bass": (28, 67),
        "flute": (60, 96),
    }
    for name, (low, high) in expected.items():
        found = instrument_range(f"solo {name}")
        assert found is not None and (found.low, found.high) == (low, high)
    assert instrument_range("synth bass") is None
    cello_bass = register_for(Role.BASS, ["cello"])
    assert cello_bass.low == 36 and cello_bass.high <= 55  # a bass line in the cello's low register
    violin_bass = register_for(Role.BASS, ["violin"])
    assert violin_bass.low == 55  # a violin asked for a bass line plays its lowest notes


def test_phrase_velocity_arches_and_follows_section_energy() -> None:
    score = _in_style(_spec("classical", QUARTET, duration_s=120.0), Family.CLASSICAL, DrumFeel.NONE)
    lead = score.parts[Role.LEAD].notes
    middle = [n.velocity for n in lead if 1.5 <= (n.start_qn / score.bar_qn) % 4 < 3.0]
    ends = [n.velocity for n in lead if (n.start_qn / score.bar_qn) % 4 >= 3.0]  # the cadence bar
    assert sum(middle) / len(middle) > sum(ends) / len(ends) + 4
    loud = max(score.sections, key=lambda s: s.energy)
    quiet = min(score.sections, key=lambda s: s.energy)

    def mean_velocity(section: object) -> float:
        start, end = section.start_bar * score.bar_qn, section.end_bar * score.bar_qn  # type: ignore[attr-defined]
        values = [n.velocity for n in score.parts[Role.BASS].notes if start <= n.start_qn < end]
        return sum(values) / len(values)

    assert mean_velocity(loud) > mean_velocity(quiet)


def test_folk_dance_keeps_strict_time_and_a_folk_ballad_slows_at_the_end() -> None:
    band = [("fiddle", Role.LEAD), ("acoustic guitar", Role.CHORDS)]
    reel = _in_style(_spec("folk", band, bpm=120.0, mode=Mode.MAJOR), Family.FOLK, DrumFeel.FOLK)
    assert reel.tempo_changes == ()
    ballad = _in_style(_spec("folk", band, bpm=72.0, mode=Mode.MAJOR), Family.FOLK, DrumFeel.FOLK)
    assert ballad.tempo_changes and ballad.tempo_changes[-1][1] < 0.85 * 72.0


def test_orchestra_without_a_bass_part_keeps_its_floor_and_strings_take_the_ostinato() -> None:
    band = [
        ("timpani", Role.PERCUSSION),
        ("strings", Role.PAD),
        ("brass section", Role.CHORDS),
        ("cello", Role.LEAD),
    ]
    score = _in_style(_spec("cinematic", band, bpm=90.0), Family.ORCHESTRAL, DrumFeel.ORCHESTRAL)
    assert all(n.articulation == "staccato" for n in score.parts[Role.PAD].notes)  # strings: the ostinato
    brass = score.parts[Role.CHORDS].notes
    assert brass and min(n.pitch for n in brass) < 48  # low brass plays the roots
    checked = 0
    for chord in score.chords:
        start = chord.start_bar * score.bar_qn
        struck = [n.pitch for n in brass if abs(n.start_qn - start) < 0.1]
        if struck:
            checked += 1
            assert min(struck) % 12 == chord.root_pc
    assert checked >= 0.8 * len(score.chords)
