"""A plan's audio-side requests on a rendered stem, the same for every stem so the mix obeys them:
filtered sections (a low-pass between crossfades), a fading-in section, and loops.

A loop is rendered `loop_tail_frames` longer than the song; the tail (the last notes' reverb, delay
and release) is added onto the head and cut off, so the end runs on into the start without a gap or a
click: what plays after the seam is what would have rung on had the song continued.
"""

import numpy as np
from scipy.signal import butter, sosfiltfilt

from amp.audio_io import SAMPLE_RATE, AudioBuffer
from amp.compose.score import Score, Section
from amp.compose.shaping import fades_in, is_filtered

FILTER_CUTOFF_HZ = 700.0
"""Where a "filtered" section's low-pass sits: the muffled, kick-and-bass-only sound of a DJ filter."""
FILTER_EDGE_S = 0.02
"""Crossfade between the dry and the filtered sound at each end of the section (no click)."""
LOOP_TAIL_S = 4.0
"""How much ring-out a loop renders past its last bar and wraps into its first (at most the loop)."""


def section_span_frames(score: Score, section: Section) -> tuple[int, int]:
    """The section's first and one-past-last frame: its downbeats at the sample the tempo implies."""
    start = round(score.time_s(section.start_bar * score.bar_qn) * SAMPLE_RATE)
    end = round(score.time_s(section.end_bar * score.bar_qn) * SAMPLE_RATE)
    return start, end


def loop_tail_frames(score: Score, frames: int) -> int:
    """Extra frames a loop's stems are rendered with; 0 for a song that is not a loop."""
    return min(frames, round(LOOP_TAIL_S * SAMPLE_RATE)) if score.loop else 0


def shape_audio(score: Score, audio: AudioBuffer, frames: int) -> AudioBuffer:
    """The stem (rendered `frames` + loop tail long) with the plan's audio words applied and, for a
    loop, its tail wrapped into its head; exactly `frames` long, float32, modified in place."""
    for section in score.sections:
        start, end = section_span_frames(score, section)
        end = min(end, audio.shape[1])
        if end <= start:
            continue
        if is_filtered(section):
            _low_pass(audio, start, end)
        if fades_in(section):
            audio[:, start:end] *= np.linspace(0.0, 1.0, end - start, dtype=np.float32) ** 2
    tail = audio.shape[1] - frames
    if tail > 0:
        audio[:, :tail] += audio[:, frames:]
    return np.ascontiguousarray(audio[:, :frames], dtype=np.float32)


def _low_pass(audio: AudioBuffer, start: int, end: int) -> None:
    """Low-pass [start, end) in place, forwards and backwards (zero phase: the section's hits stay on
    their bar lines); the filter runs from a little before the section so its start-up transient
    falls inside the crossfade, and fades back to dry over the last FILTER_EDGE_S."""
    edge = max(1, min(round(FILTER_EDGE_S * SAMPLE_RATE), (end - start) // 4))
    lead = min(start, edge)
    sos = butter(4, FILTER_CUTOFF_HZ, btype="lowpass", fs=SAMPLE_RATE, output="sos")
    region = audio[:, start - lead : end]
    wet = sosfiltfilt(sos, region, axis=1).astype(np.float32)[:, lead:]  # zero phase: no delay
    dry = audio[:, start:end]
    mix = np.ones(end - start, dtype=np.float32)
    ramp = np.linspace(0.0, 1.0, edge, dtype=np.float32)
    mix[:edge] = ramp
    mix[-edge:] = np.minimum(mix[-edge:], ramp[::-1])
    dry += (wet - dry) * mix
