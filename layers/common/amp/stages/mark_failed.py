"""MarkFailed: every Catch of the state machine ends here, so no job stays running forever and its
record says which stage failed and why."""

import json

from amp.domain.errors import Conflict
from amp.domain.job import JobError
from amp.domain.stage_io import MarkFailedInput, MarkFailedOutput, StepError
from amp.stages.context import StageContext

MAX_REASON_CHARS = 1000

_PLAIN_REASONS = {
    "States.Timeout": "the stage took longer than its time limit",
    "States.TaskFailed": "the stage's task failed",
    "States.Runtime": "the state machine could not process the stage's data",
    "Lambda.Unknown": "the stage's function crashed or ran out of memory",
    "Sandbox.Timedout": "the stage's function timed out",
}


def run(payload: MarkFailedInput, ctx: StageContext) -> MarkFailedOutput:
    job = ctx.jobs.get(payload.job_id)
    if job.status.terminal:  # cancelled meanwhile, or a retried MarkFailed: keep what is there
        return MarkFailedOutput(job_id=job.id, status=job.status.value)
    error = JobError(
        stage=job.stage or "unknown", reason=reason_from(payload.error), error_type=payload.error.Error
    )
    try:
        job = ctx.jobs.fail(job.id, error)
    except Conflict:  # became terminal between our read and write
        job = ctx.jobs.get(payload.job_id)
    return MarkFailedOutput(job_id=job.id, status=job.status.value)


def reason_from(error: StepError) -> str:
    """Lambda puts a JSON {errorMessage, errorType} in Cause; a Pass state may put plain text."""
    message = ""
    if error.Cause:
        try:
            cause = json.loads(error.Cause)
        except json.JSONDecodeError:
            message = error.Cause
        else:
            message = str(cause.get("errorMessage", "")) if isinstance(cause, dict) else str(cause)
    if not message:
        message = _PLAIN_REASONS.get(error.Error, f"the stage failed with {error.Error}")
    return message[:MAX_REASON_CHARS]
