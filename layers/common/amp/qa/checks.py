"""The hard checks: broken audio or a broken deliverable. Each returns one `QACheck` of severity
`hard`; `remasterable` marks what another mastering pass (louder/quieter, lower ceiling) can fix,
which is what the ASL's remaster loop acts on. The advisory (style) checks are in `amp.qa.musical`."""

import itertools
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from scipy import fft as scipy_fft

from amp.analysis import levels
from amp.analysis.spectrum import BANDS_HZ
from amp.audio_io import AudioBuffer
from amp.domain.qa import QACheck, Severity, StemCheck
from amp.domain.spec import Role
from amp.mastering.chain import pre_limiter

LOUDNESS_TOLERANCE_LU = 0.5
TRUE_PEAK_CEILING_DBTP = -1.0
MAX_DC_OFFSET = 0.001
"""-60 dBFS: the master's high-pass leaves far less; more means a broken chain."""
MIN_PHASE_CORRELATION = -0.2
"""Clearly negative: folding to mono (phones, club subs) cancels more than it adds. Decorrelated
stereo (reverbs, wide pads) reads about 0 and is fine."""
MAX_SILENCE_GAP_S = 2.0
SILENCE_DBFS = -60.0
SILENCE_WINDOW_S = 0.05
FloatArray = npt.NDArray[np.float64]
STEM_BLOCK_S = 0.05
RESIDUAL_RUN_BLOCKS = 32
"""Blocks `stems_residual_db` transforms at once (32 x 2,205 stereo frames: ~1 MB of spectra)."""
MAX_STEM_RESIDUAL_DB = -15.0
"""How far the mastered mix may stray from the sum of its stems: a club master's clipper leaves about
-22 dB, a streaming master -45 dB; a missing chords stem shows as -8 dB, missing drums as -4 dB."""


def loudness_check(integrated_lufs: float, target_lufs: float) -> QACheck:
    error_lu = integrated_lufs - target_lufs
    passed = abs(error_lu) <= LOUDNESS_TOLERANCE_LU
    if passed:
        message = f"Integrated loudness {integrated_lufs:.1f} LUFS is on the {target_lufs:.1f} LUFS target."
    else:
        direction = "louder" if error_lu > 0 else "quieter"
        message = (
            f"Integrated loudness {integrated_lufs:.1f} LUFS is {abs(error_lu):.1f} LU {direction} "
            f"than the {target_lufs:.1f} LUFS target."
        )
    return QACheck(
        severity=Severity.HARD,
        name="integrated_loudness",
        value=round(integrated_lufs, 2),
        threshold=f"{target_lufs:.1f} +- {LOUDNESS_TOLERANCE_LU} LUFS",
        passed=passed,
        message=message,
        remasterable=True,
    )


def true_peak_check(true_peak_dbtp: float, ceiling_dbtp: float = TRUE_PEAK_CEILING_DBTP) -> QACheck:
    passed = true_peak_dbtp <= ceiling_dbtp
    message = (
        f"True peak {true_peak_dbtp:.2f} dBTP is under the {ceiling_dbtp:.1f} dBTP ceiling."
        if passed
        else f"True peak {true_peak_dbtp:.2f} dBTP exceeds the {ceiling_dbtp:.1f} dBTP ceiling: "
        "lossy encoders and cheap DACs will distort."
    )
    return QACheck(
        severity=Severity.HARD,
        name="true_peak",
        value=round(true_peak_dbtp, 2),
        threshold=f"<= {ceiling_dbtp:.1f} dBTP (4x oversampled)",
        passed=passed,
        message=message,
        remasterable=True,
    )


def clipping_check(audio: AudioBuffer) -> QACheck:
    clipped = levels.count_clipped_samples(audio)
    return QACheck(
        severity=Severity.HARD,
        name="clipping",
        value=float(clipped),
        threshold="0 consecutive full-scale samples",
        passed=clipped == 0,
        message="No clipped samples." if clipped == 0 else f"{clipped} samples sit at full scale (clipped).",
        remasterable=True,
    )


def silence_gaps_s(audio: AudioBuffer, sample_rate: int) -> tuple[list[tuple[float, float]], bool]:
    """Silent stretches (start_s, end_s) strictly inside the track, and whether it is silent throughout.

    Silence touching the start or the end is intro/outro and not listed."""
    window = max(1, round(SILENCE_WINDOW_S * sample_rate))
    mono = np.abs(audio).max(axis=0)
    count = mono.size // window
    if count == 0:
        return [], float(mono.max(initial=0.0)) < levels.db_to_amplitude(SILENCE_DBFS)
    peaks = mono[: count * window].reshape(count, window).max(axis=1)
    silent = peaks < levels.db_to_amplitude(SILENCE_DBFS)
    if bool(silent.all()):
        return [], True
    sounding = np.flatnonzero(~silent)
    first, last = int(sounding[0]), int(sounding[-1])
    gaps: list[tuple[float, float]] = []
    start: int | None = None
    for index in range(first, last + 1):
        if silent[index] and start is None:
            start = index
        elif not silent[index] and start is not None:
            gaps.append((start * SILENCE_WINDOW_S, index * SILENCE_WINDOW_S))
            start = None
    return gaps, False


def silence_check(audio: AudioBuffer, sample_rate: int) -> QACheck:
    gaps, all_silent = silence_gaps_s(audio, sample_rate)
    long_gaps = [(a, b) for a, b in gaps if b - a > MAX_SILENCE_GAP_S]
    longest = max((b - a for a, b in gaps), default=0.0)
    if all_silent:
        message = "The mix is silent throughout."
    elif long_gaps:
        listed = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in long_gaps[:3])
        message = f"{len(long_gaps)} silent gap(s) over {MAX_SILENCE_GAP_S:.0f} s inside the track: {listed}."
    else:
        message = f"No silence longer than {MAX_SILENCE_GAP_S:.0f} s between intro and outro."
    return QACheck(
        severity=Severity.HARD,
        name="silence",
        value=None if all_silent else round(longest, 2),
        threshold=f"no gap > {MAX_SILENCE_GAP_S:.0f} s below {SILENCE_DBFS:.0f} dBFS outside intro/outro",
        passed=not all_silent and not long_gaps,
        message=message,
    )


def dc_offset_check(audio: AudioBuffer) -> QACheck:
    offset = levels.dc_offset(audio)
    passed = offset <= MAX_DC_OFFSET
    return QACheck(
        severity=Severity.HARD,
        name="dc_offset",
        value=round(offset, 6),
        threshold=f"<= {MAX_DC_OFFSET} of full scale",
        passed=passed,
        message=f"DC offset {offset:.5f} is negligible."
        if passed
        else f"DC offset {offset:.4f} of full scale wastes headroom and thumps on edits.",
    )


def phase_check(audio: AudioBuffer) -> QACheck:
    correlation = levels.phase_correlation(audio)
    passed = correlation >= MIN_PHASE_CORRELATION
    return QACheck(
        severity=Severity.HARD,
        name="phase_correlation",
        value=round(correlation, 3),
        threshold=f">= {MIN_PHASE_CORRELATION:.1f} (left/right correlation)",
        passed=passed,
        message=f"Left/right correlation {correlation:.2f}: mono-compatible."
        if passed
        else f"Left/right correlation {correlation:.2f}: parts cancel when played in mono.",
    )


def _band_edges(block: int, sample_rate: int) -> list[int]:
    """rfft bin indices where the balance bands meet (150 Hz, 600 Hz, 4 kHz) for one block."""
    edges_hz = [low for low, _ in BANDS_HZ.values()][1:]
    return [round(hz * block / sample_rate) for hz in edges_hz]


def stems_residual_db(
    mix: AudioBuffer,
    stems: Iterable[AudioBuffer],
    sample_rate: int,
    eq_gains_db: Mapping[str, float] | None = None,
) -> float:
    """How much of the mix its stems do not explain, in dB relative to the mix.

    The stems are post-fader and pre-master. Both signals are cut into 50 ms blocks and each block
    into the four balance bands, and the stem sum gets a least-squares gain per band per block: that
    absorbs the master's gain, limiter riding and reference EQ, and leaves clipper colour or a stem
    that is missing or extra. The bands are taken in the block's spectrum (Parseval: a band's energy,
    and its cross-energy with the mix, are sums over its bins), one FFT per block instead of eight
    IIR band filters over the whole song (3.7 s of CPU for 180 s; this costs ~0.3 s)."""
    stem_list = list(stems)
    frames = min([mix.shape[1], *(stem.shape[1] for stem in stem_list)])
    block = max(1, round(STEM_BLOCK_S * sample_rate))
    if frames < block or not stem_list:
        return 0.0
    # The master's DC high-pass shifts the bass's phase and its reference EQ tilts the bands: replay
    # that linear part of the chain on the stem sum (summed in place: no stacked copy of the stems;
    # a single array, QA's streamed running sum, is used as it is).
    stem_sum = np.asarray(stem_list[0][:, :frames], dtype=np.float32)
    if len(stem_list) > 1:
        stem_sum = stem_sum.copy()
        for stem in stem_list[1:]:
            stem_sum += stem[:, :frames]
    total = pre_limiter(stem_sum, sample_rate, eq_gains_db)
    count = frames // block
    channels = mix.shape[0]
    mix_blocks = np.asarray(mix[:, : count * block], dtype=np.float32).reshape(channels, count, block)
    sum_blocks = np.asarray(total[:, : count * block], dtype=np.float32).reshape(total.shape[0], count, block)
    mix_energy = float(np.sum(np.square(mix_blocks, dtype=np.float64)))
    if mix_energy == 0.0:
        return 0.0
    bounds = [0, *_band_edges(block, sample_rate), block // 2 + 1]
    bands = list(itertools.pairwise(bounds))

    def dot(
        first: npt.NDArray[np.float32], second: npt.NDArray[np.float32], low: int, high: int
    ) -> FloatArray:
        """Per block: sum over channels and bins low..high of first * second, with Parseval's
        weights (each bin above DC stands for two; the Nyquist bin of an even block counts once)."""
        total = 2.0 * np.einsum("cnk,cnk->n", first[:, :, low:high], second[:, :, low:high], dtype=np.float64)
        if low == 0:
            total -= np.einsum("cn,cn->n", first[:, :, 0], second[:, :, 0], dtype=np.float64)
        if high == first.shape[2] and block % 2 == 0:
            total -= np.einsum("cn,cn->n", first[:, :, -1], second[:, :, -1], dtype=np.float64)
        return np.asarray(total, dtype=np.float64)

    # A run of blocks at a time: their spectra stay in cache instead of two whole-song complex
    # arrays in memory. Each band's per-block figures are kept and summed once over the whole song,
    # as the single pass did: a running total per run would round differently.
    unexplained: list[list[FloatArray]] = [[] for _ in bands]
    for start in range(0, count, RESIDUAL_RUN_BLOCKS):
        mix_spectrum = scipy_fft.rfft(mix_blocks[:, start : start + RESIDUAL_RUN_BLOCKS], axis=2)
        sum_spectrum = scipy_fft.rfft(sum_blocks[:, start : start + RESIDUAL_RUN_BLOCKS], axis=2)
        mix_re, mix_im = mix_spectrum.real, mix_spectrum.imag  # float32 in, complex64 out
        sum_re, sum_im = sum_spectrum.real, sum_spectrum.imag
        for band, (low, high) in enumerate(bands):
            cross = dot(mix_re, sum_re, low, high) + dot(mix_im, sum_im, low, high)
            power = dot(sum_re, sum_re, low, high) + dot(sum_im, sum_im, low, high)
            own = dot(mix_re, mix_re, low, high) + dot(mix_im, mix_im, low, high)
            explained = np.divide(cross**2, power, out=np.zeros_like(cross), where=power > 0)
            unexplained[band].append(np.maximum(own - explained, 0.0))
    residual_energy = 0.0
    for runs in unexplained:
        residual_energy += float(np.sum(np.concatenate(runs))) / block
    return float(10 * np.log10(max(residual_energy, 1e-30) / mix_energy))


def stems_sum_check(
    mix: AudioBuffer,
    stems: Iterable[AudioBuffer],
    sample_rate: int,
    eq_gains_db: Mapping[str, float] | None = None,
) -> QACheck:
    stem_list = list(stems)
    residual_db = stems_residual_db(mix, stem_list, sample_rate, eq_gains_db)
    return _stems_sum_result(residual_db, len(stem_list))


def summed_stems_check(
    mix: AudioBuffer,
    stem_sum: AudioBuffer,
    stem_count: int,
    sample_rate: int,
    eq_gains_db: Mapping[str, float] | None = None,
) -> QACheck:
    """`stems_sum_check` on the stems' running sum (QA reads one stem at a time and adds it up)."""
    return _stems_sum_result(stems_residual_db(mix, [stem_sum], sample_rate, eq_gains_db), stem_count)


def _stems_sum_result(residual_db: float, stem_count: int) -> QACheck:
    passed = residual_db <= MAX_STEM_RESIDUAL_DB
    return QACheck(
        severity=Severity.HARD,
        name="stems_sum_to_mix",
        value=round(residual_db, 2),
        threshold=f"residual <= {MAX_STEM_RESIDUAL_DB:.0f} dB of the mix",
        passed=passed,
        message=f"The {stem_count} stems sum to the mix (residual {residual_db:.1f} dB)."
        if passed
        else f"The stems do not add up to the mix (residual {residual_db:.1f} dB).",
    )


def excluded_roles_check(stem_roles: Iterable[str], excluded: Iterable[Role]) -> QACheck:
    present = sorted(set(stem_roles) & {role.value for role in excluded})
    excluded_list = sorted(role.value for role in excluded)
    return QACheck(
        severity=Severity.HARD,
        name="excluded_roles_absent",
        value=float(len(present)),
        threshold="0 stems of an excluded role",
        passed=not present,
        message=f"Excluded roles ({', '.join(excluded_list) or 'none'}) are absent."
        if not present
        else f"Excluded role(s) {', '.join(present)} are in the mix.",
    )


def measure_stem(role: str, audio: AudioBuffer, sha256: str = "") -> StemCheck:
    """What the per-stem checks need of one stem, in two passes over it (a min and a max; the
    clipped-run count only when the peak reaches full scale)."""
    finite = bool(np.isfinite(np.sum(audio, dtype=np.float64)))  # NaN and inf survive a sum
    peak = max(float(audio.max(initial=0.0)), -float(audio.min(initial=0.0))) if finite else 0.0
    clipped = levels.count_clipped_samples(audio) if peak >= 0.999 else 0
    return StemCheck(
        role=role,
        frames=int(audio.shape[-1]),
        peak_dbfs=round(20 * float(np.log10(peak)), 2) if peak > 0 else None,
        clipped_samples=clipped,
        finite=finite,
        sha256=sha256,
    )


def stem_problems(stem: StemCheck, mix_frames: int) -> list[str]:
    """What is broken about one delivered stem: a non-finite sample, silence throughout, clipping, or
    a length other than the mix's."""
    problems: list[str] = []
    if not stem.finite:
        problems.append(f"{stem.role} holds NaN or infinite samples")
    elif stem.peak_dbfs is None or stem.peak_dbfs < SILENCE_DBFS:
        problems.append(f"{stem.role} is silent throughout (below {SILENCE_DBFS:.0f} dBFS)")
    if stem.clipped_samples:
        problems.append(f"{stem.role} clips ({stem.clipped_samples} samples at full scale)")
    if stem.frames != mix_frames:
        problems.append(f"{stem.role} is {stem.frames} frames long, the mix {mix_frames}")
    return problems


def stems_intact_check(
    stems: Mapping[str, AudioBuffer], expected_roles: Iterable[str], mix_frames: int
) -> QACheck:
    """Broken stems: a role that should have a stem has none, or its stem is silent throughout, holds
    NaN/inf samples, clips, or is not as long as the mix. The stems are delivered beside the mix, so
    each of these is a broken deliverable; no mastering pass can fix it."""
    measured = [measure_stem(role, audio) for role, audio in sorted(stems.items())]
    return stems_intact_of(measured, expected_roles, mix_frames)


def stems_intact_of(stems: Sequence[StemCheck], expected_roles: Iterable[str], mix_frames: int) -> QACheck:
    """`stems_intact_check` on stems already measured (`measure_stem`) or carried over."""
    problems: list[str] = []
    missing = sorted(set(expected_roles) - {stem.role for stem in stems})
    if missing:
        problems.append(f"no stem for {', '.join(missing)}")
    for stem in sorted(stems, key=lambda stem: stem.role):
        problems.extend(stem_problems(stem, mix_frames))
    return QACheck(
        severity=Severity.HARD,
        name="stems_intact",
        value=float(len(problems)),
        threshold="every role has a stem: sounding, finite, unclipped, as long as the mix",
        passed=not problems,
        message=f"All {len(stems)} stems are present, sounding, finite and as long as the mix."
        if not problems
        else "Broken stems: " + "; ".join(problems) + ".",
    )
