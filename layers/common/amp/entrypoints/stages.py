"""Builds the Lambda handler of a pipeline stage: validate the payload, call the stage with the
StageContext of the process's Application (environment checked on the first event), return JSON."""

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel

from amp.application import stage_context
from amp.observability import count, logger, tracer
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
    @tracer.capture_lambda_handler(capture_response=False)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        # Thread-safe keys and a self-contained metric: locally, Map iterations run this handler
        # concurrently in threads of one process, unlike Lambda.
        logger.thread_safe_append_keys(stage=stage.name)
        payload = stage.input_model.model_validate(event)
        result = module.run(payload, stage_context())
        count("StageCompleted", stage=stage.name)
        return result.model_dump(mode="json")

    lambda_handler.__name__ = f"{stage.name}_handler"
    handler: LambdaHandler = lambda_handler
    return handler
