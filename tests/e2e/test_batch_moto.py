"""S3 batch end to end under moto: the template's tables and bucket, a manifest with good and bad lines
put under batch/, the EventBridge event delivered twice to functions/batch/app.py, and the executions it
starts (through the real StepFunctionsLauncher) run by moto's Step Functions engine with every Lambda
task routed to the real stage handler in-process. Every valid line must end as one SUCCEEDED job with
its audio in the bucket; the report must name each bad line's error."""

import importlib.util
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

from amp import application
from amp.batch.manifest import ManifestSource
from amp.config import get_settings
from amp.domain.job import JobStatus
from amp.lambda_context import LocalLambdaContext, function_arn
from amp.orchestration.asl import lambda_error_payload
from amp.orchestration.local_pipeline import load_definition, stage_handlers, stage_substitutions, substitute
from amp.stages import STAGES
from tests.support.template_resources import create_template_resources, load_template

REGION = "us-east-1"
ACCOUNT = "123456789012"
BATCH_ARN = function_arn("amp-batch", region=REGION, account=ACCOUNT)
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
EXECUTIONS_TIMEOUT_S = 600
MANIFEST_KEY = "batch/alice/weekend.jsonl"
GOOD_LINES = {
    1: {"prompt": "house music at 124 bpm", "duration_s": 5, "seed": 2},
    4: {"prompt": "warm lo-fi hip hop with rhodes", "duration_s": 5, "seed": 4, "master_preset": "broadcast"},
}
BAD_LINES = {
    2: ('{"prompt": "too long", "duration_s": 4000}', "duration_s"),
    3: ("this is not json", "not JSON"),
    5: ('{"prompt": "typo", "duraton_s": 5}', "duraton_s"),
}


@dataclass
class Cloud:
    bucket: str
    table: str
    state_machine_arn: str
    s3: Any
    sfn: Any


def batch_app() -> ModuleType:
    """functions/batch/app.py as Lambda loads it (its own module, not amp's)."""
    path = Path(__file__).resolve().parents[2] / "functions" / "batch" / "app.py"
    spec = importlib.util.spec_from_file_location("amp_batch_function_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    handlers = stage_handlers()
    routes = {STAGES[name].function_id: handler for name, handler in handlers.items()}
    one_invocation_at_a_time = threading.Lock()

    def invoke(parameters: dict[str, Any], region: str, state_credentials: Any) -> dict[str, Any]:
        """moto's Lambda call from a Task state, answered by the real handler as Lambda would. Real
        invocations never share a process; here they would share module state (matplotlib's pyplot
        is not thread-safe), so the concurrent executions take turns."""
        function_name = str(parameters["FunctionName"]).rsplit(":", 1)[-1]
        try:
            with one_invocation_at_a_time:
                result = routes[function_name](json.loads(parameters["Payload"]))
        except Exception as error:
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": lambda_error_payload(error)}
        return {"StatusCode": 200, "Payload": json.loads(json.dumps(result))}

    monkeypatch.setattr(lambda_eval_utils, "_invoke_lambda_function", invoke)
    with mock_aws(config=MOTO_CONFIG):
        resources = create_template_resources()
        bucket = resources.buckets["AudioBucket"]
        s3 = boto3.client("s3", region_name=REGION)
        # As the template configures it: versioned, so each upload of a manifest has a version id.
        versioning = load_template()["Resources"]["AudioBucket"]["Properties"]["VersioningConfiguration"]
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": versioning["Status"]})
        sfn = boto3.client("stepfunctions", region_name=REGION)
        definition = substitute(load_definition(), stage_substitutions(region=REGION, account=ACCOUNT))
        machine_arn = sfn.create_state_machine(
            name="amp-pipeline", definition=json.dumps(definition), roleArn=f"arn:aws:iam::{ACCOUNT}:role/amp"
        )["stateMachineArn"]
        # The environment template.yaml gives BatchFunction and the stage functions.
        monkeypatch.setenv("AMP_BACKEND", "aws")
        monkeypatch.setenv("AMP_JOBS_TABLE", resources.tables["JobsTable"])
        monkeypatch.setenv("AMP_IDEMPOTENCY_TABLE", resources.tables["IdempotencyTable"])
        monkeypatch.setenv("AMP_AUDIO_BUCKET", bucket)
        monkeypatch.setenv("AMP_STATE_MACHINE_ARN", machine_arn)
        get_settings.cache_clear()
        application.reset_application()
        yield Cloud(bucket, resources.tables["JobsTable"], machine_arn, s3, sfn)
    get_settings.cache_clear()
    application.reset_application()


def manifest_bytes() -> bytes:
    rows = {number: json.dumps(body) for number, body in GOOD_LINES.items()}
    rows.update({number: raw for number, (raw, _) in BAD_LINES.items()})
    return "".join(f"{rows[number]}\n" for number in sorted(rows)).encode()


def object_created_event(cloud: Cloud, key: str) -> dict[str, Any]:
    """What S3 sends EventBridge (and the template's rule forwards) for a PutObject."""
    head = cloud.s3.head_object(Bucket=cloud.bucket, Key=key)
    return {
        "version": "0",
        "id": "e2e-event",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": ACCOUNT,
        "region": REGION,
        "resources": [f"arn:aws:s3:::{cloud.bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": cloud.bucket},
            "object": {
                "key": key,
                "size": head["ContentLength"],
                "etag": head["ETag"].strip('"'),
                "version-id": head["VersionId"],
            },
            "reason": "PutObject",
        },
    }


def wait_for_executions(cloud: Cloud, expected: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + EXECUTIONS_TIMEOUT_S
    while True:
        executions: list[dict[str, Any]] = cloud.sfn.list_executions(stateMachineArn=cloud.state_machine_arn)[
            "executions"
        ]
        if len(executions) >= expected and all(e["status"] != "RUNNING" for e in executions):
            return executions
        assert time.monotonic() < deadline, f"executions still running: {executions}"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_manifest_in_the_bucket_becomes_one_succeeded_job_per_valid_line(cloud: Cloud) -> None:
    cloud.s3.put_object(Bucket=cloud.bucket, Key=MANIFEST_KEY, Body=manifest_bytes())
    event = object_created_event(cloud, MANIFEST_KEY)
    handler = batch_app().lambda_handler

    first = handler(event, LocalLambdaContext("amp-batch", invoked_function_arn=BATCH_ARN))
    second = handler(
        event, LocalLambdaContext("amp-batch", invoked_function_arn=BATCH_ARN)
    )  # at-least-once delivery
    assert first["manifests"][0]["started"] == len(GOOD_LINES)
    assert second["manifests"][0]["started"] == 0
    assert second["manifests"][0]["already_started"] == len(GOOD_LINES)

    executions = wait_for_executions(cloud, len(GOOD_LINES))
    source = ManifestSource(
        location=f"s3://{cloud.bucket}/{MANIFEST_KEY}", revision=event["detail"]["object"]["version-id"]
    )
    expected_ids = {source.job_id(number) for number in GOOD_LINES}
    assert {execution["name"] for execution in executions} == expected_ids, "one execution per valid line"
    assert {execution["status"] for execution in executions} == {"SUCCEEDED"}
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=cloud.table)["Items"]
    assert len(items) == len(GOOD_LINES), "no duplicate job records"

    jobs = application.stage_context().jobs
    for number, body in GOOD_LINES.items():
        job = jobs.get(source.job_id(number))
        assert job.status is JobStatus.SUCCEEDED, job.error
        assert job.owner == "alice"
        assert job.prompt == body["prompt"]
        assert job.options.duration_s == 5
        assert job.options.master_preset == body.get("master_preset", "streaming")
        assert job.execution_id is not None and job.execution_id.endswith(f":{job.id}")
        mix = job.artifact("mix")
        assert mix is not None and mix.key.startswith(f"jobs/alice/{job.id}/")
        stored = cloud.s3.head_object(Bucket=cloud.bucket, Key=mix.key)
        assert stored["ContentLength"] > 5 * 44_100 * 2  # at least 5 s of 16-bit mono
        assert [a for a in job.artifacts if a.kind == "stem"], "stems published"

    report_body = cloud.s3.get_object(Bucket=cloud.bucket, Key=MANIFEST_KEY + ".report.jsonl")["Body"].read()
    report = {row["line"]: row for row in map(json.loads, report_body.decode().splitlines())}
    assert sorted(report) == sorted([*GOOD_LINES, *BAD_LINES])
    for number in GOOD_LINES:
        assert report[number]["job_id"] == source.job_id(number)
        assert report[number]["status"] == "already_started"  # the report of the second delivery
    for number, (_, expected_error) in BAD_LINES.items():
        assert report[number]["status"] == "invalid"
        assert expected_error in report[number]["error"]
        assert "job_id" not in report[number]
