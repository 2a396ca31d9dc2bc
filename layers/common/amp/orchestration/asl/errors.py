"""ASL error names, the one error type a failing state raises, and how Retry/Catch match errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

STATES_ALL: Final = "States.ALL"
STATES_RUNTIME: Final = "States.Runtime"
STATES_TIMEOUT: Final = "States.Timeout"
STATES_TASK_FAILED: Final = "States.TaskFailed"
STATES_NO_CHOICE_MATCHED: Final = "States.NoChoiceMatched"


class AslDefinitionError(ValueError):
    """The definition is malformed or uses something this runner does not execute."""


class StatesError(Exception):
    """A state failed with an ASL error name and cause; drives Retry, Catch and the final status.

    A Task handler may raise it to report an exact error name (e.g. `Lambda.ServiceException`);
    any other exception is reported the way Lambda reports it (see error_from_exception)."""

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


def lambda_error_payload(error: BaseException) -> dict[str, str]:
    """The body Lambda returns for an unhandled exception (without the stack trace); Step Functions
    reports it, as compact JSON, as the Cause."""
    return {"errorMessage": str(error), "errorType": type(error).__name__}


def error_from_exception(error: BaseException) -> StatesError:
    """Map a handler's exception to the ASL error Step Functions reports for a Lambda task."""
    if isinstance(error, StatesError):
        return error
    payload = lambda_error_payload(error)
    return StatesError(payload["errorType"], json.dumps(payload, separators=(",", ":")))


def error_matches(names: Sequence[str], error: str) -> bool:
    """Whether a retrier's or catcher's ErrorEquals covers `error`: States.Runtime never matches,
    States.ALL matches the rest, States.TaskFailed all but States.Timeout."""
    if error == STATES_RUNTIME:
        return False
    if error in names or STATES_ALL in names:
        return True
    return STATES_TASK_FAILED in names and error != STATES_TIMEOUT
