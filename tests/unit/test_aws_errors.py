"""AWS failures become domain errors, so the state machine retries exactly the transient ones."""

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from amp.adapters.aws.errors import aws_errors, translate_client_error
from amp.domain.errors import (
    RETRYABLE_ERRORS,
    AmpError,
    Conflict,
    InvalidInput,
    NotFound,
    ProviderUnavailable,
)


def client_error(code: str, status: int) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": "details"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "UpdateItem")


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ProvisionedThroughputExceededException", 400, ProviderUnavailable),
        ("ThrottlingException", 400, ProviderUnavailable),
        ("SlowDown", 503, ProviderUnavailable),
        ("InternalServerError", 500, ProviderUnavailable),
        ("", 502, ProviderUnavailable),
        ("NoSuchKey", 404, NotFound),
        ("ConditionalCheckFailedException", 400, Conflict),
        ("ValidationException", 400, InvalidInput),
    ],
)
def test_client_errors_map_to_domain_errors(code: str, status: int, expected: type[AmpError]) -> None:
    translated = translate_client_error(client_error(code, status), "update job 1")
    assert type(translated) is expected
    assert "update job 1" in str(translated)


def test_deployment_errors_are_not_retried() -> None:
    for code in ("AccessDeniedException", "ResourceNotFoundException", "NoSuchBucket"):
        translated = translate_client_error(client_error(code, 400), "put object")
        assert not isinstance(translated, RETRYABLE_ERRORS)
        assert code in str(translated)


def test_aws_errors_translates_and_chains() -> None:
    with pytest.raises(ProviderUnavailable, match="get job 7") as raised, aws_errors("get job 7"):
        raise client_error("ThrottlingException", 400)
    assert isinstance(raised.value.__cause__, ClientError)
    with pytest.raises(ProviderUnavailable, match="unreachable"), aws_errors("get job 7"):
        raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
    with pytest.raises(AmpError) as other, aws_errors("get job 7"):
        raise NoCredentialsError()
    assert not isinstance(other.value, RETRYABLE_ERRORS)


def test_domain_errors_pass_through_untouched() -> None:
    with pytest.raises(NotFound, match="job 9"), aws_errors("get job 9"):
        raise NotFound("job 9 not found")
