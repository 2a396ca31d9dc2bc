"""Ensembles, forms and styles: the labelled prompt set (>= 95% honoured) and the rules behind it."""

import pytest
from ensemble_prompts import CASES, EnsembleCase

from amp.domain.spec import MusicSpec, Provenance, Role
from amp.genres import family_for
from amp.genres.families import Family
from amp.prompt import parse_prompt
from amp.prompt.ensembles import spread_roles
from amp.prompt.instruments import INSTRUMENTS, entry_for_alias

SEED_SOURCE = "0123456789abcdef0123456789abcdef"


def _problems(case: EnsembleCase, spec: MusicSpec) -> list[str]:
    roles = set(spec.roles())
    names = {instrument.name for instrument in spec.instruments}
    problems = []
    if family_for(spec.genre) != case.family:
        problems.append(f"family {family_for(spec.genre)} (genre {spec.genre}), want {case.family}")
    if not roles or not roles <= case.roles:
        problems.append(f"roles outside the ensemble: {sorted(role.value for role in roles - case.roles)}")
    if roles & case.forbidden:
        problems.append(f"forbidden roles: {sorted(role.value for role in roles & case.forbidden)}")
    if case.metre is not None and spec.time_signature != case.metre:
        problems.append(f"metre {spec.time_signature}, want {case.metre}")
    if missing := set(case.has) - names:
        problems.append(f"missing instruments {sorted(missing)}")
    return problems


def test_labelled_prompt_set_covers_every_family_with_at_least_60_prompts() -> None:
    assert len(CASES) >= 60
    assert {case.family for case in CASES} >= {
        Family.CLASSICAL,
        Family.CHORAL,
        Family.FOLK,
        Family.ROCK,
        Family.BLUES,
        Family.LATIN,
        Family.WORLD,
        Family.ORCHESTRAL,
        Family.EDM,
        Family.HIPHOP,
    }


def test_parser_honours_at_least_95_percent_of_the_labelled_prompts() -> None:
    failures = {}
    for case in CASES:
        problems = _problems(case, parse_prompt(case.prompt, seed_source=SEED_SOURCE))
        if problems:
            failures[case.prompt] = problems
    honoured = 1 - len(failures) / len(CASES)
    print(f"labelled prompt set: {honoured:.1%} of {len(CASES)} honoured")
    assert honoured >= 0.95, failures


def test_string_quartet_gives_each_player_a_stem_by_register() -> None:
    spec = parse_prompt("string quartet, gentle, in G", seed_source=SEED_SOURCE)
    assert [(i.name, i.role) for i in spec.instruments] == [
        ("violin", Role.LEAD),
        ("violin", Role.ARP),
        ("viola", Role.CHORDS),
        ("cello", Role.BASS),
    ]
    assert spec.genre == "chamber music" and spec.provenance["genre"] == Provenance.INFERRED
    assert any("string quartet" in note for note in spec.notes)


def test_spread_roles_keeps_synths_in_place_and_never_moves_into_an_excluded_role() -> None:
    entries = [entry_for_alias(name) for name in ("synth lead", "violin", "cello")]
    instruments, notes = spread_roles(entries, frozenset({Role.BASS}))
    assert [(i.name, i.role) for i in instruments] == [
        ("synth lead", Role.LEAD),
        ("violin", Role.ARP),
        ("cello", Role.CHORDS),
    ]
    assert len(notes) == 2


@pytest.mark.parametrize(
    ("prompt", "count"),
    [("a duet for two violins", 2), ("a violin duet", 2), ("three cellos only", 3), ("a cello quartet", 4)],
)
def test_counts_repeat_the_named_instrument(prompt: str, count: int) -> None:
    spec = parse_prompt(prompt, seed_source=SEED_SOURCE)
    assert len(spec.instruments) == count
    assert len(spec.roles()) == count, "each player has a stem of its own"


@pytest.mark.parametrize(
    ("prompt", "only"),
    [
        ("solo banjo", ["banjo"]),
        ("banjo solo", ["banjo"]),
        ("just a cello", ["cello"]),
        ("strings only", ["strings"]),
        ("no band, only piano", ["piano"]),
        ("unaccompanied viola", ["viola"]),
        ("a piece for cello", ["cello"]),
        ("a cappella choir", ["choir"]),
        ("power trio", ["electric guitar", "bass guitar", "drum kit"]),
        ("jazz trio", ["piano", "upright bass", "drum kit"]),
    ],
)
def test_a_named_ensemble_gets_nothing_added(prompt: str, only: list[str]) -> None:
    spec = parse_prompt(prompt, seed_source=SEED_SOURCE)
    assert [instrument.name for instrument in spec.instruments] == only


def test_no_rhythm_section_removes_drums_and_bass_and_adds_nothing() -> None:
    spec = parse_prompt("folk song with fiddle and guitar, no rhythm section", seed_source=SEED_SOURCE)
    assert {Role.DRUMS, Role.BASS} <= set(spec.excluded_roles)
    assert {i.name for i in spec.instruments} == {"fiddle", "guitar"}


def test_a_rock_song_with_a_guitar_solo_keeps_its_band() -> None:
    spec = parse_prompt("rock song with a guitar solo", seed_source=SEED_SOURCE)
    assert {Role.DRUMS, Role.BASS, Role.LEAD} <= set(spec.roles())


def test_a_choir_next_to_an_orchestra_does_not_limit_the_band() -> None:
    spec = parse_prompt("epic orchestral with choir", seed_source=SEED_SOURCE)
    assert family_for(spec.genre) == Family.ORCHESTRAL
    assert {Role.VOCAL, Role.PAD, Role.PERCUSSION} <= set(spec.roles())


@pytest.mark.parametrize(
    ("prompt", "metre", "low", "high"),
    [
        ("a mazurka", "3/4", 112, 160),
        ("a minuet", "3/4", 96, 132),
        ("a jig", "6/8", 150, 190),
        ("an irish reel", "4/4", 104, 124),
        ("a nocturne", "4/4", 48, 76),
        ("a march", "2/4", 100, 130),
        ("a polka", "2/4", 100, 150),
    ],
)
def test_forms_set_metre_and_tempo_with_provenance(prompt: str, metre: str, low: float, high: float) -> None:
    spec = parse_prompt(prompt, seed_source=SEED_SOURCE)
    assert spec.time_signature == metre
    assert low <= spec.bpm <= high
    assert spec.provenance["time_signature"] in (Provenance.INFERRED, Provenance.DEFAULTED)


def test_a_stated_metre_and_tempo_win_over_the_form() -> None:
    spec = parse_prompt("a mazurka in 4/4 at 90 bpm", seed_source=SEED_SOURCE)
    assert (spec.time_signature, spec.bpm) == ("4/4", 90)
    assert spec.provenance["time_signature"] == spec.provenance["bpm"] == Provenance.STATED


def test_a_form_notes_where_the_metre_came_from() -> None:
    spec = parse_prompt("a Chopin-style mazurka", seed_source=SEED_SOURCE)
    assert spec.genre == "romantic era"
    assert "genre romantic era inferred from 'chopin-style'" in spec.notes
    assert "time signature 3/4 from the form 'mazurka'" in spec.notes


def test_a_slow_tempo_word_lands_in_the_forms_range() -> None:
    spec = parse_prompt("a slow reel", seed_source=SEED_SOURCE)
    assert 104 <= spec.bpm < 110


def test_composers_and_bands_imply_their_genre_but_a_genre_word_wins() -> None:
    assert parse_prompt("like Metallica", seed_source=SEED_SOURCE).genre == "metal"
    assert parse_prompt("in the style of Debussy", seed_source=SEED_SOURCE).genre == "impressionist"
    assert parse_prompt("Hans Zimmer vibes", seed_source=SEED_SOURCE).genre == "cinematic"
    assert parse_prompt("techno like Metallica", seed_source=SEED_SOURCE).genre == "techno"


def test_acoustic_instruments_on_the_default_genre_get_no_synths() -> None:
    spec = parse_prompt("a tune for kazoo-free ukulele and harmonica", seed_source=SEED_SOURCE)
    assert spec.provenance["genre"] == Provenance.DEFAULTED
    assert {i.name for i in spec.instruments} == {"ukulele", "harmonica"}


def test_at_least_40_world_instruments_each_with_a_world_latin_or_folk_tradition() -> None:
    traditions = {Family.WORLD, Family.LATIN, Family.FOLK}
    world = [
        entry
        for entry in INSTRUMENTS
        if entry.suggests_genre is not None and family_for(entry.suggests_genre) in traditions
    ]
    assert len(world) >= 40, [entry.name for entry in world]
    for name in (
        "sitar",
        "tabla",
        "oud",
        "kora",
        "koto",
        "erhu",
        "gamelan",
        "charango",
        "bandoneon",
        "duduk",
    ):
        assert family_for(entry_for_alias(name).suggests_genre or "") in traditions, name


@pytest.mark.parametrize(
    ("prompt", "names"),
    [
        ("a quartet in G", ["violin", "violin", "viola", "cello"]),
        ("a trio", ["piano", "violin", "cello"]),
        ("blues trio", ["drum kit", "bass guitar", "electric guitar"]),
        ("rock duo", ["drum kit", "distorted guitar"]),
    ],
)
def test_a_bare_count_word_gets_that_many_players(prompt: str, names: list[str]) -> None:
    spec = parse_prompt(prompt, seed_source=SEED_SOURCE)
    assert [instrument.name for instrument in spec.instruments] == names


def test_a_genre_word_inside_an_instrument_name_does_not_undo_solo() -> None:
    spec = parse_prompt("classical guitar solo", seed_source=SEED_SOURCE)
    assert spec.genre == "classical"
    assert [instrument.name for instrument in spec.instruments] == ["acoustic guitar"]


def test_a_default_band_spreads_only_its_melody_instruments() -> None:
    chamber = parse_prompt("chamber music", seed_source=SEED_SOURCE)
    assert len(chamber.roles()) == 4, "violin, violin, viola and cello each have a stem"
    reggae = parse_prompt("reggae", seed_source=SEED_SOURCE)
    assert [i.role for i in reggae.instruments if i.name in ("electric guitar", "organ")] == [Role.CHORDS] * 2


def test_named_players_take_the_ensembles_seats_instead_of_joining_it() -> None:
    """ "a jazz trio with piano, upright bass and brushed drums" is three players (the brushed drums sit
    at the trio's drum kit), not the trio plus the three named again on spare stems."""
    spec = parse_prompt("a jazz trio with piano, upright bass and brushed drums", seed_source=SEED_SOURCE)
    assert sorted((i.name, i.role.value) for i in spec.instruments) == [
        ("brushed drums", "drums"),
        ("piano", "chords"),
        ("upright bass", "bass"),
    ]
    quartet = parse_prompt("a string quartet with a solo violin", seed_source=SEED_SOURCE)
    assert sorted(i.name for i in quartet.instruments) == ["cello", "viola", "violin", "violin"]
