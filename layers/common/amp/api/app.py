"""The resolver: routes, validation from the pydantic models, Swagger UI at /docs and the schema at
/openapi.json. Built on first use (settings such as the CORS origin are read then, not at import)."""

import json
import os
import sys
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.openapi.models import Server

from amp import __version__
from amp.api.errors import MalformedBody, register_error_handlers
from amp.api.routes import files as _files  # noqa: F401  (registers MIME types for local downloads)
from amp.api.routes import health, jobs, uploads

CORS_ORIGIN_ENV = "AMP_CORS_ALLOW_ORIGIN"
"""The SPA's origin in the cloud (CloudFront). Unset: no CORS headers (same-origin locally)."""

OPENAPI_INFO: dict[str, Any] = {
    "title": "AMP API",
    "version": __version__,
    "summary": "Prompt in; mastered mix, stems, MIDI and a QA report out.",
    "description": (
        "Jobs are created with POST /jobs and followed with GET /jobs/{id}. Every error answers "
        '`{"error": {"code", "message", "details"}}`. Rate limiting: API Gateway usage plans/throttling '
        "in the cloud; clients should back off on 429 and 503 using Retry-After, and poll a job no more "
        "often than once a second."
    ),
    "tags": ["jobs", "uploads", "health"],
}


MAX_JSON_DEPTH = 32
"""Our request models nest three levels at most; anything far deeper is not a request for us."""


def _int_or_infinite(digits: str) -> int | float:
    """Python refuses to convert integers longer than sys.get_int_max_str_digits() (a DoS guard) with a
    ValueError; such a number is out of range for every integer field we have, so it becomes an
    infinite float that validation then refuses *naming the field* (422), e.g. a 5,000-digit seed."""
    if len(digits.lstrip("-")) <= sys.get_int_max_str_digits():
        return int(digits)
    return float("-inf") if digits.startswith("-") else float("inf")


def _depth_exceeds(value: object, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iterative: no recursion to exhaust)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def parse_json_body(body: str) -> dict:  # type: ignore[type-arg]  # powertools' deserializer type
    """The resolver's JSON body parser: what `json.loads` raises for hostile but well-formed input
    (RecursionError at ~1,000 levels, ValueError for huge integers) becomes a 4xx, never a 500."""
    try:
        parsed = json.loads(body, parse_int=_int_or_infinite)
    except RecursionError as error:
        raise MalformedBody(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.") from error
    if _depth_exceeds(parsed, MAX_JSON_DEPTH):
        raise MalformedBody(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
    return parsed  # type: ignore[no-any-return]


def build_app() -> APIGatewayRestResolver:
    origin = os.environ.get(CORS_ORIGIN_ENV)
    cors = (
        CORSConfig(
            allow_origin=origin,
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Location"],
            max_age=600,
        )
        if origin
        else None
    )
    app = APIGatewayRestResolver(enable_validation=True, cors=cors, json_body_deserializer=parse_json_body)
    app.include_router(jobs.router)
    app.include_router(uploads.router)
    app.include_router(health.router)
    app.enable_swagger(path="/docs", servers=[Server(url="/")], **OPENAPI_INFO)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_json() -> Response[str]:
        return Response(
            status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_schema_json(app)
        )

    register_error_handlers(app)
    return app


def openapi_schema_json(app: APIGatewayRestResolver) -> str:
    """The schema as served and as exported to docs/openapi.json (stable key order for diffs)."""
    schema = json.loads(app.get_openapi_json_schema(**OPENAPI_INFO))
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


@cache
def get_app() -> APIGatewayRestResolver:
    return build_app()
