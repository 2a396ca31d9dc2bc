"""A song over 190 s (the longest clip Stable Audio returns) through the Stability provider against
the fake server, with the real limits (a request covers at most SECTION_LIMIT_S = 170 s): it is
made by continuation, section after section, and no stretch of it repeats another (the provider
used to loop its one 190 s clip). Two stems keep the file fast."""

import numpy as np

from amp.audio_io import SAMPLE_RATE
from amp.domain.job import JobOptions
from amp.domain.spec import Role
from amp.prompt.parser import parse_prompt
from amp.providers.stability import MAX_DURATION_S, SECTION_LIMIT_S, RequestPacer, StabilityProvider
from tests.support.fake_stability import Behaviour, FakeStability
from tests.support.grid import worst_section_map_errors_ms
from tests.support.loops import max_distant_similarity

LOOP_THRESHOLD = 0.9
"""A copied stretch correlates ~1.0 with its original. The guide repeats its bars sample for sample
and the fake model re-renders them the same way within one request (a real model would not), which
reaches ~0.75 at the detector's 5.5 kHz between 4-bar sections; 0.9 separates the two."""


def test_a_200_s_song_is_continued_past_190_s_and_repeats_no_stretch_of_itself() -> None:
    spec = parse_prompt(
        "driving house at 124 bpm in A minor with 909 drums, bass and piano chords",
        options=JobOptions(duration_s=200.0, seed=5),
    )
    bar_s = 4 * 60.0 / spec.bpm
    assert (SECTION_LIMIT_S, MAX_DURATION_S) == (170.0, 190.0)
    with FakeStability(behaviour=Behaviour(pitch_shift_probability=0.0)) as fake:
        provider = StabilityProvider(
            api_key=fake.api_key,
            base_url=fake.base_url,
            transcriber=None,
            pacer=RequestPacer(max_requests=100),
        )
        stems = {role: provider.render_stem(spec, role) for role in (Role.BASS, Role.CHORDS)}
        requests = list(fake.requests)
        answers = list(fake.answers)
    assert len(requests) == 4 and all(float(r.fields["duration"]) <= MAX_DURATION_S for r in requests)
    for stem in stems.values():
        assert stem.audio.shape == (2, round(spec.duration_s * SAMPLE_RATE))  # 200 s asked: whole bars
        assert stem.report is not None
        sections = stem.report["sections"]
        assert len(sections) == 2 and all(s["end_s"] - s["start_s"] <= SECTION_LIMIT_S for s in sections)
        # The second request starts a bar before the first ended: it continues the model's own bar.
        assert abs(sections[1]["start_s"] - (sections[0]["end_s"] - bar_s)) <= 1e-3
        assert all(s["corrections"]["method"] == "guide" for s in sections)
    # Every beat of every section where the fake model really played it, to 10 ms (the 170 s
    # section too: a ratio 1e-4 off would be 17 ms by its end).
    reported = [s for stem in stems.values() if stem.report for s in stem.report["sections"]]
    for section, answer, worst in worst_section_map_errors_ms(answers, reported, spec.bpm):
        assert worst <= 10.0, (section, answer)
    # The first request's own repeats (verse 2 = verse 1 in the score) are the composer's; the loop
    # the old provider made was the audio past the first request copying earlier audio.
    continued_from_s = min(stem.report["sections"][1]["start_s"] for stem in stems.values() if stem.report)
    mix = np.sum([stem.audio for stem in stems.values()], axis=0, dtype=np.float32)
    section_s = 4 * bar_s
    peaks = {}
    for what, audio in [*((role.value, stem.audio) for role, stem in stems.items()), ("mix", mix)]:
        peaks[what] = max_distant_similarity(
            audio, section_s=section_s, min_distance_s=30.0, from_s=continued_from_s
        )
    assert all(peak < LOOP_THRESHOLD for peak, _, _ in peaks.values()), peaks
    # The detector does catch a loop: the old behaviour, one 190 s clip and then its start again.
    clip = stems[Role.BASS].audio[:, : int(MAX_DURATION_S * SAMPLE_RATE)]
    looped = np.concatenate([clip, clip[:, : int(10.0 * SAMPLE_RATE)]], axis=1)
    peak, start, matched = max_distant_similarity(
        looped, section_s=section_s, min_distance_s=30.0, from_s=continued_from_s
    )
    # the copy past 190 s is found, one clip length after the audio it repeats
    assert peak > 0.95 and abs(start - matched - MAX_DURATION_S) <= 0.1, (peak, start, matched)
