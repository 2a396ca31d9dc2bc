"""Builds the Lambda handler of a pipeline stage: validate the payload, call the stage, return JSON."""

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from amp.adapters.factory import stage_context
from amp.observability import logger, metrics, tracer
from amp.stages import STAGES
from amp.stages.context import StageContext

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


class _StageModule(Protocol):
    def run(self, payload: Any, ctx: StageContext) -> BaseModel: ...


def stage_handler(stage_name: str) -> LambdaHandler:
    """Imports only this stage's module, so a handler's cold start pays for its own stage alone."""
    stage = STAGES[stage_name]
    module: _StageModule = importlib.import_module(stage.module)

    @logger.inject_lambda_context(correlation_id_path="job_id")
    @metrics.log_metrics(raise_on_empty_metrics=False)
    @tracer.capture_lambda_handler(capture_response=False)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        logger.append_keys(stage=stage.name)
        payload = stage.input_model.model_validate(event)
        result = module.run(payload, stage_context())
        metrics.add_dimension(name="stage", value=stage.name)
        metrics.add_metric(name="StageCompleted", unit=MetricUnit.Count, value=1)
        return result.model_dump(mode="json")

    lambda_handler.__name__ = f"{stage.name}_handler"
    handler: LambdaHandler = lambda_handler
    return handler
