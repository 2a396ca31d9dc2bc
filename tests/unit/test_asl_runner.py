"""The ASL interpreter, state by state, against small definitions built in each test."""

import json
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from amp.domain.errors import InvalidInput, ProviderThrottled
from amp.orchestration.asl import (
    AslDefinitionError,
    ExecutionStatus,
    ReferencePath,
    StateMachine,
    StatesError,
    validate_definition,
)

FN = "arn:aws:lambda:local:000000000000:function:F"
OTHER = "arn:aws:lambda:local:000000000000:function:G"


def machine(
    states: dict[str, Any],
    resources: dict[str, Callable[[Any], Any]] | None = None,
    *,
    start: str | None = None,
    sleeps: list[float] | None = None,
    seed: int = 0,
    **top: Any,
) -> StateMachine:
    definition = {"StartAt": start or next(iter(states)), "States": states, **top}
    recorder = sleeps if sleeps is not None else []
    return StateMachine(definition, resources or {}, sleep=recorder.append, rng=random.Random(seed))


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": FN, "End": True, **fields}


def echo(payload: Any) -> Any:
    return payload


class Flaky:
    """Raises the given errors in turn, then returns `result`."""

    def __init__(self, errors: list[BaseException], result: Any = "ok") -> None:
        self.errors = list(errors)
        self.result = result
        self.calls = 0

    def __call__(self, payload: Any) -> Any:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.result


# -- paths and data flow ---------------------------------------------------------------------------


def test_reference_path_reads_fields_indexes_and_quoted_keys() -> None:
    data = {"a": {"b c": [10, {"d": True}]}}
    assert ReferencePath.parse("$.a['b c'][1].d").find(data, {}) is True
    assert ReferencePath.parse("$").find(data, {}) == data
    assert ReferencePath.parse("$$.Execution.Name").find({}, {"Execution": {"Name": "n"}}) == "n"


@pytest.mark.parametrize("path", ["$.a[*]", "$..a", "$.a[0:2]", "a.b", "$.a[?(@.b)]", "States.Format('x')"])
def test_paths_beyond_reference_paths_are_rejected(path: str) -> None:
    with pytest.raises(AslDefinitionError):
        ReferencePath.parse(path)


def test_parameters_select_paths_and_the_context_object() -> None:
    m = machine(
        {
            "S": task(
                Parameters={
                    "id.$": "$.job.id",
                    "fixed": 3,
                    "nested": {"name.$": "$$.Execution.Name", "state.$": "$$.State.Name"},
                    "input.$": "$$.Execution.Input",
                    "execution.$": "$$.Execution.Id",
                    "entered.$": "$$.State.EnteredTime",
                }
            )
        },
        {FN: echo},
    )
    result = m.execute({"job": {"id": "j1"}}, name="run-1")
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output["id"] == "j1"
    assert result.output["fixed"] == 3
    assert result.output["nested"] == {"name": "run-1", "state": "S"}
    assert result.output["input"] == {"job": {"id": "j1"}}
    assert result.output["execution"].endswith(":run-1")
    assert result.output["entered"].endswith("Z")
    assert result.execution_id == result.output["execution"]


def test_result_selector_result_path_and_output_path_shape_the_output() -> None:
    m = machine(
        {
            "S": task(
                InputPath="$.in",
                ResultSelector={"kept.$": "$.value"},
                ResultPath="$.deep.new.result",
                OutputPath="$.deep",
            )
        },
        {FN: lambda payload: {"value": payload["x"] * 2, "dropped": 1}},
    )
    result = m.execute({"in": {"x": 21}, "deep": {"old": 1}})
    assert result.output == {"old": 1, "new": {"result": {"kept": 42}}}


def test_result_path_null_keeps_the_input_and_dollar_replaces_it() -> None:
    m = machine(
        {
            "Keep": task(ResultPath=None, End=None, Next="Replace"),
            "Replace": task(ResultPath="$"),
        },
        {FN: lambda payload: {"from_task": True}},
    )
    assert m.execute({"a": 1}).output == {"from_task": True}
    keep_only = machine({"Keep": task(ResultPath=None)}, {FN: lambda payload: {"x": 1}})
    assert keep_only.execute({"a": 1}).output == {"a": 1}


def test_input_path_null_gives_the_task_an_empty_object() -> None:
    seen: list[Any] = []

    def record(payload: Any) -> int:
        seen.append(payload)
        return 1

    m = machine({"S": task(InputPath=None, ResultPath="$.r")}, {FN: record})
    assert m.execute({"a": 1}).output == {"a": 1, "r": 1}
    assert seen == [{}]


def test_handlers_get_a_copy_and_cannot_mutate_the_state() -> None:
    def mutate(payload: Any) -> Any:
        payload["a"] = "changed"
        return "r"

    m = machine({"S": task(Parameters={"a.$": "$.a"}, ResultPath="$.r")}, {FN: mutate})
    assert m.execute({"a": 1}).output == {"a": 1, "r": "r"}


def test_pass_injects_result_or_transforms_with_parameters() -> None:
    m = machine(
        {
            "Inject": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.m", "Next": "Shape"},
            "Shape": {"Type": "Pass", "Parameters": {"total.$": "$.m.n", "k": "v"}, "End": True},
        }
    )
    assert m.execute({"a": 0}).output == {"total": 1, "k": "v"}


def test_missing_path_fails_with_states_runtime_which_catch_all_does_not_catch() -> None:
    reached: list[str] = []
    m = machine(
        {
            "S": task(
                Parameters={"x.$": "$.missing"},
                Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Handler"}],
                Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
            ),
            "Handler": {"Type": "Pass", "End": True},
        },
        {FN: lambda p: reached.append("called")},
    )
    result = m.execute({})
    assert result.status is ExecutionStatus.FAILED
    assert result.error == "States.Runtime"
    assert "$.missing" in (result.cause or "")
    assert reached == []
    assert ("Handler", "PassStateEntered") not in result.history


def test_output_path_to_a_missing_field_is_a_runtime_error() -> None:
    m = machine({"S": task(OutputPath="$.nope")}, {FN: lambda p: {"a": 1}})
    result = m.execute({})
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "States.Runtime")


# -- Choice ----------------------------------------------------------------------------------------


def choice_machine(rule: dict[str, Any], *, default: bool = True) -> StateMachine:
    states: dict[str, Any] = {
        "C": {"Type": "Choice", "Choices": [{**rule, "Next": "Yes"}]},
        "Yes": {"Type": "Pass", "Result": "yes", "End": True},
        "No": {"Type": "Pass", "Result": "no", "End": True},
    }
    if default:
        states["C"]["Default"] = "No"
    return machine(states)


@pytest.mark.parametrize(
    ("rule", "data", "expected"),
    [
        ({"Variable": "$.v", "BooleanEquals": True}, {"v": True}, "yes"),
        ({"Variable": "$.v", "BooleanEquals": True}, {"v": 1}, "no"),
        ({"Variable": "$.v", "NumericLessThanEquals": 3}, {"v": 3}, "yes"),
        ({"Variable": "$.v", "NumericLessThanEquals": 3}, {"v": 4}, "no"),
        ({"Variable": "$.v", "NumericLessThanEquals": 3}, {"v": "2"}, "no"),
        ({"Variable": "$.v", "NumericEquals": 1}, {"v": True}, "no"),
        ({"Variable": "$.v", "NumericGreaterThan": 1.5}, {"v": 2}, "yes"),
        ({"Variable": "$.v", "NumericLessThan": 1}, {"v": 1}, "no"),
        ({"Variable": "$.v", "NumericGreaterThanEquals": 1}, {"v": 1}, "yes"),
        ({"Variable": "$.v", "StringEquals": "a"}, {"v": "a"}, "yes"),
        ({"Variable": "$.v", "StringEquals": "a"}, {"v": "b"}, "no"),
        ({"Variable": "$.v", "StringLessThan": "b"}, {"v": "a"}, "yes"),
        ({"Variable": "$.v", "StringGreaterThanEquals": "b"}, {"v": "a"}, "no"),
        ({"Variable": "$.v", "StringMatches": "log-*.txt"}, {"v": "log-1.txt"}, "yes"),
        ({"Variable": "$.v", "StringMatches": "a\\*"}, {"v": "ab"}, "no"),
        ({"Variable": "$.v", "StringEqualsPath": "$.w"}, {"v": "x", "w": "x"}, "yes"),
        ({"Variable": "$.v", "NumericGreaterThanPath": "$.w"}, {"v": 2, "w": 3}, "no"),
        ({"Variable": "$.v", "IsPresent": True}, {"v": None}, "yes"),
        ({"Variable": "$.v", "IsPresent": True}, {}, "no"),
        ({"Variable": "$.v", "IsPresent": False}, {}, "yes"),
        ({"Variable": "$.v", "IsNull": True}, {"v": None}, "yes"),
        ({"Variable": "$.v", "IsNull": True}, {"v": 0}, "no"),
        ({"Variable": "$.v", "IsString": True}, {"v": "s"}, "yes"),
        ({"Variable": "$.v", "IsNumeric": True}, {"v": False}, "no"),
        ({"Variable": "$.v", "IsBoolean": True}, {"v": False}, "yes"),
        (
            {
                "And": [
                    {"Variable": "$.a", "BooleanEquals": True},
                    {"Variable": "$.b", "NumericLessThanEquals": 3},
                ]
            },
            {"a": True, "b": 3},
            "yes",
        ),
        (
            {
                "And": [
                    {"Variable": "$.a", "BooleanEquals": True},
                    {"Variable": "$.b", "NumericLessThanEquals": 3},
                ]
            },
            {"a": True, "b": 4},
            "no",
        ),
        (
            {"Or": [{"Variable": "$.a", "BooleanEquals": True}, {"Variable": "$.b", "StringEquals": "x"}]},
            {"a": False, "b": "x"},
            "yes",
        ),
        ({"Not": {"Variable": "$.a", "StringEquals": "x"}}, {"a": "y"}, "yes"),
    ],
)
def test_choice_rules_follow_the_spec(rule: dict[str, Any], data: dict[str, Any], expected: str) -> None:
    assert choice_machine(rule).execute(data).output == expected


def test_choice_on_a_missing_variable_is_a_runtime_error() -> None:
    result = choice_machine({"Variable": "$.v", "BooleanEquals": True}).execute({})
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "States.Runtime")


def test_choice_without_match_or_default_fails_no_choice_matched() -> None:
    result = choice_machine({"Variable": "$.v", "BooleanEquals": True}, default=False).execute({"v": False})
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "States.NoChoiceMatched")


def test_choice_passes_its_input_through_and_can_loop() -> None:
    m = machine(
        {
            "Loop": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 3, "Next": "Inc"}],
                "Default": "Done",
            },
            "Inc": task(End=None, Next="Loop"),
            "Done": {"Type": "Succeed"},
        },
        {FN: lambda p: {"n": p["n"] + 1}},
    )
    result = m.execute({"n": 0})
    assert result.output == {"n": 3}
    assert [s for s, e in result.history if e == "TaskStateEntered"] == ["Inc"] * 3


# -- Map -------------------------------------------------------------------------------------------


def map_state(**fields: Any) -> dict[str, Any]:
    return {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemSelector": {"job.$": "$.job", "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "T", "States": {"T": task()}},
        "ResultPath": "$.results",
        "End": True,
        **fields,
    }


def test_map_selects_each_item_and_returns_results_in_item_order() -> None:
    def slow_first(payload: Any) -> Any:
        time.sleep(0.05 * (3 - payload["index"]))
        return f"{payload['job']}:{payload['item']}:{payload['index']}"

    m = machine({"M": map_state()}, {FN: slow_first})
    result = m.execute({"job": "j", "items": ["a", "b", "c"]})
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output["results"] == ["j:a:0", "j:b:1", "j:c:2"]


def test_map_runs_at_most_max_concurrency_iterations_at_once() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def track(payload: Any) -> Any:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.1)
        with lock:
            running -= 1
        return payload["index"]

    m = machine({"M": map_state(MaxConcurrency=2)}, {FN: track})
    result = m.execute({"job": "j", "items": list(range(6))})
    assert result.output["results"] == list(range(6))
    assert peak == 2


def test_map_over_an_empty_list_gives_an_empty_list() -> None:
    m = machine({"M": map_state()}, {FN: echo})
    assert m.execute({"job": "j", "items": []}).output["results"] == []


def test_map_without_selector_passes_each_item_and_supports_legacy_iterator() -> None:
    state = map_state()
    del state["ItemSelector"]
    state["Iterator"] = state.pop("ItemProcessor")
    m = machine({"M": state}, {FN: lambda item: item * 10})
    assert m.execute({"items": [1, 2]}).output["results"] == [10, 20]


def test_a_failing_iteration_fails_the_map_into_its_catch_and_stops_siblings() -> None:
    started: list[int] = []

    def fail_second(payload: Any) -> Any:
        started.append(payload["index"])
        if payload["index"] == 1:
            raise InvalidInput("bad role")
        time.sleep(0.05)
        return "ok"

    m = machine(
        {
            "M": map_state(
                MaxConcurrency=2,
                End=None,
                Next="After",
                Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}],
            ),
            "After": {"Type": "Succeed"},
            "Caught": {"Type": "Pass", "End": True},
        },
        {FN: fail_second},
    )
    result = m.execute({"job": "j", "items": list(range(8))})
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output["error"]["Error"] == "InvalidInput"
    assert ("Caught", "PassStateEntered") in result.history
    assert len(started) < 8


def test_map_items_path_must_select_a_list() -> None:
    result = machine({"M": map_state()}, {FN: echo}).execute({"job": "j", "items": "nope"})
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "States.Runtime")


# -- Retry and Catch -------------------------------------------------------------------------------


def test_handler_exception_reports_class_name_and_lambda_style_cause() -> None:
    m = machine(
        {
            "S": task(Catch=[{"ErrorEquals": ["InvalidInput"], "ResultPath": "$.error", "Next": "F"}]),
            "F": {"Type": "Pass", "End": True},
        },
        {FN: Flaky([InvalidInput("no such genre")])},
    )
    result = m.execute({"job_id": "j"})
    assert result.output["job_id"] == "j"
    assert result.output["error"]["Error"] == "InvalidInput"
    assert json.loads(result.output["error"]["Cause"]) == {
        "errorMessage": "no such genre",
        "errorType": "InvalidInput",
    }


def test_retry_backs_off_exponentially_then_succeeds() -> None:
    sleeps: list[float] = []
    flaky = Flaky([ProviderThrottled("429")] * 3)
    m = machine(
        {
            "S": task(
                Retry=[
                    {
                        "ErrorEquals": ["ProviderThrottled"],
                        "IntervalSeconds": 2,
                        "MaxAttempts": 4,
                        "BackoffRate": 3.0,
                        "JitterStrategy": "NONE",
                    }
                ]
            )
        },
        {FN: flaky},
        sleeps=sleeps,
    )
    result = m.execute({})
    assert (result.status, result.output, flaky.calls) == (ExecutionStatus.SUCCEEDED, "ok", 4)
    assert sleeps == [2.0, 6.0, 18.0]
    assert [e for s, e in result.history if s == "S"].count("TaskScheduled") == 4


def test_retry_delay_is_capped_by_max_delay_and_full_jitter_stays_below_it() -> None:
    sleeps: list[float] = []
    retrier = {
        "ErrorEquals": ["ProviderThrottled"],
        "IntervalSeconds": 10,
        "MaxAttempts": 4,
        "BackoffRate": 2.0,
        "MaxDelaySeconds": 25,
    }
    m = machine({"S": task(Retry=[retrier])}, {FN: Flaky([ProviderThrottled()] * 3)}, sleeps=sleeps)
    m.execute({})
    assert sleeps == [10.0, 20.0, 25.0]

    jittered: list[float] = []
    m = machine(
        {"S": task(Retry=[{**retrier, "JitterStrategy": "FULL"}])},
        {FN: Flaky([ProviderThrottled()] * 3)},
        sleeps=jittered,
        seed=7,
    )
    m.execute({})
    assert len(jittered) == 3
    assert all(0 <= got <= cap for got, cap in zip(jittered, [10, 20, 25], strict=True))
    assert jittered != [10.0, 20.0, 25.0]


def test_exhausted_retries_fall_through_to_catch() -> None:
    flaky = Flaky([ProviderThrottled("429")] * 5)
    m = machine(
        {
            "S": task(
                Retry=[{"ErrorEquals": ["ProviderThrottled"], "MaxAttempts": 2}],
                Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "F"}],
            ),
            "F": {"Type": "Fail", "Error": "JobFailed", "Cause": "see job"},
        },
        {FN: flaky},
    )
    result = m.execute({})
    assert flaky.calls == 3
    assert (result.status, result.error, result.cause) == (ExecutionStatus.FAILED, "JobFailed", "see job")


def test_each_retrier_counts_its_own_attempts_and_max_attempts_zero_never_retries() -> None:
    flaky = Flaky([ProviderThrottled(), StatesError("Lambda.ServiceException"), ProviderThrottled()])
    m = machine(
        {
            "S": task(
                Retry=[
                    {"ErrorEquals": ["ProviderThrottled"], "MaxAttempts": 2},
                    {"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 1},
                ]
            )
        },
        {FN: flaky},
    )
    assert m.execute({}).status is ExecutionStatus.SUCCEEDED
    assert flaky.calls == 4

    never = Flaky([ProviderThrottled()])
    m = machine({"S": task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}])}, {FN: never})
    result = m.execute({})
    assert (result.status, result.error, never.calls) == (ExecutionStatus.FAILED, "ProviderThrottled", 1)


def test_task_error_reports_an_exact_error_name() -> None:
    m = machine({"S": task()}, {FN: Flaky([StatesError("Lambda.ServiceException", "boom")])})
    result = m.execute({})
    assert (result.error, result.cause) == ("Lambda.ServiceException", "boom")


def test_unserialisable_result_fails_like_lambda_marshal_error() -> None:
    result = machine({"S": task()}, {FN: lambda p: {"x": object()}}).execute({})
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "Runtime.MarshalError")


def test_task_over_its_timeout_raises_states_timeout_which_task_failed_does_not_match() -> None:
    release = threading.Event()

    def hang(payload: Any) -> Any:
        release.wait(5)
        return "late"

    m = machine(
        {
            "S": task(
                TimeoutSeconds=1,
                Retry=[{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 3}],
                Catch=[{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "F"}],
            ),
            "F": {"Type": "Pass", "End": True},
        },
        {FN: hang},
    )
    started = time.monotonic()
    result = m.execute({})
    release.set()
    assert 0.9 < time.monotonic() - started < 4.0
    assert result.output["error"]["Error"] == "States.Timeout"
    assert ("S", "TaskTimedOut") in result.history
    assert ("S", "TaskStateRetry") not in result.history


def test_task_failed_matches_handler_errors() -> None:
    flaky = Flaky([InvalidInput("x")])
    m = machine({"S": task(Retry=[{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 1}])}, {FN: flaky})
    assert m.execute({}).status is ExecutionStatus.SUCCEEDED


# -- terminal states, cancellation, timeouts, history ----------------------------------------------


def test_fail_state_ends_failed_with_its_error_and_cause() -> None:
    m = machine({"F": {"Type": "Fail", "Error": "Oops", "Cause": "because"}})
    result = m.execute({})
    assert (result.status, result.error, result.cause, result.output) == (
        ExecutionStatus.FAILED,
        "Oops",
        "because",
        None,
    )


def test_should_stop_aborts_before_the_next_state() -> None:
    calls: list[str] = []
    m = machine(
        {"A": task(End=None, Next="B"), "B": {**task(), "Resource": OTHER}},
        {FN: lambda p: calls.append("A"), OTHER: lambda p: calls.append("B")},
    )
    result = m.execute({}, should_stop=lambda: bool(calls))
    assert result.status is ExecutionStatus.ABORTED
    assert calls == ["A"]
    assert result.history[-1] == ("", "ExecutionAborted")


def test_should_stop_aborts_a_running_task_without_waiting_for_it() -> None:
    stop = threading.Event()
    release = threading.Event()

    def long_task(payload: Any) -> Any:
        stop.set()
        release.wait(5)
        return "done"

    started = time.monotonic()
    result = machine({"S": task(TimeoutSeconds=60)}, {FN: long_task}).execute({}, should_stop=stop.is_set)
    release.set()
    assert result.status is ExecutionStatus.ABORTED
    assert time.monotonic() - started < 2.0


def test_state_machine_timeout_ends_timed_out() -> None:
    m = machine(
        {"S": task(End=None, Next="S2"), "S2": task()},
        {FN: lambda p: time.sleep(1.1)},
        TimeoutSeconds=1,
    )
    result = m.execute({})
    assert (result.status, result.error) == (ExecutionStatus.TIMED_OUT, "States.Timeout")


def test_on_state_sees_every_history_event_in_order() -> None:
    seen: list[tuple[str, str]] = []
    m = machine({"S": task(End=None, Next="D"), "D": {"Type": "Succeed"}}, {FN: echo})
    result = m.execute({"a": 1}, on_state=lambda state, event: seen.append((state, event)))
    assert seen == result.history
    assert result.history == [
        ("", "ExecutionStarted"),
        ("S", "TaskStateEntered"),
        ("S", "TaskScheduled"),
        ("S", "TaskSucceeded"),
        ("S", "TaskStateExited"),
        ("D", "SucceedStateEntered"),
        ("D", "SucceedStateExited"),
        ("", "ExecutionSucceeded"),
    ]


# -- loading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ({"W": {"Type": "Wait", "Seconds": 1, "End": True}}, "unsupported state type"),
        ({"P": {"Type": "Parallel", "Branches": [], "End": True}}, "unsupported state type"),
        ({"S": task(HeartbeatSeconds=10)}, "HeartbeatSeconds"),
        ({"S": task(Parameters={"x.$": "States.Format('{}', $.a)"})}, "reference path"),
        ({"S": task(Resource="arn:aws:lambda:local:000000000000:function:Nope")}, "has no handler"),
        ({"S": task(End=None, Next="Missing")}, "is not a state"),
        ({"S": task(End=None)}, "exactly one of Next or End"),
        ({"S": task(Retry=[{"ErrorEquals": ["States.ALL", "X"]}])}, "alone"),
        ({"S": task(Retry=[{"ErrorEquals": ["X"], "JitterStrategy": "HALF"}])}, "JitterStrategy"),
        ({"S": task(TimeoutSeconds=0.5)}, "TimeoutSeconds"),
        (
            {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "TimestampEquals": "x", "Next": "C"}]}},
            "unsupported comparison",
        ),
        (
            {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "BooleanEquals": "yes", "Next": "C"}]}},
            "needs a boolean",
        ),
        (
            {
                "M": {
                    **map_state(),
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "DISTRIBUTED"},
                        "StartAt": "T",
                        "States": {"T": task()},
                    },
                }
            },
            "INLINE",
        ),
    ],
)
def test_loading_rejects_what_the_runner_does_not_execute(states: dict[str, Any], message: str) -> None:
    with pytest.raises(AslDefinitionError, match=message):
        machine(states, {FN: echo})


def test_loading_rejects_unknown_top_level_fields_and_query_language() -> None:
    with pytest.raises(AslDefinitionError, match="unsupported field"):
        validate_definition({"StartAt": "S", "States": {"S": {"Type": "Succeed"}}, "Extra": 1})
    with pytest.raises(AslDefinitionError, match="JSONPath"):
        validate_definition(
            {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}, "QueryLanguage": "JSONata"}
        )


def test_timeout_seconds_path_reads_the_timeout_from_the_state_input() -> None:
    stop = threading.Event()

    def slow(payload: Any) -> Any:
        stop.wait(5)
        return {}

    state = task(TimeoutSecondsPath="$.budget_s")
    result = machine({"S": state}, {FN: slow}).execute({"budget_s": 1})
    stop.set()
    assert result.status is ExecutionStatus.FAILED and result.error == "States.Timeout"
    quick = machine({"S": state}, {FN: lambda payload: {"ok": True}}).execute({"budget_s": 30})
    assert quick.status is ExecutionStatus.SUCCEEDED


def test_a_missing_or_bad_timeout_seconds_path_is_a_runtime_error_and_both_fields_are_refused() -> None:
    state = task(TimeoutSecondsPath="$.budget_s")
    for data in ({}, {"budget_s": 0}, {"budget_s": "60"}):
        result = machine({"S": state}, {FN: lambda payload: {}}).execute(data)
        assert result.status is ExecutionStatus.FAILED and result.error == "States.Runtime", data
    with pytest.raises(AslDefinitionError, match="exclusive"):
        machine({"S": task(TimeoutSeconds=5, TimeoutSecondsPath="$.budget_s")}, {FN: lambda payload: {}})
