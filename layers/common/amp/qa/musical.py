"""The advisory checks: they listen to the music rather than the meters (tempo and key of the mix
against the spec, spectral balance within the bounds of the genre and the ensemble) and judge style,
so they report with severity `advisory` and never fail a job. Tempo/key come from
amp.analysis.features (numpy/scipy); the balance bounds live in amp.genres.qa_bounds."""

from amp.analysis.features import MIN_PULSE_CLARITY, KeyEstimate, TempoEstimate
from amp.domain.qa import QACheck, Severity
from amp.domain.spec import (
    MAX_BPM,
    MIN_BPM,
    MINOR_FAMILY,
    MODE_INTERVALS,
    PITCH_CLASSES,
    Mode,
    MusicSpec,
    Role,
)
from amp.genres.qa_bounds import Ensemble, balance_bounds

TEMPO_TOLERANCE = 0.04
"""4%: a tempo estimate on a short mix wobbles by a bpm or two; a wrong tempo is off by far more."""
MIN_TEMPO_JUDGE_S = 12.0
"""A few bars of intro (sparse kicks, a fill) can fool the estimate; 12 s gives 20+ beats at 100 bpm."""
MIN_TEMPO_SUPPORT = 0.75
"""The spec's beat must be at least this fraction as periodic in the onsets as the estimated beat."""
MIN_SUPPORT_FLOOR = 0.1
"""Below this the spec's grid is not in the onsets at all, whatever the estimate's own support."""
MIN_KEY_CONFIDENCE = 0.5
"""Below this the chroma has no clear tonal centre (drums-heavy mixes): the key is not judged."""

RHYTHM_ROLES = frozenset({Role.DRUMS.value, Role.PERCUSSION.value})


def _advisory(*, name: str, value: float | None, threshold: str, passed: bool, message: str) -> QACheck:
    """A check that judges style: its verdict is reported, never a reason to fail the job."""
    return QACheck(
        name=name, value=value, threshold=threshold, passed=passed, message=message,
        severity=Severity.ADVISORY, remasterable=False,
    )  # fmt: skip


def pitch_set(key: str, mode: Mode) -> frozenset[int]:
    tonic = PITCH_CLASSES.index(key)
    return frozenset((tonic + step) % 12 for step in MODE_INTERVALS[mode])


def tempo_check(spec: MusicSpec, estimate: TempoEstimate, roles: set[str], duration_s: float) -> QACheck:
    """Pass when the mix's pulse is the spec's tempo or metrically related to it (half/double time,
    the 2/3 or 3/2 triplet grid), or when the onsets repeat at the spec's beat nearly as strongly as at
    the estimate's; not judged on short mixes, without a rhythm section or a clear pulse."""
    threshold = f"{spec.bpm:g} bpm (or x2, x1/2, x2/3, x3/2) +- {TEMPO_TOLERANCE:.0%}"
    if duration_s < MIN_TEMPO_JUDGE_S:
        return _advisory(
            name="tempo", value=estimate.bpm, threshold=threshold, passed=True,
            message=f"A {duration_s:.0f} s mix is too short to judge its tempo (needs {MIN_TEMPO_JUDGE_S:.0f} s).",
        )  # fmt: skip
    if not roles & RHYTHM_ROLES:
        return _advisory(
            name="tempo", value=estimate.bpm, threshold=threshold, passed=True,
            message="No drums or percussion in the mix: tempo not judged.",
        )  # fmt: skip
    if estimate.bpm is None or estimate.confidence < MIN_PULSE_CLARITY:
        return _advisory(
            name="tempo", value=estimate.bpm, threshold=threshold, passed=True,
            message=f"No clear pulse to measure (clarity {estimate.confidence:.2f}): tempo not judged.",
        )  # fmt: skip
    found = estimate.bpm
    relations = {
        1.0: "",
        2.0: " (felt in double time)",
        0.5: " (felt in half time)",
        # Triplet grooves (trap/drill hats, shuffles) make 3-against-2 the strongest periodicity.
        2 / 3: " (the triplet grid: 2/3 of the beat)",
        1.5: " (the triplet grid: 3/2 of the beat)",
    }
    for factor, note in relations.items():
        if abs(found / (spec.bpm * factor) - 1.0) <= TEMPO_TOLERANCE:
            return _advisory(
                name="tempo", value=found, threshold=threshold, passed=True,
                message=f"The mix plays at {found:.1f} bpm{note}, as the spec asks ({spec.bpm:g} bpm).",
            )  # fmt: skip
    # Triplet-heavy grooves (trap hats, shuffles) can make the estimate lock onto a 2/3 or 3/2 grid.
    # Ask the audio directly: if the spec's beat (or half/double) is nearly as periodic as the
    # estimate's, the spec tempo is in the music.
    grid_bpms = [spec.bpm * factor for factor in relations if MIN_BPM <= spec.bpm * factor <= MAX_BPM]
    support = max(estimate.tempo_support(bpm) for bpm in grid_bpms)
    found_support = estimate.tempo_support(found)
    if support >= max(MIN_SUPPORT_FLOOR, MIN_TEMPO_SUPPORT * found_support):
        return _advisory(
            name="tempo", value=found, threshold=threshold, passed=True,
            message=f"The strongest pulse is {found:.1f} bpm, and the spec's {spec.bpm:g} bpm grid is as strong "
            f"in the onsets ({support:.2f} vs {found_support:.2f}).",
        )  # fmt: skip
    return _advisory(
        name="tempo", value=found, threshold=threshold, passed=False,
        message=f"The mix plays at {found:.1f} bpm but the spec asks for {spec.bpm:g} bpm "
        f"(onset periodicity of its grid {support:.2f} against {found_support:.2f}).",
    )  # fmt: skip


def key_check(spec: MusicSpec, estimate: KeyEstimate) -> QACheck:
    """Pass when the mix's tonal centre is the spec's key (or shares its scale: relative major/minor,
    modes of one scale); not judged when the chroma is ambiguous."""
    threshold = f"{spec.key} {spec.mode.value} (same tonic, scale or a fifth away) if confidence >= {MIN_KEY_CONFIDENCE}"
    if estimate.key is None or estimate.mode is None or estimate.confidence < MIN_KEY_CONFIDENCE:
        return _advisory(
            name="key", value=estimate.confidence, threshold=threshold, passed=True,
            message=f"No clear tonal centre (confidence {estimate.confidence:.2f}): key not judged.",
        )  # fmt: skip
    found_mode = Mode(estimate.mode)
    same_tonic = estimate.key == spec.key and ((found_mode in MINOR_FAMILY) == (spec.mode in MINOR_FAMILY))
    found_set, wanted_set = pitch_set(estimate.key, found_mode), pitch_set(spec.key, spec.mode)
    same_scale = found_set == wanted_set
    # A fifth away shares six of seven notes: key finders lean to the dominant/subdominant when a
    # progression dwells there (MIREX scores it half right). Anything further is a different key.
    fifth_away = len(found_set & wanted_set) == 6 and (
        (PITCH_CLASSES.index(estimate.key) - PITCH_CLASSES.index(spec.key)) % 12 in {5, 7}
    )
    heard = f"{estimate.key} {estimate.mode}"
    wanted = f"{spec.key} {spec.mode.value}"
    if same_tonic or same_scale:
        message, passed = f"The mix sounds in {heard}, matching {wanted}.", True
    elif fifth_away:
        message, passed = f"The mix sounds in {heard}, a fifth from {wanted} (the chroma leans there).", True
    else:
        message, passed = f"The mix sounds in {heard} but the spec asks for {wanted}.", False
    return _advisory(
        name="key", value=estimate.confidence, threshold=threshold, passed=passed, message=message
    )


def spectral_balance_check(
    genre: str, balance_db: dict[str, float], ensemble: Ensemble | None = None
) -> QACheck:
    """Band shares within the bounds for this genre and the ensemble that plays it (the genre's usual
    band when `ensemble` is None). Advisory: a lopsided spectrum is worth a note, never a lost song."""
    bounds = balance_bounds(genre, ensemble)
    outside = bounds.outside(balance_db)
    summary = ", ".join(f"{band} {value:.1f}" for band, value in balance_db.items())
    return _advisory(
        name="spectral_balance",
        value=round(balance_db.get("low", -120.0), 2),
        threshold=f"{bounds.family} bounds: {bounds.describe()}",
        passed=not outside,
        message=f"Band shares ({summary} dB) suit {genre} ({bounds.family})."
        if not outside
        else f"Spectral balance is off for {genre} ({bounds.family}): " + "; ".join(outside) + ".",
    )
