"""The numpy/scipy signal front end of tempo and key analysis: STFT, mel onset envelope, tempogram,
dynamic-programming beat tracker and a harmonic log-frequency spectrogram.

Why not librosa here: QA and generation call tempo and key on every job, and librosa's first call in
a process costs 3 s of CPU loading numba kernels from the cache and ~20 s compiling them when the
cache is cold (every fresh Lambda container, every fresh NUMBA_CACHE_DIR), for algorithms that are a
few array operations each. The onset envelope, tempogram and beat tracker follow librosa's
definitions (onset_strength, feature.tempo, beat_track: Ellis 2007) so estimates agree with it; the
DP runs vectorised half a beat at a time, since a beat's predecessor is always >= half a beat back."""

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from scipy import ndimage

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]

TINY = float(np.finfo(np.float32).tiny)


STFT_BLOCK_SAMPLES = 1 << 17
"""Samples of windowed frames per FFT call in `stft_power` (64 frames of 2,048): the frames, their
complex128 spectrum and its power stay in cache instead of passing through memory whole."""


def stft_power(mono: Float32Array, n_fft: int, hop: int) -> Float32Array:
    """|STFT|^2 (bins x frames), periodic Hann window, centred frames with zero padding (librosa's
    default framing: frame t is centred on sample t * hop).

    A block of frames at a time (STFT_BLOCK_SAMPLES): each frame's FFT and power are the same
    operations as on the whole array at once, so the result is the same bit for bit, but a 180 s
    mix's onset STFT no longer materialises 127 MB of windowed frames and a 254 MB spectrum (whose
    fresh pages the kernel zeroes): 0.21-0.37 -> 0.13 CPU-s, the key's 0.107 -> 0.078."""
    padded = np.pad(np.asarray(mono, dtype=np.float32), n_fft // 2)
    if padded.size < n_fft:
        padded = np.pad(padded, (0, n_fft - padded.size))
    count = 1 + (padded.size - n_fft) // hop
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(count, n_fft), strides=(padded.strides[0] * hop, padded.strides[0]), writeable=False
    )
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)).astype(np.float32)
    power = np.empty((count, 1 + n_fft // 2), dtype=np.float32)
    block = max(1, STFT_BLOCK_SAMPLES // n_fft)
    for start in range(0, count, block):
        spectrum = np.fft.rfft(frames[start : start + block] * window, axis=1)
        power[start : start + block] = spectrum.real**2 + spectrum.imag**2
    return power.T


def _hz_to_mel(hz: FloatArray) -> FloatArray:
    """Slaney's mel scale (linear below 1 kHz, logarithmic above), librosa's default."""
    linear = hz * 3.0 / 200.0
    log_step = math.log(6.4) / 27.0
    return np.where(hz >= 1000.0, 15.0 + np.log(np.maximum(hz, 1e-9) / 1000.0) / log_step, linear)


def _mel_to_hz(mel: FloatArray) -> FloatArray:
    log_step = math.log(6.4) / 27.0
    return np.where(mel >= 15.0, 1000.0 * np.exp(log_step * (mel - 15.0)), mel * 200.0 / 3.0)


@cache
def mel_filters(sample_rate: int, n_fft: int, n_mels: int = 128) -> Float32Array:
    """Slaney-normalised triangular mel filterbank (n_mels x bins), 0 Hz to Nyquist."""
    fft_hz = np.linspace(0.0, sample_rate / 2, 1 + n_fft // 2)
    mel_hz = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(sample_rate / 2)), n_mels + 2)
    )
    widths = np.diff(mel_hz)
    ramps = mel_hz[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_hz[2:] - mel_hz[:-2]))[:, None]
    return np.asarray(weights, dtype=np.float32)


def onset_envelope(mono: Float32Array, sample_rate: int, hop: int, n_fft: int = 2048) -> Float32Array:
    """Spectral flux of the log-mel spectrogram (128 bands, dB with an 80 dB floor), mean over bands,
    shifted to frame centres: librosa.onset.onset_strength's defaults."""
    mel = mel_filters(sample_rate, n_fft) @ stft_power(mono, n_fft, hop)
    mel_db = 10.0 * np.log10(np.maximum(mel, 1e-10))
    mel_db = np.maximum(mel_db, float(mel_db.max(initial=-100.0)) - 80.0)
    flux = np.maximum(0.0, mel_db[:, 1:] - mel_db[:, :-1]).mean(axis=0)
    shift = 1 + n_fft // (2 * hop)
    return np.concatenate([np.zeros(shift, dtype=np.float32), flux.astype(np.float32)])[: mel.shape[1]]


def tempogram_bpm(
    onset_env: FloatArray, frame_rate: float, *, start_bpm: float = 120.0, std_bpm: float = 1.0,
    window_s: float = 8.0, max_bpm: float = 320.0,
) -> float:  # fmt: skip
    """The tempo with the most autocorrelation, averaged over 8 s windows (each normalised to its
    lag-0 peak) and weighed by a log-normal prior: librosa.feature.tempo's definition."""
    win = max(2, int(window_s * frame_rate))
    count = onset_env.size
    padded = np.pad(onset_env.astype(np.float64), win // 2, mode="linear_ramp", end_values=(0.0, 0.0))
    frames = np.lib.stride_tricks.sliding_window_view(padded, win)[:count]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win) / win)
    spectrum = np.fft.rfft(frames * window, n=2 * win, axis=1)
    ac = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, axis=1)[:, :win]
    peak = np.max(np.abs(ac), axis=1, keepdims=True)
    ac = np.divide(ac, peak, out=np.zeros_like(ac), where=peak > TINY)
    mean_ac = ac.mean(axis=0)
    lags = np.arange(win, dtype=np.float64)
    with np.errstate(divide="ignore"):
        bpms = 60.0 * frame_rate / lags
    log_prior = -0.5 * ((np.log2(bpms[1:]) - math.log2(start_bpm)) / std_bpm) ** 2
    log_prior[bpms[1:] >= max_bpm] = -np.inf
    best = int(np.argmax(np.log1p(1e6 * mean_ac[1:]) + log_prior)) + 1
    return float(bpms[best])


def track_beats(onset_env: FloatArray, frame_rate: float, bpm: float, tightness: float = 100.0) -> FloatArray:
    """Beat frames by Ellis's dynamic programme: each beat is a strong onset about one period after
    the previous one (log-time deviation penalised by `tightness`); weak leading/trailing beats are
    trimmed. Returns frame indices (float64)."""
    count = onset_env.size
    period = float(round(frame_rate * 60.0 / bpm))
    if count < 2 or period < 2:
        return np.zeros(0)
    env = onset_env.astype(np.float64)
    env = env / (env.std(ddof=1) + TINY)
    window = np.exp(-0.5 * (np.arange(-period, period + 1) * 32.0 / period) ** 2)
    local = np.convolve(env, window, mode="same")
    cumulative = np.empty(count)
    backlink = np.full(count, -1, dtype=np.int64)
    nearest, farthest = round(period / 2), int(2 * period)
    offsets = np.arange(nearest, farthest + 1)
    penalty = -tightness * (np.log(offsets) - math.log(period)) ** 2
    step = max(1, nearest)
    for start in range(0, count, step):
        rows = np.arange(start, min(count, start + step))
        candidates = rows[:, None] - offsets[None, :]
        valid = candidates >= 0
        scores = np.where(valid, cumulative[np.maximum(candidates, 0)] + penalty[None, :], -np.inf)
        best = np.argmax(scores, axis=1)
        best_score = scores[np.arange(rows.size), best]
        found = np.isfinite(best_score)
        cumulative[rows] = local[rows] + np.where(found, best_score, 0.0)
        backlink[rows] = np.where(found, candidates[np.arange(rows.size), best], -1)
    # Frames before the first real onset start a new path rather than link back.
    strong = np.flatnonzero(local >= 0.01 * local.max(initial=0.0))
    first = int(strong[0]) if strong.size else count
    backlink[:first] = -1
    # The last beat: the latest local maximum of the cumulative score above half their median.
    inner = (cumulative[1:-1] > cumulative[:-2]) & (cumulative[1:-1] >= cumulative[2:])
    maxima = np.flatnonzero(
        np.concatenate([[cumulative[0] > cumulative[1]], inner, [cumulative[-1] > cumulative[-2]]])
    )
    if maxima.size == 0:
        return np.zeros(0)
    threshold = 0.5 * float(np.median(cumulative[maxima]))
    tail = int(maxima[cumulative[maxima] >= threshold][-1])
    beats: list[int] = []
    node = tail
    while node >= 0:
        beats.append(node)
        node = int(backlink[node])
    frames = np.array(beats[::-1], dtype=np.int64)
    # Trim the stretches before the first and after the last frame whose local score passes half the
    # RMS of the smoothed beat onsets (librosa's trim): beats there are extrapolated, not heard.
    smooth = np.convolve(local[frames], np.hanning(5))[2 : 2 + frames.size]
    floor = 0.5 * math.sqrt(float(np.mean(smooth**2)))
    loud = np.flatnonzero(local > floor)
    if loud.size == 0:
        return np.zeros(0)
    kept = frames[(frames >= loud[0]) & (frames <= loud[-1])]
    return np.asarray(kept, dtype=np.float64)


@dataclass(frozen=True)
class PitchSpectrogram:
    """Harmonic energy per semitone (MIDI notes `low_midi`..) per frame, drums suppressed."""

    energy: Float32Array
    low_midi: int
    frame_s: float


LOW_MIDI = 24
"""C1: the lowest bass note a chroma should hear."""
HIGH_MIDI = 108
"""C8: pitch classes above this add only noise."""
BINS_PER_SEMITONE = 3


@cache
def _pitch_filters(sample_rate: int, n_fft: int) -> Float32Array:
    """Triangular weights from FFT bins to 1/3-semitone bins centred on equal-tempered pitches."""
    fft_hz = np.linspace(0.0, sample_rate / 2, 1 + n_fft // 2)
    with np.errstate(divide="ignore"):
        midi = 69.0 + 12.0 * np.log2(np.maximum(fft_hz, 1e-9) / 440.0)
    centres = (
        LOW_MIDI
        - 1 / BINS_PER_SEMITONE
        + np.arange((HIGH_MIDI - LOW_MIDI + 1) * BINS_PER_SEMITONE) / BINS_PER_SEMITONE
    )
    distance = np.abs(midi[None, :] - centres[:, None]) * BINS_PER_SEMITONE
    weights = np.maximum(0.0, 1.0 - distance)
    return np.asarray(weights, dtype=np.float32)


def pitch_spectrogram(
    mono: Float32Array, sample_rate: int, *, n_fft: int = 16384, hop: int = 4096
) -> PitchSpectrogram:
    """Magnitude on a 1/3-semitone grid (0.74 s frames: 1.3 Hz bins resolve the bass octave), drums
    removed by a median-filter harmonic/percussive soft mask on that small grid (~250 rows instead of
    8193 FFT bins, which is what made librosa's HPSS cost seconds), and tuning taken from whichever
    third of the semitone holds the most harmonic energy."""
    magnitude = np.sqrt(stft_power(mono, n_fft, hop))
    filters = _pitch_filters(sample_rate, n_fft)
    used = np.flatnonzero(filters.any(axis=0))
    grid = filters[:, used] @ magnitude[used]
    harmonic = ndimage.median_filter(grid, size=(1, 15), mode="nearest")
    percussive = ndimage.median_filter(grid, size=(9, 1), mode="nearest")
    mask = harmonic**2 / (harmonic**2 + (2.0 * percussive) ** 2 + TINY)
    grid = grid * mask
    thirds = grid.reshape(-1, BINS_PER_SEMITONE, grid.shape[1])
    offset = int(np.argmax(thirds.sum(axis=(0, 2)))) - 1  # -1, 0, +1 third of a semitone
    rolled = np.roll(grid, -offset, axis=0) if offset else grid
    semitones = rolled.reshape(-1, BINS_PER_SEMITONE, grid.shape[1]).sum(axis=1)
    return PitchSpectrogram(np.asarray(semitones, dtype=np.float32), LOW_MIDI, hop / sample_rate)
