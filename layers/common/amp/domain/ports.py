"""The roles the stages need filled. Adapters (SQLite/filesystem, DynamoDB/S3, ...) implement them."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from amp.domain.job import Job, JobStatus


@dataclass(frozen=True)
class JobPage:
    jobs: list[Job]
    next_cursor: str | None


class JobStore(Protocol):
    """Job records. Writes to a job in a terminal status are refused, so a late stage cannot undo a
    cancel or a failure."""

    def create(self, job: Job) -> None:
        """Store a new job; raises Conflict when the id exists."""

    def get(self, job_id: str) -> Job:
        """Raises NotFound."""

    def update(self, job_id: str, fields: Mapping[str, Any], *, allow_terminal: bool = False) -> Job:
        """Set top-level fields (JSON-ready values) and bump updated_at; returns the new record.
        Raises NotFound, or Conflict when the job is terminal and allow_terminal is False."""

    def list_by_owner(self, owner: str, *, limit: int = 20, cursor: str | None = None) -> JobPage:
        """Newest first."""

    def list_by_status(self, statuses: frozenset[JobStatus]) -> list[Job]:
        """Every job in one of these statuses (used to recover jobs after a crash)."""

    def delete(self, job_id: str) -> None:
        """Idempotent."""


class AudioStore(Protocol):
    """Audio and other job files. Writes are atomic: a reader sees the whole object or none."""

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def get_bytes(self, key: str) -> bytes:
        """Raises NotFound."""

    def exists(self, key: str) -> bool: ...

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
