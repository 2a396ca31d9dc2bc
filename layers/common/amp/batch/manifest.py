"""Batch manifests: JSONL, one `JobRequest` per line (the API's POST /jobs body minus the reference
upload: a batch has no browser to upload one).

Pure: parsing, the deterministic job id of a line, and the per-line report. The same rules serve the
S3-triggered Lambda (functions/batch) and `amp batch MANIFEST`.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from amp.domain.errors import InvalidInput
from amp.domain.job import JobRequest, validation_message

MANIFEST_PREFIX = "batch/"
MANIFEST_SUFFIX = ".jsonl"
REPORT_SUFFIX = ".report.jsonl"
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
"""Refused before any line is read: a manifest is a list of prompts, not a data lake."""
MAX_MANIFEST_LINES = 10_000
MAX_LINE_BYTES = 16 * 1024
DEFAULT_BATCH_OWNER = "batch"

_STORABLE_KEY = re.compile(r"[A-Za-z0-9._/-]+")

BATCH_NAMESPACE = uuid.UUID("5f1c8a52-3d0e-5b8e-9a57-6d2b1f0c9e41")
"""uuid5 namespace of batch job ids; changing it would make redelivered events start new jobs."""


@dataclass(frozen=True)
class ManifestLine:
    """A non-blank line: its 1-based number in the file and either a request or why it is invalid."""

    number: int
    request: JobRequest | None = None
    error: str | None = None


@dataclass(frozen=True)
class ManifestSource:
    """What identifies one upload of a manifest: a new version of the object is a new batch, the same
    version delivered twice is the same batch (so the same job ids)."""

    location: str
    """`s3://bucket/key` or a local path."""
    revision: str
    """S3 version id, else the ETag; locally the content's sha256."""

    def job_id(self, line_number: int) -> str:
        """Deterministic, so S3's at-least-once delivery finds the job it already started."""
        name = f"{self.location}?revision={self.revision}#line={line_number}"
        return uuid.uuid5(BATCH_NAMESPACE, name).hex


ReportStatus = Literal["started", "already_started", "invalid", "failed"]


class ReportLine(BaseModel):
    """One line of `<manifest>.report.jsonl`: the job a line started, or why it started none."""

    line: int = Field(ge=0, description="1-based line number; 0 for the manifest as a whole.")
    status: ReportStatus
    job_id: str | None = None
    error: str | None = None

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", exclude_none=True), separators=(",", ":"))


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_key(manifest_key: str) -> str:
    return f"{manifest_key}{REPORT_SUFFIX}"


def is_storable_key(key: str) -> bool:
    """The audio store accepts only these characters; a manifest named otherwise cannot be read or
    get a report, so it is refused with a log line instead of failing on every retry."""
    return bool(_STORABLE_KEY.fullmatch(key)) and ".." not in key.split("/")


def is_manifest_key(key: str) -> bool:
    """Only `batch/**.jsonl` that is not itself a report: writing a report must not trigger a batch."""
    return (
        key.startswith(MANIFEST_PREFIX) and key.endswith(MANIFEST_SUFFIX) and not key.endswith(REPORT_SUFFIX)
    )


def owner_for_key(key: str) -> str:
    """`batch/<owner>/name.jsonl` runs as <owner> (its jobs show in that user's list); a manifest
    directly under `batch/` runs as the shared `batch` owner."""
    parts = key.split("/")
    if len(parts) >= 3 and parts[0] + "/" == MANIFEST_PREFIX and parts[1]:
        return parts[1][:128]
    return DEFAULT_BATCH_OWNER


def check_manifest_size(size_bytes: int) -> None:
    if size_bytes > MAX_MANIFEST_BYTES:
        raise InvalidInput(
            f"manifest is {size_bytes} bytes; the limit is {MAX_MANIFEST_BYTES} bytes "
            f"({MAX_MANIFEST_LINES} lines): split it"
        )


def parse_manifest(data: bytes) -> list[ManifestLine]:
    """Every non-blank line, valid or not, in file order. Raises InvalidInput only for what makes the
    whole file unusable (too big, too many lines); a bad line becomes that line's error."""
    check_manifest_size(len(data))
    raw_lines = data.split(b"\n")
    if data.startswith(b"\xef\xbb\xbf"):
        raw_lines[0] = raw_lines[0][3:]  # a BOM from a spreadsheet export is not an error
    numbered = [(index + 1, raw.rstrip(b"\r")) for index, raw in enumerate(raw_lines)]
    numbered = [(number, raw) for number, raw in numbered if raw.strip()]
    if len(numbered) > MAX_MANIFEST_LINES:
        raise InvalidInput(f"manifest has {len(numbered)} lines; the limit is {MAX_MANIFEST_LINES}: split it")
    return [parse_line(number, raw) for number, raw in numbered]


def parse_line(number: int, raw: bytes) -> ManifestLine:
    if len(raw) > MAX_LINE_BYTES:
        return ManifestLine(number, error=f"line is longer than {MAX_LINE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ManifestLine(number, error="line is not UTF-8 text")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return ManifestLine(number, error=f"not JSON: {error.msg} at column {error.colno}")
    if not isinstance(value, dict):
        return ManifestLine(number, error='a line must be a JSON object like {"prompt": "..."}')
    try:
        request = JobRequest.model_validate(value)
    except ValidationError as error:
        return ManifestLine(number, error=validation_message(error))
    try:
        request.cleaned_prompt()
    except InvalidInput:
        return ManifestLine(number, error="prompt: is empty")  # the report's `field: problem` form
    return ManifestLine(number, request=request)


def render_report(lines: list[ReportLine]) -> bytes:
    return "".join(f"{line.to_json()}\n" for line in lines).encode("utf-8")


def read_report(data: bytes) -> list[ReportLine]:
    """A report written by an earlier chunk of the same manifest."""
    return [ReportLine.model_validate_json(raw) for raw in data.splitlines() if raw.strip()]
