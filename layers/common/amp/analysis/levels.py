"""Level meters a mastering engineer trusts: BS.1770-4 loudness (pyloudnorm), 4x oversampled true
peak, loudness range (EBU Tech 3342), crest factor, DC offset and phase correlation.

numpy/scipy/pyloudnorm only: the mix Lambda (a zip package) measures with these too."""

import functools
import math
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pyloudnorm
from scipy import signal

from amp.audio_io import AudioBuffer

SILENCE_LUFS = -70.0
"""BS.1770's absolute gate: anything quieter counts as silence."""

TRUE_PEAK_OVERSAMPLING = 4
_TP_CHUNK_FRAMES = 1 << 18
_TP_OVERLAP_FRAMES = 64
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
    """Gated integrated loudness (BS.1770-4 via pyloudnorm); -inf-safe: silence -> SILENCE_LUFS - 1.

    Audio shorter than one 400 ms gating block is zero-padded so short clips still get a figure."""
    measured = _loudness_channels(audio).astype(np.float64)
    min_frames = math.ceil(_BLOCK_S * sample_rate) + 1
    if measured.shape[1] < min_frames:
        measured = np.pad(measured, ((0, 0), (0, min_frames - measured.shape[1])))
    meter = pyloudnorm.Meter(sample_rate)
    loudness = float(meter.integrated_loudness(measured.T))
    if not math.isfinite(loudness) or loudness < SILENCE_LUFS:
        return SILENCE_LUFS - 1.0
    return loudness


def sample_peak_dbfs(audio: AudioBuffer) -> float:
    return amplitude_to_db(float(np.max(np.abs(audio))) if audio.size else 0.0)


def _oversampled_chunks(
    audio: AudioBuffer, chunk_frames: int = _TP_CHUNK_FRAMES
) -> Iterator[tuple[int, int, AudioBuffer]]:
    """(start, stop, 4x polyphase-oversampled frames start..stop), chunked with overlap, so a
    10-minute file never needs a 4x copy in memory and chunk edges match one whole-file pass."""
    frames = audio.shape[1]
    start = 0
    while start < frames:
        stop = min(frames, start + chunk_frames)
        lo = max(0, start - _TP_OVERLAP_FRAMES)
        hi = min(frames, stop + _TP_OVERLAP_FRAMES)
        chunk = audio[:, lo:hi].astype(np.float32)
        upsampled = signal.resample_poly(chunk, TRUE_PEAK_OVERSAMPLING, 1, axis=1)
        keep_from = (start - lo) * TRUE_PEAK_OVERSAMPLING
        keep_to = keep_from + (stop - start) * TRUE_PEAK_OVERSAMPLING
        yield start, stop, upsampled[:, keep_from:keep_to]
        start = stop


def _abs_max(values: npt.NDArray[np.float32]) -> float:
    """max |x| without the temporary array np.abs would allocate."""
    return max(float(values.max()), -float(values.min()))


def true_peak_dbtp(audio: AudioBuffer) -> float:
    """Inter-sample peak per BS.1770-4 annex 2: 4x polyphase oversampling, max |x|."""
    if audio.size == 0:
        return amplitude_to_db(0.0)
    peak = _abs_max(audio)
    for _, _, upsampled in _oversampled_chunks(audio):
        peak = max(peak, _abs_max(upsampled))
    return amplitude_to_db(peak)


def oversampled_peak(audio: AudioBuffer, start: int, stop: int) -> float:
    """max |x| over the 4x oversampled points of frames start..stop (and the samples themselves),
    filtered with the same overlap as `true_peak_dbtp`'s chunks, so it is the same figure."""
    lo = max(0, start - _TP_OVERLAP_FRAMES)
    hi = min(audio.shape[1], stop + _TP_OVERLAP_FRAMES)
    upsampled = signal.resample_poly(audio[:, lo:hi].astype(np.float32), TRUE_PEAK_OVERSAMPLING, 1, axis=1)
    keep_from = (start - lo) * TRUE_PEAK_OVERSAMPLING
    kept = upsampled[:, keep_from : keep_from + (stop - start) * TRUE_PEAK_OVERSAMPLING]
    return max(_abs_max(kept), _abs_max(audio[:, start:stop]))


@functools.cache
def true_peak_filter_gain() -> float:
    """The largest sum of |taps| over the oversampling filter's phases: no 4x point can exceed the
    largest |sample| within the filter's reach by more than this factor (a bound, for skipping
    audio that cannot hold the true peak)."""
    half_len = 10 * TRUE_PEAK_OVERSAMPLING  # resample_poly's own design for up=4, down=1
    taps = signal.firwin(2 * half_len + 1, 1.0 / TRUE_PEAK_OVERSAMPLING, window=("kaiser", 5.0))
    taps *= TRUE_PEAK_OVERSAMPLING
    return max(
        float(np.abs(taps[phase::TRUE_PEAK_OVERSAMPLING]).sum()) for phase in range(TRUE_PEAK_OVERSAMPLING)
    )


TRUE_PEAK_REACH_FRAMES = 11
"""Input frames either side of a 4x point that its filter reads (41 taps per phase / 4, rounded up)."""


def true_peak_blocks(audio: AudioBuffer, block: int) -> npt.NDArray[np.float32]:
    """Per block of `block` frames, the largest |value| over the channels, the samples and their 4x
    oversampled points: the detector of a linked true-peak limiter (its max is the true peak)."""
    frames = audio.shape[1]
    blocks = math.ceil(frames / block)
    padded = np.pad(audio, ((0, 0), (0, blocks * block - frames))).reshape(audio.shape[0], blocks, block)
    peaks = np.maximum(padded.max(axis=(0, 2)), -padded.min(axis=(0, 2)))
    chunk_frames = block * max(1, _TP_CHUNK_FRAMES // block)
    for start, stop, upsampled in _oversampled_chunks(audio, chunk_frames):
        count = math.ceil((stop - start) / block)
        width = block * TRUE_PEAK_OVERSAMPLING
        grid = np.pad(upsampled, ((0, 0), (0, count * width - upsampled.shape[1])))
        grid = grid.reshape(audio.shape[0], count, width)
        first = start // block
        np.maximum(peaks[first : first + count], grid.max(axis=(0, 2)), out=peaks[first : first + count])
        np.maximum(peaks[first : first + count], -grid.min(axis=(0, 2)), out=peaks[first : first + count])
    return np.asarray(peaks, dtype=np.float32)


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
    return np.asarray(signal.sosfilt(k_weighting_sos(sample_rate), audio.astype(np.float64), axis=1))


def k_weighted_power(audio: AudioBuffer, sample_rate: int) -> npt.NDArray[np.float32]:
    """Per-sample K-weighted power summed over the channels with BS.1770's channel weights: what
    every loudness figure averages (the master's limiter predicts its loudness from it).

    Filtered and squared in float32 (second-order sections keep the filter exact to ~1e-6, far
    under 0.001 LU) at half float64's cost; the sums over windows are taken in float64."""
    channels = _loudness_channels(audio)
    weighted = signal.sosfilt(
        k_weighting_sos(sample_rate).astype(np.float32), channels.astype(np.float32), axis=1
    )
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
    """BS.1770 gated integrated loudness of a K-weighted power series (see `windowed_power_lufs`)."""
    blocks = windowed_power_lufs(power, sample_rate, _BLOCK_S, _BLOCK_S / 4, samples_per_value)
    gated = blocks[blocks >= SILENCE_LUFS]
    if gated.size == 0:
        return SILENCE_LUFS - 1.0
    relative_gate = 10 * math.log10(float(np.mean(10 ** (gated / 10)))) - 10.0
    gated = gated[gated > relative_gate]
    return 10 * math.log10(float(np.mean(10 ** (gated / 10))))
