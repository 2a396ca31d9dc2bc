"""JobLauncher on Step Functions. The execution is named after the job, so a retried launch (API retry,
duplicate event) cannot start the pipeline twice for one job."""

import json
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from amp.adapters.aws.errors import error_code, translate_client_error
from amp.domain.errors import InvalidInput
from amp.domain.job import Job

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions.client import SFNClient

MAX_CAUSE_CHARS = 32_768  # StopExecution's limit


def default_sfn_client() -> "SFNClient":
    return boto3.client("stepfunctions", config=Config(retries={"mode": "standard"}))


class StepFunctionsLauncher:
    def __init__(self, state_machine_arn: str, client: "SFNClient | None" = None) -> None:
        if ":stateMachine:" not in state_machine_arn:
            raise InvalidInput(f"not a state machine ARN: {state_machine_arn!r}")
        self.state_machine_arn = state_machine_arn
        self._client = client if client is not None else default_sfn_client()

    def execution_arn(self, job: Job) -> str:
        """The ARN an execution named after this job has (standard workflows)."""
        return f"{self.state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{job.id}"

    def start(self, job: Job) -> str:
        """Starts `{"job_id": ...}`; an execution of that name already existing counts as started."""
        try:
            response = self._client.start_execution(
                stateMachineArn=self.state_machine_arn, name=job.id, input=json.dumps({"job_id": job.id})
            )
        except ClientError as error:
            if error_code(error) == "ExecutionAlreadyExists":
                return self.execution_arn(job)
            raise translate_client_error(error, f"start execution for job {job.id}") from error
        return response["executionArn"]

    def stop(self, job: Job, reason: str) -> None:
        """Idempotent: stopping an execution that never started or already ended is not an error."""
        execution_arn = job.execution_id if (job.execution_id or "").startswith("arn:") else None
        try:
            self._client.stop_execution(
                executionArn=execution_arn or self.execution_arn(job),
                error="JobCancelled",
                cause=reason[:MAX_CAUSE_CHARS],
            )
        except ClientError as error:
            if error_code(error) == "ExecutionDoesNotExist":
                return
            raise translate_client_error(error, f"stop execution for job {job.id}") from error
