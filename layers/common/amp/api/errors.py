"""The one place where exceptions become HTTP answers. Every 4xx/5xx body is
`{"error": {"code", "message", "details"}}`; internals (paths, keys, tracebacks) go to the log only."""

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from amp.domain.errors import (
    Conflict,
    InvalidAudio,
    InvalidInput,
    JobCancelled,
    NotFound,
    ProviderThrottled,
    ProviderUnavailable,
)
from amp.domain.job import field_path
from amp.observability import logger
from amp.providers.budget import OverBudget
from amp.services.jobs import IdempotencyKeyReused, StemsUnavailable, UnsupportedUploadType, UploadTooLarge


class Unauthenticated(Exception):
    """No usable identity on the request (no key, bad key, no authorizer claims)."""


class MalformedBody(InvalidInput):
    """A body that is JSON in form but that no route could use: nested deeper than any of our models,
    or otherwise beyond what the parser takes. Answered 400 instead of the parser's RecursionError."""


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(error_body(code, message, details)),
        headers=headers,
    )


def validation_fields(errors: Any) -> list[dict[str, Any]]:
    """Location, message and type of each problem; never the input value (it may be a whole prompt)."""
    fields = []
    for problem in errors or []:
        location = [part if isinstance(part, int) else str(part) for part in problem.get("loc", ())]
        where = location[0] if location and location[0] in ("body", "query", "path", "header") else "body"
        path = location[1:] if location[:1] == [where] else location
        fields.append(
            {
                "field": field_path(path) or where,
                "location": where,
                "message": str(problem.get("msg", "invalid")),
                "type": str(problem.get("type", "value_error")),
            }
        )
    return fields


def _validation(error: Exception) -> Response[str]:
    fields = validation_fields(error.errors() if isinstance(error, RequestValidationError) else [])
    logger.info("request validation failed", extra={"fields": fields})
    return error_response(422, "validation_error", "The request is not valid.", {"fields": fields})


def _unsupported_content_type(error: Exception) -> Response[str]:
    sent = ""
    if isinstance(error, RequestUnsupportedContentType):
        sent = next((str(e.get("msg", "")) for e in error.errors()), "")
    logger.info("unsupported content type", extra={"detail": sent[:200]})
    return error_response(
        415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json."
    )


def _unauthenticated(error: Exception) -> Response[str]:
    message = str(error) or "Authentication required."
    return error_response(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def _not_found(error: Exception) -> Response[str]:
    logger.info("not found", extra={"reason": str(error)})  # may name keys: log only
    return error_response(404, "not_found", "The resource was not found.")


def _over_budget(error: Exception) -> Response[str]:
    """422 naming the estimate and the budget, in words and as numbers."""
    assert isinstance(error, OverBudget)
    details = {
        "field": "provider",
        "estimate_credits": error.estimate_credits,
        "budget_credits": error.budget_credits,
        "requests": error.requests,
    }
    return error_response(422, "over_budget", str(error), details)


def _throttled(error: Exception) -> Response[str]:
    message = "Too many requests; retry later."
    return error_response(429, "throttled", message, headers={"Retry-After": "5"})


def _unavailable(error: Exception) -> Response[str]:
    logger.warning("backing service unavailable", extra={"reason": str(error)})
    return error_response(503, "service_unavailable", "A backing service is unavailable; retry later.")


def _bad_encoding(error: Exception) -> Response[str]:
    return error_response(400, "bad_encoding", "The request body is not valid UTF-8.")


def _service_error(error: Exception) -> Response[str]:
    status = HTTPStatus(error.status_code if isinstance(error, ServiceError) else 500)
    message = str(error.msg) if isinstance(error, ServiceError) else status.phrase
    return error_response(status.value, status.phrase.lower().replace(" ", "_"), message)


def _unexpected(error: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return error_response(500, "internal_error", "Something went wrong on our side.")


def _with_message(status: int, code: str) -> Callable[[Exception], Response[str]]:
    """For our own errors, whose messages are written for the caller."""

    def handle(error: Exception) -> Response[str]:
        return error_response(status, code, str(error))

    return handle


ERROR_HANDLERS: list[tuple[type[Exception], Callable[[Exception], Response[str]]]] = [
    (RequestUnsupportedContentType, _unsupported_content_type),
    (RequestValidationError, _validation),
    (MalformedBody, _with_message(400, "bad_request")),
    (Unauthenticated, _unauthenticated),
    (StemsUnavailable, _with_message(404, "stems_unavailable")),
    (NotFound, _not_found),
    (UploadTooLarge, _with_message(413, "payload_too_large")),
    (UnsupportedUploadType, _with_message(415, "unsupported_media_type")),
    (IdempotencyKeyReused, _with_message(422, "idempotency_key_reused")),
    (OverBudget, _over_budget),
    (InvalidAudio, _with_message(400, "invalid_audio")),
    (InvalidInput, _with_message(400, "invalid_input")),
    (Conflict, _with_message(409, "conflict")),
    (JobCancelled, _with_message(409, "conflict")),
    (ProviderThrottled, _throttled),
    (ProviderUnavailable, _unavailable),
    (UnicodeDecodeError, _bad_encoding),
    (ServiceError, _service_error),
    (Exception, _unexpected),
]
"""Exception -> answer. powertools picks the entry of the exception's nearest class in its MRO."""


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    for exception_class, handle in ERROR_HANDLERS:
        app.exception_handler(exception_class)(handle)

    def no_route(error: Exception) -> Response[str]:
        """405 with Allow when the path exists under other methods, else 404."""
        path = app.current_event.path
        routes = [*app._static_routes, *app._dynamic_routes]
        allowed = sorted({route.method for route in routes if route.rule.match(path)})
        if allowed:
            return error_response(
                405,
                "method_not_allowed",
                "Method not allowed on this path.",
                headers={"Allow": ", ".join(allowed)},
            )
        return error_response(404, "not_found", "No such route.")

    app.not_found(no_route)
