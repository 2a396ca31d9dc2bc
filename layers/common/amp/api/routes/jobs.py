"""/jobs: create, list, read, cancel, retry, delete, and the stems zip."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Query

from amp.api.auth import owner_from_event
from amp.api.dependencies import job_service
from amp.api.models import (
    ArtifactResponse,
    CreateJobRequest,
    EditRequest,
    JobListResponse,
    JobResponse,
    LineageEntry,
    LineageResponse,
)
from amp.api.routes import responses
from amp.api.urls import absolute, base_url
from amp.domain.job import EDIT_PROMPT, WHOLE_MIX_STEMS_REASON, Job, JobRequest
from amp.observability import count
from amp.services.jobs import MAX_LIST_LIMIT, JobService

router = Router()  # type: ignore[no-untyped-call]  # powertools leaves __init__ unannotated


def _owner() -> str:
    return owner_from_event(router.current_event.raw_event)


def _accepted(job: Job, service: JobService) -> Response[JobResponse]:
    """202 with the job and a Location to poll: a new job (create) or its successor (retry)."""
    body = job_response(job, service)
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers={"Location": body.status_url},
    )


def job_response(job: Job, service: JobService) -> JobResponse:
    """The Job as the web app reads it: download URLs instead of store keys, and where to poll."""
    event = router.current_event.raw_event
    return JobResponse(
        id=job.id,
        prompt=job.prompt,
        status=job.status,
        stage=job.stage,
        progress=job.progress,
        options=job.options,
        spec=job.spec,
        qa=job.qa,
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
        reference_key=job.reference_key,
        artifacts=[
            ArtifactResponse(
                kind=artifact.kind,
                role=artifact.role,
                content_type=artifact.content_type,
                size_bytes=artifact.size_bytes,
                url=absolute(event, service.download_url(artifact, job)),
            )
            for artifact in job.artifacts
        ],
        status_url=f"{base_url(event)}/jobs/{job.id}",
        parent_job_id=job.parent_job_id,
        parent_id=job.parent_id,
        edit=job.edit,
        stem_reports=job.stem_reports,
        stems_unavailable=WHOLE_MIX_STEMS_REASON if job.options.whole_mix else None,
    )


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Any unique string per intended job (e.g. a UUID); kept 24 h.",
    ),
]


@router.post(
    "/jobs",
    status_code=202,
    summary="Queue a new song",
    description="Returns at once with the QUEUED job; poll `status_url`. A repeat with the same "
    "`Idempotency-Key` returns the first job instead of creating another. With `parent_id` + `edit` "
    "the body is an edit of that job (as `POST /jobs/{id}/edits`): 404 when the parent is not yours.",
    responses=responses(
        202, "Queued.", 400, 401, 404, 409, 422, headers={"Location": "The job's status_url."}
    ),
    tags=["jobs"],
)
def create_job(
    request: CreateJobRequest,
    idempotency_key: IdempotencyKey = None,
) -> Response[JobResponse]:
    service = job_service()
    job = service.create(
        _owner(), request, reference_upload_id=request.reference_upload_id, idempotency_key=idempotency_key
    )
    count("JobCreated")
    return _accepted(job, service)


@router.post(
    "/jobs/<job_id>/edits",
    status_code=202,
    summary="Edit a finished song: a new job, its child",
    description="The body is one edit; `kind` says which: `variation` (new seed, whole song or chosen "
    "`roles`), `swap` (one role with another `instrument` or `seed`), `add` / `remove` a part, `retempo` "
    "(`bpm`), `transpose` (`semitones`), `extend` (`bars`, `before`), `replace_bars` (`start_bar`..`end_bar`, "
    "`seed` or `text`), `remaster` (`master_preset` or `reference_upload_id`). The child reuses the "
    "parent's stems for every role the edit leaves alone and the parent is not changed. 409 when the "
    "job has not SUCCEEDED or the stems it would reuse have expired; 400 naming the field for a role "
    "the song lacks or bars outside it. A repeat with the same `Idempotency-Key` returns the first child.",
    responses=responses(
        202,
        "The child job, queued.",
        400,
        401,
        404,
        409,
        422,
        headers={"Location": "The child's status_url."},
    ),
    tags=["jobs"],
)
def create_edit(
    job_id: str, body: EditRequest, idempotency_key: IdempotencyKey = None
) -> Response[JobResponse]:
    service = job_service()
    parent = service.get_job(_owner(), job_id)  # a malformed or foreign id is 404, as on GET
    request = JobRequest(prompt=EDIT_PROMPT, parent_id=parent.id, edit=body.root)
    job = service.create(_owner(), request, idempotency_key=idempotency_key)
    count("JobEdited")
    return _accepted(job, service)


@router.get(
    "/jobs/<job_id>/lineage",
    summary="A job's edit family: ancestors and descendants",
    responses=responses(200, "The lineage.", 401, 404, 422),
    tags=["jobs"],
)
def get_lineage(job_id: str) -> LineageResponse:
    service = job_service()
    family = service.lineage(_owner(), job_id)
    event = router.current_event.raw_event

    def entry(job: Job) -> LineageEntry:
        return LineageEntry(
            id=job.id,
            parent_id=job.parent_id,
            edit=job.edit,
            status=job.status,
            prompt=job.prompt,
            created_at=job.created_at,
            status_url=f"{base_url(event)}/jobs/{job.id}",
        )

    return LineageResponse(
        job=entry(family.job),
        ancestors=[entry(job) for job in family.ancestors],
        descendants=[entry(job) for job in family.descendants],
    )


@router.get(
    "/jobs",
    summary="Your jobs, newest first",
    responses=responses(200, "A page of jobs.", 400, 401, 422),
    tags=["jobs"],
)
def list_jobs(
    limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT, description="Page size.")] = 20,
    cursor: Annotated[
        str | None, Query(max_length=1024, description="next_cursor of the previous page.")
    ] = None,
) -> JobListResponse:
    service = job_service()
    page = service.list_jobs(_owner(), limit=limit, cursor=cursor)
    return JobListResponse(
        jobs=[job_response(job, service) for job in page.jobs], next_cursor=page.next_cursor
    )


@router.get(
    "/jobs/<job_id>",
    summary="One job: status, stage, progress, spec, QA and downloads",
    responses=responses(200, "The job.", 401, 404, 422),
    tags=["jobs"],
)
def get_job(job_id: str) -> JobResponse:
    service = job_service()
    return job_response(service.get_job(_owner(), job_id), service)


@router.post(
    "/jobs/<job_id>/cancel",
    summary="Stop a queued or running job",
    responses=responses(200, "The cancelled job.", 401, 404, 409, 422),
    tags=["jobs"],
)
def cancel_job(job_id: str) -> JobResponse:
    service = job_service()
    return job_response(service.cancel_job(_owner(), job_id), service)


@router.post(
    "/jobs/<job_id>/retry",
    status_code=202,
    summary="Run a failed or cancelled job again as a new job",
    responses=responses(
        202, "The new job, queued.", 401, 404, 409, 422, headers={"Location": "The new job's status_url."}
    ),
    tags=["jobs"],
)
def retry_job(job_id: str) -> Response[JobResponse]:
    service = job_service()
    job = service.retry_job(_owner(), job_id)
    return _accepted(job, service)


@router.delete(
    "/jobs/<job_id>",
    status_code=204,
    summary="Delete a job and all its files",
    responses=responses(204, "Deleted, with its files.", 401, 404, 422, empty=True),
    tags=["jobs"],
)
def delete_job(job_id: str) -> Response[None]:
    job_service().delete_job(_owner(), job_id)
    return Response(status_code=204)


@router.get(
    "/jobs/<job_id>/stems.zip",
    status_code=302,
    summary="Redirect to a zip of every stem",
    responses=responses(
        302,
        "Found: Location is the zip.",
        401,
        404,
        409,
        422,
        empty=True,
        headers={"Location": "A download URL valid for at most 15 minutes."},
    ),
    tags=["jobs"],
)
def stems_zip(job_id: str) -> Response[None]:
    service = job_service()
    url = absolute(router.current_event.raw_event, service.stems_zip_url(_owner(), job_id))
    return Response(status_code=302, headers={"Location": url, "Cache-Control": "no-store"})
