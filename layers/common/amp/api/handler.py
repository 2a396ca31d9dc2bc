"""The API's Lambda handler, here in the layer so `amp serve` calls exactly what API Gateway calls.

No `log_metrics`: routes emit self-contained `single_metric`s, because locally the shared Metrics
object is also used from job worker threads."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from amp.api.app import get_app
from amp.observability import logger, tracer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = get_app().resolve(event, context)
    return response
