"""Helpers for tests/reliability: real jobs in the test's data dir, the real stage handlers to wrap
with faults, a copy of the ASL with shorter task timeouts, and store snapshots to compare."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from amp.domain.job import Job, JobOptions
from amp.domain.keys import job_prefix, work_prefix
from amp.domain.ports import AudioStore
from amp.orchestration.local_pipeline import STATE_MACHINE_ENV, load_definition, stage_handlers
from amp.stages.context import StageContext

Handler = Callable[[Any], Any]
OWNER = "reliability-user"


def context() -> StageContext:
    """The stage context the handlers use (settings point at the test's tmp data dir)."""
    from amp.application import stage_context

    return stage_context()


def create_job(
    prompt: str = "Dark techno at 128 bpm in A minor", *, seed: int = 7, owner: str = OWNER
) -> Job:
    """A QUEUED 5 s job (the shortest allowed) in the job store."""
    job = Job(owner=owner, prompt=prompt, options=JobOptions(duration_s=5.0, seed=seed))
    context().jobs.create(job)
    return job


def real(stage: str) -> Handler:
    """The handler `run_job_locally` would call for a stage, to wrap with a fault."""
    return stage_handlers()[stage]


def qa_that_passes(payload: Any) -> Any:
    """The real QA stage (it measures and stores its report) with its verdict forced to pass.

    These tests are about storage, retries and failure handling; the QA verdict has its own tests,
    and a remaster pass would only make the runs longer."""
    output = dict(real("qa")(payload))
    output.update(passed=True, remaster=False, summary="forced pass (reliability test)")
    return output


def digests(store: AudioStore, prefix: str) -> dict[str, str]:
    """key -> sha256 of every object under prefix."""
    return {key: hashlib.sha256(store.get_bytes(key)).hexdigest() for key in store.list_keys(prefix)}


def job_files(job: Job) -> tuple[list[str], list[str]]:
    """(published keys, work keys) of a job."""
    audio = context().audio
    return audio.list_keys(job_prefix(job.owner, job.id)), audio.list_keys(work_prefix(job.owner, job.id))


def asl_with_timeout(tmp_path: Path, state: str, timeout_s: int) -> Path:
    """A copy of statemachine/pipeline.asl.json with one Task's TimeoutSeconds changed (found at any
    depth, so Map iterations count too); point AMP_STATE_MACHINE_FILE at the returned path."""
    definition = load_definition()
    found = _set_timeout(definition["States"], state, timeout_s)
    if not found:
        raise KeyError(f"no Task state named {state} in the state machine")
    path = tmp_path / "pipeline-short-timeout.asl.json"
    path.write_text(json.dumps(definition, indent=2), encoding="utf-8")
    return path


def _set_timeout(states: dict[str, Any], name: str, timeout_s: int) -> bool:
    found = False
    for state_name, state in states.items():
        if state_name == name and state.get("Type") == "Task":
            state.pop("TimeoutSecondsPath", None)  # the two are exclusive
            state["TimeoutSeconds"] = timeout_s
            found = True
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor is not None:
            found = _set_timeout(processor["States"], name, timeout_s) or found
    return found


__all__ = [
    "OWNER",
    "STATE_MACHINE_ENV",
    "Handler",
    "asl_with_timeout",
    "context",
    "create_job",
    "digests",
    "job_files",
    "qa_that_passes",
    "real",
]
