"""QA of the song's form against its plan: do the sections start where the plan says, and does each
one's loudness follow its energy?

- `downbeat_check` (hard): each section's downbeats, measured on the mastered mix
  (`amp.analysis.onsets.downbeat_offset`: the attack curves of the section's bar lines, averaged),
  or, where the mix is too dense for a clear attack (distorted guitars fill every millisecond above
  1.5 kHz), on the sum of its drum and percussion stems (post-fader: the mix is their sum with the
  rest), sit within 10 ms of the bar lines the plan and tempo imply. A song is never failed for taste, so
  it judges only what has a beat to measure: a steady tempo (rubato and ritardando move the bar lines
  on purpose), a rhythm section (drums or percussion: humanised keys and bowed strings spread 7-14 ms
  by design), only the bars whose downbeat the score's drums or percussion strike, measured at the
  time the performance played them (when the stems were rendered from the score: a humanised hit a
  few ms off the line is the player's feel, not a timing error), and per section at least MIN_JUDGED_BARS measured bars whose averaged attack is clear
  (CLEAR_BEAT), not "filtered" (the low-pass takes away the attacks it would measure). Everything
  else is reported as not judged, and passes.
- `energy_check` (advisory): neighbouring sections whose planned energies differ by at least
  MIN_ENERGY_STEP must differ in loudness the same way (a drop louder than its build), within
  LOUDNESS_SLACK_LU.
"""

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from amp.analysis import levels
from amp.analysis.onsets import downbeat_offset, mono_of
from amp.audio_io import AudioBuffer
from amp.compose.markers import section_markers
from amp.compose.rendition import performed_form, performed_score
from amp.compose.score import Score
from amp.compose.shaping import is_filtered
from amp.domain.qa import QACheck, Severity
from amp.domain.spec import MusicSpec, Role
from amp.synth.performance import perform

MAX_DOWNBEAT_ERROR_S = 0.010
MIN_JUDGED_BARS = 4
CLEAR_BEAT = 8.0
"""Averaged attack peak over its median (amp.analysis.onsets): drum sections read 12-100, pads and
held chords 1-5."""
MIN_ENERGY_STEP = 0.15
LOUDNESS_SLACK_LU = 0.5
MIN_LOUDNESS_SECTION_S = 1.0
"""Shorter sections are not measured: the gated loudness needs 400 ms blocks, and a one-beat pickup says nothing."""
RHYTHM_ROLES = frozenset({Role.DRUMS.value, Role.PERCUSSION.value})


@dataclass(frozen=True, slots=True)
class SectionTiming:
    name: str
    start_s: float
    offset_s: float | None
    clarity: float | None
    bars: int
    judged: bool


def form_of(spec: MusicSpec) -> Score:
    """The score's form (sections, tempo map) the mix was composed on; no parts are composed."""
    return performed_form(spec)  # an edited song's form after its score operations


def struck_downbeats(
    score: Score, seed: int, roles: Iterable[Role] = (Role.DRUMS, Role.PERCUSSION)
) -> dict[int, float]:
    """Bar -> the time (s) its downbeat was played, for the bars whose downbeat the rhythm parts
    strike (a note within a 64th of the bar line; a breakdown may rest on its downbeats). Times come
    from the performance the stems were rendered from (`amp.synth.performance.perform` with the song's
    seed): a sampled kit's humanised hit a few ms off the line is the player's, not an error; what
    is measured is whether the mix sounds the bar where it was played."""
    played: dict[int, float] = {}
    for role in roles:
        part = score.parts.get(role)
        if part is None:
            continue
        for note in perform(score, part, seed).notes:
            bar = round(note.start_qn / score.bar_qn)
            if abs(note.start_qn - bar * score.bar_qn) <= 1.0 / 16.0:
                time_s = score.time_s(note.start_qn)
                played[bar] = min(played.get(bar, time_s), time_s)
    return played


def section_timings(
    mix: AudioBuffer, sample_rate: int, form: Score, struck: Mapping[int, float] | None = None
) -> list[SectionTiming]:
    """Each section's measured downbeat offset, and whether it has the beat to be judged on; with
    `struck` (struck_downbeats), only those bars, at the times they were played."""
    mono = mono_of(mix)
    timings: list[SectionTiming] = []
    for section, marker in zip(form.sections, section_markers(form), strict=True):
        bars = range(section.start_bar, section.end_bar)
        if struck is None:
            bar_times = [form.time_s(bar * form.bar_qn) for bar in bars]
        else:
            bar_times = [struck[bar] for bar in bars if bar in struck]
        found = downbeat_offset(mono, sample_rate, bar_times)
        judged = (
            found is not None
            and not form.tempo_changes
            and not is_filtered(section)  # muffled on purpose: its attacks are what the filter removed
            and found.bars >= MIN_JUDGED_BARS
            and found.clarity >= CLEAR_BEAT
        )
        timings.append(
            SectionTiming(
                name=marker.name,
                start_s=marker.start_s,
                offset_s=found.offset_s if found else None,
                clarity=found.clarity if found else None,
                bars=found.bars if found else 0,
                judged=judged,
            )
        )
    return timings


def downbeat_check(
    spec: MusicSpec,
    mix: AudioBuffer,
    sample_rate: int,
    roles: set[str],
    stems: Mapping[str, AudioBuffer] | None = None,
    *,
    score_is_the_audio: bool = True,
) -> QACheck:
    threshold = f"|downbeat - bar line| <= {MAX_DOWNBEAT_ERROR_S * 1000:.0f} ms per section"
    form = form_of(spec)
    if form.tempo_changes:
        return _check(
            None, threshold, True, "The tempo breathes (rubato or ritardando): bar lines not judged."
        )
    if not roles & RHYTHM_ROLES:
        return _check(
            None, threshold, True, "No drums or percussion: no beat to hold to the bar lines, not judged."
        )
    struck = struck_downbeats(performed_score(spec), spec.seed) if score_is_the_audio else None
    timings = section_timings(mix, sample_rate, form, struck)
    rhythm = [audio for role, audio in (stems or {}).items() if role in RHYTHM_ROLES]
    if rhythm and not all(t.judged for t in timings):
        beat = section_timings(np.sum(rhythm, axis=0, dtype=np.float32), sample_rate, form, struck)
        timings = [t if t.judged or not b.judged else b for t, b in zip(timings, beat, strict=True)]
    judged = [t for t in timings if t.judged and t.offset_s is not None]
    if not judged:
        return _check(None, threshold, True, "No section has a clear enough downbeat to measure: not judged.")
    worst = max(judged, key=lambda t: abs(t.offset_s or 0.0))
    error_ms = abs(worst.offset_s or 0.0) * 1000.0
    passed = error_ms <= MAX_DOWNBEAT_ERROR_S * 1000.0 + 1e-9
    where = f"'{worst.name}' at {worst.start_s:.2f} s"
    message = (
        f"Downbeats sit on the plan's bar lines: worst {error_ms:.0f} ms ({where}) over {len(judged)} of "
        f"{len(timings)} sections."
        if passed
        else f"Section {where} sounds its downbeats {error_ms:.0f} ms off the plan's bar lines "
        f"({'late' if (worst.offset_s or 0) > 0 else 'early'})."
    )
    return _check(round(error_ms, 1), threshold, passed, message)


def energy_check(spec: MusicSpec, mix: AudioBuffer, sample_rate: int) -> QACheck:
    """Advisory: louder where the plan asks for more energy, between neighbouring sections."""
    form = form_of(spec)
    threshold = (
        f"energy step >= {MIN_ENERGY_STEP:g} -> loudness step the same way (+- {LOUDNESS_SLACK_LU:g} LU)"
    )
    loudness: list[tuple[str, float, float | None]] = []
    for section, marker in zip(form.sections, section_markers(form), strict=True):
        start, end = round(marker.start_s * sample_rate), min(mix.shape[1], round(marker.end_s * sample_rate))
        if (end - start) / sample_rate < MIN_LOUDNESS_SECTION_S:
            loudness.append((marker.name, section.energy, None))
            continue
        value = levels.integrated_lufs(mix[:, start:end], sample_rate)
        loudness.append((marker.name, section.energy, value if value > -70.0 else None))
    pairs = 0
    wrong: list[str] = []
    for (name_a, energy_a, lufs_a), (name_b, energy_b, lufs_b) in itertools.pairwise(loudness):
        if lufs_a is None or lufs_b is None or abs(energy_b - energy_a) < MIN_ENERGY_STEP:
            continue
        pairs += 1
        rising = energy_b > energy_a
        step_lu = lufs_b - lufs_a
        if (rising and step_lu < -LOUDNESS_SLACK_LU) or (not rising and step_lu > LOUDNESS_SLACK_LU):
            wrong.append(
                f"'{name_b}' (energy {energy_b:.2f}) is {abs(step_lu):.1f} LU "
                f"{'quieter' if step_lu < 0 else 'louder'} than '{name_a}' (energy {energy_a:.2f})"
            )
    if not pairs:
        message = "No neighbouring sections differ enough in energy to compare."
    elif not wrong:
        message = f"Each of {pairs} energy steps between sections is heard as a loudness step the same way."
    else:
        message = "; ".join(wrong[:3]) + "."
    return QACheck(
        name="section_energy",
        value=float(len(wrong)),
        threshold=threshold,
        passed=not wrong,
        message=message,
        severity=Severity.ADVISORY,
    )


def structure_checks(
    spec: MusicSpec,
    mix: AudioBuffer,
    sample_rate: int,
    roles: set[str],
    stems: Mapping[str, AudioBuffer] | None = None,
    *,
    score_is_the_audio: bool = True,
) -> list[QACheck]:
    """Both checks, for the QA stage's report. `score_is_the_audio`: the stems were rendered from the
    composer's score (the procedural provider), so its rhythm parts say which downbeats are struck."""
    return [
        downbeat_check(spec, mix, sample_rate, roles, stems, score_is_the_audio=score_is_the_audio),
        energy_check(spec, mix, sample_rate),
    ]


def _check(value: float | None, threshold: str, passed: bool, message: str) -> QACheck:
    return QACheck(
        name="downbeats_on_plan",
        value=value,
        threshold=threshold,
        passed=passed,
        message=message,
        severity=Severity.HARD,
    )
