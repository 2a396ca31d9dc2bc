"""The API's Lambda handler, here in the layer so `amp serve` calls exactly what API Gateway calls.
It checks the function's environment on the first request (amp.application) before routing.

No `log_metrics`: routes emit self-contained metrics (`amp.observability.count`), because locally the shared Metrics
object is also used from job worker threads."""

import json
from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from amp.api.app import get_app
from amp.api.errors import error_body
from amp.application import get_application
from amp.config import MisconfiguredHandler
from amp.observability import logger, tracer
from amp.services.jobs import MAX_UPLOAD_BYTES

MAX_JSON_BODY_BYTES = 1024 * 1024
"""Far above any valid JSON body (prompts are capped at 2000 characters)."""


def body_limit(event: dict[str, Any]) -> int:
    """Raw reference-track uploads (local PUT /uploads/{id}) may be large; everything else is JSON."""
    path = str(event.get("path") or "")
    if event.get("httpMethod") == "PUT" and path.startswith("/uploads/"):
        return MAX_UPLOAD_BYTES
    return MAX_JSON_BODY_BYTES


def _json_answer(status: int, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }


def misconfigured() -> dict[str, Any] | None:
    """500 when the function's environment lacks what the API needs (checked once, on the first
    request): the reason, which names the variable, goes to the log, not to the caller."""
    try:
        get_application("api")
    except MisconfiguredHandler as error:
        logger.error("the API function is misconfigured", extra={"reason": str(error)})
        return _json_answer(500, error_body("misconfigured", "The service is misconfigured; see its logs."))
    return None


def too_large(event: dict[str, Any]) -> dict[str, Any] | None:
    """413 before any parsing or validation when the body exceeds the route's limit."""
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
    limit = body_limit(event)
    if size <= limit:
        return None
    return _json_answer(413, error_body("payload_too_large", f"The body is larger than {limit} bytes."))


JSON_MEDIA_TYPE = "application/json"


def unsupported_media_type(event: dict[str, Any]) -> dict[str, Any] | None:
    """415 for a body that is not JSON, except the raw audio of a local upload PUT (its type is checked
    against the reservation). The resolver would otherwise try its form and multipart parsers, which
    raise bare ValueErrors (a multipart type without a boundary) on bodies no route of ours accepts."""
    if event.get("httpMethod") == "PUT" and body_limit(event) == MAX_UPLOAD_BYTES:
        return None
    headers = event.get("headers") or {}
    names = [name for name in headers if name.lower() == "content-type"]
    media_type = str(headers[names[-1]]).partition(";")[0].strip().lower() if names else ""
    if media_type in ("", JSON_MEDIA_TYPE):
        return None
    if not event.get("body"):  # no body: its declared type describes nothing
        for name in names:
            del headers[name]
        for name in [name for name in event.get("multiValueHeaders") or {} if name.lower() == "content-type"]:
            del event["multiValueHeaders"][name]
        return None
    payload = error_body(
        "unsupported_media_type", "Send the body as JSON with Content-Type: application/json."
    )
    return {
        "statusCode": 415,
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }


def normalise_content_type(event: dict[str, Any]) -> None:
    """Media types are case-insensitive (RFC 9110 8.3.1) but the resolver compares them as written, so
    `APPLICATION/JSON` would be refused as unsupported: lower-case the type/subtype, keep parameters."""
    for name in [name for name in event.get("headers") or {} if name.lower() == "content-type"]:
        value = str(event["headers"][name])
        media_type, separator, parameters = value.partition(";")
        event["headers"][name] = media_type.strip().lower() + separator + parameters
    multi = event.get("multiValueHeaders") or {}
    for name in [name for name in multi if name.lower() == "content-type"]:
        multi[name] = [
            str(v).partition(";")[0].strip().lower() + "".join(str(v).partition(";")[1:]) for v in multi[name]
        ]


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    refused = misconfigured() or too_large(event) or unsupported_media_type(event)
    if refused is not None:
        return refused
    normalise_content_type(event)
    response: dict[str, Any] = get_app().resolve(event, context)
    return response
