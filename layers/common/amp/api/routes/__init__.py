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


def responses(
    success_code: int,
    success_description: str,
    *error_codes: int,
    empty: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[int, OpenAPIResponse]:
    """OpenAPI answers of a route: the success one (its schema from the return type unless `empty`)
    and the error ones, all with the shared error body."""
    success: OpenAPIResponse = {"description": success_description}
    if empty:
        success["content"] = {}
    if headers:
        success["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
        }
    content: Any = {"application/json": {"model": ErrorResponse}}
    answers: dict[int, OpenAPIResponse] = {success_code: success}
    answers.update({code: {"description": _REASONS[code], "content": content} for code in error_codes})
    return answers
