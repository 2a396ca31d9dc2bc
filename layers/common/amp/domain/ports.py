"""The roles the stages need filled. Adapters (SQLite/filesystem, DynamoDB/S3, ...) implement them."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from amp.domain.job import Artifact, Job, JobError, JobStatus
from amp.domain.qa import QAReport
from amp.domain.spec import MusicSpec


@dataclass(frozen=True)
class JobPage:
    jobs: list[Job]
    next_cursor: str | None


class JobStore(Protocol):
    """Job records, changed only through the named transitions below.

    Every transition is one conditional write: it applies only while the job is in a status it may
    move from, checked in the same statement as the write, so a late stage cannot undo a cancel, a
    failure or a success. A refused transition raises Conflict (and writes nothing); a missing job
    raises NotFound. Each returns the record as written, with updated_at bumped."""

    def create(self, job: Job) -> None:
        """Store a new job; raises Conflict when the id exists."""

    def get(self, job_id: str) -> Job:
        """Raises NotFound."""

    def begin_stage(self, job_id: str, status: JobStatus, stage: str, progress: float) -> Job:
        """Move a running job into a stage. `status` must not be terminal."""

    def set_spec(self, job_id: str, spec: MusicSpec, *, progress: float | None = None) -> Job:
        """Record the (parsed or reference-filled) spec of a running job, optionally with progress."""

    def set_progress(self, job_id: str, progress: float, *, status: JobStatus | None = None) -> Job:
        """Advance a running job within its stage, optionally to another non-terminal status."""

    def set_qa(self, job_id: str, report: QAReport) -> Job:
        """Record the latest QA report of a running job."""

    def set_execution(self, job_id: str, execution_id: str) -> Job:
        """Record which execution runs the job. Allowed in every status: a fast execution may have
        ended the job before its launcher returned the id."""

    def fail(self, job_id: str, error: JobError, *, status: JobStatus = JobStatus.FAILED) -> Job:
        """End a job that has not ended: FAILED, or CANCELLED for a cancel, with the error saying which
        stage stopped and why. A job already terminal keeps its status and error (Conflict)."""

    def succeed(
        self,
        job_id: str,
        artifacts: Sequence[Artifact],
        *,
        stem_reports: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Job:
        """End a running job SUCCEEDED at progress 1.0 with its published artifacts (and what a
        generative provider reported per stem)."""

    def list_by_owner(self, owner: str, *, limit: int = 20, cursor: str | None = None) -> JobPage:
        """Newest first."""

    def list_by_status(self, statuses: frozenset[JobStatus]) -> list[Job]:
        """Every job in one of these statuses (used to recover jobs after a crash)."""

    def delete(self, job_id: str) -> None:
        """Idempotent."""


class AudioStore(Protocol):
    """Audio and other job files. Writes are atomic: a reader sees the whole object or none."""

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def put_stream(self, key: str, chunks: Iterable[bytes], content_type: str) -> int:
        """Write the chunks as one object without holding them all (S3: a multipart upload);
        atomic like put_bytes, nothing is left if `chunks` raises. Returns the object's size."""

    def get_bytes(self, key: str) -> bytes:
        """Raises NotFound."""

    def exists(self, key: str) -> bool: ...

    def size_bytes(self, key: str) -> int:
        """The object's length without reading it; raises NotFound."""

    def copy(self, source_key: str, destination_key: str) -> None: ...

    def list_keys(self, prefix: str) -> list[str]: ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every key under prefix; returns how many."""

    def download_url(self, key: str, *, expires_s: int = 900, filename: str | None = None) -> str:
        """A URL a browser can GET: presigned in the cloud, a local route locally."""


class JobLauncher(Protocol):
    """Starts and stops pipeline executions: Step Functions in the cloud, the in-process runner locally."""

    def start(self, job: Job) -> str:
        """Returns the execution id."""

    def stop(self, job: Job, reason: str) -> None: ...
