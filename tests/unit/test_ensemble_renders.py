"""The labelled prompt set through the composer and the renderer: the stems a job renders honour the
ensemble (no stem of a role the prompt forbids or the ensemble lacks, every stem plays its instrument).

The parser half (family, metre, instruments) is tests/unit/test_prompt_ensembles.py; this is what the
listener gets: the Map renders one stem per `spec.roles()`, each from the composed part of that role.
"""

import numpy as np
from ensemble_prompts import CASES, EnsembleCase

from amp.compose import Score, compose_song
from amp.domain.job import JobOptions
from amp.domain.spec import MusicSpec, Role
from amp.genres import Family
from amp.prompt import parse_prompt
from amp.providers.procedural import ProceduralProvider

SEED_SOURCE = "0123456789abcdef0123456789abcdef"


def _spec(case: EnsembleCase, duration_s: float = 30.0) -> MusicSpec:
    return parse_prompt(case.prompt, options=JobOptions(duration_s=duration_s), seed_source=SEED_SOURCE)


def _stem_problems(case: EnsembleCase, spec: MusicSpec, score: Score) -> list[str]:
    rendered = set(spec.roles())
    problems = []
    if not rendered:
        problems.append("no stem rendered")
    if outside := rendered - case.roles:
        problems.append(f"stems the ensemble lacks: {sorted(r.value for r in outside)}")
    if forbidden := rendered & case.forbidden:
        problems.append(f"forbidden stems: {sorted(r.value for r in forbidden)}")
    for role in rendered:
        part = score.parts.get(role)
        if part is None or not part.notes:
            problems.append(f"{role.value} stem has no notes")
            continue
        names = tuple(instrument.name for instrument in spec.instruments_for(role))
        if part.instruments != names:
            problems.append(f"{role.value} plays {part.instruments}, the spec names {names}")
    return problems


def test_rendered_stems_honour_at_least_95_percent_of_the_labelled_prompts() -> None:
    failures = {}
    for case in CASES:
        spec = _spec(case)
        problems = _stem_problems(case, spec, compose_song(spec))
        if problems:
            failures[case.prompt] = problems
    honoured = 1 - len(failures) / len(CASES)
    print(f"labelled prompt set, rendered stems: {honoured:.1%} of {len(CASES)} honoured")
    assert honoured >= 0.95, failures


def test_one_prompt_of_each_acoustic_family_renders_audible_stems_of_its_ensemble_only() -> None:
    """Real audio for one case per family: every stem the job renders sounds, and none is outside
    the ensemble (the composer may write a part the spec does not render; the renderer never does)."""
    acoustic = {Family.CLASSICAL, Family.CHORAL, Family.FOLK, Family.BLUES, Family.LATIN, Family.WORLD}
    picked: dict[Family, EnsembleCase] = {}
    for case in CASES:
        if case.family in acoustic and case.family not in picked:
            picked[case.family] = case
    assert set(picked) == acoustic
    provider = ProceduralProvider()
    for case in picked.values():
        spec = _spec(case, duration_s=6.0)
        for role in spec.roles():
            assert role in case.roles and role not in case.forbidden, (case.prompt, role)
            audio = provider.render_stem(spec, role).audio
            rms_db = 20 * np.log10(float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) + 1e-12)
            assert np.isfinite(audio).all() and rms_db > -50.0, (case.prompt, role, rms_db)
        assert Role.DRUMS not in spec.roles() or Role.DRUMS in case.roles
