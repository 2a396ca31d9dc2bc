"""Level meters a mastering engineer trusts: BS.1770-4 loudness (one vectorised meter, held to
pyloudnorm's figures by the tests), 4x oversampled true peak, loudness range (EBU Tech 3342), crest
factor, DC offset and phase correlation.

numpy/scipy (and threadpoolctl) only: the mix Lambda (a zip package) measures with these too."""

import functools
import math
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
from scipy import signal

from amp.analysis import blas, iir
from amp.audio_io import AudioBuffer

SILENCE_LUFS = -70.0
"""BS.1770's absolute gate: anything quieter counts as silence."""

TRUE_PEAK_OVERSAMPLING = 4
_BLOCK_S = 0.4


def amplitude_to_db(amplitude: float, floor_db: float = -200.0) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0.0 else floor_db


def db_to_amplitude(level_db: float) -> float:
    return float(10.0 ** (level_db / 20.0))


def _loudness_channels(audio: AudioBuffer) -> AudioBuffer:
    """BS.1770 weighs up to 5 channels; fold wider layouts to stereo so any file can be measured."""
    if audio.shape[0] <= 5:
        return audio
    left = audio[0::2].mean(axis=0)
    right = audio[1::2].mean(axis=0)
    return np.stack([left, right]).astype(np.float32)


def integrated_lufs(audio: AudioBuffer, sample_rate: int) -> float:
    """Gated integrated loudness (BS.1770-4); -inf-safe: silence -> SILENCE_LUFS - 1.

    The one meter (`gated_loudness_lufs`: float32 K-weighting, vectorised 400 ms blocks), with
    pyloudnorm's block count, so it reads what pyloudnorm reads (tests hold it within 0.01 LU) at
    under half its CPU time (0.2 against 0.5 CPU-s per 180 s) and without its import. Audio shorter than one gating block is zero-padded so short clips still
    get a figure."""
    min_frames = math.ceil(_BLOCK_S * sample_rate) + 1
    if audio.shape[1] < min_frames:
        audio = np.pad(audio, ((0, 0), (0, min_frames - audio.shape[1])))
    loudness = gated_loudness_lufs(audio, sample_rate)
    if not math.isfinite(loudness) or loudness < SILENCE_LUFS:
        return SILENCE_LUFS - 1.0
    return loudness


def sample_peak_dbfs(audio: AudioBuffer) -> float:
    return amplitude_to_db(float(np.max(np.abs(audio))) if audio.size else 0.0)


_TP_ROW = 16
"""Frames per row of the true-peak matrix product (see `_tp_matrix`)."""
_TP_ROWS_PER_PRODUCT = 2048
_TP_HALF_TAPS = 10 * TRUE_PEAK_OVERSAMPLING
"""resample_poly's own design for up=4, down=1: 81 taps, 20 per interpolating phase."""
_TP_BEFORE, _TP_AFTER = 9, 10
"""The interpolating phases of frame i read frames i-9 .. i+10."""


@functools.cache
def upsampling_taps() -> npt.NDArray[np.float64]:
    """The 4x interpolation filter (scipy's resample_poly design for up=4: Kaiser-windowed sinc,
    81 taps, gain 4). Phase 0 is the sample itself times `_phase0_gain()`."""
    taps = signal.firwin(2 * _TP_HALF_TAPS + 1, 1.0 / TRUE_PEAK_OVERSAMPLING, window=("kaiser", 5.0))
    return np.asarray(taps * TRUE_PEAK_OVERSAMPLING, dtype=np.float64)


@functools.cache
def _phase0_gain() -> float:
    """Phase 0's only non-zero tap (the others sit on the sinc's zeros): 1.0006, not exactly 1."""
    return float(upsampling_taps()[_TP_HALF_TAPS])


@functools.cache
def _tp_matrix() -> npt.NDArray[np.float32]:
    """The polyphase filter as one matrix: a row of `_TP_ROW` + 19 consecutive frames times this
    gives the three interpolated points (1/4, 1/2, 3/4 of the way to the next frame) of each of its
    `_TP_ROW` frames, column (phase - 1) * _TP_ROW + i. One float32 BLAS product per 32k frames
    instead of scipy's upfirdn: the same values (to float32 rounding) at about a third of the CPU
    time for a whole file (0.25 against 0.9 CPU-s per 180 s)."""
    taps = upsampling_taps()
    width = _TP_ROW + _TP_BEFORE + _TP_AFTER
    matrix = np.zeros((width, 3 * _TP_ROW), dtype=np.float64)
    for frame in range(_TP_ROW):
        for phase in range(1, TRUE_PEAK_OVERSAMPLING):
            for k in range(_TP_HALF_TAPS // 2):  # y[4i + p] = sum_k h[4k + p] x[i + 10 - k]
                matrix[frame + _TP_BEFORE + _TP_AFTER - k, (phase - 1) * _TP_ROW + frame] = taps[
                    4 * k + phase
                ]
    return matrix.astype(np.float32)


def _interpolated_peaks(audio: AudioBuffer, rows: npt.NDArray[np.intp]) -> Iterator[npt.NDArray[np.float32]]:
    """For the rows (of `_TP_ROW` frames; ascending row numbers) asked for, each frame's largest
    |interpolated point| over the channels and the three phases: arrays (rows, _TP_ROW), one per
    segment of `_TP_ROWS_PER_PRODUCT` rows that holds any. The audio is taken as zero outside its
    own frames; only one segment (~32k frames) is ever copied, whatever the file's length.

    BLAS is held to one thread (`blas.one_thread`): these products are small."""
    channels, frames = audio.shape
    width = _TP_ROW + _TP_BEFORE + _TP_AFTER
    span = _TP_ROW * _TP_ROWS_PER_PRODUCT
    matrix = _tp_matrix()
    segments = rows // _TP_ROWS_PER_PRODUCT
    groups = np.split(rows, np.flatnonzero(np.diff(segments)) + 1) if rows.size else []
    with blas.one_thread():
        for group in groups:
            first = int(group[0]) // _TP_ROWS_PER_PRODUCT * span
            lo = first - _TP_BEFORE
            buffer = np.zeros((channels, span + width - _TP_ROW), dtype=np.float32)
            take_from, take_to = max(0, lo), min(frames, lo + buffer.shape[1])
            if take_to > take_from:
                buffer[:, take_from - lo : take_to - lo] = audio[:, take_from:take_to]
            # Every row's window as a strided view (rows overlap by 19 frames); indexing it copies
            # only the rows asked for, one contiguous strip each.
            step = buffer.strides[1]
            windows = np.lib.stride_tricks.as_strided(
                buffer,
                shape=(channels, _TP_ROWS_PER_PRODUCT, width),
                strides=(buffer.strides[0], step * _TP_ROW, step),
                writeable=False,
            )
            local = group - first // _TP_ROW
            points = np.matmul(windows[:, local], matrix)  # (channels, rows, 3 * _TP_ROW)
            peaks = np.maximum(points.max(axis=0), -points.min(axis=0))
            yield np.maximum(
                np.maximum(peaks[:, :_TP_ROW], peaks[:, _TP_ROW : 2 * _TP_ROW]), peaks[:, 2 * _TP_ROW :]
            )


def _abs_max(values: npt.NDArray[np.float32]) -> float:
    """max |x| without the temporary array np.abs would allocate."""
    return max(float(values.max()), -float(values.min())) if values.size else 0.0


def _frame_sample_peaks(audio: AudioBuffer) -> npt.NDArray[np.float32]:
    """Largest |sample| over the channels, per frame."""
    return np.asarray(np.maximum(audio.max(axis=0), -audio.min(axis=0)), dtype=np.float32)


def _row_sample_peaks(audio: AudioBuffer) -> npt.NDArray[np.float32]:
    """Largest |sample| over the channels per row of `_TP_ROW` frames (the last row zero-padded),
    a segment at a time (no whole-file temporaries)."""
    frames = audio.shape[1]
    span = _TP_ROW * _TP_ROWS_PER_PRODUCT
    parts = []
    for start in range(0, frames, span):
        per_frame = _frame_sample_peaks(audio[:, start : start + span])
        rows = -(-per_frame.size // _TP_ROW)
        padded = np.pad(per_frame, (0, rows * _TP_ROW - per_frame.size))
        parts.append(padded.reshape(rows, _TP_ROW).max(axis=1))
    return np.asarray(np.concatenate(parts), dtype=np.float32)


def true_peak_dbtp(audio: AudioBuffer) -> float:
    """Inter-sample peak per BS.1770-4 annex 2: 4x polyphase oversampling, max |x|.

    Only the rows of frames that can hold it are oversampled: no interpolated point exceeds the
    largest |sample| within the filter's reach times `true_peak_filter_gain()`, so a row whose
    bound sits under the (phase-0) sample peak cannot raise the figure. Exact, and on a mastered
    mix it skips most of the song."""
    if audio.size == 0:
        return amplitude_to_db(0.0)
    audio = np.asarray(audio, dtype=np.float32)
    peaks = _row_sample_peaks(audio)
    peak = _phase0_gain() * float(peaks.max())
    # Rows either side cover the reach (9 frames before, 10 after < one row of 16).
    around = np.pad(peaks, 1)
    reach = np.maximum(np.maximum(around[:-2], around[1:-1]), around[2:])
    hot = np.flatnonzero(reach * (true_peak_filter_gain() * (1.0 + 1e-6)) >= peak)
    for points in _interpolated_peaks(audio, hot):
        peak = max(peak, float(points.max()))
    return amplitude_to_db(peak)


def oversampled_peak(audio: AudioBuffer, start: int, stop: int) -> float:
    """max |x| over the 4x oversampled points of frames start..stop (and the samples themselves),
    filtered with the whole file as context, so it is the same figure `true_peak_dbtp` gives."""
    lo = max(0, start - _TP_BEFORE - _TP_ROW)
    hi = min(audio.shape[1], stop + _TP_AFTER + _TP_ROW)
    # Zero-padding past lo/hi is only right at the file's own ends: the window keeps the context.
    window = np.asarray(audio[:, lo:hi], dtype=np.float32)
    points = _point_peaks_per_frame(window)[start - lo : stop - lo]
    return max(float(points.max(initial=0.0)), _phase0_gain() * _abs_max(window[:, start - lo : stop - lo]))


def _point_peaks_per_frame(
    audio: AudioBuffer, start: int = 0, stop: int | None = None
) -> npt.NDArray[np.float32]:
    """Frames start..stop's largest |interpolated point| each (over channels and phases), the audio
    taken as zero outside its own frames; `start` is a multiple of `_TP_ROW`."""
    stop = audio.shape[1] if stop is None else stop
    rows = np.arange(start // _TP_ROW, -(-stop // _TP_ROW))
    out = np.empty(rows.size * _TP_ROW, dtype=np.float32)
    done = 0
    for peaks in _interpolated_peaks(audio, rows):
        out[done : done + peaks.size] = peaks.ravel()
        done += peaks.size
    return out[: stop - start]


@functools.cache
def true_peak_filter_gain() -> float:
    """The largest sum of |taps| over the oversampling filter's phases: no 4x point can exceed the
    largest |sample| within the filter's reach by more than this factor (a bound, for skipping
    audio that cannot hold the true peak)."""
    taps = upsampling_taps()
    return max(
        float(np.abs(taps[phase::TRUE_PEAK_OVERSAMPLING]).sum()) for phase in range(TRUE_PEAK_OVERSAMPLING)
    )


TRUE_PEAK_REACH_FRAMES = 11
"""Input frames either side of a 4x point that its filter reads (41 taps per phase / 4, rounded up)."""


def true_peak_blocks(audio: AudioBuffer, block: int) -> npt.NDArray[np.float32]:
    """Per block of `block` frames, the largest |value| over the channels, the samples and their 4x
    oversampled points: the detector of a linked true-peak limiter (its max is the true peak).
    Computed a few hundred thousand frames at a time (chunks of whole blocks and whole rows)."""
    audio = np.asarray(audio, dtype=np.float32)
    frames = audio.shape[1]
    blocks = math.ceil(frames / block)
    out = np.zeros(blocks, dtype=np.float32)
    unit = block * _TP_ROW
    chunk = unit * max(1, (_TP_ROW * _TP_ROWS_PER_PRODUCT * 8) // unit)
    gain = np.float32(_phase0_gain())
    for start in range(0, frames, chunk):
        stop = min(frames, start + chunk)
        per_frame = np.zeros(math.ceil((stop - start) / block) * block, dtype=np.float32)
        per_frame[: stop - start] = _point_peaks_per_frame(audio, start, stop)
        samples = _frame_sample_peaks(audio[:, start:stop]) * gain
        np.maximum(per_frame[: stop - start], samples, out=per_frame[: stop - start])
        out[start // block : start // block + per_frame.size // block] = per_frame.reshape(-1, block).max(
            axis=1
        )
    return out


def k_weighting_sos(sample_rate: int) -> npt.NDArray[np.float64]:
    """BS.1770 K-weighting (pre-filter shelf + RLB high-pass) as second-order sections, designed at
    any rate with the same biquad formulas as pyloudnorm."""
    sections = []
    for gain_db, q, fc_hz, kind in ((4.0, 1 / math.sqrt(2), 1500.0, "shelf"), (0.0, 0.5, 38.0, "hp")):
        a_gain = 10 ** (gain_db / 40.0)
        w0 = 2.0 * math.pi * fc_hz / sample_rate
        alpha = math.sin(w0) / (2.0 * q)
        cos_w0 = math.cos(w0)
        if kind == "shelf":
            sq = 2 * math.sqrt(a_gain) * alpha
            b = [
                a_gain * ((a_gain + 1) + (a_gain - 1) * cos_w0 + sq),
                -2 * a_gain * ((a_gain - 1) + (a_gain + 1) * cos_w0),
                a_gain * ((a_gain + 1) + (a_gain - 1) * cos_w0 - sq),
            ]
            a = [
                (a_gain + 1) - (a_gain - 1) * cos_w0 + sq,
                2 * ((a_gain - 1) - (a_gain + 1) * cos_w0),
                (a_gain + 1) - (a_gain - 1) * cos_w0 - sq,
            ]
        else:
            b = [(1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2]
            a = [1 + alpha, -2 * cos_w0, 1 - alpha]
        sections.append(
            [*(coefficient / a[0] for coefficient in b), *(coefficient / a[0] for coefficient in a)]
        )
    return np.array(sections, dtype=np.float64)


def k_weight(audio: AudioBuffer, sample_rate: int) -> npt.NDArray[np.float64]:
    """The K-weighted signal (float64: the power sums that follow need the precision)."""
    return np.asarray(iir.sosfilt(k_weighting_sos(sample_rate), audio.astype(np.float64)))


def k_weighted_power(audio: AudioBuffer, sample_rate: int) -> npt.NDArray[np.float32]:
    """Per-sample K-weighted power summed over the channels with BS.1770's channel weights: what
    every loudness figure averages (the master's limiter predicts its loudness from it).

    Filtered and squared in float32 (second-order sections keep the filter exact to ~1e-6, far
    under 0.001 LU) at half float64's cost; the sums over windows are taken in float64."""
    channels = _loudness_channels(audio)
    weighted = iir.sosfilt(k_weighting_sos(sample_rate).astype(np.float32), channels.astype(np.float32))
    channel_gains = np.array([1.0, 1.0, 1.0, 1.41, 1.41], dtype=np.float32)[: weighted.shape[0]]
    return np.asarray(np.einsum("cn,cn,c->n", weighted, weighted, channel_gains), dtype=np.float32)


def windowed_power_lufs(
    power: npt.NDArray[np.floating],
    sample_rate: int,
    window_s: float,
    hop_s: float,
    samples_per_value: int = 1,
) -> npt.NDArray[np.float64]:
    """Loudness of every window of a power series holding one value per `samples_per_value` samples
    (summed power of those samples), vectorised with cumulative sums."""
    window = max(1, round(window_s * sample_rate / samples_per_value))
    hop = max(1, round(hop_s * sample_rate / samples_per_value))
    if power.size < window:
        power = np.pad(power, (0, window - power.size))
    cumulative = np.concatenate([[0.0], np.cumsum(power, dtype=np.float64)])
    starts = np.arange(0, power.size - window + 1, hop)
    mean_power = (cumulative[starts + window] - cumulative[starts]) / (window * samples_per_value)
    with np.errstate(divide="ignore"):
        return np.asarray(-0.691 + 10.0 * np.log10(np.maximum(mean_power, 1e-30)), dtype=np.float64)


def windowed_loudness_lufs(
    audio: AudioBuffer, sample_rate: int, window_s: float, hop_s: float
) -> npt.NDArray[np.float64]:
    """Loudness of every window (momentary 0.4 s, short-term 3 s), vectorised with cumulative sums."""
    return windowed_power_lufs(k_weighted_power(audio, sample_rate), sample_rate, window_s, hop_s)


def loudness_range_lu(audio: AudioBuffer, sample_rate: int) -> float:
    """EBU Tech 3342 LRA: spread (10th..95th percentile) of gated 3 s short-term loudness."""
    short_term = windowed_loudness_lufs(audio, sample_rate, 3.0, 0.1)
    gated = short_term[short_term >= SILENCE_LUFS]
    if gated.size == 0:
        return 0.0
    relative_gate = 10 * math.log10(float(np.mean(10 ** (gated / 10)))) - 20.0
    gated = gated[gated >= relative_gate]
    if gated.size < 2:
        return 0.0
    return float(np.percentile(gated, 95) - np.percentile(gated, 10))


def rms_dbfs(audio: AudioBuffer) -> float:
    return (
        amplitude_to_db(float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))) if audio.size else -200.0
    )


def crest_factor_db(audio: AudioBuffer) -> float:
    """Peak-to-RMS ratio: low values mean a heavily limited master."""
    return sample_peak_dbfs(audio) - rms_dbfs(audio)


def dc_offset(audio: AudioBuffer) -> float:
    """The largest per-channel mean, as a fraction of full scale."""
    return float(np.max(np.abs(audio.mean(axis=1, dtype=np.float64)))) if audio.size else 0.0


def phase_correlation(audio: AudioBuffer) -> float:
    """Pearson correlation of left and right (+1 mono, 0 wide, -1 cancels in mono); 1.0 for mono files."""
    if audio.shape[0] < 2:
        return 1.0
    left = audio[0].astype(np.float64)
    right = audio[1].astype(np.float64)
    denominator = math.sqrt(float(np.dot(left, left)) * float(np.dot(right, right)))
    if denominator == 0.0:
        return 1.0
    return float(np.dot(left, right)) / denominator


def stereo_width(audio: AudioBuffer) -> float:
    """Side energy over mid energy (0 mono, 1 as wide as it is deep, >1 out-of-phase heavy)."""
    if audio.shape[0] < 2:
        return 0.0
    mid = (audio[0].astype(np.float64) + audio[1]) / 2
    side = (audio[0].astype(np.float64) - audio[1]) / 2
    mid_energy = float(np.dot(mid, mid))
    side_energy = float(np.dot(side, side))
    if mid_energy == 0.0:
        return 0.0 if side_energy == 0.0 else float("inf")
    return math.sqrt(side_energy / mid_energy)


def count_clipped_samples(audio: AudioBuffer, threshold: float = 0.999) -> int:
    """Samples at or beyond full scale in runs of two or more: a single loud sample is not a clip."""
    over = np.abs(audio) >= threshold
    runs = over[:, 1:] & over[:, :-1]
    return int(np.count_nonzero(runs))


def gated_loudness_lufs(audio: AudioBuffer, sample_rate: int) -> float:
    """BS.1770 gated loudness from vectorised 400 ms blocks: the fast meter for gain staging, where
    per-stem figures are needed but pyloudnorm's Python block loop would dominate the mix time."""
    return loudness_of_power(k_weighted_power(audio, sample_rate), sample_rate)


def loudness_of_power(power: npt.NDArray[np.floating], sample_rate: int, samples_per_value: int = 1) -> float:
    """BS.1770 gated integrated loudness of a K-weighted power series (see `windowed_power_lufs`).

    Blocks as pyloudnorm counts them: round((T - 0.4 s) / 0.1 s) + 1, so the last block may run
    past the end (its power still divided by the full 400 ms)."""
    window = max(1, round(_BLOCK_S * sample_rate / samples_per_value))
    hop = max(1, round(_BLOCK_S / 4 * sample_rate / samples_per_value))
    duration_s = power.size * samples_per_value / sample_rate
    count = max(1, round((duration_s - _BLOCK_S) / (_BLOCK_S / 4)) + 1)
    cumulative = np.concatenate([[0.0], np.cumsum(power, dtype=np.float64)])
    starts = np.arange(count) * hop
    ends = np.minimum(starts + window, power.size)
    starts = np.minimum(starts, power.size)
    mean_power = (cumulative[ends] - cumulative[starts]) / (window * samples_per_value)
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10.0 * np.log10(np.maximum(mean_power, 1e-30))
    gated = blocks[blocks >= SILENCE_LUFS]
    if gated.size == 0:
        return SILENCE_LUFS - 1.0
    relative_gate = 10 * math.log10(float(np.mean(10 ** (gated / 10)))) - 10.0
    gated = gated[gated > relative_gate]
    return 10 * math.log10(float(np.mean(10 ** (gated / 10))))
