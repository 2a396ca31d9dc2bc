"""Load-time checks: a definition is refused unless every field, state and rule is one this runner
executes, so a definition can never silently rely on something it does not run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from amp.orchestration.asl.choice import COMPARISONS, PATH_COMPARISONS
from amp.orchestration.asl.errors import STATES_ALL, AslDefinitionError
from amp.orchestration.asl.paths import parse_path, validate_template

_COMMON = {"Type", "Comment"}
_FLOW = {"Next", "End"}
_IO = {"InputPath", "OutputPath"}
_ALLOWED_FIELDS: Final[dict[str, set[str]]] = {
    "Task": _COMMON
    | _FLOW
    | _IO
    | {
        "Resource",
        "Parameters",
        "ResultSelector",
        "ResultPath",
        "Retry",
        "Catch",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
    },
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
            parse_path(catcher["ResultPath"], f"{here}.ResultPath")


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
    parse_path(rule["Variable"], f"{where}.Variable")
    (operator,) = operators
    value = rule[operator]
    if operator in PATH_COMPARISONS:
        parse_path(value, f"{where}.{operator}")
        return
    kind = COMPARISONS.get(operator)
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
                parse_path(state[key], f"{here}.{key}")
        for key in ("Parameters", "ItemSelector", "ResultSelector"):
            if key in state:
                if not isinstance(state[key], dict):
                    raise AslDefinitionError(f"{here}.{key} must be an object")
                validate_template(state[key], f"{here}.{key}")
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
            if "TimeoutSecondsPath" in state:
                if "TimeoutSeconds" in state:
                    raise AslDefinitionError(f"{here}: TimeoutSeconds and TimeoutSecondsPath are exclusive")
                parse_path(state["TimeoutSecondsPath"], f"{here}.TimeoutSecondsPath")
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
