"""docs/openapi.json is what the web app and clients code against: it must match the live schema."""

import json
from pathlib import Path

from amp.api.export_openapi import current_schema

DOCS_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
REGENERATE = ".venv/bin/python -m amp.api.export_openapi"


def test_committed_openapi_matches_the_api() -> None:
    assert DOCS_SCHEMA.is_file(), f"docs/openapi.json is missing: run {REGENERATE}"
    assert DOCS_SCHEMA.read_text(encoding="utf-8") == current_schema(), (
        f"docs/openapi.json is stale: run {REGENERATE}"
    )


def test_every_error_answer_documents_the_shared_error_body() -> None:
    schema = json.loads(current_schema())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                if int(code) >= 400:
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorResponse"), (method, path, code)


def test_job_response_has_the_fields_the_web_app_reads() -> None:
    schema = json.loads(current_schema())
    job = schema["components"]["schemas"]["JobResponse"]["properties"]
    assert {
        "id", "prompt", "status", "stage", "progress", "options", "spec", "qa", "error",
        "created_at", "updated_at", "reference_key", "artifacts", "status_url", "parent_job_id",
        "parent_id", "edit", "stem_reports", "stems_unavailable",
    } == set(job)  # fmt: skip
