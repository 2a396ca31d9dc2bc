"""Reference-track features: tempo and beat grid, key and mode, time signature, loudness, dynamics,
spectral balance, stereo image, onset density.

Tempo, beats and key are numpy/scipy (amp.analysis.frontend): QA and generation call them on every
job. librosa (~350 MB with llvmlite) is imported lazily only by the reference-analysis extras (time
signature, onset density) and bench/key_eval.py's baselines; NUMBA_CACHE_DIR is pointed at a
writable path first."""

import math
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import signal

from amp.analysis import blas, frontend, levels
from amp.analysis.decode import DecodedAudio
from amp.analysis.models import ReferenceFeatures
from amp.analysis.spectrum import spectral_balance_db
from amp.audio_io import AudioBuffer
from amp.domain.spec import MAX_BPM, MIN_BPM, PITCH_CLASSES

ANALYSIS_RATE = 22_050
HOP = 512
FRAME_RATE = ANALYSIS_RATE / HOP
MAX_BEATS_STORED = 2048

# Krumhansl-Kessler probe-tone profiles (1982) and Temperley's Kostka-Payne profiles (2001).
KRUMHANSL_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KRUMHANSL_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
TEMPERLEY_MAJOR = (0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400)
TEMPERLEY_MINOR = (0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330)

# Albrecht & Shanahan's profiles (2013), pitch-class distributions of a large corpus of major and
# minor pieces: they tell relative keys apart better than the probe-tone ratings.
ALBRECHT_MAJOR = (0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081)
ALBRECHT_MINOR = (0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052)

FloatArray = npt.NDArray[np.float64]


def librosa_module() -> ModuleType:
    """Import librosa with a writable numba cache (Lambda's filesystem is read-only but /tmp)."""
    if not os.environ.get("NUMBA_CACHE_DIR"):
        os.environ["NUMBA_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "amp-numba-cache")
    import librosa

    return librosa


def warm_numba_cache() -> None:
    """Compile and cache librosa's numba kernels in this one process. Processes that compile the same
    guvectorize kernel into one NUMBA_CACHE_DIR at the same time can write mismatched cache files and
    segfault (numba issue #10128), so servers and test runs call this once before going parallel."""
    rng = np.random.default_rng(0)
    clicks = np.zeros(ANALYSIS_RATE * 3, dtype=np.float32)
    clicks[:: ANALYSIS_RATE // 2] = 1.0
    tone = 0.2 * np.sin(2 * np.pi * 220.0 * np.arange(clicks.size) / ANALYSIS_RATE)
    mono = (clicks + tone + 0.01 * rng.standard_normal(clicks.size)).astype(np.float32)
    tempo = estimate_tempo(mono)
    estimate_key(mono)
    estimate_time_signature(mono, tempo)
    onset_density_per_s(mono)
    # providers/conform.py's chroma (chroma_stft -> estimate_tuning -> piptrack -> localmax, a
    # guvectorize kernel): a clean clone's parallel Stability tests segfaulted compiling it at once.
    librosa_module().feature.chroma_stft(y=mono, sr=ANALYSIS_RATE, n_fft=4096, hop_length=1024)


@dataclass(frozen=True)
class TempoEstimate:
    bpm: float | None
    confidence: float
    beat_times_s: list[float]
    onset_autocorrelation: FloatArray | None = None
    """Normalised autocorrelation of the onset envelope (frames of HOP at ANALYSIS_RATE): lets QA ask
    how well the audio supports any other tempo (`tempo_support`)."""

    def tempo_support(self, bpm: float) -> float:
        """How much the onsets repeat at one beat of `bpm`: the autocorrelation peak at that lag above
        its surroundings (a quarter-beat either side). High for a tempo the music has; near zero for
        one it lacks, even at short lags where a smooth envelope correlates with itself anyway."""
        if self.onset_autocorrelation is None or bpm <= 0:
            return 0.0
        ac = self.onset_autocorrelation
        return _ac_at_bpm(ac, bpm) - 0.5 * (_ac_at_bpm(ac, bpm / 0.75) + _ac_at_bpm(ac, bpm / 1.25))


@dataclass(frozen=True)
class KeyEstimate:
    key: str | None
    mode: Literal["major", "minor"] | None
    confidence: float


def analysis_mono(audio: AudioBuffer, sample_rate: int) -> AudioBuffer:
    """Mid signal at 22.05 kHz: plenty for rhythm and pitch, a quarter of the work of 44.1 kHz stereo."""
    mono = np.asarray(audio, dtype=np.float32).mean(axis=0)  # no stereo copy when already float32
    if sample_rate != ANALYSIS_RATE:
        divisor = math.gcd(ANALYSIS_RATE, sample_rate)
        mono = signal.resample_poly(mono, ANALYSIS_RATE // divisor, sample_rate // divisor).astype(np.float32)
    return np.ascontiguousarray(mono, dtype=np.float32)


def estimate_tempo(mono: AudioBuffer) -> TempoEstimate:
    """Tempo (bpm) and beat grid from the onset envelope; None when the track has no pulse.

    numpy/scipy only (amp.analysis.frontend): no librosa import, no numba kernels to load or compile."""
    with blas.one_thread():
        onset_env = frontend.onset_envelope(mono, ANALYSIS_RATE, HOP).astype(np.float64)
    if float(np.max(onset_env, initial=0.0)) <= 1e-6:
        return TempoEstimate(None, 0.0, [])
    bpm = choose_tempo(onset_env)
    beats = frontend.track_beats(onset_env, FRAME_RATE, bpm) * HOP / ANALYSIS_RATE
    bpm = refine_bpm(bpm, beats)
    autocorrelation = _autocorrelation(onset_env)
    confidence = round(max(0.0, min(1.0, _ac_at_bpm(autocorrelation, bpm))), 3)
    beat_times = [round(float(t), 3) for t in beats[:MAX_BEATS_STORED]]
    return TempoEstimate(round(bpm, 2), confidence, beat_times, autocorrelation)


def _autocorrelation(onset_env: FloatArray) -> FloatArray:
    centred = onset_env - onset_env.mean()
    spectrum = np.fft.rfft(centred, n=2 * centred.size)
    ac = np.fft.irfft(np.abs(spectrum) ** 2)[: centred.size]
    return np.asarray(ac / max(float(ac[0]), 1e-12), dtype=np.float64)


def _ac_at_bpm(ac: FloatArray, bpm: float) -> float:
    lag = 60.0 * ANALYSIS_RATE / HOP / bpm
    low, high = round(lag * 0.98), max(round(lag * 1.02), round(lag * 0.98))
    if high >= ac.size:
        return 0.0
    return float(np.max(ac[max(1, low) : high + 1]))


def choose_tempo(onset_env: FloatArray) -> float:
    """librosa's tempo, then the half/double/triple relative that the onset autocorrelation and a
    broad prior (log-normal around 120 bpm, one octave wide) favour."""
    first = frontend.tempogram_bpm(onset_env, FRAME_RATE, std_bpm=2.0)
    ac = _autocorrelation(np.asarray(onset_env, dtype=np.float64))
    best_bpm, best_score = first, -math.inf
    for factor in (0.5, 2 / 3, 1.0, 1.5, 2.0):
        candidate = first * factor
        if not MIN_BPM <= candidate <= MAX_BPM:
            continue
        prior = math.exp(-0.5 * (math.log2(candidate / 120.0) / 1.0) ** 2)
        score = _ac_at_bpm(ac, candidate) * prior * (1.0 if factor == 1.0 else 0.9)
        if score > best_score:
            best_bpm, best_score = candidate, score
    return best_bpm


def refine_bpm(bpm: float, beat_times_s: FloatArray) -> float:
    """Sharpen a tempogram-bin tempo (bins are ~3% apart at 120 bpm) with a least-squares line
    through the tracked beats; kept only when it agrees with the coarse value within 5%."""
    if beat_times_s.size < 8:
        return bpm
    index = np.arange(beat_times_s.size, dtype=np.float64)
    period_s = float(np.polyfit(index, beat_times_s, 1)[0])
    if period_s <= 0:
        return bpm
    fitted = 60.0 / period_s
    return fitted if abs(fitted / bpm - 1.0) <= 0.05 else bpm


BASS_MIDI = 52
"""Notes below E3 are the bass line: the roots a key rests on."""
FINAL_S = 3.0
"""The last seconds of sound: most pieces end on the tonic chord."""


def _ends_in_a_decay(loudness: FloatArray, sounding: npt.NDArray[np.bool_]) -> bool:
    """Whether the audio ends (a last chord ringing out, a fade) rather than being cut off mid-bar:
    the final frame is 20 dB under the typical sounding frame. A clip cut from the middle of a song
    ends on any chord, and weighing that in costs more keys than it wins (bench/key_eval.py --opening)."""
    return bool(loudness[-1] < 0.1 * float(np.median(loudness[sounding])))


def _sounding(spectrogram: frontend.PitchSpectrogram) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Per-frame loudness and the frames that sound (above -60 dB of the loudest)."""
    loudness = spectrogram.energy.astype(np.float64).sum(axis=0)
    return loudness, loudness > 1e-3 * float(loudness.max(initial=0.0))


def _chroma(
    spectrogram: frontend.PitchSpectrogram, rows: npt.NDArray[np.bool_], frames: npt.NDArray[np.bool_]
) -> FloatArray:
    """Mean per-frame chroma of the chosen pitch rows over the chosen frames (each frame scaled to
    its loudest class, as chroma_cqt does), scaled to a peak of 1."""
    energy = spectrogram.energy.astype(np.float64)
    pitch_class = (spectrogram.low_midi + np.arange(energy.shape[0])) % 12
    folded = np.zeros((12, int(frames.sum())))
    np.add.at(folded, pitch_class[rows], energy[rows][:, frames])
    peak = folded.max(axis=0, keepdims=True)
    folded = np.divide(folded, peak, out=np.zeros_like(folded), where=peak > 0)
    mean = folded.mean(axis=1)
    top = float(mean.max(initial=0.0))
    return mean / top if top > 0 else mean


def _bass_rows(spectrogram: frontend.PitchSpectrogram) -> npt.NDArray[np.bool_]:
    return spectrogram.low_midi + np.arange(spectrogram.energy.shape[0]) < BASS_MIDI


def key_profile(
    spectrogram: frontend.PitchSpectrogram, *, bass_weight: float = 1.0, final_weight: float = 1.0
) -> FloatArray:
    """The pitch-class profile a key is read from: mean per-frame chroma, plus the bass line's chroma
    and, when the audio ends in a decay, the final chord's (most pieces end on the tonic), each
    scaled to the same peak and weighed."""
    if spectrogram.energy.size == 0:
        return np.zeros(12)
    loudness, sounding = _sounding(spectrogram)
    if not sounding.any():
        return np.zeros(12)
    every_row = np.ones(spectrogram.energy.shape[0], dtype=bool)
    profile = _chroma(spectrogram, every_row, sounding)
    if bass_weight:
        profile = profile + bass_weight * _chroma(spectrogram, _bass_rows(spectrogram), sounding)
    if final_weight and _ends_in_a_decay(loudness, sounding):
        last = int(np.flatnonzero(sounding)[-1])
        first = max(0, last + 1 - max(1, round(FINAL_S / spectrogram.frame_s)))
        final = np.zeros_like(sounding)
        final[first : last + 1] = sounding[first : last + 1]
        profile = profile + final_weight * _chroma(spectrogram, every_row, final)
    return profile


def bass_tonic_profile(spectrogram: frontend.PitchSpectrogram) -> FloatArray:
    """How much each pitch class sounds in the bass register (peak 1): the tonic evidence of a modal
    vamp, whose chords outline the relative key while the bass and kick sit on the tonic."""
    if spectrogram.energy.size == 0:
        return np.zeros(12)
    _, sounding = _sounding(spectrogram)
    if not sounding.any():
        return np.zeros(12)
    return _chroma(spectrogram, _bass_rows(spectrogram), sounding)


TONIC_BASS_WEIGHT = 0.2
"""Added to a key's profile correlation per unit of its tonic's bass presence. Mixing the bass into
the profile itself lost FluidSynth pieces (dorian and aeolian vamps pulled to a fifth); voting for
the tonic only does not move the collection, and lifts bench/generate.py adherence from 22/24 to
24/24 (D dorian deep house had read F major, E phrygian psytrance A minor). 0.1-0.3 all give 24/24;
0.5 pulls an F major waltz to C."""


KEY_PROFILES: dict[Literal["major", "minor"], tuple[tuple[float, ...], ...]] = {
    "major": (ALBRECHT_MAJOR,),
    "minor": (ALBRECHT_MINOR,),
}
"""Albrecht-Shanahan alone: of Krumhansl, Temperley, their pairs and all three (bench/key_eval.py),
it finds the most keys in clips without a cadence and, with the final chord, every whole piece."""


@cache
def _key_templates() -> tuple[FloatArray, list[tuple[int, Literal["major", "minor"]]]]:
    """Every rotation of every profile, z-scored, so one matrix product gives all Pearson r."""
    rows, labels = [], []
    for mode, profiles in KEY_PROFILES.items():
        for tonic in range(12):
            for profile in profiles:
                rotated = np.roll(np.array(profile), tonic)
                rows.append((rotated - rotated.mean()) / rotated.std())
            labels.append((tonic, mode))
    return np.array(rows), labels


def estimate_key(mono: AudioBuffer) -> KeyEstimate:
    """Key and mode by correlating the harmonic pitch-class profile (drums masked out, the final chord
    weighed in when the audio ends: `key_profile`) with the rotated Albrecht-Shanahan profiles, plus
    a vote for each key's tonic from the bass register (`TONIC_BASS_WEIGHT`).

    numpy/scipy only (frontend.pitch_spectrogram): librosa's HPSS + chroma_cqt cost ~0.7 s per 30 s
    plus numba start-up; this costs a few hundredths. On 29 FluidSynth recordings (bench/key_eval.py)
    it finds 29 keys where a Krumhansl-Schmuckler chroma_cqt baseline finds 27 and the HPSS estimator
    it replaces 28; on their first 12 s (no cadence) 22 against 21 and 20. A bass-weighted chroma
    was measured too and lost pieces (dorian and aeolian vamps pulled to a fifth): bass weight 0."""
    with blas.one_thread():
        spectrogram = frontend.pitch_spectrogram(mono, ANALYSIS_RATE)
    profile = key_profile(spectrogram, bass_weight=0.0, final_weight=0.5)
    if float(profile.max(initial=0.0)) <= 1e-6 or float(np.std(profile)) < 1e-6:
        return KeyEstimate(None, None, 0.0)
    templates, labels = _key_templates()
    z = (profile - profile.mean()) / profile.std()
    correlations = (templates @ z / 12.0).reshape(len(labels), -1).mean(axis=1)
    bass = bass_tonic_profile(spectrogram)
    voted = correlations + TONIC_BASS_WEIGHT * bass[[tonic for tonic, _ in labels]]
    chosen = int(np.argmax(voted))
    tonic, mode = labels[chosen]
    # Confidence from the profile fit alone (the vote picks a key, it does not add certainty): the
    # chosen key's fit times its margin over the best rival (often the relative key); when the vote
    # overrode the profile's favourite, the margin is 0 and the estimate is a low-confidence one.
    fit = float(correlations[chosen])
    rival = float(np.max(np.delete(correlations, chosen)))
    margin = max(0.0, fit - rival)
    confidence = max(0.0, min(1.0, fit)) * min(1.0, margin * 5 + 0.3)
    return KeyEstimate(PITCH_CLASSES[tonic], mode, round(confidence, 3))


MIN_PULSE_CLARITY = 0.3
"""Below this the onset envelope has no steady beat (a drone, a pad, speech): no metre is claimed."""


def estimate_time_signature(mono: AudioBuffer, tempo: TempoEstimate) -> str | None:
    """'3/4' or '4/4' from the accent pattern on the beats (per-band onset strength per beat);
    None when there is no clear pulse or the accents do not repeat in threes or fours."""
    beat_times_s = tempo.beat_times_s
    if len(beat_times_s) < 12 or tempo.confidence < MIN_PULSE_CLARITY:
        return None
    librosa = librosa_module()
    mel_db = librosa.power_to_db(
        librosa.feature.melspectrogram(y=mono, sr=ANALYSIS_RATE, hop_length=HOP, n_mels=64, fmax=8000)
    )
    frames = librosa.time_to_frames(np.array(beat_times_s), sr=ANALYSIS_RATE, hop_length=HOP)
    # Kick/bass (lowest mel bands), snare/chords (middle), and everything: a waltz accents its
    # downbeat in the bass, a backbeat accents 2 and 4 in the snare band.
    scores: dict[int, float] = dict.fromkeys((2, 3, 4), 0.0)
    for band in (slice(0, 12), slice(12, 40), slice(0, 64)):
        strength = librosa.onset.onset_strength(S=mel_db[band], sr=ANALYSIS_RATE, hop_length=HOP)
        usable = frames[frames < strength.size]
        accents = np.array([float(strength[max(0, f - 2) : f + 3].max()) for f in usable])
        if accents.size < 12 or float(np.std(accents)) < 1e-9:
            continue
        centred = accents - accents.mean()
        for period, best in list(scores.items()):
            folded = [centred[offset::period].mean() for offset in range(period)]
            scores[period] = max(best, float(np.std(folded) / np.std(centred)))
    two, three, four = scores[2], scores[3], scores[4]
    if three >= 0.25 and three > four * 1.15:
        return "3/4"
    # Accents repeating in twos or fours (backbeat, strong-weak) are duple: call it 4/4.
    if max(two, four) >= 0.2 and four >= three:
        return "4/4"
    return None


def onset_density_per_s(mono: AudioBuffer) -> float:
    librosa = librosa_module()
    onsets = librosa.onset.onset_detect(y=mono, sr=ANALYSIS_RATE, hop_length=HOP, units="time")
    return round(len(onsets) / (mono.size / ANALYSIS_RATE), 3)


@dataclass(frozen=True)
class MixMusic:
    """What QA's advisory checks hear in a mix: its pulse, its key and its spectral balance."""

    tempo: TempoEstimate
    key: KeyEstimate
    balance_db: dict[str, float]


def analyse_music(audio: AudioBuffer, sample_rate: int) -> MixMusic:
    """Tempo, key (on the 22.05 kHz mid signal) and spectral balance of one mix: the mix-only part
    of QA, which the stage runs on a second thread beside the stems' decode and the level checks
    (numpy, scipy and BLAS release the GIL for nearly all of it)."""
    mono = analysis_mono(audio, sample_rate)
    return MixMusic(estimate_tempo(mono), estimate_key(mono), spectral_balance_db(audio, sample_rate))


def extract_features(decoded: DecodedAudio) -> ReferenceFeatures:
    """Every feature of a decoded file; loudness at the file's own rate, rhythm and pitch at 22.05 kHz."""
    audio, rate = decoded.audio, decoded.sample_rate
    mono = analysis_mono(audio, rate)
    tempo = estimate_tempo(mono)
    key = estimate_key(mono)
    stereo = audio if audio.shape[0] <= 2 else np.stack([audio[0::2].mean(axis=0), audio[1::2].mean(axis=0)])
    return ReferenceFeatures(
        duration_s=round(decoded.duration_s, 3),
        sample_rate=rate,
        channels=audio.shape[0],
        source_format=decoded.source_format,
        bpm=tempo.bpm,
        bpm_confidence=tempo.confidence,
        beat_times_s=tempo.beat_times_s,
        time_signature=estimate_time_signature(mono, tempo),
        key=key.key,
        mode=key.mode,
        key_confidence=key.confidence,
        integrated_lufs=round(levels.integrated_lufs(audio, rate), 2),
        loudness_range_lu=round(levels.loudness_range_lu(audio, rate), 2),
        true_peak_dbtp=round(levels.true_peak_dbtp(audio), 2),
        crest_factor_db=round(levels.crest_factor_db(audio), 2),
        spectral_balance_db={band: round(v, 2) for band, v in spectral_balance_db(audio, rate).items()},
        stereo_width=round(min(levels.stereo_width(stereo), 10.0), 3),
        phase_correlation=round(levels.phase_correlation(stereo), 3),
        onset_density_per_s=onset_density_per_s(mono),
    )
