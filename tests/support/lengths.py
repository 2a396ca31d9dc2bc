"""What a parsed song's length must be for an asked one: the nearest whole number of bars (a half
bar up, inside 5 s..10 min), lasting what the composer plays of them. One definition for the tests
that read lengths from prompts, flags and requests."""

from amp.compose import song_form
from amp.compose.style import style_for
from amp.domain.spec import MusicSpec, nearest_bars


def length_problems(spec: MusicSpec, asked_s: float) -> list[str]:
    """Every way the spec's length differs from `asked_s` rounded to whole bars, in words."""
    problems: list[str] = []
    bars = nearest_bars(asked_s, spec.bar_s)
    if spec.asked_duration_s is None or abs(spec.asked_duration_s - asked_s) > 0.01:
        problems.append(f"asked_duration_s={spec.asked_duration_s!r}, want {asked_s!r}")
    if spec.total_bars != bars:
        problems.append(f"total_bars={spec.total_bars!r}, want {bars} (nearest to {asked_s:g} s)")
    form = song_form(spec, style_for(spec.genre, spec.beats_per_bar, spec.bpm))
    played_s = form.time_s(form.total_bars * form.bar_qn)
    if form.total_bars != bars or abs(spec.duration_s - played_s) > 1e-5:
        problems.append(f"duration_s={spec.duration_s!r}, but {form.total_bars} bars play {played_s:.6f} s")
    steady = not form.tempo_changes
    if steady and abs(spec.duration_s - bars * spec.bar_s) > 1e-5:
        problems.append(f"duration_s={spec.duration_s!r}, want {bars} bars = {bars * spec.bar_s:.6f} s")
    return problems


def delivered_s(spec: MusicSpec, asked_s: float) -> float:
    """The length the spec must have for `asked_s` (raises AssertionError naming what differs)."""
    problems = length_problems(spec, asked_s)
    assert not problems, problems
    return spec.duration_s
