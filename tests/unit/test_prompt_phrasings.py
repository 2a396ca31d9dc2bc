"""The rule parser reads each phrasing of tests/unit/prompt_cases.py as expected."""

from collections.abc import Callable
from typing import Any

import pytest

from amp.domain.spec import MusicSpec
from amp.prompt import parse_prompt
from tests.support.lengths import length_problems
from tests.unit.prompt_cases import CASES, Case


def _check(case: Case, spec: MusicSpec) -> list[str]:
    """Every way the spec differs from the case's expectations, in words."""
    expect = case.expect
    problems: list[str] = []
    names = [instrument.name for instrument in spec.instruments]
    excluded = [role.value for role in spec.excluded_roles]
    for field in ("genre", "key", "mode", "time_signature", "seed"):
        if field in expect and getattr(spec, field) != expect[field]:
            problems.append(f"{field}={getattr(spec, field)!r}, want {expect[field]!r}")
    for field in ("bpm", "energy"):
        if field in expect and getattr(spec, field) != pytest.approx(expect[field], abs=0.01):
            problems.append(f"{field}={getattr(spec, field)!r}, want {expect[field]!r}")
    if "duration_s" in expect:  # the length read, rounded to the nearest whole bars
        problems += length_problems(spec, expect["duration_s"])
    checks: list[tuple[str, Callable[[Any], bool], str]] = [
        ("has", lambda v: v in names, "instrument missing"),
        ("lacks", lambda v: v not in names, "instrument present"),
        ("excluded", lambda v: v in excluded, "role not excluded"),
        ("not_excluded", lambda v: v not in excluded, "role excluded"),
        ("mood", lambda v: v in spec.mood, "mood missing"),
        ("lacks_mood", lambda v: v not in spec.mood, "mood present"),
        ("hints", lambda v: v in spec.structure_hints, "hint missing"),
        ("lacks_hints", lambda v: v not in spec.structure_hints, "hint present"),
    ]
    for key, ok, message in checks:
        problems += [f"{message}: {value!r}" for value in expect.get(key, []) if not ok(value)]
    if "roles" in expect and [role.value for role in spec.roles()] != expect["roles"]:
        problems.append(f"roles={[r.value for r in spec.roles()]}, want {expect['roles']}")
    if "energy_min" in expect and spec.energy < expect["energy_min"]:
        problems.append(f"energy {spec.energy} < {expect['energy_min']}")
    if "energy_max" in expect and spec.energy > expect["energy_max"]:
        problems.append(f"energy {spec.energy} > {expect['energy_max']}")
    if "notes_contain" in expect and not any(expect["notes_contain"] in note for note in spec.notes):
        problems.append(f"no note containing {expect['notes_contain']!r} in {spec.notes}")
    for field, provenance in expect.get("prov", {}).items():
        if spec.provenance.get(field) != provenance:
            problems.append(f"provenance[{field}]={spec.provenance.get(field)!r}, want {provenance!r}")
    return problems


def test_phrasing_table_has_at_least_150_cases() -> None:
    assert len(CASES) >= 150
    assert len({case.prompt for case in CASES}) == len(CASES), "duplicate prompts in the table"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_phrasing_is_read_as_expected(case: Case) -> None:
    spec = parse_prompt(case.prompt, seed_source="0123456789abcdef0123456789abcdef")
    assert _check(case, spec) == [], spec.model_dump_json(exclude={"provenance"})
    assert spec.roles(), "every spec must render at least one role"
