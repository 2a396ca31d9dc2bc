"""Running a validated definition: states in order, Task invocation in a worker thread (timeouts and
cancellation), Retry with backoff and jitter, Catch, INLINE Map with MaxConcurrency, and the history."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from amp.orchestration.asl.choice import evaluate_rule
from amp.orchestration.asl.errors import (
    STATES_NO_CHOICE_MATCHED,
    STATES_RUNTIME,
    STATES_TIMEOUT,
    AslDefinitionError,
    StatesError,
    error_from_exception,
    error_matches,
)
from amp.orchestration.asl.paths import ReferencePath, apply_result_path, apply_template, json_copy
from amp.orchestration.asl.validation import validate_definition

TaskHandler = Callable[[Any], Any]
"""A Task resource: takes the effective input (JSON), returns the result (JSON) or raises."""
StateCallback = Callable[[str, str], None]
"""on_state(state_name, event); may be called from Map worker threads."""
StopCheck = Callable[[], bool]
EnterCallback = Callable[[str, Any], None]
"""on_enter(state_name, state_input): a top-level state is about to run with this (raw) input. What a
caller records to resume the execution later with start_at=(state_name, state_input)."""

_POLL_S: Final = 0.05
"""How often a wait on a running task re-checks cancellation."""


class ExecutionStatus(StrEnum):
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ABORTED = "ABORTED"
    TIMED_OUT = "TIMED_OUT"


@dataclass(frozen=True)
class ExecutionResult:
    """What Step Functions' DescribeExecution + GetExecutionHistory would tell, in one object."""

    execution_id: str
    status: ExecutionStatus
    output: Any = None
    error: str | None = None
    cause: str | None = None
    history: list[tuple[str, str]] = field(default_factory=list)


class _Aborted(Exception):
    """The execution was stopped (should_stop) or a sibling Map iteration failed."""


class _ExecutionTimedOut(Exception):
    """The state machine's own TimeoutSeconds elapsed."""


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StateMachine:
    """A validated definition plus the handlers of its Task resources; execute() runs it."""

    def __init__(
        self,
        definition: Mapping[str, Any],
        resources: Mapping[str, TaskHandler],
        *,
        name: str = "pipeline",
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        """`sleep` is what Retry waits with (tests pass a recorder); `rng` draws FULL jitter."""
        validate_definition(definition, lambda resource: resource in resources)
        self.definition: dict[str, Any] = json_copy(dict(definition))
        self.resources = dict(resources)
        self.name = name
        self._sleep = sleep
        self._rng = rng or random.Random()  # nosec B311 - jitter, not security

    def execute(
        self,
        execution_input: Any,
        *,
        name: str | None = None,
        should_stop: StopCheck | None = None,
        on_state: StateCallback | None = None,
        on_enter: EnterCallback | None = None,
        start_at: tuple[str, Any] | None = None,
    ) -> ExecutionResult:
        """Run to the end. Never raises for a failing execution: the result carries the status.

        `start_at=(state_name, state_input)` resumes an interrupted execution at a top-level state with
        the input it had (as recorded by `on_enter`) instead of at StartAt; `$$.Execution.Input` is
        still `execution_input`."""
        if start_at is not None and start_at[0] not in self.definition["States"]:
            raise AslDefinitionError(f"cannot resume at {start_at[0]!r}: no such top-level state")
        run = _Execution(
            self,
            execution_input,
            name or uuid.uuid4().hex,
            should_stop=should_stop,
            on_state=on_state,
            on_enter=on_enter,
            start_at=start_at,
            sleep=self._sleep,
            rng=self._rng,
        )
        return run.run()


class _Execution:
    """One run of a StateMachine: its input, history and deadline (shared by Map worker threads)."""

    def __init__(
        self,
        machine: StateMachine,
        execution_input: Any,
        name: str,
        *,
        should_stop: StopCheck | None,
        on_state: StateCallback | None,
        on_enter: EnterCallback | None = None,
        start_at: tuple[str, Any] | None = None,
        sleep: Callable[[float], None],
        rng: random.Random,
    ) -> None:
        """`sleep` and `rng` are the machine's Retry wait and jitter source, handed over explicitly."""
        self.machine = machine
        self.sleep = sleep
        self.rng = rng
        self.input = json_copy(execution_input)
        self.name = name
        self.id = f"arn:aws:states:local:000000000000:execution:{machine.name}:{name}"
        self.should_stop = should_stop or (lambda: False)
        self.on_state = on_state
        self.on_enter = on_enter
        self.start_at = start_at
        self.history: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        timeout_s = machine.definition.get("TimeoutSeconds")
        self.deadline = time.monotonic() + timeout_s if timeout_s else None
        self.start_time = _now_iso()

    # -- bookkeeping ------------------------------------------------------------------------------

    def record(self, state: str, event: str) -> None:
        with self._lock:
            self.history.append((state, event))
        if self.on_state is not None:
            self.on_state(state, event)

    def check(self, stop: StopCheck) -> None:
        if stop():
            raise _Aborted
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _ExecutionTimedOut

    def context(self, state_name: str, retry_count: int = 0) -> dict[str, Any]:
        return {
            "Execution": {
                "Id": self.id,
                "Name": self.name,
                "Input": self.input,
                "StartTime": self.start_time,
            },
            "StateMachine": {
                "Id": f"arn:aws:states:local:000000000000:stateMachine:{self.machine.name}",
                "Name": self.machine.name,
            },
            "State": {"Name": state_name, "EnteredTime": _now_iso(), "RetryCount": retry_count},
        }

    # -- top level --------------------------------------------------------------------------------

    def run(self) -> ExecutionResult:
        definition = self.machine.definition
        self.record("", "ExecutionStarted")
        first, first_input = self.start_at or (definition["StartAt"], self.input)
        try:
            output = self.run_states(
                definition["States"], first, json_copy(first_input), self.should_stop, self.on_enter
            )
        except _Aborted:
            self.record("", "ExecutionAborted")
            return self.result(ExecutionStatus.ABORTED)
        except _ExecutionTimedOut:
            self.record("", "ExecutionTimedOut")
            return self.result(ExecutionStatus.TIMED_OUT, error=STATES_TIMEOUT)
        except StatesError as error:
            self.record("", "ExecutionFailed")
            return self.result(ExecutionStatus.FAILED, error=error.error, cause=error.cause)
        self.record("", "ExecutionSucceeded")
        return self.result(ExecutionStatus.SUCCEEDED, output=output)

    def result(
        self,
        status: ExecutionStatus,
        *,
        output: Any = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> ExecutionResult:
        with self._lock:
            history = list(self.history)
        return ExecutionResult(self.id, status, output, error, cause, history)

    def run_states(
        self,
        states: Mapping[str, Any],
        start_at: str,
        data: Any,
        stop: StopCheck,
        on_enter: EnterCallback | None = None,
    ) -> Any:
        """Run one state list (the machine or a Map iteration) from start_at to a terminal state;
        `on_enter` (top level only) hears each state and its input before it runs."""
        current: str | None = start_at
        while current is not None:
            self.check(stop)
            state = states[current]
            if on_enter is not None:
                on_enter(current, json_copy(data))
            state_type = state["Type"]
            self.record(current, f"{state_type}StateEntered")
            data, current = self.run_state(current, state, data, stop)
        return data

    def run_state(
        self, name: str, state: Mapping[str, Any], raw: Any, stop: StopCheck
    ) -> tuple[Any, str | None]:
        """Run one state; returns its output and the next state's name (None at the end)."""
        state_type = state["Type"]
        next_state: str | None = None if state.get("End") else state.get("Next")
        if state_type == "Fail":
            self.record(name, "FailStateExited")
            raise StatesError(state.get("Error", "States.Fail"), state.get("Cause"))
        if state_type == "Choice":
            effective = self.input_path(state, raw)
            next_state = self.choose(name, state, effective)
            output = self.output_path(state, effective)
        elif state_type == "Succeed":
            output = self.output_path(state, self.input_path(state, raw))
        elif state_type == "Pass":
            effective = self.effective_input(name, state, raw)
            result = state.get("Result", effective)
            output = self.finish(name, state, raw, json_copy(result))
        else:
            try:
                output = self.run_with_retry(name, state, raw, stop)
            except StatesError as error:
                catcher = next(
                    (c for c in state.get("Catch", []) if error_matches(c["ErrorEquals"], error.error)),
                    None,
                )
                if catcher is None:
                    raise
                self.record(name, f"{state_type}StateCaught")
                caught = {"Error": error.error, "Cause": error.cause}
                output = apply_result_path(raw, caught, catcher.get("ResultPath", "$"))
                next_state = catcher["Next"]
        self.record(name, f"{state_type}StateExited")
        return output, next_state

    def input_path(self, state: Mapping[str, Any], raw: Any) -> Any:
        path = state.get("InputPath", "$")
        return {} if path is None else ReferencePath.parse(path).find(raw, {})

    def effective_input(self, name: str, state: Mapping[str, Any], raw: Any) -> Any:
        """InputPath then Parameters (a Map's Parameters is its per-item selector, not applied here)."""
        data = self.input_path(state, raw)
        if "Parameters" in state and state["Type"] != "Map":
            data = apply_template(state["Parameters"], data, self.context(name))
        return data

    def output_path(self, state: Mapping[str, Any], data: Any) -> Any:
        path = state.get("OutputPath", "$")
        return {} if path is None else ReferencePath.parse(path).find(data, {})

    def finish(self, name: str, state: Mapping[str, Any], raw: Any, result: Any) -> Any:
        if "ResultSelector" in state:
            result = apply_template(state["ResultSelector"], result, self.context(name))
        merged = apply_result_path(raw, result, state.get("ResultPath", "$"))
        return self.output_path(state, merged)

    def choose(self, name: str, state: Mapping[str, Any], data: Any) -> str:
        context = self.context(name)
        for rule in state["Choices"]:
            if evaluate_rule(rule, data, context):
                return str(rule["Next"])
        if "Default" in state:
            return str(state["Default"])
        raise StatesError(STATES_NO_CHOICE_MATCHED, f"No Matches! (state {name})")

    def run_with_retry(self, name: str, state: Mapping[str, Any], raw: Any, stop: StopCheck) -> Any:
        retriers = state.get("Retry", [])
        attempts = [0] * len(retriers)
        while True:
            try:
                if state["Type"] == "Task":
                    return self.run_task(name, state, raw, stop, sum(attempts))
                return self.run_map(name, state, raw, stop)
            except StatesError as error:
                index = next(
                    (i for i, r in enumerate(retriers) if error_matches(r["ErrorEquals"], error.error)), None
                )
                if index is None:
                    raise
                retrier = retriers[index]
                if attempts[index] >= retrier.get("MaxAttempts", 3):
                    raise
                delay_s = (
                    float(retrier.get("IntervalSeconds", 1))
                    * float(retrier.get("BackoffRate", 2.0)) ** attempts[index]
                )
                if "MaxDelaySeconds" in retrier:
                    delay_s = min(delay_s, float(retrier["MaxDelaySeconds"]))
                if retrier.get("JitterStrategy", "NONE") == "FULL":
                    delay_s = self.rng.uniform(0.0, delay_s)
                attempts[index] += 1
                self.record(name, f"{state['Type']}StateRetry")
                self.sleep(delay_s)
                self.check(stop)

    def run_task(
        self, name: str, state: Mapping[str, Any], raw: Any, stop: StopCheck, retry_count: int
    ) -> Any:
        effective = self.effective_input(name, state, raw)
        handler = self.machine.resources[state["Resource"]]
        self.record(name, "TaskScheduled")
        try:
            timeout_s = self.task_timeout_s(state, raw)
            result = self.invoke(handler, json_copy(effective), timeout_s, stop)
        except StatesError as error:
            self.record(name, "TaskTimedOut" if error.error == STATES_TIMEOUT else "TaskFailed")
            raise
        self.record(name, "TaskSucceeded")
        return self.finish(name, state, raw, result)

    def task_timeout_s(self, state: Mapping[str, Any], raw: Any) -> float | None:
        """TimeoutSeconds, or TimeoutSecondsPath read from the state's input (after InputPath): a
        positive integer, else States.Runtime, as Step Functions does."""
        if "TimeoutSecondsPath" not in state:
            timeout: float | None = state.get("TimeoutSeconds")
            return timeout
        value = ReferencePath.parse(state["TimeoutSecondsPath"]).find(self.input_path(state, raw), None)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise StatesError(
                STATES_RUNTIME, f"TimeoutSecondsPath {state['TimeoutSecondsPath']} is not a positive integer"
            )
        return float(value)

    def invoke(self, handler: TaskHandler, payload: Any, timeout_s: float | None, stop: StopCheck) -> Any:
        """Call the handler in a worker thread so a timeout or a stop can end the wait.

        Python cannot kill a thread: on timeout or abort the handler keeps running in the background
        until it returns on its own (its result is discarded). Stages guard against this by refusing
        to write to a job that is already terminal."""
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def target() -> None:
            try:
                result = handler(payload)
            except BaseException as error:  # every failure is reported, as Lambda does
                outcome["error"] = error_from_exception(error)
            else:
                try:
                    outcome["result"] = json_copy(result)
                except (TypeError, ValueError) as error:
                    body = {"errorMessage": str(error), "errorType": "Runtime.MarshalError"}
                    outcome["error"] = StatesError(
                        "Runtime.MarshalError", json.dumps(body, separators=(",", ":"))
                    )
            finally:
                done.set()

        worker = threading.Thread(target=target, name="asl-task", daemon=True)
        worker.start()
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while not done.is_set():
            remaining = _POLL_S if deadline is None else min(_POLL_S, deadline - time.monotonic())
            if remaining <= 0:
                raise StatesError(STATES_TIMEOUT, f"Task did not finish within {timeout_s} s")
            done.wait(remaining)
            if not done.is_set():
                self.check(stop)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def run_map(self, name: str, state: Mapping[str, Any], raw: Any, stop: StopCheck) -> Any:
        effective = self.input_path(state, raw)
        items = ReferencePath.parse(state.get("ItemsPath", "$")).find(effective, {})
        if not isinstance(items, list):
            raise StatesError(STATES_RUNTIME, f"Map state {name}: ItemsPath did not select an array")
        selector = state.get("ItemSelector", state.get("Parameters"))
        processor = state.get("ItemProcessor", state.get("Iterator"))
        inputs = []
        for index, item in enumerate(items):
            if selector is None:
                inputs.append(json_copy(item))
            else:
                context = self.context(name)
                context["Map"] = {"Item": {"Index": index, "Value": item}}
                inputs.append(apply_template(selector, effective, context))
        self.record(name, "MapStateStarted")
        failed = threading.Event()
        first_error: list[BaseException] = []
        lock = threading.Lock()

        def sibling_stop() -> bool:
            return failed.is_set() or stop()

        def iteration(index: int, item_input: Any) -> Any:
            self.record(name, f"MapIterationStarted[{index}]")
            try:
                output = self.run_states(processor["States"], processor["StartAt"], item_input, sibling_stop)
            except _Aborted:
                self.record(name, f"MapIterationAborted[{index}]")
                raise
            except BaseException as error:
                with lock:
                    first_error.append(error)
                failed.set()
                self.record(name, f"MapIterationFailed[{index}]")
                raise
            self.record(name, f"MapIterationSucceeded[{index}]")
            return output

        results: list[Any] = []
        if inputs:
            workers = state.get("MaxConcurrency", 0) or len(inputs)
            with ThreadPoolExecutor(
                max_workers=min(workers, len(inputs)), thread_name_prefix="asl-map"
            ) as pool:
                futures = [pool.submit(iteration, index, item) for index, item in enumerate(inputs)]
                for future in futures:
                    if future.exception() is None:
                        results.append(future.result())
        if first_error:
            self.record(name, "MapStateFailed")
            raise first_error[0]
        self.check(stop)
        self.record(name, "MapStateSucceeded")
        return self.finish(name, state, raw, results)
