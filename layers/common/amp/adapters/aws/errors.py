"""Turns botocore failures into domain errors, so the ASL retries what is transient (by class name) and
callers never see boto3 types."""

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from amp.domain.errors import AmpError, Conflict, InvalidInput, NotFound, ProviderUnavailable

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "TransactionInProgressException",
    }
)
TRANSIENT_CODES = frozenset(
    {"InternalServerError", "InternalError", "ServiceUnavailable", "ServiceUnavailableException"}
)
NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404", "ExecutionDoesNotExist"})
CONFLICT_CODES = frozenset({"ConditionalCheckFailedException", "ExecutionAlreadyExists"})
INVALID_CODES = frozenset({"ValidationException", "InvalidName", "InvalidExecutionInput"})


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def translate_client_error(error: ClientError, action: str) -> AmpError:
    """`action` says what we tried ("update job 12ab...") so the message is specific."""
    code = error_code(error)
    message = error.response.get("Error", {}).get("Message", "")
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    detail = f"{action}: {code or status} {message}".rstrip()
    if code in THROTTLING_CODES or status == 429:
        return ProviderUnavailable(f"AWS throttled the request, retry later ({detail})")
    if code in TRANSIENT_CODES or status >= 500:
        return ProviderUnavailable(f"AWS service error, retry later ({detail})")
    if code in NOT_FOUND_CODES:
        return NotFound(detail)
    if code in CONFLICT_CODES:
        return Conflict(detail)
    if code in INVALID_CODES:
        return InvalidInput(detail)
    # Access denied, missing table or bucket, ...: a deployment problem that a retry will not fix.
    return AmpError(f"AWS refused the request, check the deployment ({detail})")


def translate_botocore_error(error: BotoCoreError, action: str) -> AmpError:
    if isinstance(
        error, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError | ConnectionClosedError
    ):
        return ProviderUnavailable(f"{action}: AWS unreachable, retry later ({error})")
    return AmpError(f"{action}: AWS client error ({error})")


@contextmanager
def aws_errors(action: str) -> Iterator[None]:
    """Wrap one AWS call; domain errors raised inside pass through untouched."""
    try:
        yield
    except ClientError as error:
        raise translate_client_error(error, action) from error
    except BotoCoreError as error:
        raise translate_botocore_error(error, action) from error
