"""Where a song's bar lines actually sound, to the millisecond: the bar-accuracy check measures each
planned section of the mix with it.

The tempo tracker (`features.estimate_tempo`) works at 11.6 ms hops, coarser than the 10 ms the bar
check allows, and judges the whole song. This looks only at short windows around the expected bar
lines, at full rate. For each window it computes an attack curve (the rise of the short-time level above
1.5 kHz (a causal filter: nothing rises before the attack), in dB: 2 ms against the 2 ms before, at 1 ms steps) and averages the curves of all the bars of a section, aligned on
their expected bar line. Where the downbeats really fall, the average has a sharp peak; a held
chord, a swell or one humanised hit does not move it. The peak's offset is the section's downbeat
error; its height over the curve's median says how clear the beat is (ambient pads, rubato solos
have no peak, and the check does not judge them).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy.signal import butter, sosfilt

from amp.audio_io import AudioBuffer

STEP_S = 0.001
FRAME_S = 0.002
RISE_FRAMES = 2
"""The attack curve compares the level of the 2 ms from a point with the 2 ms before it: short, so
the rise peaks on the attack itself rather than on a plateau before it."""
HIGH_PASS_HZ = 1500.0
"""Attacks are measured above this: a kick's click, a snare, a pick or a hammer; below it a held
bass or a kick's boom swings with its own waveform inside a few milliseconds."""
SEARCH_S = 0.04
"""How far from the expected bar line a downbeat is looked for (past the 10 ms bound, so an error
shows as an error instead of as no beat)."""
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DownbeatOffset:
    offset_s: float
    """Where the averaged attack peaks, relative to the expected bar lines (+ = late)."""
    clarity: float
    """Peak height over the attack curve's median: ~1-2 for no beat, 5-50 for drums or plucked chords."""
    bars: int


def mono_of(audio: AudioBuffer) -> AudioBuffer:
    """The mid signal at the audio's own rate (no resampling: the millisecond is what is measured)."""
    return np.asarray(audio, dtype=np.float32).mean(axis=0) if audio.ndim == 2 else audio


@lru_cache(maxsize=4)
def _high_pass(sample_rate: int) -> FloatArray:
    sos: FloatArray = butter(2, HIGH_PASS_HZ, btype="highpass", fs=sample_rate, output="sos")
    return sos


def attack_curve(
    mono: AudioBuffer, sample_rate: int, time_s: float, search_s: float = SEARCH_S
) -> FloatArray | None:
    """The attack curve (dB rise, >= 0) at 1 ms steps from time_s - search_s to time_s + search_s;
    None when the window does not fit in the audio."""
    step = max(1, round(STEP_S * sample_rate))
    frame = max(step, round(FRAME_S * sample_rate))
    reach = round(search_s / STEP_S)
    pad = round(0.01 * sample_rate)  # filter settling on each side, cut off after filtering
    first = round(time_s * sample_rate) - (reach + RISE_FRAMES) * step
    count = 2 * reach + 1 + RISE_FRAMES
    last = first + (count - 1) * step + frame
    if first - pad < 0 or last + pad > mono.shape[-1]:
        return None
    raw = np.asarray(mono[first - pad : last + pad], dtype=np.float64)
    segment = sosfilt(_high_pass(sample_rate), raw)[pad:-pad]
    squared = np.concatenate(([0.0], np.cumsum(segment * segment)))
    starts = np.arange(count) * step
    level_db = 10.0 * np.log10((squared[starts + frame] - squared[starts]) / frame + 1e-10)
    return np.maximum(0.0, level_db[RISE_FRAMES:] - level_db[:-RISE_FRAMES])


def downbeat_offset(
    mono: AudioBuffer, sample_rate: int, bar_times_s: Sequence[float], search_s: float = SEARCH_S
) -> DownbeatOffset | None:
    """Where the bar lines at `bar_times_s` sound, from their averaged attack curves; None when no
    bar's window fits in the audio."""
    curves = [c for t in bar_times_s if (c := attack_curve(mono, sample_rate, t, search_s)) is not None]
    if not curves:
        return None
    # A 3 ms triangle: humanised hits (a sampled kit's 4 ms spread) pile into one peak, not several.
    kernel = np.array([1.0, 2.0, 1.0]) / 4.0
    profile = np.convolve(np.mean(curves, axis=0), kernel, mode="same")
    peak = int(np.argmax(profile))
    reach = (profile.size - 1) // 2
    clarity = float(profile[peak] / (np.median(profile) + 1e-3))
    return DownbeatOffset(offset_s=(peak - reach) * STEP_S, clarity=round(clarity, 2), bars=len(curves))
