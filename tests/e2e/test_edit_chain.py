"""An edit chain through the real state machine with the local runner and the real stages: a 5 s
song, a whole-song variation of it, a bass swap of the variation, then a club remaster of the swap.
Untouched stems are reused, not rendered: their bytes equal the parent's and the provider is never
asked for them; the remaster skips generation altogether. The QA verdict is forced to pass (it has
its own tests and measuring four songs would only make this longer)."""

from pathlib import Path
from typing import Any

import pytest

from amp.application import get_application
from amp.domain.edit import Edit, RemasterEdit, SwapEdit, VariationEdit
from amp.domain.job import LOCAL_OWNER, Job, JobRequest, JobStatus
from amp.domain.spec import MusicSpec, Role
from amp.orchestration.asl import ExecutionStatus
from amp.orchestration.local_pipeline import run_job_locally
from amp.providers.base import RenderedStem
from amp.providers.procedural import ProceduralProvider
from tests.support.fakes import FakeLauncher


def _entered(result: Any) -> list[str]:
    return [state for state, event in result.history if event.endswith("StateEntered")]


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """(spec seed, role) of every stem the provider renders."""
    calls: list[tuple[int, str]] = []
    original = ProceduralProvider.render_stem

    def recording(
        self: ProceduralProvider, spec: MusicSpec, role: Role, *, reference: bytes | None = None
    ) -> RenderedStem:
        calls.append((spec.seed, role.value))
        return original(self, spec, role, reference=reference)

    monkeypatch.setattr(ProceduralProvider, "render_stem", recording)
    return calls


def _qa_passes(payload: Any) -> Any:
    """QualityCheck's output for a passing mix, without measuring it."""
    return {"passed": True, "remaster": False, "next_mastering": payload["mastering"], "summary": "passed"}


def _run(job: Job) -> tuple[Job, list[str]]:
    result = run_job_locally(job.id, handlers={"qa": _qa_passes})
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    final = get_application().stage_context.jobs.get(job.id)
    assert final.status is JobStatus.SUCCEEDED
    return final, _entered(result)


def _sources(job: Job) -> dict[str, bytes]:
    audio = get_application().stage_context.audio
    return {a.role or "": audio.get_bytes(a.key) for a in job.artifacts if a.kind == "source_stem"}


def test_variation_then_swap_then_remaster_reuses_every_untouched_stem(
    tmp_path: Path, rendered: list[tuple[int, str]]
) -> None:
    service = get_application().job_service_with(FakeLauncher())

    def edit(parent: Job, change: Edit) -> tuple[Job, list[str]]:
        child = service.create(
            LOCAL_OWNER, JobRequest(prompt=parent.prompt, parent_id=parent.id, edit=change)
        )
        return _run(child)

    root, _ = _run(
        service.create(
            LOCAL_OWNER, JobRequest(prompt="dark techno at 130 bpm, reese bass", duration_s=5, seed=3)
        )
    )
    assert root.spec is not None
    roles = [role.value for role in root.spec.roles()]
    assert sorted(role for _, role in rendered) == sorted(roles)

    rendered.clear()
    variation, _ = edit(root, VariationEdit(seed=4))
    assert sorted(rendered) == sorted((4, role) for role in roles)
    assert _sources(variation) != _sources(root)

    rendered.clear()
    swap, states = edit(variation, SwapEdit(role=Role.BASS, instrument="808"))
    assert rendered == [(4, "bass")]  # only the swapped role was rendered
    before, after = _sources(variation), _sources(swap)
    assert set(after) == set(before)
    assert all(after[role] == before[role] for role in roles if role != "bass")  # reused byte for byte
    assert after["bass"] != before["bass"]
    assert "GenerateStems" in states

    rendered.clear()
    remaster, states = edit(swap, RemasterEdit(master_preset="club"))
    assert rendered == []
    assert "GenerateStems" not in states and "ReuseParentStems" in states
    assert _sources(remaster) == after
    assert remaster.options.master_preset == "club"
    assert remaster.spec == swap.spec.model_copy(
        update={"notes": [*swap.spec.notes, "edit: remastered (club)"]}
    )  # type: ignore[union-attr]

    family = service.lineage(LOCAL_OWNER, root.id)
    assert [job.id for job in family.descendants] == [variation.id, swap.id, remaster.id]
    assert [job.id for job in service.lineage(LOCAL_OWNER, remaster.id).ancestors] == [
        root.id,
        variation.id,
        swap.id,
    ]
    assert service.jobs.get(root.id).artifacts == root.artifacts  # the parent is untouched
