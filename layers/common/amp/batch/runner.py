"""Starts one job per valid manifest line through the shared JobService, chunk by chunk.

Idempotent: each line's job id is derived from (manifest, revision, line), so a redelivered event or a
retried chunk finds the job it already made (Conflict) and reports it instead of starting a second.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from amp.batch.manifest import ManifestLine, ManifestSource, ReportLine
from amp.domain.errors import Conflict, InvalidInput, NotFound
from amp.domain.job import Job, JobStatus, MasterPreset
from amp.observability import logger
from amp.services.edits import EditRefused
from amp.services.jobs import JobService


@dataclass(frozen=True)
class ChunkResult:
    report: list[ReportLine]
    """One entry per line handled in this chunk, in file order."""
    next_index: int | None
    """Index into the parsed lines where the next chunk starts; None when the manifest is done."""


def start_jobs(
    lines: Sequence[ManifestLine],
    source: ManifestSource,
    *,
    owner: str,
    service: JobService,
    default_preset: MasterPreset,
    start_index: int = 0,
    has_time: Callable[[], bool] = lambda: True,
    max_lines: int | None = None,
) -> ChunkResult:
    """Handle lines from start_index until done, out of time (has_time() False) or max_lines handled.
    At least one line is handled per call, so a chain of chunks always makes progress."""
    report: list[ReportLine] = []
    index = start_index
    while index < len(lines):
        if report and (not has_time() or (max_lines is not None and len(report) >= max_lines)):
            return ChunkResult(report, index)
        report.append(
            start_line(lines[index], source, owner=owner, service=service, default_preset=default_preset)
        )
        index += 1
    return ChunkResult(report, None)


def start_line(
    line: ManifestLine,
    source: ManifestSource,
    *,
    owner: str,
    service: JobService,
    default_preset: MasterPreset,
) -> ReportLine:
    """One line's outcome. Line errors (bad request) are reported; infrastructure errors propagate so
    the whole chunk is retried, which the deterministic ids make safe."""
    if line.request is None:
        return ReportLine(line=line.number, status="invalid", error=line.error)
    job_id = source.job_id(line.number)
    request = line.request
    try:
        preset = {"master_preset": request.master_preset or default_preset}  # the batch's default wins
        job = service.create(owner, request.model_copy(update=preset), job_id=job_id)
    except InvalidInput as error:
        return ReportLine(line=line.number, status="invalid", error=str(error))
    except EditRefused as error:
        return ReportLine(line=line.number, status="invalid", error=f"parent_id: {error}")
    except NotFound:  # only an edit's parent is looked up: another owner's job is not found either
        return ReportLine(line=line.number, status="invalid", error="parent_id: no such job of this owner")
    except Conflict:
        return _already_created(line.number, job_id, service)
    except Exception:
        # The service marks the job FAILED when the launch itself fails; anything else (the store is
        # down) leaves no job and goes up to be retried.
        failed = _existing(job_id, service)
        if failed is None or failed.status is not JobStatus.FAILED:
            raise
        logger.exception("batch line could not be launched", extra={"job_id": job_id, "line": line.number})
        return ReportLine(line=line.number, status="failed", job_id=job_id, error=_reason(failed))
    logger.info("batch line started", extra={"job_id": job.id, "line": line.number})
    return ReportLine(line=line.number, status="started", job_id=job.id)


def _already_created(line_number: int, job_id: str, service: JobService) -> ReportLine:
    """A repeat of a line. A job a crash left QUEUED and never launched is launched now; one whose
    launch failed is reported failed."""
    job = _existing(job_id, service)
    if job is None:  # created and deleted by its owner since: do not resurrect it
        return ReportLine(line=line_number, status="already_started", job_id=job_id)
    if job.status is JobStatus.QUEUED and job.execution_id is None:
        execution_id = service.launcher.start(job)
        service.jobs.set_execution(job.id, execution_id)
        logger.info("batch line launched after an earlier attempt stopped", extra={"job_id": job.id})
        return ReportLine(line=line_number, status="started", job_id=job.id)
    if job.status is JobStatus.FAILED and job.error is not None and job.error.stage == "launch":
        return ReportLine(line=line_number, status="failed", job_id=job.id, error=_reason(job))
    return ReportLine(line=line_number, status="already_started", job_id=job.id)


def _existing(job_id: str, service: JobService) -> Job | None:
    try:
        return service.jobs.get(job_id)
    except NotFound:
        return None


def _reason(job: Job) -> str:
    return job.error.reason if job.error is not None else f"job is {job.status.value}"
