"""The JobStore transitions, written once for every adapter.

Each transition names the fields it writes (in their stored, JSON-ready form) and the statuses it is
refused from; the adapter supplies `_write`, one conditional write that applies both atomically
(SQLite: a `WHERE status NOT IN (...)` inside one transaction; DynamoDB: a ConditionExpression).
So no caller knows the storage format, and the terminal-state guard cannot be forgotten."""

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from amp.adapters.job_fields import checked_fields
from amp.domain.errors import InvalidInput
from amp.domain.job import TERMINAL_STATUSES, Artifact, Job, JobError, JobStatus
from amp.domain.qa import QAReport
from amp.domain.spec import MusicSpec

ANY_STATUS: frozenset[JobStatus] = frozenset()
"""`refused_from` for a write allowed whatever the job's status."""

UNSUCCESSFUL_ENDS = frozenset({JobStatus.FAILED, JobStatus.CANCELLED})
"""The statuses `fail` may end a job in."""


class JobTransitions(ABC):
    """Mixed into every JobStore adapter: the named transitions of `amp.domain.ports.JobStore`."""

    @abstractmethod
    def _write(self, job_id: str, changes: Mapping[str, Any], *, refused_from: frozenset[JobStatus]) -> Job:
        """Set these top-level fields (JSON-ready values) and bump updated_at, in one write that
        applies only when the job exists and its status is not in `refused_from`. Returns the new
        record; raises NotFound, Conflict (refused) or InvalidInput (a value the Job model refuses)."""

    def update(self, job_id: str, fields: Mapping[str, Any], *, allow_terminal: bool = False) -> Job:
        """The raw patch the transitions are made of. Not on the JobStore port (product code uses
        the transitions); tests use it to set up states no transition reaches."""
        refused_from = ANY_STATUS if allow_terminal else TERMINAL_STATUSES
        return self._write(job_id, checked_fields(fields), refused_from=refused_from)

    def begin_stage(self, job_id: str, status: JobStatus, stage: str, progress: float) -> Job:
        _require_running(status, "begin_stage")
        return self._write(
            job_id,
            {"status": status.value, "stage": stage, "progress": progress},
            refused_from=TERMINAL_STATUSES,
        )

    def set_spec(self, job_id: str, spec: MusicSpec, *, progress: float | None = None) -> Job:
        changes: dict[str, Any] = {"spec": spec.model_dump(mode="json")}
        if progress is not None:
            changes["progress"] = progress
        return self._write(job_id, changes, refused_from=TERMINAL_STATUSES)

    def set_progress(self, job_id: str, progress: float, *, status: JobStatus | None = None) -> Job:
        changes: dict[str, Any] = {"progress": progress}
        if status is not None:
            _require_running(status, "set_progress")
            changes["status"] = status.value
        return self._write(job_id, changes, refused_from=TERMINAL_STATUSES)

    def set_qa(self, job_id: str, report: QAReport) -> Job:
        return self._write(job_id, {"qa": report.model_dump(mode="json")}, refused_from=TERMINAL_STATUSES)

    def set_execution(self, job_id: str, execution_id: str) -> Job:
        return self._write(job_id, {"execution_id": execution_id}, refused_from=ANY_STATUS)

    def fail(self, job_id: str, error: JobError, *, status: JobStatus = JobStatus.FAILED) -> Job:
        if status not in UNSUCCESSFUL_ENDS:
            raise InvalidInput(f"fail ends a job FAILED or CANCELLED, not {status.value}")
        return self._write(
            job_id,
            {"status": status.value, "error": error.model_dump(mode="json")},
            refused_from=TERMINAL_STATUSES,
        )

    def succeed(
        self,
        job_id: str,
        artifacts: Sequence[Artifact],
        *,
        stem_reports: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Job:
        changes: dict[str, Any] = {
            "artifacts": [artifact.model_dump(mode="json") for artifact in artifacts],
            "status": JobStatus.SUCCEEDED.value,
            "progress": 1.0,
        }
        if stem_reports:
            changes["stem_reports"] = {role: dict(report) for role, report in stem_reports.items()}
        return self._write(job_id, changes, refused_from=TERMINAL_STATUSES)


def _require_running(status: JobStatus, transition: str) -> None:
    if status.terminal:
        raise InvalidInput(f"{transition} cannot move a job to {status.value}; use fail or succeed")
