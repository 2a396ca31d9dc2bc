"""Where a stem's hits fall relative to another's, beat by beat, measured independently of
`amp.providers.conform` (which aligns librosa's mel onset strength): a plain spectral flux from a
46 ms Hann window every 1.45 ms, cross-correlated within each beat. Tests and bench/conform.py use
it to check that conformed stems sit on the guide's grid."""

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from amp.audio_io import SAMPLE_RATE

if TYPE_CHECKING:
    from tests.support.fake_stability import Answer

HOP = 64
ATTACK_WINDOW = 2048
"""The attack envelope's spectra are taken over 46 ms (Hann), which resolves a bass note's partials:
with 23 ms windows neighbouring partials beat at the fundamental and a 57 Hz bass read as a string of
attacks 17 ms apart (one period), which the per-beat correlation then locked onto."""


def attack_envelope(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Spectral flux every HOP samples: the summed rise of log magnitude over the spectrum, from a
    46 ms Hann window, with magnitudes floored 40 dB under the loudest so a noise floor does not
    count. Peaks where notes and hits start."""
    from scipy import signal

    mono = np.asarray(audio, dtype=np.float64).mean(axis=0)
    _, _, spectrum = signal.stft(
        mono, nperseg=ATTACK_WINDOW, noverlap=ATTACK_WINDOW - HOP, boundary=None, padded=False
    )
    magnitude = np.abs(spectrum)
    level = np.log(magnitude + 1e-2 * float(magnitude.max(initial=0.0)) + 1e-12)
    flux = np.maximum(0.0, np.diff(level, axis=1, prepend=level[:, :1])).sum(axis=0)
    # Frame i covers samples [i HOP, i HOP + ATTACK_WINDOW): shift by half a window so frame i is
    # centred on sample i HOP, as the beat windows assume.
    return np.concatenate([np.zeros(ATTACK_WINDOW // (2 * HOP)), flux])


def beat_offsets_ms(
    reference: npt.NDArray[np.float32],
    other: npt.NDArray[np.float32],
    bpm: float,
    *,
    search_ms: float = 40.0,
    min_attack: float = 0.3,
) -> list[tuple[float, float]]:
    """(beat time s, ms) for every beat of the song where `reference` has an attack: how late the
    attacks of `other` sit behind the reference's within that beat. Each beat's window starts an
    eighth of a beat before it and is one beat long; the lag is the peak of the cross-correlation of
    the two attack envelopes (1.45 ms frames, refined by a parabola) within +-search_ms. Beats where
    the reference has no attack (no flux peak over `min_attack` x the song's 99th percentile, e.g. a
    held pad note) are left out."""
    a, b = attack_envelope(reference), attack_envelope(other)
    floor = min_attack * float(np.percentile(a, 99)) if a.size else 0.0
    beat = 60.0 / bpm * SAMPLE_RATE / HOP
    search = int(search_ms / 1000.0 * SAMPLE_RATE / HOP)
    out: list[tuple[float, float]] = []
    for k in range(int(min(a.size, b.size) / beat) + 1):
        start = round(k * beat - beat / 8)
        end = round((k + 1) * beat - beat / 8)
        if start - search < 0 or end + search > min(a.size, b.size):
            continue
        if float(a[start:end].max(initial=0.0)) <= floor:
            continue
        piece = a[start:end] - a[start:end].mean()
        region = b[start - search : end + search]
        sums = np.concatenate([[0.0], np.cumsum(region)])
        squares = np.concatenate([[0.0], np.cumsum(region**2)])
        size = piece.size
        local = squares[size:] - squares[:-size] - (sums[size:] - sums[:-size]) ** 2 / size
        full = np.correlate(region, piece, mode="valid") / np.sqrt(np.maximum(local, 1e-12))
        peak = int(np.argmax(full))
        offset = 0.0
        if 0 < peak < full.size - 1:
            left, centre, right = full[peak - 1], full[peak], full[peak + 1]
            curvature = left - 2 * centre + right
            if curvature < 0:
                offset = 0.5 * (left - right) / curvature
        lag_ms = (peak + offset - search) * HOP / SAMPLE_RATE * 1000.0
        out.append((k * beat * HOP / SAMPLE_RATE, lag_ms))
    return out


def time_map_errors_ms(
    answer: "Answer", *, tempo_ratio: float, shift_s: float, bpm: float, duration_s: float
) -> list[tuple[float, float]]:
    """(beat time s, ms) for every beat of a conformed clip: how far the time map conforming applied
    (its reported tempo_ratio and shift_s) puts the beat from where the fake model really played it
    (its recorded drift and lead-in). The truth, not a measurement of the audio: it holds for a pad,
    whose per-beat attacks are texture (beat_offsets_ms reads up to ~38 ms on a pad stretched back
    by the exact inverse of the fake's drift), as for a drum kit."""
    ratio = 1.0 / tempo_ratio  # clip seconds per guide second, as conforming measured it
    out = []
    for k in range(int(duration_s * bpm / 60.0) + 1):
        t = k * 60.0 / bpm
        clip_s = (t + shift_s) * ratio
        guide_s = (clip_s - answer.lead_in_frames / SAMPLE_RATE) / (1.0 + answer.drift)
        out.append((t, (guide_s - t) * 1000.0))
    return out


def worst_section_map_errors_ms(
    answers: "list[Answer]", sections: list[dict[str, Any]], bpm: float
) -> list[tuple[dict[str, Any], "Answer", float]]:
    """(section, answer, worst ms) for each conformed section of a stem report against the fake's
    answer it came from (zipped in request order): `time_map_errors_ms` over every beat of it, the
    figure the guided and long-song tests bound by the 10 ms grid tolerance."""
    assert len(sections) == len(answers), (len(sections), len(answers))
    out = []
    for answer, section in zip(answers, sections, strict=True):
        corrections = section["corrections"]
        errors = time_map_errors_ms(
            answer,
            tempo_ratio=corrections["tempo_ratio"],
            shift_s=corrections["shift_s"],
            bpm=bpm,
            duration_s=section["end_s"] - section["start_s"],
        )
        out.append((section, answer, max(abs(error) for _, error in errors)))
    return out
