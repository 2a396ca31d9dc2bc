"""The resolver: routes, validation from the pydantic models, Swagger UI at /docs and the schema at
/openapi.json. Built on first use (settings such as the CORS origin are read then, not at import)."""

import json
import os
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.openapi.models import Server

from amp import __version__
from amp.api.errors import register_error_handlers
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
    app = APIGatewayRestResolver(enable_validation=True, cors=cors)
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
