"""The job record: what a client watches while its song is made."""

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from amp.domain.qa import QAReport
from amp.domain.spec import MAX_DURATION_S, MIN_DURATION_S, MusicSpec, SpecOverrides

MAX_PROMPT_CHARS = 2000
LOCAL_OWNER = "local"
"""The owner of jobs made on this machine without an API key (CLI, `amp serve` on loopback)."""
JOB_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    PARSING = "PARSING"
    ANALYZING = "ANALYZING"
    GENERATING = "GENERATING"
    MIXING = "MIXING"
    MASTERING = "MASTERING"
    CHECKING = "CHECKING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

MasterPreset = Literal["streaming", "club", "broadcast"]
ProviderName = Literal["procedural", "stability"]


class JobOptions(BaseModel):
    """What the caller chose besides the prompt."""

    duration_s: float | None = Field(default=None, ge=MIN_DURATION_S, le=MAX_DURATION_S)
    seed: int | None = Field(default=None, ge=0, lt=2**32)
    master_preset: MasterPreset = "streaming"
    provider: ProviderName = "procedural"
    overrides: SpecOverrides = Field(default_factory=SpecOverrides)


ArtifactKind = Literal[
    "mix", "preview", "stem", "midi", "waveform", "spectrogram", "report", "stems_zip", "reference"
]


class Artifact(BaseModel):
    kind: ArtifactKind
    key: str = Field(description="Key in the AudioStore.")
    role: str | None = None
    content_type: str
    size_bytes: int = 0


class JobError(BaseModel):
    stage: str
    reason: str
    error_type: str = "Error"


class Job(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, pattern=JOB_ID_PATTERN.pattern)
    owner: str = Field(min_length=1, max_length=128)
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    reference_key: str | None = None
    options: JobOptions = Field(default_factory=JobOptions)
    spec: MusicSpec | None = None
    status: JobStatus = JobStatus.QUEUED
    stage: str | None = None
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    artifacts: list[Artifact] = Field(default_factory=list)
    qa: QAReport | None = None
    error: JobError | None = None
    execution_id: str | None = Field(
        default=None, description="Step Functions execution ARN or local run id."
    )
    parent_job_id: str | None = Field(default=None, description="The job this one retries, if any.")
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def artifact(self, kind: ArtifactKind, role: str | None = None) -> Artifact | None:
        return next((a for a in self.artifacts if a.kind == kind and a.role == role), None)
