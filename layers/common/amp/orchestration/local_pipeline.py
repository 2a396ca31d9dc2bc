"""Runs `statemachine/pipeline.asl.json` for one job, in this process, with the real stage handlers.

The file is the one SAM deploys: its `${<FunctionId>Arn}` placeholders are filled with local function
ARNs built from the STAGES registry, and each ARN is routed to `stage_handler(name)`, called with a
fresh `amp.lambda_context.LocalLambdaContext` per task. The handlers pick their adapters from the
settings (SQLite + filesystem by default), exactly as in the cloud.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from amp.lambda_context import LOCAL_ACCOUNT, LOCAL_REGION, LocalLambdaContext, function_arn
from amp.orchestration.asl import (
    EnterCallback,
    ExecutionResult,
    StateCallback,
    StateMachine,
    StopCheck,
    TaskHandler,
)
from amp.stages import STAGES

STATE_MACHINE_ENV = "AMP_STATE_MACHINE_FILE"
DEFINITION_RELATIVE_PATH = Path("statemachine") / "pipeline.asl.json"
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class StateMachineNotFound(FileNotFoundError):
    """The ASL file is neither where AMP_STATE_MACHINE_FILE says nor in the repository."""


class UnknownPlaceholder(ValueError):
    """The ASL names a `${...}` substitution no stage provides."""


def placeholder_name(function_id: str) -> str:
    """The substitution name the ASL and template.yaml use for a function."""
    return f"{function_id}Arn"


def definition_path() -> Path:
    """AMP_STATE_MACHINE_FILE, else the file in the repository this package sits in."""
    configured = os.environ.get(STATE_MACHINE_ENV)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise StateMachineNotFound(f"{STATE_MACHINE_ENV}={configured} is not a file")
        return path
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / DEFINITION_RELATIVE_PATH
        if candidate.is_file():
            return candidate
    raise StateMachineNotFound(
        f"cannot find {DEFINITION_RELATIVE_PATH} above {here.parent}; set {STATE_MACHINE_ENV} to its path"
    )


def load_definition() -> dict[str, Any]:
    """The raw ASL (placeholders left in)."""
    path = definition_path()
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(definition, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return definition


def placeholders(definition: Any) -> set[str]:
    """Every `${Name}` used anywhere in the definition."""
    return set(_PLACEHOLDER.findall(json.dumps(definition)))


def substitute(definition: Any, values: Mapping[str, str]) -> Any:
    """Replace `${Name}` in every string, as DefinitionSubstitutions does; unknown names raise."""
    if isinstance(definition, dict):
        return {key: substitute(value, values) for key, value in definition.items()}
    if isinstance(definition, list):
        return [substitute(value, values) for value in definition]
    if isinstance(definition, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                raise UnknownPlaceholder(f"the state machine uses ${{{name}}}, which no stage provides")
            return values[name]

        return _PLACEHOLDER.sub(replace, definition)
    return definition


def stage_substitutions(*, region: str = LOCAL_REGION, account: str = LOCAL_ACCOUNT) -> dict[str, str]:
    """Placeholder name -> function ARN for every stage in the registry."""
    return {
        placeholder_name(stage.function_id): function_arn(stage.function_id, region=region, account=account)
        for stage in STAGES.values()
    }


def _lambda_like(stage_name: str) -> TaskHandler:
    """stage_handler(name) with a fresh LocalLambdaContext (900 s, Lambda's longest) per call; built
    on first use so that only the stages a run reaches are imported (and a missing stage fails that
    task, not the whole load)."""
    stage = STAGES[stage_name]
    built: list[Callable[[dict[str, Any], Any], dict[str, Any]]] = []

    def invoke(payload: Any) -> Any:
        if not built:
            from amp.entrypoints.stages import stage_handler

            built.append(stage_handler(stage_name))
        return built[0](payload, LocalLambdaContext(stage.function_id))

    return invoke


def stage_handlers() -> dict[str, TaskHandler]:
    """The real handler of every stage, by stage name (what a run uses unless overridden)."""
    return {name: _lambda_like(name) for name in STAGES}


def build_state_machine(
    handlers: Mapping[str, TaskHandler] | None = None, *, sleep: Callable[[float], None] = time.sleep
) -> StateMachine:
    """The pipeline with each stage's ARN routed to its handler; `handlers` (by stage name) override
    the real ones, e.g. to inject faults."""
    unknown = sorted(set(handlers or {}) - set(STAGES))
    if unknown:
        raise KeyError(f"no such stage(s): {', '.join(unknown)}; known: {', '.join(STAGES)}")
    definition = substitute(load_definition(), stage_substitutions())
    chosen = {**stage_handlers(), **(handlers or {})}
    resources = {function_arn(stage.function_id): chosen[name] for name, stage in STAGES.items()}
    return StateMachine(definition, resources, name="amp-pipeline", sleep=sleep)


def run_job_locally(
    job_id: str,
    *,
    on_state: StateCallback | None = None,
    should_stop: StopCheck | None = None,
    handlers: Mapping[str, TaskHandler] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_enter: EnterCallback | None = None,
    start_at: tuple[str, Any] | None = None,
) -> ExecutionResult:
    """Run the pipeline for a job already in the job store; the execution is named after the job.

    The runner never writes the job itself: the stages do (MarkFailed on failure), and whoever stops
    a run (should_stop) sets the job CANCELLED. `on_enter`/`start_at` record and resume the top-level
    state (see StateMachine.execute)."""
    machine = build_state_machine(handlers, sleep=sleep)
    return machine.execute(
        {"job_id": job_id},
        name=job_id,
        should_stop=should_stop,
        on_state=on_state,
        on_enter=on_enter,
        start_at=start_at,
    )
