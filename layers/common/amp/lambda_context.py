"""The one Lambda context for running handlers outside Lambda.

Lambda hands every handler a context object; powertools reads its name, ARN, request id and
remaining time (logging, idempotency expiry), and the batch handler checks the remaining time before
continuing a manifest. `amp serve`'s API front, the local pipeline's stage calls, the job service's
idempotency budget and the tests all need one, so this is it: powertools' typed `LambdaContext` with
its fields filled and a real countdown, so code typed against powertools accepts it unchanged.
"""

import time
import uuid

from aws_lambda_powertools.utilities.typing import LambdaContext

LOCAL_REGION = "local"
LOCAL_ACCOUNT = "000000000000"
DEFAULT_TIMEOUT_S = 900.0
"""Lambda's maximum function timeout; what a stage gets unless its caller says otherwise."""


def function_arn(function_name: str, *, region: str = LOCAL_REGION, account: str = LOCAL_ACCOUNT) -> str:
    """The ARN Lambda would give a function of that name (region `local` unless told otherwise)."""
    return f"arn:aws:lambda:{region}:{account}:function:{function_name}"


class LocalLambdaContext(LambdaContext):
    """A Lambda context whose remaining time counts down from `timeout_s` from construction."""

    def __init__(
        self,
        function_name: str = "amp-local",
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        invoked_function_arn: str | None = None,
        memory_limit_in_mb: int = 1024,
        aws_request_id: str | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        self._function_name = function_name
        self._function_version = "$LATEST"
        self._invoked_function_arn = invoked_function_arn or function_arn(function_name)
        self._memory_limit_in_mb = memory_limit_in_mb
        self._aws_request_id = aws_request_id or str(uuid.uuid4())
        self._log_group_name = f"/aws/lambda/{function_name}"
        self._log_stream_name = f"local/{self._aws_request_id}"
        self.deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:  # type: ignore[override]  # a static stub upstream
        """Milliseconds until the deadline, never negative (powertools' stub always says 0)."""
        return max(0, int((self.deadline - time.monotonic()) * 1000))
