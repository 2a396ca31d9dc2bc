"""The API Lambda handler fed with API Gateway REST events from tests/events/ (local backend, with a
launcher that records instead of rendering, so these run in milliseconds)."""

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amp.api import dependencies
from amp.domain.job import Artifact, JobRequest, JobStatus
from amp.lambda_context import LocalLambdaContext
from functions.api.app import lambda_handler
from tests.support.fakes import FakeLauncher

EVENTS = Path(__file__).resolve().parents[1] / "events"
COGNITO_SUB = "7d1e4b8a-1c2f-4e5a-9b3c-0a1b2c3d4e5f"


@pytest.fixture
def launcher() -> Iterator[FakeLauncher]:
    """Records starts and stops; the job stays QUEUED (no pipeline runs in handler tests)."""
    recording = FakeLauncher()
    dependencies.use_local_launcher(recording)
    yield recording
    dependencies.use_local_launcher(None)


def load_event(name: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    event = copy.deepcopy(event)
    for key, value in changes.items():
        if key == "body":
            event["body"] = json.dumps(value)
        elif key == "owner":
            event["requestContext"]["authorizer"] = {"claims": {"sub": value}}
        elif key == "headers":
            event["headers"].update(value)
            event["multiValueHeaders"].update({k: [v] for k, v in value.items()})
        else:
            event[key] = value
    return event


def call(event: dict[str, Any]) -> tuple[int, dict[str, list[str]], Any]:
    response = lambda_handler(event, LocalLambdaContext())
    body = response.get("body")
    parsed = json.loads(body) if body else None
    return response["statusCode"], dict(response.get("multiValueHeaders") or {}), parsed


def test_create_job_returns_202_with_the_web_app_job_shape(launcher: FakeLauncher) -> None:
    status, headers, body = call(load_event("api_create_job.json"))
    assert status == 202
    assert set(body) == {
        "id", "prompt", "status", "stage", "progress", "options", "spec", "qa", "error",
        "created_at", "updated_at", "reference_key", "artifacts", "status_url", "parent_job_id",
        "parent_id", "edit", "stem_reports", "stems_unavailable",
    }  # fmt: skip
    assert body["stems_unavailable"] is None and body["stem_reports"] == {}
    assert body["status"] == "QUEUED"
    assert body["options"]["duration_s"] == 6
    assert body["options"]["overrides"]["bpm"] == 100
    assert body["status_url"] == f"https://abc123.execute-api.us-east-1.amazonaws.com/dev/jobs/{body['id']}"
    assert headers["Location"] == [body["status_url"]]
    assert launcher.started == [body["id"]]


def test_same_idempotency_key_returns_the_first_job_and_starts_once(launcher: FakeLauncher) -> None:
    _, _, first = call(load_event("api_create_job.json"))
    status, _, second = call(load_event("api_create_job.json"))
    assert status == 202
    assert second["id"] == first["id"]
    assert launcher.started == [first["id"]]


def test_idempotency_key_is_scoped_by_owner(launcher: FakeLauncher) -> None:
    _, _, alice = call(load_event("api_create_job.json"))
    _, _, bob = call(load_event("api_create_job.json", owner="bob"))
    assert alice["id"] != bob["id"]
    assert len(launcher.started) == 2


def test_idempotency_key_reused_with_another_body_is_refused(launcher: FakeLauncher) -> None:
    call(load_event("api_create_job.json"))
    status, _, body = call(load_event("api_create_job.json", body={"prompt": "something else entirely"}))
    assert status == 422
    assert body["error"]["code"] == "idempotency_key_reused"
    assert len(launcher.started) == 1


def test_validation_errors_list_every_bad_field(launcher: FakeLauncher) -> None:
    status, _, body = call(load_event("api_create_job_invalid.json"))
    assert status == 422
    assert body["error"]["code"] == "validation_error"
    fields = {problem["field"] for problem in body["error"]["details"]["fields"]}
    assert {"prompt", "duration_s", "seed", "overrides.bpm", "surprise"} <= fields
    assert launcher.started == []


def test_whitespace_prompt_and_overlong_prompt_are_refused(launcher: FakeLauncher) -> None:
    status, _, body = call(load_event("api_create_job.json", body={"prompt": " \n\t "}, headers={}))
    assert (status, body["error"]["code"]) == (400, "invalid_input")
    status, _, body = call(load_event("api_create_job.json", body={"prompt": "x" * 2001}))
    assert status == 422
    assert body["error"]["details"]["fields"][0]["field"] == "prompt"
    assert launcher.started == []


def test_malformed_json_is_a_validation_error(launcher: FakeLauncher) -> None:
    event = load_event("api_create_job.json")
    event["body"] = '{"prompt": "unterminated'
    status, _, body = call(event)
    assert status == 422
    assert body["error"]["code"] == "validation_error"


def test_request_without_identity_is_401(launcher: FakeLauncher) -> None:
    status, headers, body = call(load_event("api_no_identity.json"))
    assert status == 401
    assert body == {"error": {"code": "unauthorized", "message": body["error"]["message"], "details": None}}
    assert headers["WWW-Authenticate"] == ["Bearer"]


def test_iam_caller_is_the_owner(launcher: FakeLauncher) -> None:
    service = dependencies.job_service()
    service.create("arn:aws:iam::123456789012:user/bob", JobRequest(prompt="ambient drone"))
    status, _, body = call(load_event("api_get_job_iam.json"))
    assert status == 200
    assert [job["prompt"] for job in body["jobs"]] == ["ambient drone"]


def test_another_owners_job_is_404_for_read_cancel_retry_delete_and_zip(launcher: FakeLauncher) -> None:
    _, _, job = call(load_event("api_create_job.json"))
    path = f"/jobs/{job['id']}"
    for method, suffix in (
        ("GET", ""),
        ("POST", "/cancel"),
        ("POST", "/retry"),
        ("DELETE", ""),
        ("GET", "/stems.zip"),
    ):
        event = load_event("api_get_job.json", path=path + suffix, httpMethod=method, owner="mallory")
        status, _, body = call(event)
        assert status == 404, (method, suffix)
        assert body["error"]["code"] == "not_found"
    status, _, still_there = call(load_event("api_get_job.json", path=path))
    assert status == 200
    assert still_there["status"] == "QUEUED"


def test_list_is_newest_first_and_paginates_with_a_cursor(launcher: FakeLauncher) -> None:
    ids = [
        call(
            load_event(
                "api_create_job.json", body={"prompt": f"song {n}"}, headers={"Idempotency-Key": str(n)}
            )
        )[2]["id"]
        for n in range(3)
    ]
    call(load_event("api_create_job.json", owner="bob", body={"prompt": "bob's song"}))
    status, _, first_page = call(load_event("api_list_jobs.json"))
    assert status == 200
    assert [job["id"] for job in first_page["jobs"]] == [ids[2], ids[1]]
    assert first_page["next_cursor"]
    event = load_event(
        "api_list_jobs.json", queryStringParameters={"limit": "2", "cursor": first_page["next_cursor"]}
    )
    _, _, second_page = call(event)
    assert [job["id"] for job in second_page["jobs"]] == [ids[0]]
    assert second_page["next_cursor"] is None


def test_cancel_then_retry_links_the_new_job(launcher: FakeLauncher) -> None:
    _, _, job = call(load_event("api_create_job.json"))
    status, _, cancelled = call(
        load_event("api_get_job.json", path=f"/jobs/{job['id']}/cancel", httpMethod="POST")
    )
    assert (status, cancelled["status"]) == (200, "CANCELLED")
    assert launcher.stopped == [job["id"]]
    status, _, body = call(
        load_event("api_get_job.json", path=f"/jobs/{job['id']}/cancel", httpMethod="POST")
    )
    assert (status, body["error"]["code"]) == (409, "conflict")
    status, _, retried = call(
        load_event("api_get_job.json", path=f"/jobs/{job['id']}/retry", httpMethod="POST")
    )
    assert status == 202
    assert retried["parent_job_id"] == job["id"]
    assert retried["prompt"] == job["prompt"]
    assert retried["options"] == job["options"]


def test_succeeded_job_lists_artifacts_with_signed_urls_and_delete_removes_files(
    launcher: FakeLauncher,
) -> None:
    service = dependencies.job_service()
    job = service.create(COGNITO_SUB, JobRequest(prompt="techno"))
    key = f"jobs/{COGNITO_SUB}/{job.id}/mix.wav"
    stem_key = f"jobs/{COGNITO_SUB}/{job.id}/stems/drums.wav"
    service.audio.put_bytes(key, b"RIFF....WAVEfmt ", "audio/wav")
    service.audio.put_bytes(stem_key, b"RIFF....WAVEdrum", "audio/wav")
    service.audio.put_bytes(f"work/{COGNITO_SUB}/{job.id}/pass-1/mix.wav", b"partial", "audio/wav")
    artifacts = [
        Artifact(kind="mix", key=key, content_type="audio/wav", size_bytes=16).model_dump(mode="json"),
        Artifact(kind="stem", role="drums", key=stem_key, content_type="audio/wav").model_dump(mode="json"),
    ]
    service.jobs.update(
        job.id, {"status": JobStatus.SUCCEEDED.value, "artifacts": artifacts, "progress": 1.0}
    )

    status, _, body = call(load_event("api_get_job.json", path=f"/jobs/{job.id}"))
    assert status == 200
    mix = body["artifacts"][0]
    assert (mix["kind"], mix["role"], mix["content_type"], mix["size_bytes"]) == (
        "mix",
        None,
        "audio/wav",
        16,
    )
    assert mix["url"].startswith("https://abc123.execute-api.us-east-1.amazonaws.com/dev/files/jobs/")
    assert "signature=" in mix["url"] and "expires=" in mix["url"]

    status, headers, _ = call(load_event("api_get_job.json", path=f"/jobs/{job.id}/stems.zip"))
    assert status == 302
    assert "/stems.zip?" in headers["Location"][0]

    status, _, body = call(load_event("api_get_job.json", path=f"/jobs/{job.id}", httpMethod="DELETE"))
    assert (status, body) == (204, None)
    assert service.audio.list_keys(f"jobs/{COGNITO_SUB}/{job.id}/") == []
    assert service.audio.list_keys(f"work/{COGNITO_SUB}/{job.id}/") == []
    status, _, _ = call(load_event("api_get_job.json", path=f"/jobs/{job.id}"))
    assert status == 404


def test_upload_ticket_locally_is_a_put_to_this_server(launcher: FakeLauncher) -> None:
    status, _, body = call(load_event("api_create_upload.json"))
    assert status == 201
    assert body["method"] == "PUT"
    assert (
        body["url"] == f"https://abc123.execute-api.us-east-1.amazonaws.com/dev/uploads/{body['upload_id']}"
    )
    assert body["headers"] == {"Content-Type": "audio/wav"}
    assert body["max_bytes"] == 50 * 1024 * 1024


def test_upload_of_wrong_type_or_size_is_refused_before_storing(launcher: FakeLauncher) -> None:
    status, _, body = call(
        load_event("api_create_upload.json", body={"content_type": "text/html", "size_bytes": 10})
    )
    assert (status, body["error"]["code"]) == (415, "unsupported_media_type")
    status, _, body = call(
        load_event(
            "api_create_upload.json", body={"content_type": "audio/wav", "size_bytes": 60 * 1024 * 1024}
        )
    )
    assert (status, body["error"]["code"]) == (422, "validation_error")


def test_unknown_route_and_health_and_docs(launcher: FakeLauncher) -> None:
    status, _, body = call(load_event("api_health.json", path="/nowhere"))
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, _, body = call(load_event("api_health.json"))
    assert (status, body["status"], body["backend"]) == (200, "ok", "local")
    response = lambda_handler(load_event("api_health.json", path="/docs"), LocalLambdaContext())
    assert response["statusCode"] == 200
    assert "swagger" in response["body"].lower()
    status, _, schema = call(load_event("api_health.json", path="/openapi.json"))
    assert status == 200
    assert {"/jobs", "/jobs/{job_id}", "/uploads", "/health"} <= set(schema["paths"])


def test_unexpected_error_is_a_500_with_a_generic_body(
    launcher: FakeLauncher, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = dependencies.job_service()

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire at /secret/path")

    monkeypatch.setattr(service, "list_jobs", explode)
    status, _, body = call(load_event("api_list_jobs.json"))
    assert status == 500
    assert body == {
        "error": {"code": "internal_error", "message": "Something went wrong on our side.", "details": None}
    }


def test_oversized_body_is_413_before_validation(launcher: FakeLauncher) -> None:
    event = load_event("api_create_job.json")
    event["body"] = json.dumps({"prompt": "x" * (2 * 1024 * 1024)})
    status, _, body = call(event)
    assert (status, body["error"]["code"]) == (413, "payload_too_large")
    assert launcher.started == []
