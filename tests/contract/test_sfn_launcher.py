"""StepFunctionsLauncher against moto's Step Functions: one execution per job, however often launched."""

import json
import uuid

import boto3
import pytest

from amp.adapters.aws.sfn_launcher import StepFunctionsLauncher
from amp.domain.errors import InvalidInput
from amp.domain.job import Job
from tests.support.template_resources import TemplateResources

_DEFINITION = json.dumps(
    {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": True}}}
)


@pytest.fixture
def launcher(moto_resources: TemplateResources) -> StepFunctionsLauncher:
    client = boto3.client("stepfunctions")
    arn = client.create_state_machine(
        name=f"amp-test-{uuid.uuid4().hex[:8]}",
        definition=_DEFINITION,
        roleArn="arn:aws:iam::123456789012:role/amp-test-state-machine",
    )["stateMachineArn"]
    return StepFunctionsLauncher(arn, client=client)


def make_job() -> Job:
    return Job(owner=f"test-{uuid.uuid4().hex}", prompt="liquid drum and bass at 174 bpm")


def test_start_names_the_execution_after_the_job(launcher: StepFunctionsLauncher) -> None:
    job = make_job()
    execution_arn = launcher.start(job)
    assert execution_arn == launcher.execution_arn(job)
    described = boto3.client("stepfunctions").describe_execution(executionArn=execution_arn)
    assert described["name"] == job.id
    assert json.loads(described["input"]) == {"job_id": job.id}
    assert described["status"] == "RUNNING"


def test_starting_twice_is_one_execution(launcher: StepFunctionsLauncher) -> None:
    job = make_job()
    assert launcher.start(job) == launcher.start(job)
    executions = boto3.client("stepfunctions").list_executions(stateMachineArn=launcher.state_machine_arn)
    assert [execution["name"] for execution in executions["executions"]] == [job.id]


def test_stop_aborts_the_running_execution(launcher: StepFunctionsLauncher) -> None:
    job = make_job()
    job = job.model_copy(update={"execution_id": launcher.start(job)})
    launcher.stop(job, "cancelled by the user")
    described = boto3.client("stepfunctions").describe_execution(executionArn=launcher.execution_arn(job))
    assert described["status"] == "ABORTED"


def test_stop_of_a_never_started_job_is_a_no_op(launcher: StepFunctionsLauncher) -> None:
    """Cancelling a job whose launch never happened neither raises nor starts, stops or aborts
    anything: another job's running execution is untouched and no execution appears for this one."""
    client = boto3.client("stepfunctions")
    running = make_job()
    running_arn = launcher.start(running)
    never_started = make_job()
    launcher.stop(never_started, "cancelled before launch")
    executions = client.list_executions(stateMachineArn=launcher.state_machine_arn)["executions"]
    assert [(execution["name"], execution["status"]) for execution in executions] == [(running.id, "RUNNING")]
    assert client.describe_execution(executionArn=running_arn)["status"] == "RUNNING"


def test_stopping_twice_leaves_the_execution_aborted(launcher: StepFunctionsLauncher) -> None:
    """A repeated cancel (the owner clicks twice, the API retries) is not an error."""
    job = make_job()
    job = job.model_copy(update={"execution_id": launcher.start(job)})
    launcher.stop(job, "cancelled by the user")
    launcher.stop(job, "cancelled by the user again")
    described = boto3.client("stepfunctions").describe_execution(executionArn=launcher.execution_arn(job))
    assert described["status"] == "ABORTED"


def test_launcher_refuses_an_arn_that_is_not_a_state_machine() -> None:
    with pytest.raises(InvalidInput):
        StepFunctionsLauncher("arn:aws:lambda:us-east-1:123456789012:function:parse")
