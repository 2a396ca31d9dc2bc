"""The same `statemachine/pipeline.asl.json` under two engines must behave the same: our in-process
runner over SQLite + filesystem, and moto's Step Functions engine over moto DynamoDB + S3 built from
template.yaml. moto's Lambda tasks are routed to the real handlers in-process by replacing the one
function its engine invokes Lambda through."""

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

from amp import application
from amp.config import get_settings
from amp.domain.errors import InvalidInput
from amp.domain.job import Job, JobOptions, JobStatus, ProviderName, StabilityModeName
from amp.domain.stage_io import ParseOutput
from amp.orchestration.asl import ExecutionResult, lambda_error_payload
from amp.orchestration.local_pipeline import (
    load_definition,
    run_job_locally,
    stage_handlers,
    stage_substitutions,
    substitute,
)
from amp.stages import STAGES
from tests.support.fake_stability import FakeStability
from tests.support.template_resources import create_template_resources

MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
REGION = "us-east-1"
ACCOUNT = "123456789012"
EXECUTION_TIMEOUT_S = 300
JOB_ID = "a1" * 16
Handler = Callable[[Any], Any]


@dataclass
class Run:
    """What one engine produced, in terms both engines can report."""

    status: str
    error: str | None
    output: Any
    states: list[str]
    """Every state entered, in order, except the Map's inner states (their order is concurrent)."""
    inner_states: int
    """How many inner states ran; compared on success only (a failing Map stops its siblings at a
    moment that depends on thread timing, in both engines)."""

    def same_as(self, other: "Run") -> bool:
        same_path = (self.status, self.error, self.output, self.states) == (
            other.status,
            other.error,
            other.output,
            other.states,
        )
        return same_path and (self.status != "SUCCEEDED" or self.inner_states == other.inner_states)


def observing(handlers: dict[str, Handler], statuses: list[str] | None, job_id: str) -> dict[str, Handler]:
    """Wrap each handler to note the job's status before and after it, the same in both engines."""
    if statuses is None:
        return handlers

    noting = threading.Lock()

    def note() -> None:
        # Map iterations run in threads in both engines: read and record under one lock, or an older
        # read could be appended after a newer one.
        with noting:
            status = application.stage_context().jobs.get(job_id).status.value
            if not statuses or statuses[-1] != status:
                statuses.append(status)

    def wrap(handler: Handler) -> Handler:
        def wrapped(payload: Any) -> Any:
            note()
            try:
                return handler(payload)
            finally:
                note()

        return wrapped

    return {name: wrap(handler) for name, handler in handlers.items()}


def local_run(job_id: str, handlers: dict[str, Handler]) -> Run:
    result: ExecutionResult = run_job_locally(job_id, handlers=handlers, sleep=lambda s: None)
    entered = [state for state, event in result.history if event.endswith("StateEntered")]
    return Run(
        status=result.status.value,
        error=result.error,
        output=result.output,
        states=[s for s in entered if s != "GenerateStem"],
        inner_states=entered.count("GenerateStem"),
    )


@pytest.fixture
def moto_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, dict[str, Handler]], Run]]:
    """moto with execute_state_machine on, the template's tables and bucket, and settings pointing the
    stages at them (backend aws). Yields a function running one execution to its end."""
    routes: dict[str, Handler] = {}

    def invoke(parameters: dict[str, Any], region: str, state_credentials: Any) -> dict[str, Any]:
        function_name = str(parameters["FunctionName"]).rsplit(":", 1)[-1]
        try:
            result = routes[function_name](json.loads(parameters["Payload"]))
        except Exception as error:  # Lambda reports every unhandled exception this way
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": lambda_error_payload(error)}
        return {"StatusCode": 200, "Payload": json.loads(json.dumps(result))}

    monkeypatch.setattr(lambda_eval_utils, "_invoke_lambda_function", invoke)
    with mock_aws(config=MOTO_CONFIG):
        resources = create_template_resources()
        monkeypatch.setenv("AMP_BACKEND", "aws")
        monkeypatch.setenv("AMP_JOBS_TABLE", resources.tables["JobsTable"])
        monkeypatch.setenv("AMP_AUDIO_BUCKET", resources.buckets["AudioBucket"])
        get_settings.cache_clear()
        application.reset_application()
        client = boto3.client("stepfunctions", region_name=REGION)
        definition = substitute(load_definition(), stage_substitutions(region=REGION, account=ACCOUNT))
        machine_arn = client.create_state_machine(
            name="amp-pipeline",
            definition=json.dumps(definition),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/amp-pipeline",
        )["stateMachineArn"]

        def execute(job_id: str, handlers: dict[str, Handler]) -> Run:
            routes.clear()
            routes.update({STAGES[name].function_id: handler for name, handler in handlers.items()})
            execution_arn = client.start_execution(
                stateMachineArn=machine_arn, name=job_id, input=json.dumps({"job_id": job_id})
            )["executionArn"]
            deadline = time.monotonic() + EXECUTION_TIMEOUT_S
            while (description := client.describe_execution(executionArn=execution_arn))[
                "status"
            ] == "RUNNING":
                assert time.monotonic() < deadline, "moto execution did not finish"
                time.sleep(0.05)
            events = client.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
            entered = [
                str(event["stateEnteredEventDetails"]["name"])
                for event in events
                if str(event["type"]).endswith("StateEntered")
            ]
            return Run(
                status=description["status"],
                error=description.get("error"),
                output=json.loads(description["output"]) if "output" in description else None,
                states=[s for s in entered if s != "GenerateStem"],
                inner_states=entered.count("GenerateStem"),
            )

        yield execute
    get_settings.cache_clear()
    application.reset_application()


# -- every path of the ASL, with scripted stages ---------------------------------------------------


def scripted(qa_results: list[dict[str, Any]], *, fail_stage: str | None = None) -> dict[str, Handler]:
    """Deterministic stand-ins: parse gives three roles, QA answers from qa_results in turn."""
    answers = list(qa_results)

    def respond(stage: str, payload: Any) -> Any:
        if stage == fail_stage:
            raise InvalidInput(f"{stage} refused the job")
        match stage:
            case "parse":
                return ParseOutput(
                    job_id=payload["job_id"], has_reference=False, roles=["drums", "bass", "pad"]
                ).model_dump(mode="json")
            case "generate":
                return {"role": payload["role"], "stem_key": f"k/{payload['role']}.wav", "midi_key": None}
            case "mix":
                number = payload["mastering"]["mastering_pass"]
                return {
                    "mix_key": f"k/{number}/mix.wav",
                    "stem_keys": {s["role"]: s["stem_key"] for s in payload["stems"]},
                    "mastering_pass": number,
                    "target_lufs": -14.0,
                }
            case "qa":
                return answers.pop(0)
            case "publish":
                return {"job_id": payload["job_id"], "artifact_count": 4}
            case _:
                return {"job_id": payload["job_id"], "status": "FAILED"}

    def handler_for(stage: str) -> Handler:
        return lambda payload: respond(stage, payload)

    return {name: handler_for(name) for name in STAGES}


def qa(passed: bool, remaster: bool, next_pass: int) -> dict[str, Any]:
    return {
        "passed": passed,
        "remaster": remaster,
        "next_mastering": {"mastering_pass": next_pass, "adjustments": {"loudness_offset_db": 0.5}},
        "summary": "passed" if passed else "too quiet",
    }


SCENARIOS = {
    "first_pass_passes": ([qa(True, False, 1)], None),
    "remaster_then_pass": ([qa(False, True, 2), qa(True, False, 2)], None),
    "rejected_after_three_passes": ([qa(False, True, 2), qa(False, True, 3), qa(False, True, 4)], None),
    "generate_raises": ([], "generate"),
    "parse_raises": ([], "parse"),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_both_engines_take_the_same_path_to_the_same_output(
    scenario: str, moto_engine: Callable[[str, dict[str, Handler]], Run]
) -> None:
    qa_results, fail_stage = SCENARIOS[scenario]
    local = local_run(JOB_ID, scripted(qa_results, fail_stage=fail_stage))
    moto = moto_engine(JOB_ID, scripted(qa_results, fail_stage=fail_stage))
    assert local.same_as(moto), (local, moto)


# -- one real short job, both ways ------------------------------------------------------------------


def new_job(provider: ProviderName = "procedural", stability_mode: StabilityModeName | None = None) -> Job:
    return Job(
        id=JOB_ID,
        owner="parity-user",
        prompt="Dark techno at 128 bpm in A minor",
        options=JobOptions(duration_s=6.0, seed=11, provider=provider, stability_mode=stability_mode),
    )


def audio_bytes(job: Job, kinds: set[str]) -> dict[tuple[str, str | None], bytes]:
    audio = application.stage_context().audio
    return {(a.kind, a.role): audio.get_bytes(a.key) for a in job.artifacts if a.kind in kinds}


def real_job(
    handlers: dict[str, Handler],
    run: Callable[[str, dict[str, Handler]], Run],
    provider: ProviderName = "procedural",
    stability_mode: StabilityModeName | None = None,
) -> tuple[Run, list[str], Job]:
    job = new_job(provider, stability_mode)
    application.stage_context().jobs.create(job)
    statuses: list[str] = []
    result = run(job.id, observing(handlers, statuses, job.id))
    return result, statuses, application.stage_context().jobs.get(job.id)


@pytest.mark.slow
def test_a_real_job_gives_the_same_statuses_artifacts_and_stem_bytes_on_both_engines(
    moto_engine: Callable[[str, dict[str, Handler]], Run],
) -> None:
    # moto_engine switched the settings to aws; run the local leg first with the local backend.
    with local_backend():
        local, local_statuses, local_job = real_job(stage_handlers(), local_run)
        local_audio = audio_bytes(local_job, {"stem", "midi", "mix"})
        assert type(application.stage_context().jobs).__name__ == "SqliteJobStore"
    cloud, cloud_statuses, cloud_job = real_job(stage_handlers(), moto_engine)
    cloud_audio = audio_bytes(cloud_job, {"stem", "midi", "mix"})
    settings = get_settings()
    assert type(application.stage_context().jobs).__name__ == "DynamoJobStore"
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=str(settings.audio_bucket))
    assert {a.key for a in cloud_job.artifacts} <= {o["Key"] for o in listed.get("Contents", [])}

    assert local.status == cloud.status == "SUCCEEDED"
    assert local.same_as(cloud), (local, cloud)
    assert local_statuses == cloud_statuses
    assert local_statuses == ["QUEUED", "PARSING", "GENERATING", "MASTERING", "CHECKING", "SUCCEEDED"]
    assert local_job.status is cloud_job.status is JobStatus.SUCCEEDED
    assert artifact_set(local_job) == artifact_set(cloud_job)
    assert len([a for a in local_job.artifacts if a.kind == "stem"]) >= 4
    assert local_audio.keys() == cloud_audio.keys()
    assert local_audio == cloud_audio, "same seed, different bytes"
    assert local_job.spec == cloud_job.spec
    assert local_job.qa is not None and cloud_job.qa is not None
    assert local_job.qa.passed and cloud_job.qa.passed


@pytest.mark.slow
def test_a_stability_job_against_the_fake_server_is_the_same_on_both_engines(
    moto_engine: Callable[[str, dict[str, Handler]], Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeStability() as fake:
        monkeypatch.setenv("STABILITY_API_KEY", fake.api_key)
        monkeypatch.setenv("AMP_STABILITY_BASE_URL", fake.base_url)
        with local_backend():
            local, local_statuses, local_job = real_job(stage_handlers(), local_run, "stability")
            local_audio = audio_bytes(local_job, {"stem", "midi", "mix"})
            local_requests = len(fake.requests)
        cloud, cloud_statuses, cloud_job = real_job(stage_handlers(), moto_engine, "stability")
        cloud_audio = audio_bytes(cloud_job, {"stem", "midi", "mix"})
    assert local.status == cloud.status == "SUCCEEDED"
    assert local.same_as(cloud), (local, cloud)
    assert local_statuses == cloud_statuses
    roles = {a.role for a in local_job.artifacts if a.kind == "stem"}
    assert local_requests == len(roles) and len(fake.requests) == 2 * len(roles)
    assert local_job.stem_reports == cloud_job.stem_reports and set(local_job.stem_reports) == roles
    assert local_audio == cloud_audio, "same seed and the same fake answers, different bytes"
    assert local_job.qa is not None and cloud_job.qa is not None
    assert local_job.qa.passed and cloud_job.qa.passed


@pytest.mark.slow
def test_a_whole_mix_stability_job_is_one_request_and_no_stems_on_both_engines(
    moto_engine: Callable[[str, dict[str, Handler]], Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeStability() as fake:
        monkeypatch.setenv("STABILITY_API_KEY", fake.api_key)
        monkeypatch.setenv("AMP_STABILITY_BASE_URL", fake.base_url)
        with local_backend():
            local, local_statuses, local_job = real_job(stage_handlers(), local_run, "stability", "mix")
            local_audio = audio_bytes(local_job, {"mix"})
        cloud, cloud_statuses, cloud_job = real_job(stage_handlers(), moto_engine, "stability", "mix")
        cloud_audio = audio_bytes(cloud_job, {"mix"})
        paths = [request.path for request in fake.requests]
    assert local.status == cloud.status == "SUCCEEDED"
    assert local.same_as(cloud), (local, cloud)
    assert local_statuses == cloud_statuses
    assert paths == ["/v2beta/audio/stable-audio-2/text-to-audio"] * 2  # one request per engine
    for job in (local_job, cloud_job):
        kinds = {a.kind for a in job.artifacts}
        assert kinds == {"mix", "preview", "waveform", "spectrogram", "report"}, kinds
        assert set(job.stem_reports) == {"mix"} and job.stem_reports["mix"]["stem_available"] is False
        assert job.qa is not None and job.qa.passed
    assert local_job.stem_reports == cloud_job.stem_reports
    assert local_audio == cloud_audio and len(local_audio) == 1


@pytest.mark.slow
def test_a_failing_stage_fails_the_job_the_same_way_on_both_engines(
    moto_engine: Callable[[str, dict[str, Handler]], Run],
) -> None:
    def mix_refuses(payload: Any) -> Any:
        application.stage_context().begin(payload["job_id"], JobStatus.MIXING, "mix", 0.65)
        raise InvalidInput("stem bass is silent")

    handlers = {**stage_handlers(), "mix": mix_refuses}
    with local_backend():
        local, local_statuses, local_job = real_job(handlers, local_run)
    cloud, cloud_statuses, cloud_job = real_job(handlers, moto_engine)

    assert (local.status, local.error) == (cloud.status, cloud.error) == ("FAILED", "JobFailed")
    assert local.same_as(cloud), (local, cloud)
    assert local_statuses == cloud_statuses
    assert local_statuses[-2:] == ["MIXING", "FAILED"]
    assert local_job.error == cloud_job.error
    assert local_job.error is not None
    assert (local_job.error.stage, local_job.error.reason) == ("mix", "stem bass is silent")
    assert not local_job.artifacts and not cloud_job.artifacts


def artifact_set(job: Job) -> set[tuple[str, str | None, str, str]]:
    return {(a.kind, a.role, a.key, a.content_type) for a in job.artifacts}


@contextmanager
def local_backend() -> Iterator[None]:
    """Point the settings back at SQLite + filesystem (the per-test AMP_DATA_DIR) for a while."""
    names = ("AMP_BACKEND", "AMP_JOBS_TABLE", "AMP_AUDIO_BUCKET")
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    get_settings.cache_clear()
    application.reset_application()
    try:
        yield
    finally:
        os.environ.update(saved)
        get_settings.cache_clear()
        application.reset_application()
