"""Request and response bodies of the HTTP API. They are the OpenAPI schema (docs/openapi.json) the
web app and scripts code against, so change them additively."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from amp.domain.edit import Edit
from amp.domain.job import JobError, JobOptions, JobRequest, JobStatus
from amp.domain.qa import QAReport
from amp.domain.spec import MusicSpec
from amp.services.jobs import MAX_UPLOAD_BYTES

HEX_ID = r"^[0-9a-f]{32}$"


class CreateJobRequest(JobRequest):
    """POST /jobs. Only `prompt` is required; explicit fields win over what the prompt says."""

    # The docstring above is the schema's description (docs/openapi.json): the fields are JobRequest's,
    # the one request model of the API, batch and CLI; only the reference upload is the API's own.

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"prompt": "warm lo-fi hip hop at 80 bpm with rhodes", "duration_s": 30}]
        },
    )

    reference_upload_id: str | None = Field(
        default=None, pattern=HEX_ID, description="An upload_id from POST /uploads whose file was sent."
    )


class ArtifactResponse(BaseModel):
    kind: str = Field(description="mix, preview, stem, midi, waveform, spectrogram, report, stems_zip, ...")
    role: str | None = None
    content_type: str
    size_bytes: int
    url: str = Field(description="A download URL valid for at most 15 minutes.")


class JobResponse(BaseModel):
    """A job as the web app shows it. `artifacts` is empty until the job has SUCCEEDED."""

    id: str
    prompt: str
    status: JobStatus
    stage: str | None = None
    progress: float
    options: JobOptions
    spec: MusicSpec | None = None
    qa: QAReport | None = None
    error: JobError | None = None
    created_at: datetime
    updated_at: datetime
    reference_key: str | None = None
    artifacts: list[ArtifactResponse] = Field(default_factory=list)
    status_url: str = Field(description="GET this to follow the job.")
    parent_job_id: str | None = Field(default=None, description="The job this one retries.")
    parent_id: str | None = Field(default=None, description="The job this one is an edit of.")
    edit: Edit | None = Field(default=None, description="How this job changes its parent.")
    stem_reports: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per role (whole-mix mode: under `mix`), what a generative provider did: requests, "
        "credits, corrections; in whole-mix mode the tempo and key `measured` in the returned song beside "
        "the `asked` ones.",
    )
    stems_unavailable: str | None = Field(
        default=None,
        description="Why the job has no stems, MIDI or stems.zip (whole-mix mode); null when it has them.",
    )


class EditRequest(RootModel[Edit]):
    """POST /jobs/{id}/edits: one edit, its `kind` saying which; the job it names is the parent."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"kind": "swap", "role": "bass", "instrument": "808"},
                {"kind": "variation", "roles": ["lead"]},
                {"kind": "extend", "bars": 8},
                {"kind": "replace_bars", "start_bar": 17, "end_bar": 24, "text": "a quiet breakdown"},
                {"kind": "remaster", "master_preset": "club"},
            ]
        }
    )


class LineageEntry(BaseModel):
    """One job of an edit family."""

    id: str
    parent_id: str | None = None
    edit: Edit | None = None
    status: JobStatus
    prompt: str
    created_at: datetime
    status_url: str


class LineageResponse(BaseModel):
    """A job's edit family among your jobs: `ancestors` root first (the parent last), `descendants`
    breadth first (edits of this job, then their edits)."""

    job: LineageEntry
    ancestors: list[LineageEntry]
    descendants: list[LineageEntry]


class JobListResponse(BaseModel):
    jobs: list[JobResponse]
    next_cursor: str | None = Field(default=None, description="Pass as ?cursor= for the next (older) page.")


class CreateUploadRequest(BaseModel):
    """POST /uploads: say what you will send so type and size are refused before any byte moves."""

    model_config = ConfigDict(extra="forbid")

    content_type: str = Field(min_length=1, max_length=100, examples=["audio/wav"])
    size_bytes: int = Field(ge=1, le=MAX_UPLOAD_BYTES)
    filename: str | None = Field(default=None, max_length=255)


class UploadResponse(BaseModel):
    """How to send the file: in the cloud a multipart POST of `fields` + the file to `url` (S3);
    locally a PUT of the raw bytes to `url` with the given headers."""

    upload_id: str
    method: Literal["POST", "PUT"]
    url: str
    fields: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    max_bytes: int
    expires_in_s: int


class UploadStoredResponse(BaseModel):
    upload_id: str
    content_type: str
    size_bytes: int


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    backend: str
    version: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, validation_error.")
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx answer has this body."""

    error: ErrorDetail
