"""The instrument source table: every instrument the parser knows has a source, SoundFont programs
exist in the General MIDI SoundFont, and a part resolves to the source its instrument names."""

import pytest

from amp.compose.score import NoteEvent, Part
from amp.domain.spec import Role
from amp.prompt.instruments import INSTRUMENTS
from amp.synth.instruments import PATCHES
from amp.synth.sources import (
    GM_KIT,
    PATCH_SOURCES,
    ROLE_DEFAULT,
    SOURCES,
    SoundFontProgram,
    SynthPatch,
    articulation_program,
    source_for_part,
    source_named,
)

SYNTH_DRUM_KITS = {"kit808", "kit909", "breaks", "acoustic", "percussion", "fx"}


def test_no_instrument_name_of_the_parser_is_unmapped() -> None:
    missing = [entry.name for entry in INSTRUMENTS if entry.name.lower() not in SOURCES]
    assert not missing, f"add these names to amp.synth.sources.SOURCES: {missing}"


def test_every_named_synth_patch_exists() -> None:
    for name, source in SOURCES.items():
        if isinstance(source, SynthPatch) and source != ROLE_DEFAULT:
            assert source.patch in PATCHES or source.patch in SYNTH_DRUM_KITS, name


def test_every_soundfont_program_is_a_preset_of_the_general_midi_soundfont() -> None:
    from amp.synth.soundfont import loaded_font

    synth = loaded_font().synth
    programs = {s for s in [*SOURCES.values(), *PATCH_SOURCES.values()] if isinstance(s, SoundFontProgram)}
    absent = [p for p in programs if synth.get_preset_index(p.bank, p.program) < 0]  # type: ignore[attr-defined]
    assert not absent


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("violin", SoundFontProgram(40)),
        ("cello", SoundFontProgram(42)),
        ("acoustic guitar", SoundFontProgram(24)),
        ("choir", SoundFontProgram(52)),
        ("drum kit", GM_KIT),
        ("supersaw", SynthPatch("supersaw")),
        ("reese bass", SynthPatch("reese")),
        ("808 drum machine", SynthPatch("kit808")),
    ],
)
def test_acoustic_instruments_are_soundfont_programs_and_synths_stay_synths(
    name: str, expected: object
) -> None:
    assert source_named(name) == expected


def _part(role: Role, patch: str, *names: str, is_drum: bool = False) -> Part:
    return Part(
        role=role, patch=patch, notes=(NoteEvent(0.0, 1.0, 60, 90),), is_drum=is_drum, instruments=names
    )


def test_a_part_takes_its_first_specific_instrument_else_its_patch() -> None:
    assert source_for_part(_part(Role.LEAD, "saw_lead", "lead", "cello")) == SoundFontProgram(42)
    assert source_for_part(_part(Role.LEAD, "saw_lead", "synth lead")) == SynthPatch("saw_lead")
    assert source_for_part(_part(Role.CHORDS, "piano")) == SoundFontProgram(0)
    assert source_for_part(_part(Role.DRUMS, "kit909", "drums", is_drum=True)) == SynthPatch("kit909")
    assert source_for_part(_part(Role.DRUMS, "kit909", "drum kit", is_drum=True)) == GM_KIT


def test_fx_cues_and_drum_notes_never_go_to_a_pitched_program() -> None:
    assert source_for_part(_part(Role.FX, "fx", "french horn")) == SynthPatch("fx")
    assert source_for_part(_part(Role.PERCUSSION, "percussion", "violin", is_drum=True)) == SynthPatch(
        "percussion"
    )


def test_articulations_switch_program_only_where_the_instrument_has_one() -> None:
    assert articulation_program(SoundFontProgram(40), "pizzicato") == 45
    assert articulation_program(SoundFontProgram(48), "tremolo") == 44
    assert articulation_program(SoundFontProgram(27), "palm_mute") == 28
    assert articulation_program(SoundFontProgram(24), "harmonic") == 31
    assert articulation_program(SoundFontProgram(0), "pizzicato") == 0
    assert articulation_program(SoundFontProgram(40), "staccato") == 40
