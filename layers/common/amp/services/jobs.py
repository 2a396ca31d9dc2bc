"""Job use-cases: create, read, cancel, retry, delete, reference uploads and the stems zip.

The API, the CLI and batch all call these (`create` with a `JobRequest`, the one request model), so
the rules (prompt, ownership, idempotency, reference files, what may be cancelled or retried) are
enforced in one place whatever the entrypoint. The instance comes from `amp.application`.
"""

import contextlib
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from amp.config import Settings
from amp.domain.edit import Edit, RemasterEdit
from amp.domain.errors import Conflict, InvalidAudio, InvalidInput, NotFound
from amp.domain.job import (
    JOB_ID_PATTERN,
    WHOLE_MIX_STEMS_REASON,
    Artifact,
    Job,
    JobError,
    JobOptions,
    JobRequest,
    JobStatus,
    validation_message,
)
from amp.domain.keys import (
    job_prefix,
    reference_upload_key,
    stems_zip_cache_key,
    upload_prefix,
    upload_reservation_key,
    work_prefix,
)
from amp.domain.ports import AudioStore, JobLauncher, JobPage, JobStore
from amp.domain.stems_zip import iter_stems_zip, stems_zip_members
from amp.observability import logger
from amp.services.edits import Lineage, child_job, lineage

if TYPE_CHECKING:  # powertools' idempotency package imports boto3 (its DynamoDB layer) on import:
    # only a service built with an idempotency store (the API) loads it, not the CLI or batch
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

EDIT_ADAPTER: TypeAdapter[Edit] = TypeAdapter(Edit)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""A reference track larger than this is refused before any byte is stored."""

UPLOAD_CONTENT_TYPES: dict[str, str] = {
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/vnd.wave": ".wav",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/ogg": ".ogg",
    "audio/aiff": ".aiff",
    "audio/x-aiff": ".aiff",
}
"""Reference track types we accept, with the extension the stored key gets."""

FILE_CONTENT_TYPES: dict[str, str] = {
    ".wav": "audio/wav",
    ".wave": "audio/wav",
    ".flac": "audio/flac",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".aiff": "audio/aiff",
    ".aif": "audio/aiff",
}
"""A local reference file's content type by its extension (`amp generate --reference`)."""

UPLOAD_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
MAX_LIST_LIMIT = 100
IDEMPOTENCY_TTL_S = 24 * 3600
IN_PROGRESS_BUDGET_MS = 25_000
"""How long a create may hold its Idempotency-Key before a retry may take over (under API Gateway's 29 s)."""
DUPLICATE_WAIT_S = 10.0
"""How long a concurrent duplicate waits for the first request to finish before answering 409."""
CANCEL_REASON = "cancelled by the owner"


class IdempotencyKeyReused(InvalidInput):
    """The Idempotency-Key was already used by this owner for a different request."""


class UploadTooLarge(InvalidAudio):
    """The upload exceeds MAX_UPLOAD_BYTES; refused before it is stored."""


class UnsupportedUploadType(InvalidAudio):
    """The declared content type is not one of UPLOAD_CONTENT_TYPES."""


class StemsUnavailable(NotFound):
    """The job has no stems by design (whole-mix mode); unlike other NotFounds its message is for the
    caller (it names no key): the API answers 404 with it."""


class _FixedBudget:
    """Stands in for the Lambda context powertools asks for the in-progress expiry: a crashed create
    frees its key after IN_PROGRESS_BUDGET_MS instead of blocking retries for the whole TTL."""

    def get_remaining_time_in_millis(self) -> int:
        return IN_PROGRESS_BUDGET_MS


@dataclass(frozen=True)
class UploadTicket:
    """A reserved place for a reference track: where it will be stored and what it may be."""

    upload_id: str
    key: str
    content_type: str
    max_bytes: int


def _sniff_matches(extension: str, data: bytes) -> bool:
    """Magic bytes per container, so a renamed text file is refused before it is stored."""
    head = data[:12]
    if extension == ".wav":
        return head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE"
    if extension == ".flac":
        return head[:4] == b"fLaC"
    if extension == ".ogg":
        return head[:4] == b"OggS"
    if extension == ".aiff":
        return head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC")
    if extension == ".mp3":
        return head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    return False


class JobService:
    """The job use-cases over the ports. One instance per process (it holds the idempotency wrapper)."""

    def __init__(
        self,
        *,
        jobs: JobStore,
        audio: AudioStore,
        launcher: JobLauncher,
        settings: Settings,
        idempotency_store: "BasePersistenceLayer | None" = None,
    ) -> None:
        self.jobs = jobs
        self.audio = audio
        self.launcher = launcher
        self.settings = settings
        self._create_once: Callable[..., dict[str, Any]] | None = None
        if idempotency_store is not None:
            from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

            config = IdempotencyConfig(
                event_key_jmespath="[owner, idempotency_key]",
                payload_validation_jmespath="request",
                raise_on_no_idempotency_key=True,
                expires_after_seconds=IDEMPOTENCY_TTL_S,
            )
            config.register_lambda_context(_FixedBudget())  # type: ignore[arg-type]
            self._create_once = idempotent_function(
                data_keyword_argument="claim",
                persistence_store=idempotency_store,
                config=config,
            )(self._create_claimed)

    # -- create ---------------------------------------------------------------------------------

    def create(
        self,
        owner: str,
        request: JobRequest,
        *,
        reference_upload_id: str | None = None,
        idempotency_key: str | None = None,
        job_id: str | None = None,
    ) -> Job:
        """The one way to create a job: check, store QUEUED and launch (the API, batch and the CLI, whose
        synchronous launcher returns when the job has finished). With an idempotency key, a repeat (even
        a concurrent one) returns the first job instead of creating a second. A caller-chosen `job_id`
        (batch: derived from manifest + line) makes a repeat raise Conflict instead."""
        if request.parent_id is not None and request.edit is not None:
            if idempotency_key is None or self._create_once is None:
                return self._create_edit(owner, request.parent_id, request.edit, job_id=job_id)
            edit_claim = {"parent_id": request.parent_id, "edit": request.edit.model_dump(mode="json")}
            return self._create_idempotent(owner, idempotency_key, edit_claim)
        prompt = request.cleaned_prompt()
        options = request.options(self.settings.default_master_preset)
        reference_key = self._reference_key(owner, reference_upload_id) if reference_upload_id else None
        if idempotency_key is None or self._create_once is None:
            return self._create_new(owner, prompt, options, reference_key, job_id=job_id)
        return self._create_idempotent(
            owner,
            idempotency_key,
            {"prompt": prompt, "options": options.model_dump(mode="json"), "reference_key": reference_key},
        )

    def _create_idempotent(self, owner: str, idempotency_key: str, request: dict[str, Any]) -> Job:
        """Run the create once per (owner, key): a repeat (even a concurrent one) gets the first job;
        the same key with another request is refused."""
        assert self._create_once is not None  # the callers checked
        from aws_lambda_powertools.utilities.idempotency.exceptions import (  # loaded with _create_once
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )

        claim = {"owner": owner, "idempotency_key": idempotency_key, "request": request}
        deadline = time.monotonic() + DUPLICATE_WAIT_S
        delay_s = 0.05
        while True:
            try:
                result = self._create_once(claim=claim)
                break
            except IdempotencyValidationError as error:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was already used for a different request"
                ) from error
            except IdempotencyAlreadyInProgressError as error:
                if time.monotonic() >= deadline:
                    raise Conflict("a request with this Idempotency-Key is still being processed") from error
                time.sleep(delay_s)
                delay_s = min(delay_s * 2, 0.5)
        try:
            return self.jobs.get(str(result["job_id"]))
        except NotFound as error:
            raise Conflict("the job created with this Idempotency-Key has been deleted") from error

    def _create_claimed(self, *, claim: dict[str, Any]) -> dict[str, Any]:
        """The part that runs once per (owner, Idempotency-Key); its result is what a repeat receives."""
        request = claim["request"]
        if "edit" in request:
            edit = EDIT_ADAPTER.validate_python(request["edit"])
            return {"job_id": self._create_edit(claim["owner"], request["parent_id"], edit).id}
        job = self._create_new(
            claim["owner"],
            request["prompt"],
            JobOptions.model_validate(request["options"]),
            request["reference_key"],
        )
        return {"job_id": job.id}

    def _create_new(
        self,
        owner: str,
        prompt: str,
        options: JobOptions,
        reference_key: str | None,
        parent_job_id: str | None = None,
        *,
        job_id: str | None = None,
    ) -> Job:
        job = Job(
            owner=owner,
            prompt=prompt,
            options=options,
            reference_key=reference_key,
            parent_job_id=parent_job_id,
        )
        if job_id is not None:  # validated like a generated id (32 hex digits)
            job = Job.model_validate({**job.model_dump(), "id": job_id})
        self._check_provider_limits(job)
        return self._store_and_launch(job)

    def _check_provider_limits(self, job: Job) -> None:
        """Refuse, before anything is stored or started, a Stability job its provider would refuse:
        over the per-job credit budget (OverBudget, naming the estimate and the budget) or a whole
        mix longer than one request (WholeMixTooLong). The spec is the rule parser's, with the job's
        id as seed source: the spec the parse stage makes with the rule parser (with Bedrock or a
        reference track the stage's spec may differ a little; the generate stage checks again)."""
        if job.options.provider != "stability":
            return
        from amp.prompt.parser import parse_prompt
        from amp.providers.budget import check_budget, check_whole_mix_length

        try:
            spec = parse_prompt(job.prompt, options=job.options, seed_source=job.id)
        except ValidationError as error:  # the parse stage would fail the job the same way
            raise InvalidInput(validation_message(error)) from None
        except InvalidInput:
            raise
        except Exception:  # never a 5xx for a check the generate stage makes again
            logger.exception("stability estimate skipped: the prompt did not parse", extra={"job_id": job.id})
            return
        if job.options.whole_mix:
            check_whole_mix_length(spec)
        credits = check_budget(
            spec, job.options.stability_mode or "guided", self.settings.stability_max_credits
        )
        logger.info("stability estimate", extra={"job_id": job.id, "estimate_credits": credits})

    def _create_edit(self, owner: str, parent_id: str, edit: Edit, *, job_id: str | None = None) -> Job:
        """An edit's child job: the parent checked (yours, SUCCEEDED, its reused files there) and the
        child's spec derived before anything is stored (amp.services.edits)."""
        parent = self.get_job(owner, parent_id)
        reference_key = (
            self._reference_key(owner, edit.reference_upload_id)
            if isinstance(edit, RemasterEdit) and edit.reference_upload_id
            else None
        )
        child = child_job(
            parent, edit, child_id=job_id or uuid.uuid4().hex, audio=self.audio, reference_key=reference_key
        )
        logger.info(
            "edit planned",
            extra={"parent_id": parent.id, "kind": edit.kind, "reused": [r.value for r in child.reused]},
        )
        return self._store_and_launch(child.job)

    def _store_and_launch(self, job: Job) -> Job:
        self.jobs.create(job)
        try:
            execution_id = self.launcher.start(job)
        except Exception as error:
            failure = JobError(
                stage="launch", reason=f"could not start the job: {error}", error_type=type(error).__name__
            )
            with contextlib.suppress(Conflict):  # it ended meanwhile; that end says more than this
                self.jobs.fail(job.id, failure)
            raise
        current = self.jobs.get(job.id)
        if current.execution_id != execution_id:
            current = self.jobs.set_execution(job.id, execution_id)
        logger.info("job created", extra={"job_id": job.id})
        return current

    def lineage(self, owner: str, job_id: str) -> Lineage:
        """The job's ancestors and descendants among your jobs (someone else's job is NotFound)."""
        return lineage(self.jobs, self.get_job(owner, job_id))

    def _reference_key(self, owner: str, upload_id: str) -> str:
        """The stored upload under this owner's prefix; another owner's id is simply not found there."""
        if not UPLOAD_ID_PATTERN.match(upload_id):
            raise InvalidInput("reference_upload_id is not a valid upload id")
        keys = [
            key
            for key in self.audio.list_keys(upload_prefix(owner, upload_id))
            if key.rsplit("/", 1)[-1].split(".")[0] == upload_id
        ]
        if not keys:
            raise InvalidInput("reference_upload_id does not name an uploaded file")
        return keys[0]

    # -- read -----------------------------------------------------------------------------------

    def get_job(self, owner: str, job_id: str) -> Job:
        """Someone else's job is NotFound, never Forbidden, so ids do not leak existence."""
        if not JOB_ID_PATTERN.match(job_id):
            raise NotFound("job not found")
        job = self.jobs.get(job_id)
        if job.owner != owner:
            raise NotFound("job not found")
        return job

    def list_jobs(self, owner: str, *, limit: int = 20, cursor: str | None = None) -> JobPage:
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidInput(f"limit must be between 1 and {MAX_LIST_LIMIT}")
        try:
            page = self.jobs.list_by_owner(owner, limit=limit, cursor=cursor)
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidInput("cursor is not valid") from error
        return JobPage(jobs=[job for job in page.jobs if job.owner == owner], next_cursor=page.next_cursor)

    # -- change ---------------------------------------------------------------------------------

    def cancel_job(self, owner: str, job_id: str) -> Job:
        """Mark CANCELLED first (stages stop at their next `begin`), then stop the execution."""
        job = self.get_job(owner, job_id)
        if job.status.terminal:
            raise Conflict(f"job is already {job.status.value}")
        error = JobError(stage=job.stage or "queued", reason=CANCEL_REASON, error_type="JobCancelled")
        cancelled = self.jobs.fail(job.id, error, status=JobStatus.CANCELLED)
        self.launcher.stop(cancelled, CANCEL_REASON)
        return cancelled

    def retry_job(self, owner: str, job_id: str) -> Job:
        """A FAILED or CANCELLED job runs again as a new job with the same request, linked to the old one."""
        job = self.get_job(owner, job_id)
        if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise Conflict(f"only failed or cancelled jobs can be retried; this one is {job.status.value}")
        if job.reference_key and not self.audio.exists(job.reference_key):
            raise Conflict("the reference track of this job has expired; upload it again")
        if job.edit is not None:  # an edit runs again as the same edit of the same parent
            again = Job(
                owner=owner,
                prompt=job.prompt,
                options=job.options,
                reference_key=job.reference_key,
                spec=job.spec,
                parent_job_id=job.id,
                parent_id=job.parent_id,
                edit=job.edit,
            )
            return self._store_and_launch(again)
        return self._create_new(owner, job.prompt, job.options, job.reference_key, parent_job_id=job.id)

    def delete_job(self, owner: str, job_id: str) -> None:
        """Stop it if it runs, remove its published and work files, then the record."""
        job = self.get_job(owner, job_id)
        if not job.status.terminal:
            with contextlib.suppress(Conflict):  # it finished meanwhile; deleting is still wanted
                self.cancel_job(owner, job_id)
        prefixes = (job_prefix(job.owner, job.id), work_prefix(job.owner, job.id))
        for prefix in prefixes:
            self.audio.delete_prefix(prefix)
        self.jobs.delete(job.id)
        for prefix in prefixes:  # a stage that was mid-write when cancelled may have added a file
            self.audio.delete_prefix(prefix)

    # -- files ----------------------------------------------------------------------------------

    def download_url(self, artifact: Artifact, job: Job) -> str:
        name = artifact.key.rsplit("/", 1)[-1]
        filename = f"amp-{job.id[:8]}-{artifact.role}-{name}" if artifact.role else f"amp-{job.id[:8]}-{name}"
        return self.audio.download_url(
            artifact.key, expires_s=self.settings.presigned_url_expiry_s, filename=filename
        )

    def stems_zip_url(self, owner: str, job_id: str) -> str:
        """A URL for the job's stems.zip, built from the published stems and MIDI on its first
        download and cached under the work prefix (the bucket's work-file lifecycle expires it; the
        next download builds the same bytes again). Jobs published when publish still stored a zip
        keep serving that one."""
        job = self.get_job(owner, job_id)
        if job.status is not JobStatus.SUCCEEDED:
            raise Conflict(f"stems are ready when the job has SUCCEEDED; it is {job.status.value}")
        published = job.artifact("stems_zip")
        if published is not None and self.audio.exists(published.key):
            return self.download_url(published, job)
        if job.options.whole_mix:
            raise StemsUnavailable(f"job {job.id} has no stems.zip: {WHOLE_MIX_STEMS_REASON}")
        members = stems_zip_members(job)
        if not any(artifact.kind == "stem" for _, artifact in members):
            raise NotFound("this job has no stems")
        key = stems_zip_cache_key(job.owner, job.id)
        if not self.audio.exists(key):
            # Streamed: one member in memory at a time, the archive uploaded in parts as it is built.
            contents = ((name, self.audio.get_bytes(artifact.key)) for name, artifact in members)
            self.audio.put_stream(key, iter_stems_zip(job.id, contents), "application/zip")
        return self.download_url(Artifact(kind="stems_zip", key=key, content_type="application/zip"), job)

    def reserve_upload(self, owner: str, content_type: str, size_bytes: int) -> UploadTicket:
        """Check type and size before anything is sent, and name the key the upload must land on."""
        extension = self._upload_extension(content_type)
        self.check_upload_size(size_bytes)
        upload_id = uuid.uuid4().hex
        if self.settings.backend != "aws":  # in the cloud the presigned POST's policy binds all this
            reservation = {
                "owner": owner,
                "content_type": content_type,
                "extension": extension,
                "size_bytes": size_bytes,
                "expires_at": time.time() + self.settings.presigned_url_expiry_s,
            }
            self.audio.put_bytes(
                upload_reservation_key(owner, upload_id), json.dumps(reservation).encode(), "application/json"
            )
        return UploadTicket(
            upload_id=upload_id,
            key=reference_upload_key(owner, upload_id, extension),
            content_type=content_type,
            max_bytes=MAX_UPLOAD_BYTES,
        )

    def store_upload(self, owner: str, upload_id: str, content_type: str, data: bytes) -> UploadTicket:
        """The local direct upload. Only an id this owner reserved, not yet expired nor used, takes one
        body of exactly the declared size and type (with matching magic bytes); nothing is written
        otherwise."""
        reservation = self._reservation(owner, upload_id)
        extension = self._upload_extension(content_type)
        if extension != reservation["extension"]:
            raise UnsupportedUploadType(
                f"the upload was reserved for {reservation['content_type']}; send it with that Content-Type"
            )
        key = reference_upload_key(owner, upload_id, extension)
        if self.audio.exists(key):
            raise Conflict("this upload has already been sent; reserve a new one with POST /uploads")
        self.check_upload_size(len(data))
        if not _sniff_matches(extension, data):
            raise InvalidAudio(f"the file is not {content_type} audio")
        if len(data) != reservation["size_bytes"]:
            raise InvalidInput(
                f"the body is {len(data)} bytes but the upload was reserved for {reservation['size_bytes']}"
            )
        self.audio.put_bytes(key, data, content_type)
        return UploadTicket(
            upload_id=upload_id, key=key, content_type=content_type, max_bytes=MAX_UPLOAD_BYTES
        )

    def _reservation(self, owner: str, upload_id: str) -> dict[str, Any]:
        """The reservation POST /uploads made for this owner and id; NotFound when there is none (never
        reserved, reserved by someone else) or it has expired."""
        if not UPLOAD_ID_PATTERN.match(upload_id):
            raise NotFound("upload not found")
        try:
            reservation: dict[str, Any] = json.loads(
                self.audio.get_bytes(upload_reservation_key(owner, upload_id))
            )
        except NotFound:
            raise NotFound(f"upload {upload_id} was never reserved by {owner}") from None
        if reservation.get("owner") != owner:
            raise NotFound(f"upload {upload_id} was reserved by another owner")
        if float(reservation.get("expires_at", 0)) < time.time():
            raise NotFound(f"the reservation of upload {upload_id} has expired")
        return reservation

    @staticmethod
    def _upload_extension(content_type: str) -> str:
        extension = UPLOAD_CONTENT_TYPES.get(content_type.split(";", maxsplit=1)[0].strip().lower())
        if extension is None:
            raise UnsupportedUploadType(
                f"content type {content_type!r} is not accepted; "
                f"use one of {', '.join(sorted(UPLOAD_CONTENT_TYPES))}"
            )
        return extension

    def store_reference_file(self, owner: str, filename: str, data: bytes) -> str:
        """A reference track from a local file (`amp generate --reference`), stored through the same
        type, size and magic-byte checks as an upload; returns the upload id to create the job with."""
        extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        content_type = FILE_CONTENT_TYPES.get(extension)
        if content_type is None:
            raise UnsupportedUploadType(
                f"{filename}: {extension or 'no extension'} is not an accepted reference type; "
                f"use one of {', '.join(sorted(FILE_CONTENT_TYPES))}"
            )
        ticket = self.reserve_upload(owner, content_type, len(data))
        try:
            self.store_upload(owner, ticket.upload_id, content_type, data)
        finally:
            self.audio.delete_prefix(upload_reservation_key(owner, ticket.upload_id))
        return ticket.upload_id

    @staticmethod
    def check_upload_size(size_bytes: int) -> None:
        """Refuse an empty or too large reference before it is read or stored."""
        if size_bytes <= 0:
            raise InvalidAudio("the file is empty")
        if size_bytes > MAX_UPLOAD_BYTES:
            raise UploadTooLarge(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
