"""The API's cloud wiring under moto: Step Functions executions started and stopped, jobs in DynamoDB,
Idempotency-Key through powertools' DynamoDB layer, presigned S3 GET and POST."""

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from amp import config
from amp.api import dependencies
from amp.domain.job import Artifact, JobRequest, JobStatus
from amp.lambda_context import LocalLambdaContext
from functions.api.app import lambda_handler
from tests.support.template_resources import TemplateResources

OWNER = "us-east-1:cognito-sub-1"
_DEFINITION = json.dumps(
    {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": True}}}
)


@pytest.fixture
def cloud(moto_resources: TemplateResources, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Backend 'aws' with template resources and a state machine in moto; yields its ARN."""
    state_machine_arn = boto3.client("stepfunctions").create_state_machine(
        name=f"amp-{uuid.uuid4().hex[:8]}",
        definition=_DEFINITION,
        roleArn="arn:aws:iam::123456789012:role/amp-state-machine",
    )["stateMachineArn"]
    monkeypatch.setenv("AMP_BACKEND", "aws")
    monkeypatch.setenv("AMP_JOBS_TABLE", moto_resources.tables["JobsTable"])
    monkeypatch.setenv("AMP_IDEMPOTENCY_TABLE", moto_resources.tables["IdempotencyTable"])
    monkeypatch.setenv("AMP_AUDIO_BUCKET", moto_resources.buckets["AudioBucket"])
    monkeypatch.setenv("AMP_STATE_MACHINE_ARN", state_machine_arn)
    config.get_settings.cache_clear()
    dependencies.reset()
    yield state_machine_arn
    dependencies.reset()


def event(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    all_headers = {"Host": "api.example.com", "Content-Type": "application/json", **(headers or {})}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "path": path,
            "stage": "prod",
            "httpMethod": method,
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.9", "cognitoIdentityId": OWNER},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def call(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    response = lambda_handler(event(method, path, body, headers), LocalLambdaContext())
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def test_create_starts_one_execution_per_idempotency_key_and_stores_the_job(cloud: str) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    status, first = call("POST", "/jobs", {"prompt": "deep house at 122 bpm", "duration_s": 30}, key)
    assert status == 202
    status, again = call("POST", "/jobs", {"prompt": "deep house at 122 bpm", "duration_s": 30}, key)
    assert (status, again["id"]) == (202, first["id"])
    assert first["status_url"] == f"https://api.example.com/jobs/{first['id']}"

    sfn = boto3.client("stepfunctions")
    executions = sfn.list_executions(stateMachineArn=cloud)["executions"]
    assert [execution["name"] for execution in executions] == [first["id"]]
    assert json.loads(sfn.describe_execution(executionArn=executions[0]["executionArn"])["input"]) == {
        "job_id": first["id"]
    }
    stored = dependencies.job_service().jobs.get(first["id"])
    assert (stored.owner, stored.execution_id) == (OWNER, executions[0]["executionArn"])

    table = boto3.resource("dynamodb").Table(config.get_settings().idempotency_table or "")
    records = table.scan()["Items"]
    assert len(records) == 1 and records[0]["status"] == "COMPLETED"


def test_cancel_stops_the_execution(cloud: str) -> None:
    _, job = call("POST", "/jobs", {"prompt": "ambient"})
    status, cancelled = call("POST", f"/jobs/{job['id']}/cancel")
    assert (status, cancelled["status"]) == (200, "CANCELLED")
    sfn = boto3.client("stepfunctions")
    [execution] = sfn.list_executions(stateMachineArn=cloud)["executions"]
    assert sfn.describe_execution(executionArn=execution["executionArn"])["status"] == "ABORTED"


def test_artifacts_are_presigned_s3_gets_expiring_within_15_minutes(cloud: str) -> None:
    service = dependencies.job_service()
    job = service.create(OWNER, JobRequest(prompt="drum and bass"))
    key = f"jobs/{job.owner.replace(':', '_')}/{job.id}/mix.wav"
    service.audio.put_bytes(key, b"RIFF", "audio/wav")
    mix = Artifact(kind="mix", key=key, content_type="audio/wav", size_bytes=4)
    service.jobs.update(
        job.id,
        {"status": JobStatus.SUCCEEDED.value, "artifacts": [mix.model_dump(mode="json")]},
    )
    status, body = call("GET", f"/jobs/{job.id}")
    assert status == 200
    url = urlsplit(body["artifacts"][0]["url"])
    query = parse_qs(url.query)
    assert (config.get_settings().audio_bucket or "?") in url.netloc + url.path
    assert url.path.endswith("/mix.wav")
    assert int(query["X-Amz-Expires"][0]) <= 900
    assert "attachment" in query["response-content-disposition"][0]


def test_upload_is_a_presigned_post_limited_by_size_and_type(cloud: str) -> None:
    status, ticket = call("POST", "/uploads", {"content_type": "audio/wav", "size_bytes": 1000})
    assert status == 201
    assert ticket["method"] == "POST"
    assert (config.get_settings().audio_bucket or "?") in ticket["url"]
    fields = ticket["fields"]
    assert fields["key"] == f"uploads/{OWNER.replace(':', '_')}/{ticket['upload_id']}.wav"
    assert fields["Content-Type"] == "audio/wav"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 50 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "audio/wav"} in policy["conditions"]

    boto3.client("s3").put_object(
        Bucket=config.get_settings().audio_bucket or "", Key=fields["key"], Body=b"RIFF"
    )
    status, job = call("POST", "/jobs", {"prompt": "like this", "reference_upload_id": ticket["upload_id"]})
    assert (status, job["reference_key"]) == (202, fields["key"])


def test_direct_put_upload_does_not_exist_in_the_cloud(cloud: str) -> None:
    status, body = call("PUT", f"/uploads/{uuid.uuid4().hex}")
    assert (status, body["error"]["code"]) == (404, "not_found")
