"""/uploads: a reference track. Cloud: a presigned S3 POST that S3 itself limits by size and type (the
bytes never pass through Lambda). Local: a PUT of the raw bytes to this server, checked before storing."""

import base64
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from amp.api.auth import owner_from_event
from amp.api.dependencies import job_service
from amp.api.models import CreateUploadRequest, UploadResponse, UploadStoredResponse
from amp.api.routes import responses
from amp.api.urls import base_url
from amp.domain.errors import NotFound

router = Router()  # type: ignore[no-untyped-call]  # powertools leaves __init__ unannotated


@router.post(
    "/uploads",
    status_code=201,
    summary="Get where and how to upload a reference track",
    description="Declare content_type and size_bytes; the answer says how to send the file. Then pass "
    "upload_id as reference_upload_id to POST /jobs.",
    responses=responses(201, "How to send the file.", 401, 413, 415, 422),
    tags=["uploads"],
)
def create_upload(request: CreateUploadRequest) -> Response[UploadResponse]:
    service = job_service()
    event = router.current_event.raw_event
    ticket = service.reserve_upload(owner_from_event(event), request.content_type, request.size_bytes)
    expires_in_s = service.settings.presigned_url_expiry_s
    upload_form: Any = getattr(service.audio, "upload_form", None)
    if service.settings.backend == "aws" and upload_form is not None:
        form = upload_form(
            ticket.key, max_bytes=ticket.max_bytes, content_type=ticket.content_type, expires_s=expires_in_s
        )
        body = UploadResponse(
            upload_id=ticket.upload_id,
            method="POST",
            url=form["url"],
            fields=form["fields"],
            max_bytes=ticket.max_bytes,
            expires_in_s=expires_in_s,
        )
    else:
        body = UploadResponse(
            upload_id=ticket.upload_id,
            method="PUT",
            url=f"{base_url(event)}/uploads/{ticket.upload_id}",
            headers={"Content-Type": ticket.content_type},
            max_bytes=ticket.max_bytes,
            expires_in_s=expires_in_s,
        )
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body)


@router.put(
    "/uploads/<upload_id>",
    status_code=201,
    summary="Send the reference track's bytes (local server only)",
    description="The raw file as the body, with the Content-Type declared in POST /uploads. Only a reserved, "
    "unexpired upload_id of the caller takes a body, once, of exactly the declared size; type and magic bytes "
    "are checked before anything is stored.",
    responses=responses(201, "Stored.", 400, 401, 404, 409, 413, 415, 422),
    tags=["uploads"],
)
def put_upload(upload_id: str) -> Response[UploadStoredResponse]:
    service = job_service()
    if service.settings.backend == "aws":
        raise NotFound("direct uploads exist only on the local server; use the presigned POST")
    event = router.current_event
    owner = owner_from_event(event.raw_event)
    raw = event.body or ""
    data = base64.b64decode(raw) if event.is_base64_encoded else raw.encode("utf-8", "surrogateescape")
    content_type = event.headers.get("content-type") or event.headers.get("Content-Type") or ""
    ticket = service.store_upload(owner, upload_id, content_type, data)
    body = UploadStoredResponse(
        upload_id=ticket.upload_id, content_type=ticket.content_type, size_bytes=len(data)
    )
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body)
