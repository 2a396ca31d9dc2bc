"""The one Lambda context for handler calls outside Lambda (amp serve, the local pipeline, tests)."""

import time

import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext

from amp.lambda_context import LocalLambdaContext, function_arn


def test_context_is_powertools_typed_and_names_the_function() -> None:
    context = LocalLambdaContext("amp-parse")
    assert isinstance(context, LambdaContext)
    assert context.function_name == "amp-parse"
    assert context.invoked_function_arn == "arn:aws:lambda:local:000000000000:function:amp-parse"
    assert context.log_group_name == "/aws/lambda/amp-parse"
    assert context.memory_limit_in_mb == 1024


def test_each_context_has_its_own_request_id_unless_given_one() -> None:
    assert LocalLambdaContext().aws_request_id != LocalLambdaContext().aws_request_id
    assert LocalLambdaContext(aws_request_id="req-1").aws_request_id == "req-1"


def test_remaining_time_counts_down_from_the_timeout_and_stops_at_zero() -> None:
    context = LocalLambdaContext(timeout_s=0.2)
    first = context.get_remaining_time_in_millis()
    assert 100 < first <= 200
    time.sleep(0.25)
    assert context.get_remaining_time_in_millis() == 0


def test_an_explicit_arn_wins_over_the_local_one() -> None:
    arn = function_arn("amp-batch", region="us-east-1", account="123456789012")
    assert arn == "arn:aws:lambda:us-east-1:123456789012:function:amp-batch"
    assert LocalLambdaContext("amp-batch", invoked_function_arn=arn).invoked_function_arn == arn


def test_a_non_positive_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="timeout_s must be positive"):
        LocalLambdaContext(timeout_s=0)
