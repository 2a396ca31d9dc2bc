"""QA of edit jobs through the real state machine and the real stages (5 s songs): per-stem results
are carried over from the parent exactly when the delivered stem file is byte-identical (a remaster
re-mixes the same stems), and measured again when the bus glue changed them (a stem swap changes
the level of every post-fader stem); which job rendered each stem is on the report either way."""

import json
from typing import Any

from amp.application import get_application
from amp.domain.edit import Edit, RemasterEdit, SwapEdit
from amp.domain.job import LOCAL_OWNER, Job, JobRequest, JobStatus
from amp.domain.spec import Role
from amp.orchestration.asl import ExecutionStatus
from amp.orchestration.local_pipeline import run_job_locally
from tests.support.fakes import FakeLauncher


def _run(job: Job) -> Job:
    result = run_job_locally(job.id)
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    final = get_application().stage_context.jobs.get(job.id)
    assert final.status is JobStatus.SUCCEEDED and final.qa is not None
    return final


def _published_report(job: Job) -> dict[str, Any]:
    report = job.artifact("report")
    assert report is not None
    data: dict[str, Any] = json.loads(get_application().stage_context.audio.get_bytes(report.key))
    return data


def test_edit_qa_carries_only_byte_identical_stems_and_always_measures_the_mix() -> None:
    service = get_application().job_service_with(FakeLauncher())

    def edit(parent: Job, change: Edit) -> Job:
        return _run(
            service.create(LOCAL_OWNER, JobRequest(prompt=parent.prompt, parent_id=parent.id, edit=change))
        )

    root = _run(
        service.create(
            LOCAL_OWNER, JobRequest(prompt="dark techno at 130 bpm, reese bass", duration_s=5, seed=3)
        )
    )
    assert root.qa is not None and root.spec is not None
    roles = sorted(role.value for role in root.spec.roles())
    assert [stem.role for stem in root.qa.stems] == roles
    assert all(stem.carried_from is None and stem.rendered_in is None for stem in root.qa.stems)
    assert all(len(stem.sha256) == 64 and stem.peak_dbfs is not None for stem in root.qa.stems)

    # Remaster: the mix re-made from the very same stems writes the same stem files: all carried.
    remaster = edit(root, RemasterEdit(master_preset="broadcast"))
    assert remaster.qa is not None
    by_role = {stem.role: stem for stem in remaster.qa.stems}
    parent_by_role = {stem.role: stem for stem in root.qa.stems}
    assert sorted(by_role) == roles
    for role in roles:
        assert by_role[role].carried_from == root.id
        assert by_role[role].rendered_in == root.id
        assert by_role[role].model_dump(exclude={"carried_from", "rendered_in"}) == parent_by_role[
            role
        ].model_dump(exclude={"carried_from", "rendered_in"})
    assert [stem.role for stem in remaster.qa.carried_stems()] == roles
    # ...while the mix-level checks ran on the broadcast master, not copied from the streaming one.
    assert remaster.qa.target_lufs == -23.0 and root.qa.target_lufs == -14.0
    assert remaster.qa.integrated_lufs != root.qa.integrated_lufs
    assert {check.name for check in remaster.qa.checks} >= {"stems_sum_to_mix", "stems_intact"}
    assert [s["carried_from"] for s in _published_report(remaster)["stems"]] == [root.id] * len(roles)

    # Swap: a new bass changes the bus glue, so every post-fader stem's bytes: nothing carried, but
    # the report says the untouched stems were rendered by the parent.
    swap = edit(root, SwapEdit(role=Role.BASS, instrument="808"))
    assert swap.qa is not None
    assert swap.qa.carried_stems() == []
    rendered_in = {stem.role: stem.rendered_in for stem in swap.qa.stems}
    assert rendered_in == {role: (None if role == "bass" else root.id) for role in roles}
    swap_sha = {stem.role: stem.sha256 for stem in swap.qa.stems}
    assert all(swap_sha[role] != parent_by_role[role].sha256 for role in roles)

    # An edit of the remaster carries from the remaster and keeps naming the root as the renderer.
    again = edit(remaster, RemasterEdit(master_preset="streaming"))
    assert again.qa is not None
    assert {stem.carried_from for stem in again.qa.stems} == {remaster.id}
    assert {stem.rendered_in for stem in again.qa.stems} == {root.id}
