"""Issue 16: section plans (models, bad input, derivation from prompt words, the composer obeying the
plan bar for bar, per-section roles and words, markers) on short plans, without rendering audio."""

import io
import json
from typing import Any

import mido
import pytest

from amp.compose import compose_song, song_form
from amp.compose.markers import sections_document
from amp.compose.midi import part_to_midi
from amp.compose.score import SectionName
from amp.compose.style import style_for
from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions, JobRequest
from amp.domain.spec import MAX_DURATION_S, Plan, Provenance, Role
from amp.domain.stage_io import StageTimeouts
from amp.prompt import parse_prompt
from amp.synth.performance import TICKS_PER_QN


def plan(*sections: dict[str, Any]) -> dict[str, Any]:
    return {"sections": list(sections)}


def section(name: str, bars: int, energy: float = 0.5, **extra: Any) -> dict[str, Any]:
    return {"name": name, "bars": bars, "energy": energy, **extra}


SHORT = plan(
    section("intro", 2, 0.3), section("build", 2, 0.6), section("drop", 4, 0.95), section("outro", 2, 0.4)
)


def refused(values: dict[str, Any]) -> str:
    with pytest.raises(InvalidInput) as caught:
        JobRequest.from_values({"prompt": "techno", **values})
    return str(caught.value)


# --- bad input: the message names the field as a client writes it --------------------------------


def test_a_plan_without_sections_or_with_too_many_is_refused_naming_the_field() -> None:
    assert refused({"plan": plan()}).startswith("plan.sections:")
    assert refused({"plan": plan(*[section("verse", 1)] * 33)}).startswith("plan.sections:")


@pytest.mark.parametrize("bars", [0, 257])
def test_a_section_of_0_or_over_256_bars_is_refused_naming_its_index(bars: int) -> None:
    message = refused({"plan": plan(*[section("verse", 4)] * 3, section("drop", bars))})
    assert message.startswith("plan.sections[3].bars:")


def test_unknown_roles_in_add_or_mute_roles_are_refused_naming_the_entry() -> None:
    message = refused({"plan": plan(section("intro", 4, add_roles=["drums", "kazoo"]))})
    assert message.startswith("plan.sections[0].add_roles[1]:")
    assert refused({"plan": plan(section("intro", 4, mute_roles=["tuba"]))}).startswith(
        "plan.sections[0].mute_roles[0]:"
    )


def test_a_plan_over_ten_minutes_is_refused_at_the_stated_tempo_or_at_the_fastest() -> None:
    # 160 bars of 4/4 at 60 bpm = 640 s; at the fastest tempo (220 bpm) 600 bars = 655 s.
    assert "640 s at 60 bpm" in refused({"overrides": {"bpm": 60}, "plan": plan(section("drop", 160))})
    assert "fastest tempo" in refused({"plan": plan(*[section("drop", 200)] * 3)})
    JobRequest.from_values(
        {"prompt": "techno", "overrides": {"bpm": 120}, "plan": plan(section("drop", 150))}
    )


def test_a_section_name_and_text_have_bounded_lengths() -> None:
    assert refused({"plan": plan(section("", 4))}).startswith("plan.sections[0].name:")
    assert refused({"plan": plan(section("x" * 41, 4))}).startswith("plan.sections[0].name:")
    assert refused({"plan": plan(section("drop", 4, text="y" * 201))}).startswith("plan.sections[0].text:")
    assert refused({"plan": plan(section("drop", 4, energy=1.5))}).startswith("plan.sections[0].energy:")


# --- a given plan wins over the duration ---------------------------------------------------------


def spec_for(prompt: str, **options: Any) -> Any:
    request = JobRequest.model_validate({"prompt": prompt, **options})
    return parse_prompt(request.prompt, options=request.options("streaming"))


def test_a_given_plan_sets_the_length_to_its_bars_and_is_reported_as_stated() -> None:
    spec = spec_for("techno at 120 bpm", duration_s=90, plan=SHORT)
    assert spec.duration_s == pytest.approx(10 * 2.0)  # 10 bars of 4/4 at 120 bpm
    assert spec.plan == Plan.model_validate(SHORT)
    assert spec.provenance["plan"] == Provenance.STATED
    assert any("plan's 10 bars set the length" in note for note in spec.notes)


def test_a_plan_too_long_at_the_genres_tempo_raises_an_unstated_tempo_to_fit() -> None:
    spec = spec_for("ambient", plan=plan(*[section("verse", 100)] * 2))  # 200 bars at 72 bpm = 667 s
    assert spec.duration_s <= MAX_DURATION_S
    assert spec.bpm > 72
    assert spec.provenance["bpm"] == Provenance.INFERRED
    assert any("so the plan's 200 bars" in note for note in spec.notes)


def test_a_plan_that_a_stated_tempo_cannot_hold_is_refused_by_the_parser() -> None:
    with pytest.raises(InvalidInput, match="plan: 2 bars"):
        spec_for("techno at 200 bpm", plan=plan(section("drop", 2)))  # 2.4 s: under 5 s


# --- the composer plays the plan --------------------------------------------------------------


def test_every_section_starts_on_its_bar_at_the_tempos_exact_time() -> None:
    spec = spec_for("techno at 130 bpm", plan=SHORT)
    score = compose_song(spec)
    assert [(s.start_bar, s.bars) for s in score.sections] == [(0, 2), (2, 2), (4, 4), (8, 2)]
    assert [s.name for s in score.sections] == [
        SectionName.INTRO, SectionName.BUILD, SectionName.DROP, SectionName.OUTRO
    ]  # fmt: skip
    assert score.total_bars == 10 and not score.tempo_changes
    bar_s = 4 * 60.0 / 130
    document = sections_document(spec)
    assert document["bpm"] == 130 and document["time_signature"] == "4/4"
    starts = [(s["name"], s["start_bar"], s["start_s"], s["end_s"]) for s in document["sections"]]
    assert starts == [
        ("intro", 0, 0.0, pytest.approx(2 * bar_s)),
        ("build", 2, pytest.approx(2 * bar_s), pytest.approx(4 * bar_s)),
        ("drop", 4, pytest.approx(4 * bar_s), pytest.approx(8 * bar_s)),
        ("outro", 8, pytest.approx(8 * bar_s), pytest.approx(10 * bar_s)),
    ]
    assert set(document["sections"][0]) == {"name", "bars", "energy", "start_bar", "start_s", "end_s"}


def test_free_text_names_keep_their_name_and_play_as_the_nearest_kind() -> None:
    spec = spec_for(
        "pop at 100 bpm",
        plan=plan(section("verse 1", 4, 0.5), section("chorus", 4, 0.9), section("Weird bit", 4, 0.1)),
    )
    score = compose_song(spec)
    assert [(s.name, s.title) for s in score.sections] == [
        (SectionName.GROOVE, "verse 1"), (SectionName.DROP, "chorus"), (SectionName.BREAKDOWN, "Weird bit")
    ]  # fmt: skip


def _notes_in(score: Any, role: Role, bars: range) -> list[Any]:
    start, end = bars.start * score.bar_qn, bars.stop * score.bar_qn
    return [n for n in score.parts[role].notes if start <= n.start_qn < end]


def test_mute_roles_and_no_drums_words_silence_the_role_in_that_section_only() -> None:
    spec = spec_for(
        "house at 124 bpm",
        plan=plan(
            section("intro", 4, 0.4, mute_roles=["bass"]),
            section("drop", 4, 0.9),
            section("break", 4, 0.3, text="No drums, filtered"),
        ),
    )
    score = compose_song(spec)
    assert _notes_in(score, Role.BASS, range(0, 4)) == []
    assert _notes_in(score, Role.BASS, range(4, 8))
    assert _notes_in(score, Role.DRUMS, range(8, 12)) == []
    assert _notes_in(score, Role.DRUMS, range(4, 8))
    # nothing rings from the drop into the drumless section
    assert all(
        n.start_qn + n.length_qn <= 8 * score.bar_qn + 1e-9 for n in _notes_in(score, Role.DRUMS, range(4, 8))
    )


def test_half_time_moves_the_snare_from_beats_2_and_4_to_beat_3() -> None:
    base = plan(section("drop", 4, 0.9), section("drop", 4, 0.9, text="half-time"))
    score = compose_song(spec_for("techno at 128 bpm", plan=base))
    snare = {38, 39, 40}  # snare or clap
    normal = {round(n.start_qn % 4, 1) for n in _notes_in(score, Role.DRUMS, range(0, 4)) if n.pitch in snare}
    halved = {round(n.start_qn % 4, 1) for n in _notes_in(score, Role.DRUMS, range(4, 8)) if n.pitch in snare}
    assert {1.0, 3.0} <= normal
    assert halved and 1.0 not in halved and 2.0 in halved


def test_add_roles_bring_a_role_in_for_its_sections_only_with_an_instrument_when_missing() -> None:
    spec = spec_for(
        "solo piano at 90 bpm",
        plan=plan(section("verse", 4, 0.4), section("chorus", 4, 0.8, add_roles=["drums"])),
    )
    assert Role.DRUMS in spec.roles()
    assert spec.provenance["instruments.drums"] == Provenance.INFERRED
    score = compose_song(spec)
    assert _notes_in(score, Role.DRUMS, range(0, 4)) == []
    assert _notes_in(score, Role.DRUMS, range(4, 8))


def test_midi_files_carry_one_marker_per_section_at_its_first_downbeat() -> None:
    spec = spec_for("techno at 130 bpm", plan=SHORT)
    score = compose_song(spec)
    midi = mido.MidiFile(file=io.BytesIO(part_to_midi(score, score.parts[Role.BASS], spec.seed)))
    tick = 0
    markers = []
    for message in midi.tracks[0]:
        tick += message.time
        if message.type == "marker":
            markers.append((message.text, tick))
    bar_ticks = 4 * TICKS_PER_QN
    assert markers == [
        ("intro", 0),
        ("build", 2 * bar_ticks),
        ("drop", 4 * bar_ticks),
        ("outro", 8 * bar_ticks),
    ]


# --- derived plans -------------------------------------------------------------------------------


def test_without_a_plan_the_spec_reports_the_composers_form_as_a_defaulted_plan() -> None:
    spec = parse_prompt("house track", options=JobOptions(duration_s=60))
    assert spec.plan is not None and spec.provenance["plan"] == Provenance.DEFAULTED
    form = song_form(spec.model_copy(update={"plan": None}), style_for(spec.genre, 4, spec.bpm))
    assert [(s.name, s.bars) for s in spec.plan.sections] == [(s.name.value, s.bars) for s in form.sections]


def test_a_derived_plan_sent_back_composes_the_same_song() -> None:
    first = parse_prompt("dark techno with a long intro", options=JobOptions(duration_s=40, seed=3))
    assert first.plan is not None
    again = parse_prompt(
        "dark techno with a long intro", options=JobOptions(duration_s=40, seed=3, plan=first.plan)
    )
    one, two = compose_song(first), compose_song(again)
    assert one.sections == two.sections
    assert one.parts[Role.BASS].notes == two.parts[Role.BASS].notes


def test_prompt_words_shape_the_derived_plan() -> None:
    options = JobOptions(duration_s=180)
    default = parse_prompt("edm", options=options).plan
    shaped = parse_prompt("edm with a long intro, a big breakdown and it ends with a fade", options=options)
    assert default is not None and shaped.plan is not None
    assert shaped.provenance["plan"] == Provenance.INFERRED
    assert shaped.plan.sections[0].bars > default.sections[0].bars
    assert shaped.plan.total_bars == default.total_bars
    breakdown = next(s for s in shaped.plan.sections if s.name == "breakdown")
    assert breakdown.energy <= 0.25
    assert breakdown.bars > next(s for s in default.sections if s.name == "breakdown").bars
    assert shaped.plan.sections[-1].text == "fade out"


def test_two_drops_splits_a_short_songs_single_drop() -> None:
    options = JobOptions(duration_s=40)
    assert [s.name for s in parse_prompt("house", options=options).plan.sections].count("drop") == 1  # type: ignore[union-attr]
    shaped = parse_prompt("house with two drops", options=options).plan
    assert shaped is not None
    assert [s.name for s in shaped.sections].count("drop") == 2


def test_a_ten_minute_blues_fits_its_plan_into_32_sections() -> None:
    spec = parse_prompt("fast blues shuffle at 200 bpm", options=JobOptions(duration_s=600))
    assert spec.plan is not None and len(spec.plan.sections) <= 32
    assert compose_song(spec).total_bars == spec.plan.total_bars


def test_a_loop_is_rounded_to_whole_bars_and_says_so() -> None:
    spec = parse_prompt("techno at 120 bpm", options=JobOptions(duration_s=15, loop=True))
    assert spec.loop and spec.duration_s == pytest.approx(16.0)  # 8 bars of 2 s
    assert any("rounded to 8 whole bars" in note for note in spec.notes)


def test_the_plan_travels_on_the_job_options_as_json() -> None:
    request = JobRequest.from_values({"prompt": "techno", "plan": SHORT, "loop": True})
    options = request.options("streaming")
    restored = JobOptions.model_validate(json.loads(options.model_dump_json()))
    assert restored.plan == Plan.model_validate(SHORT) and restored.loop


def test_stage_timeouts_grow_with_the_length_and_stop_at_lambdas_limit() -> None:
    short, long = StageTimeouts.for_length(10), StageTimeouts.for_length(600)
    assert short.generate_s < long.generate_s <= 900
    assert short.qa_s < long.qa_s <= 900 and short.mix_s >= 120
    assert StageTimeouts.for_length(3600).qa_s == 900
