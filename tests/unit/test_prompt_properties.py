"""Properties of the rule parser over arbitrary input: it never raises, always gives a valid spec
with provenance for every field and something to render, and is a pure function of its inputs."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amp.domain.spec import MusicSpec, Provenance
from amp.prompt import parse_prompt
from amp.prompt.genres import GENRES
from amp.prompt.instruments import INSTRUMENTS
from amp.prompt.text import MAX_PARSE_CHARS

SPEC_FIELDS = (
    "genre",
    "bpm",
    "key",
    "mode",
    "time_signature",
    "duration_s",
    "instruments",
    "mood",
    "energy",
    "excluded_roles",
    "structure_hints",
    "seed",
)
MUSIC_WORDS = [
    *(profile.name for profile in GENRES),
    *(alias for entry in INSTRUMENTS for alias in entry.aliases[:2]),
    "no", "without", "not", "bpm", "174", "999", "0", "in", "F#", "Bb", "minor", "major", "dorian", "key of",
    "3/4", "6/8", "11/8", "1:30", "90s", "minutes", "seconds", "short", "half-time", "energy", "seed",
    "drumless", "instrumental", "a cappella", "only", "solo", ",", ".", "♯", "♭", "-", "&",
]  # fmt: skip

music_text = st.lists(st.sampled_from(MUSIC_WORDS) | st.text(max_size=8), max_size=40).map(" ".join)
any_text = st.text(max_size=3000)


def _assert_valid(spec: MusicSpec) -> None:
    MusicSpec.model_validate(spec.model_dump(mode="json"))  # survives a JSON round trip
    assert spec.roles(), "at least one role to render"
    for field in SPEC_FIELDS:
        assert field in spec.provenance, f"no provenance for {field}"
    assert set(spec.provenance.values()) <= set(Provenance)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_arbitrary_text_never_raises_and_gives_a_valid_spec(text: str) -> None:
    _assert_valid(parse_prompt(text))


@settings(max_examples=400, deadline=None)
@given(music_text)
def test_jumbled_music_words_never_raise_and_give_a_valid_spec(text: str) -> None:
    _assert_valid(parse_prompt(text))


@settings(max_examples=100, deadline=None)
@given(music_text, st.text(max_size=40))
def test_parse_is_a_pure_function_of_text_options_and_seed_source(text: str, seed_source: str) -> None:
    assert parse_prompt(text, seed_source=seed_source) == parse_prompt(text, seed_source=seed_source)


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=MAX_PARSE_CHARS + 1, max_size=MAX_PARSE_CHARS + 500))
def test_long_text_is_capped_and_the_notes_say_so(text: str) -> None:
    spec = parse_prompt(text)
    assert any(f"only the first {MAX_PARSE_CHARS}" in note for note in spec.notes)


def test_text_past_the_cap_is_not_read() -> None:
    spec = parse_prompt("x " * MAX_PARSE_CHARS + " 174 bpm drum and bass")
    assert spec.provenance["bpm"] != Provenance.STATED
    assert spec.genre != "drum and bass"
