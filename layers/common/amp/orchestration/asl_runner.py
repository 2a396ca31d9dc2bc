"""An in-process interpreter for the subset of the Amazon States Language (JSONPath mode) AMP uses.

Locally, `statemachine/pipeline.asl.json` runs here, unchanged, with each Task resource routed to a
Python callable (the stage's Lambda handler). The cloud runs the same file on Step Functions; a parity
test runs it under moto's engine too.

Why our own interpreter: the options found were moto's Step Functions engine (a port of LocalStack's;
test-only, it routes Task resources through moto's patched boto3 Lambda client and so needs
`mock_aws` to be active for the whole process), Step Functions Local / LocalStack (a JVM or Docker
service, not in-process) and `pyaslengine` (a young single-maintainer package without the Map
concurrency, Retry backoff/jitter, task timeouts or cancellation we need). The subset below is small
enough to implement exactly from the spec and test state by state.

Supported: Task, Pass, Choice, Map (INLINE; ItemsPath, ItemSelector/Parameters, ItemProcessor/Iterator,
MaxConcurrency), Succeed, Fail; InputPath, Parameters, ResultSelector, ResultPath, OutputPath with
reference paths (`$.a.b`, `$.a[0]`, `$['a']`) and the `$$` context object; Retry, Catch and Task
TimeoutSeconds; the state machine's own TimeoutSeconds. Anything else (intrinsic functions, Wait,
Parallel, JSONata, HeartbeatSeconds, ...) is rejected when the definition is loaded, so a definition can
never silently rely on something this runner does not execute.

Error semantics follow Step Functions: a handler's exception becomes Error = its class name and
Cause = a JSON string {"errorMessage", "errorType"} (what Lambda reports); `States.ALL` matches every
error except `States.Runtime`, which is never retried nor caught and fails the execution;
`States.TaskFailed` matches every error except `States.Timeout` and `States.Runtime`.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

TaskHandler = Callable[[Any], Any]
"""A Task resource: takes the effective input (JSON), returns the result (JSON) or raises."""
StateCallback = Callable[[str, str], None]
"""on_state(state_name, event); may be called from Map worker threads."""
StopCheck = Callable[[], bool]
EnterCallback = Callable[[str, Any], None]
"""on_enter(state_name, state_input): a top-level state is about to run with this (raw) input. What a
caller records to resume the execution later with start_at=(state_name, state_input)."""

STATES_ALL: Final = "States.ALL"
STATES_RUNTIME: Final = "States.Runtime"
STATES_TIMEOUT: Final = "States.Timeout"
STATES_TASK_FAILED: Final = "States.TaskFailed"
STATES_NO_CHOICE_MATCHED: Final = "States.NoChoiceMatched"

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


class AslDefinitionError(ValueError):
    """The definition is malformed or uses something this runner does not execute."""


class TaskError(Exception):
    """Raise from a handler to report an exact error name (e.g. `Lambda.ServiceException`)."""

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


class StatesError(Exception):
    """A state failed with an ASL error name and cause; drives Retry, Catch and the final status."""

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


class _Aborted(Exception):
    """The execution was stopped (should_stop) or a sibling Map iteration failed."""


class _ExecutionTimedOut(Exception):
    """The state machine's own TimeoutSeconds elapsed."""


def lambda_error_payload(error: BaseException) -> dict[str, str]:
    """The body Lambda returns for an unhandled exception (without the stack trace); Step Functions
    reports it, as compact JSON, as the Cause."""
    return {"errorMessage": str(error), "errorType": type(error).__name__}


def error_from_exception(error: BaseException) -> StatesError:
    """Map a handler's exception to the ASL error Step Functions reports for a Lambda task."""
    if isinstance(error, TaskError):
        return StatesError(error.error, error.cause)
    payload = lambda_error_payload(error)
    return StatesError(payload["errorType"], json.dumps(payload, separators=(",", ":")))


# --------------------------------------------------------------------------------------------------
# Paths


_PATH_TOKEN = re.compile(
    r"""\.(?P<name>[^.\[\]'"\s]+)|\[(?P<index>\d+)\]|\[(?P<quote>['"])(?P<key>[^'"]*)(?P=quote)\]"""
)


@dataclass(frozen=True)
class ReferencePath:
    """A JSONPath without wildcards or filters: `$`, `$$`, then `.name`, `['name']` or `[n]` steps."""

    text: str
    context: bool
    steps: tuple[str | int, ...]

    @classmethod
    def parse(cls, text: str) -> ReferencePath:
        if isinstance(text, str) and text.startswith("States."):
            raise AslDefinitionError(f"intrinsic function {text!r} is not supported, only reference paths")
        if not isinstance(text, str) or not text.startswith("$"):
            raise AslDefinitionError(f"path {text!r} must start with '$'")
        context = text.startswith("$$")
        rest = text[2:] if context else text[1:]
        steps: list[str | int] = []
        position = 0
        while position < len(rest):
            match = _PATH_TOKEN.match(rest, position)
            if match is None:
                raise AslDefinitionError(
                    f"path {text!r} is not a reference path this runner supports "
                    "(no wildcards, filters, slices or intrinsic functions)"
                )
            if match.group("name") is not None:
                steps.append(match.group("name"))
            elif match.group("index") is not None:
                steps.append(int(match.group("index")))
            else:
                steps.append(match.group("key"))
            position = match.end()
        return cls(text, context, tuple(steps))

    def find(self, data: Any, context: Any) -> Any:
        """The value at this path; States.Runtime when it does not exist (as Step Functions does)."""
        found, value = self.lookup(data, context)
        if not found:
            raise StatesError(STATES_RUNTIME, f"The JSONPath '{self.text}' could not be found in the input")
        return value

    def lookup(self, data: Any, context: Any) -> tuple[bool, Any]:
        value = context if self.context else data
        for step in self.steps:
            in_list = isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value)
            in_object = isinstance(step, str) and isinstance(value, dict) and step in value
            if not (in_list or in_object):
                return False, None
            value = value[step]
        return True, value


def _path(text: Any, where: str) -> ReferencePath:
    try:
        return ReferencePath.parse(text)
    except AslDefinitionError as error:
        raise AslDefinitionError(f"{where}: {error}") from None


def _validate_template(template: Any, where: str) -> None:
    """Parameters/ItemSelector/ResultSelector: every `key.$` value must be a supported path."""
    if isinstance(template, dict):
        for key, value in template.items():
            if key.endswith(".$"):
                _path(value, f"{where}.{key}")
            else:
                _validate_template(value, f"{where}.{key}")
    elif isinstance(template, list):
        for index, value in enumerate(template):
            _validate_template(value, f"{where}[{index}]")


def _apply_template(template: Any, data: Any, context: Any) -> Any:
    if isinstance(template, dict):
        result: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(".$"):
                result[key[:-2]] = ReferencePath.parse(value).find(data, context)
            else:
                result[key] = _apply_template(value, data, context)
        return result
    if isinstance(template, list):
        return [_apply_template(value, data, context) for value in template]
    return template


def _apply_result_path(raw_input: Any, result: Any, result_path: str | None) -> Any:
    """ResultPath: `$` replaces, null keeps the input, `$.a.b` sets (creating objects on the way)."""
    if result_path is None:
        return raw_input
    path = ReferencePath.parse(result_path)
    if not path.steps:
        return result
    output = _json_copy(raw_input)
    if not isinstance(output, dict):
        raise StatesError(STATES_RUNTIME, f"ResultPath '{result_path}' needs an object as the state input")
    target: Any = output
    for step in path.steps[:-1]:
        if not isinstance(step, str) or not isinstance(target, dict):
            raise StatesError(STATES_RUNTIME, f"ResultPath '{result_path}' cannot be applied to the input")
        child = target.get(step)
        if child is None:
            child = target[step] = {}
        elif not isinstance(child, dict):
            raise StatesError(STATES_RUNTIME, f"ResultPath '{result_path}' crosses a non-object value")
        target = child
    last = path.steps[-1]
    if not isinstance(last, str):
        raise StatesError(STATES_RUNTIME, f"ResultPath '{result_path}' must end at an object field")
    target[last] = result
    return output


def _json_copy(value: Any) -> Any:
    """A deep copy as JSON would make it; states never share mutable data, like on Step Functions."""
    return json.loads(json.dumps(value))


# --------------------------------------------------------------------------------------------------
# Validation

_COMMON = {"Type", "Comment"}
_FLOW = {"Next", "End"}
_IO = {"InputPath", "OutputPath"}
_ALLOWED_FIELDS: Final[dict[str, set[str]]] = {
    "Task": _COMMON
    | _FLOW
    | _IO
    | {"Resource", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "TimeoutSeconds"},
    "Pass": _COMMON | _FLOW | _IO | {"Result", "Parameters", "ResultPath"},
    "Choice": _COMMON | _IO | {"Choices", "Default"},
    "Map": _COMMON
    | _FLOW
    | _IO
    | {
        "ItemsPath",
        "ItemSelector",
        "Parameters",
        "ItemProcessor",
        "Iterator",
        "MaxConcurrency",
        "ResultSelector",
        "ResultPath",
        "Retry",
        "Catch",
    },
    "Succeed": _COMMON | _IO,
    "Fail": _COMMON | {"Error", "Cause"},
}
_RETRIER_FIELDS = {
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
}
_CATCHER_FIELDS = {"ErrorEquals", "ResultPath", "Next", "Comment"}
_MACHINE_FIELDS = {"Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"}
_PROCESSOR_FIELDS = {"Comment", "StartAt", "States", "ProcessorConfig"}

_COMPARISONS: Final[dict[str, str]] = {
    "StringEquals": "string",
    "StringLessThan": "string",
    "StringGreaterThan": "string",
    "StringLessThanEquals": "string",
    "StringGreaterThanEquals": "string",
    "StringMatches": "pattern",
    "NumericEquals": "number",
    "NumericLessThan": "number",
    "NumericGreaterThan": "number",
    "NumericLessThanEquals": "number",
    "NumericGreaterThanEquals": "number",
    "BooleanEquals": "boolean",
    "IsPresent": "boolean",
    "IsNull": "boolean",
    "IsString": "boolean",
    "IsNumeric": "boolean",
    "IsBoolean": "boolean",
}
_PATH_COMPARISONS = {
    f"{name}Path"
    for name, kind in _COMPARISONS.items()
    if kind in {"string", "number"} or name == "BooleanEquals"
}


def _positive_int(value: Any, where: str, *, minimum: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise AslDefinitionError(f"{where} must be an integer >= {minimum}, got {value!r}")
    return value


def _check_fields(obj: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise AslDefinitionError(f"{where} must be an object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise AslDefinitionError(f"{where}: unsupported field(s) {', '.join(unknown)}")
    return obj


def _validate_error_equals(names: Any, where: str) -> None:
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise AslDefinitionError(f"{where}.ErrorEquals must be a non-empty list of error names")
    if STATES_ALL in names and len(names) > 1:
        raise AslDefinitionError(f"{where}.ErrorEquals: States.ALL must appear alone")


def _validate_retry(retriers: Any, where: str) -> None:
    if not isinstance(retriers, list):
        raise AslDefinitionError(f"{where}.Retry must be a list")
    for index, retrier in enumerate(retriers):
        here = f"{where}.Retry[{index}]"
        _check_fields(retrier, _RETRIER_FIELDS, here)
        _validate_error_equals(retrier.get("ErrorEquals"), here)
        if STATES_ALL in retrier["ErrorEquals"] and index != len(retriers) - 1:
            raise AslDefinitionError(f"{here}: a States.ALL retrier must be the last one")
        _positive_int(retrier.get("IntervalSeconds", 1), f"{here}.IntervalSeconds")
        _positive_int(retrier.get("MaxAttempts", 3), f"{here}.MaxAttempts", minimum=0)
        if "MaxDelaySeconds" in retrier:
            _positive_int(retrier["MaxDelaySeconds"], f"{here}.MaxDelaySeconds")
        rate = retrier.get("BackoffRate", 2.0)
        if not isinstance(rate, int | float) or isinstance(rate, bool) or rate < 1.0:
            raise AslDefinitionError(f"{here}.BackoffRate must be a number >= 1.0")
        if retrier.get("JitterStrategy", "NONE") not in {"FULL", "NONE"}:
            raise AslDefinitionError(f"{here}.JitterStrategy must be FULL or NONE")


def _validate_catch(catchers: Any, where: str, states: Mapping[str, Any]) -> None:
    if not isinstance(catchers, list):
        raise AslDefinitionError(f"{where}.Catch must be a list")
    for index, catcher in enumerate(catchers):
        here = f"{where}.Catch[{index}]"
        _check_fields(catcher, _CATCHER_FIELDS, here)
        _validate_error_equals(catcher.get("ErrorEquals"), here)
        if STATES_ALL in catcher["ErrorEquals"] and index != len(catchers) - 1:
            raise AslDefinitionError(f"{here}: a States.ALL catcher must be the last one")
        if catcher.get("Next") not in states:
            raise AslDefinitionError(f"{here}.Next {catcher.get('Next')!r} is not a state")
        if catcher.get("ResultPath") is not None:
            _path(catcher["ResultPath"], f"{here}.ResultPath")


def _validate_rule(rule: Any, where: str, *, top: bool, states: Mapping[str, Any]) -> None:
    if not isinstance(rule, dict):
        raise AslDefinitionError(f"{where} must be an object")
    fields = set(rule) - {"Comment"}
    if top:
        if rule.get("Next") not in states:
            raise AslDefinitionError(f"{where}.Next {rule.get('Next')!r} is not a state")
        fields.discard("Next")
    elif "Next" in rule:
        raise AslDefinitionError(f"{where}: only a top-level choice rule has Next")
    if fields in ({"And"}, {"Or"}):
        (operator,) = fields
        operands = rule[operator]
        if not isinstance(operands, list) or not operands:
            raise AslDefinitionError(f"{where}.{operator} must be a non-empty list")
        for index, operand in enumerate(operands):
            _validate_rule(operand, f"{where}.{operator}[{index}]", top=False, states=states)
        return
    if fields == {"Not"}:
        _validate_rule(rule["Not"], f"{where}.Not", top=False, states=states)
        return
    operators = fields - {"Variable"}
    if "Variable" not in fields or len(operators) != 1:
        raise AslDefinitionError(f"{where}: needs Variable and exactly one comparison (or And/Or/Not)")
    _path(rule["Variable"], f"{where}.Variable")
    (operator,) = operators
    value = rule[operator]
    if operator in _PATH_COMPARISONS:
        _path(value, f"{where}.{operator}")
        return
    kind = _COMPARISONS.get(operator)
    if kind is None:
        raise AslDefinitionError(f"{where}: unsupported comparison {operator}")
    valid = {
        "string": isinstance(value, str),
        "pattern": isinstance(value, str),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
    }[kind]
    if not valid:
        raise AslDefinitionError(f"{where}.{operator} needs a {kind} value, got {value!r}")


def _validate_states(states: Any, start_at: Any, where: str, resources: Callable[[str], bool] | None) -> None:
    if not isinstance(states, dict) or not states:
        raise AslDefinitionError(f"{where}.States must be a non-empty object")
    if start_at not in states:
        raise AslDefinitionError(f"{where}.StartAt {start_at!r} is not a state")
    for name, state in states.items():
        here = f"{where}.States.{name}"
        if not isinstance(state, dict):
            raise AslDefinitionError(f"{here} must be an object")
        state_type = state.get("Type")
        if state_type not in _ALLOWED_FIELDS:
            raise AslDefinitionError(f"{here}: unsupported state type {state_type!r}")
        _check_fields(state, _ALLOWED_FIELDS[state_type], here)
        if state_type in {"Task", "Pass", "Map"}:
            if ("Next" in state) == bool(state.get("End")):
                raise AslDefinitionError(f"{here}: needs exactly one of Next or End: true")
            if "Next" in state and state["Next"] not in states:
                raise AslDefinitionError(f"{here}.Next {state['Next']!r} is not a state")
        for key in ("InputPath", "OutputPath", "ResultPath", "ItemsPath"):
            if state.get(key) is not None:
                _path(state[key], f"{here}.{key}")
        for key in ("Parameters", "ItemSelector", "ResultSelector"):
            if key in state:
                if not isinstance(state[key], dict):
                    raise AslDefinitionError(f"{here}.{key} must be an object")
                _validate_template(state[key], f"{here}.{key}")
        if "Retry" in state:
            _validate_retry(state["Retry"], here)
        if "Catch" in state:
            _validate_catch(state["Catch"], here, states)
        if state_type == "Task":
            resource = state.get("Resource")
            if not isinstance(resource, str) or not resource:
                raise AslDefinitionError(f"{here}.Resource must be a string")
            if resources is not None and not resources(resource):
                raise AslDefinitionError(f"{here}.Resource {resource!r} has no handler")
            if "TimeoutSeconds" in state:
                _positive_int(state["TimeoutSeconds"], f"{here}.TimeoutSeconds")
        elif state_type == "Choice":
            choices = state.get("Choices")
            if not isinstance(choices, list) or not choices:
                raise AslDefinitionError(f"{here}.Choices must be a non-empty list")
            for index, rule in enumerate(choices):
                _validate_rule(rule, f"{here}.Choices[{index}]", top=True, states=states)
            if "Default" in state and state["Default"] not in states:
                raise AslDefinitionError(f"{here}.Default {state['Default']!r} is not a state")
        elif state_type == "Map":
            if "ItemSelector" in state and "Parameters" in state:
                raise AslDefinitionError(f"{here}: use ItemSelector or Parameters, not both")
            if ("ItemProcessor" in state) == ("Iterator" in state):
                raise AslDefinitionError(f"{here}: needs exactly one of ItemProcessor or Iterator")
            processor = _check_fields(
                state.get("ItemProcessor", state.get("Iterator")), _PROCESSOR_FIELDS, f"{here}.ItemProcessor"
            )
            config = processor.get("ProcessorConfig", {})
            _check_fields(config, {"Mode", "ExecutionType"}, f"{here}.ItemProcessor.ProcessorConfig")
            if config.get("Mode", "INLINE") != "INLINE":
                raise AslDefinitionError(f"{here}: only INLINE Map processing is supported")
            _validate_states(
                processor.get("States"), processor.get("StartAt"), f"{here}.ItemProcessor", resources
            )
            _positive_int(state.get("MaxConcurrency", 0), f"{here}.MaxConcurrency", minimum=0)
        elif state_type == "Fail":
            for key in ("Error", "Cause"):
                if key in state and not isinstance(state[key], str):
                    raise AslDefinitionError(f"{here}.{key} must be a string")


def validate_definition(
    definition: Mapping[str, Any], has_resource: Callable[[str], bool] | None = None
) -> None:
    """Raise AslDefinitionError unless every field and state is one this runner executes."""
    _check_fields(dict(definition), _MACHINE_FIELDS, "definition")
    if definition.get("QueryLanguage", "JSONPath") != "JSONPath":
        raise AslDefinitionError("only the JSONPath query language is supported")
    if "TimeoutSeconds" in definition:
        _positive_int(definition["TimeoutSeconds"], "definition.TimeoutSeconds")
    _validate_states(definition.get("States"), definition.get("StartAt"), "definition", has_resource)


# --------------------------------------------------------------------------------------------------
# Choice rules


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _string_matches(value: str, pattern: str) -> bool:
    """StringMatches: `*` is a wildcard, `\\*` and `\\\\` are literal."""
    regex = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            regex.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        regex.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.fullmatch("".join(regex), value, flags=re.DOTALL) is not None


def _compare(operator: str, value: Any, expected: Any) -> bool:
    if operator == "StringMatches":
        return isinstance(value, str) and _string_matches(value, expected)
    if operator.startswith("String"):
        if not (isinstance(value, str) and isinstance(expected, str)):
            return False
    elif operator.startswith("Numeric"):
        if not (_is_number(value) and _is_number(expected)):
            return False
    elif operator == "BooleanEquals":
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    suffix = operator.removeprefix("String").removeprefix("Numeric")
    match suffix:
        case "Equals":
            return bool(value == expected)
        case "LessThan":
            return bool(value < expected)
        case "GreaterThan":
            return bool(value > expected)
        case "LessThanEquals":
            return bool(value <= expected)
        case "GreaterThanEquals":
            return bool(value >= expected)
    raise AslDefinitionError(f"unsupported comparison {operator}")


def _evaluate_rule(rule: Mapping[str, Any], data: Any, context: Any) -> bool:
    if "And" in rule:
        return all(_evaluate_rule(operand, data, context) for operand in rule["And"])
    if "Or" in rule:
        return any(_evaluate_rule(operand, data, context) for operand in rule["Or"])
    if "Not" in rule:
        return not _evaluate_rule(rule["Not"], data, context)
    variable = ReferencePath.parse(rule["Variable"])
    (operator,) = set(rule) - {"Variable", "Next", "Comment"}
    expected = rule[operator]
    found, value = variable.lookup(data, context)
    if operator == "IsPresent":
        return found is expected
    if not found:
        raise StatesError(
            STATES_RUNTIME,
            f"Invalid path '{variable.text}': The choice state's condition path references an invalid value.",
        )
    match operator:
        case "IsNull":
            return (value is None) is expected
        case "IsString":
            return isinstance(value, str) is expected
        case "IsNumeric":
            return _is_number(value) is expected
        case "IsBoolean":
            return isinstance(value, bool) is expected
    if operator.endswith("Path"):
        operator = operator.removesuffix("Path")
        expected = ReferencePath.parse(expected).find(data, context)
    return _compare(operator, value, expected)


# --------------------------------------------------------------------------------------------------
# Execution


def _error_matches(names: Sequence[str], error: str) -> bool:
    if error == STATES_RUNTIME:
        return False
    if error in names or STATES_ALL in names:
        return True
    return STATES_TASK_FAILED in names and error != STATES_TIMEOUT


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
        self.definition: dict[str, Any] = _json_copy(dict(definition))
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
        run = _Execution(self, execution_input, name or uuid.uuid4().hex, should_stop, on_state)
        run.on_enter = on_enter
        run.start_at = start_at
        return run.run()


class _Execution:
    def __init__(
        self,
        machine: StateMachine,
        execution_input: Any,
        name: str,
        should_stop: StopCheck | None,
        on_state: StateCallback | None,
    ) -> None:
        self.machine = machine
        self.input = _json_copy(execution_input)
        self.name = name
        self.id = f"arn:aws:states:local:000000000000:execution:{machine.name}:{name}"
        self.should_stop = should_stop or (lambda: False)
        self.on_state = on_state
        self.on_enter: EnterCallback | None = None
        self.start_at: tuple[str, Any] | None = None
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
                definition["States"], first, _json_copy(first_input), self.should_stop, self.on_enter
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
        """Run one state list (the machine or a Map iteration) from start_at to a terminal state."""
        current: str | None = start_at
        while current is not None:
            self.check(stop)
            state = states[current]
            if on_enter is not None:
                on_enter(current, _json_copy(data))
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
            output = self.finish(name, state, raw, _json_copy(result))
        else:
            try:
                output = self.run_with_retry(name, state, raw, stop)
            except StatesError as error:
                catcher = next(
                    (c for c in state.get("Catch", []) if _error_matches(c["ErrorEquals"], error.error)),
                    None,
                )
                if catcher is None:
                    raise
                self.record(name, f"{state_type}StateCaught")
                caught = {"Error": error.error, "Cause": error.cause}
                output = _apply_result_path(raw, caught, catcher.get("ResultPath", "$"))
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
            data = _apply_template(state["Parameters"], data, self.context(name))
        return data

    def output_path(self, state: Mapping[str, Any], data: Any) -> Any:
        path = state.get("OutputPath", "$")
        return {} if path is None else ReferencePath.parse(path).find(data, {})

    def finish(self, name: str, state: Mapping[str, Any], raw: Any, result: Any) -> Any:
        if "ResultSelector" in state:
            result = _apply_template(state["ResultSelector"], result, self.context(name))
        merged = _apply_result_path(raw, result, state.get("ResultPath", "$"))
        return self.output_path(state, merged)

    def choose(self, name: str, state: Mapping[str, Any], data: Any) -> str:
        context = self.context(name)
        for rule in state["Choices"]:
            if _evaluate_rule(rule, data, context):
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
                    (i for i, r in enumerate(retriers) if _error_matches(r["ErrorEquals"], error.error)), None
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
                    delay_s = self.machine._rng.uniform(0.0, delay_s)
                attempts[index] += 1
                self.record(name, f"{state['Type']}StateRetry")
                self.machine._sleep(delay_s)
                self.check(stop)

    def run_task(
        self, name: str, state: Mapping[str, Any], raw: Any, stop: StopCheck, retry_count: int
    ) -> Any:
        effective = self.effective_input(name, state, raw)
        handler = self.machine.resources[state["Resource"]]
        self.record(name, "TaskScheduled")
        timeout_s = state.get("TimeoutSeconds")
        try:
            result = self.invoke(handler, _json_copy(effective), timeout_s, stop)
        except StatesError as error:
            self.record(name, "TaskTimedOut" if error.error == STATES_TIMEOUT else "TaskFailed")
            raise
        self.record(name, "TaskSucceeded")
        return self.finish(name, state, raw, result)

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
                    outcome["result"] = _json_copy(result)
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
                inputs.append(_json_copy(item))
            else:
                context = self.context(name)
                context["Map"] = {"Item": {"Index": index, "Value": item}}
                inputs.append(_apply_template(selector, effective, context))
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
