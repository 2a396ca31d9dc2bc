"""One powertools Router per resource; `amp.api.app` includes them."""

from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from amp.api.models import ErrorResponse

_REASONS = {
    400: "The request cannot be carried out (bad value, unknown upload, ...).",
    401: "No valid identity: send Authorization: Bearer <API key>.",
    404: "Not found, or it belongs to someone else.",
    409: "The job's status does not allow this.",
    413: "The body or file is too large.",
    415: "The file type is not accepted.",
    422: "A field is invalid; details.fields lists them.",
}


def error_responses(*codes: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI entries for the error answers of a route, all with the shared error body."""
    content: Any = {"application/json": {"model": ErrorResponse}}
    return {code: {"description": _REASONS[code], "content": content} for code in codes}
