"""The state machine, template.yaml, the stage registry and the stage I/O models must agree: a rename on
one side that the others miss fails here, not in a deployed execution."""

import ast
import importlib
import json
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from amp.domain import errors as domain_errors
from amp.domain.stage_io import MasteringSettings, StageTimeouts, StepError
from amp.orchestration.asl import ReferencePath
from amp.orchestration.local_pipeline import (
    definition_path,
    load_definition,
    placeholder_name,
    placeholders,
    stage_substitutions,
    substitute,
)
from amp.stages import STAGES
from tests.support.template_resources import TEMPLATE_PATH, load_template

REPO_ROOT = TEMPLATE_PATH.parent
DEFINITION = load_definition()
TEMPLATE = load_template()
MACHINE = next(
    properties
    for properties in (resource.get("Properties", {}) for resource in TEMPLATE["Resources"].values())
    if properties.get("DefinitionUri")
)
SUBSTITUTIONS: dict[str, Any] = MACHINE["DefinitionSubstitutions"]
STAGE_BY_PLACEHOLDER = {placeholder_name(stage.function_id): stage for stage in STAGES.values()}


def walk_states(
    states: dict[str, Any], in_map_with_catch: bool = False
) -> typing.Iterator[tuple[str, dict[str, Any], bool]]:
    """Every state, nested Map processors included, with whether an enclosing Map has a Catch."""
    for name, state in states.items():
        yield name, state, in_map_with_catch
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from walk_states(processor["States"], in_map_with_catch or bool(state.get("Catch")))


ALL_STATES = list(walk_states(DEFINITION["States"]))
TASKS = [(name, state, covered) for name, state, covered in ALL_STATES if state["Type"] == "Task"]


def stage_of(state: dict[str, Any]) -> Any:
    (name,) = placeholders(state["Resource"])
    return STAGE_BY_PLACEHOLDER[name]


def output_model(state: dict[str, Any]) -> Any:
    """What the Task's stage returns: the annotation of its module's run()."""
    module = importlib.import_module(stage_of(state).module)
    return typing.get_type_hints(module.run)["return"]


def code_of(function_id: str, resource: dict[str, Any]) -> tuple[Path, str]:
    """Where a function's app.py is and what handler Lambda calls: CodeUri + Handler for a zip
    function; for a container image, the app.py its Dockerfile copies and the image's CMD."""
    properties = resource["Properties"]
    if properties.get("PackageType") != "Image":
        handler = properties.get("Handler", TEMPLATE["Globals"]["Function"].get("Handler"))
        return REPO_ROOT / properties["CodeUri"] / "app.py", str(handler)
    dockerfile = REPO_ROOT / resource["Metadata"]["DockerContext"] / resource["Metadata"]["Dockerfile"]
    lines = dockerfile.read_text(encoding="utf-8").splitlines()
    copies = [
        line.split()[1] for line in lines if line.startswith("COPY") and line.split()[1].endswith("app.py")
    ]
    assert len(copies) == 1, f"{function_id}: {dockerfile} should copy exactly one app.py"
    commands = [json.loads(line.removeprefix("CMD").strip()) for line in lines if line.startswith("CMD")]
    assert len(commands) == 1 and len(commands[0]) == 1, (
        f"{function_id}: {dockerfile} needs one CMD [handler]"
    )
    return REPO_ROOT / resource["Metadata"]["DockerContext"] / copies[0], str(commands[0][0])


# -- placeholders and functions --------------------------------------------------------------------


def test_the_template_points_at_this_state_machine_file() -> None:
    assert (REPO_ROOT / MACHINE["DefinitionUri"]).resolve() == definition_path().resolve()


def test_every_placeholder_has_a_substitution_and_every_substitution_is_used() -> None:
    assert placeholders(DEFINITION) == set(SUBSTITUTIONS)


def test_every_placeholder_is_a_registered_stage_function() -> None:
    assert placeholders(DEFINITION) <= set(stage_substitutions())


@pytest.mark.parametrize("placeholder", sorted(SUBSTITUTIONS))
def test_each_substituted_function_exists_with_an_app_defining_lambda_handler(placeholder: str) -> None:
    value = SUBSTITUTIONS[placeholder]
    assert value == {"Fn::GetAtt": [placeholder.removesuffix("Arn"), "Arn"]}, value
    function_id = value["Fn::GetAtt"][0]
    resource = TEMPLATE["Resources"].get(function_id)
    assert resource is not None, f"{function_id} is not in template.yaml"
    assert resource["Type"] == "AWS::Serverless::Function"
    app, handler = code_of(function_id, resource)
    assert handler == "app.lambda_handler", f"{function_id} runs {handler}"
    assert app.is_file(), f"{app} is missing"
    tree = ast.parse(app.read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)} | {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert "lambda_handler" in defined
    stage = STAGE_BY_PLACEHOLDER[placeholder]
    assert f'stage_handler("{stage.name}")' in app.read_text(encoding="utf-8")


# -- error handling --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "state", "covered"), TASKS, ids=[name for name, _, _ in TASKS])
def test_every_task_retries_and_is_caught(name: str, state: dict[str, Any], covered: bool) -> None:
    assert state.get("Retry"), f"{name} has no Retry"
    # A fixed TimeoutSeconds, or a TimeoutSecondsPath to the length-based one the parse stage computes.
    assert state.get("TimeoutSeconds") or state.get("TimeoutSecondsPath"), (
        f"{name} has no TimeoutSeconds (the default is a year)"
    )
    if name != "MarkFailed":
        assert state.get("Catch") or covered, f"{name} has no Catch and no enclosing Map with a Catch"


def test_every_catch_and_failure_path_ends_in_mark_failed() -> None:
    for name, state, _ in ALL_STATES:
        for catcher in state.get("Catch", []):
            assert catcher["Next"] == "MarkFailed", name
            assert catcher.get("ResultPath") == "$.error", name
    assert DEFINITION["States"]["MarkFailed"]["Next"] == "JobFailed"
    assert DEFINITION["States"]["JobFailed"]["Type"] == "Fail"


def domain_error_names() -> set[str]:
    return {
        name
        for name, value in vars(domain_errors).items()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__ == domain_errors.__name__
    }


def test_every_error_name_is_builtin_or_a_domain_error() -> None:
    known = domain_error_names()
    for name, state, _ in ALL_STATES:
        for handler in [*state.get("Retry", []), *state.get("Catch", [])]:
            for error in handler["ErrorEquals"]:
                assert error.startswith(("States.", "Lambda.")) or error in known, f"{name}: {error}"
    rejected = DEFINITION["States"]["QualityRejected"]["Parameters"]["Error"]
    assert rejected in known


def test_retried_domain_errors_are_the_retryable_ones() -> None:
    retryable = {error.__name__ for error in domain_errors.RETRYABLE_ERRORS}
    for name, state, _ in TASKS:
        if name == "MarkFailed":
            continue
        retried = {
            e for r in state["Retry"] for e in r["ErrorEquals"] if not e.startswith(("States.", "Lambda."))
        }
        assert retried <= retryable, f"{name} retries {retried - retryable}, which are not transient"
        assert "ProviderUnavailable" in retried, f"{name} does not retry ProviderUnavailable"


# -- data flow: every path resolves against the stage I/O models -----------------------------------


def resolve(annotation: Any, steps: tuple[str | int, ...], where: str) -> Any:
    """The type at `steps` inside `annotation`, or an assertion naming the missing field."""
    for step in steps:
        origin = get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            assert len(options) == 1, f"{where}: ambiguous type {annotation}"
            annotation = options[0]
            origin = get_origin(annotation)
        if isinstance(step, int):
            assert origin is list, f"{where}: [{step}] on {annotation}"
            (annotation,) = get_args(annotation)
        elif origin is dict:
            annotation = get_args(annotation)[1]
        else:
            assert isinstance(annotation, type) and issubclass(annotation, BaseModel), (
                f"{where}: .{step} on {annotation}"
            )
            field = annotation.model_fields.get(step)
            assert field is not None, f"{where}: {annotation.__name__} has no field {step!r}"
            annotation = field.annotation
    return annotation


def state_data_model() -> dict[str, Any]:
    """The top-level keys of the execution's data and their types, from what each state writes."""
    data: dict[str, Any] = {"job_id": str}
    for name, state in DEFINITION["States"].items():
        result_path = state.get("ResultPath")
        if result_path is None:
            continue
        steps = ReferencePath.parse(result_path).steps
        assert len(steps) == 1 and isinstance(steps[0], str), f"{name}: ResultPath {result_path}"
        key = steps[0]
        assert isinstance(key, str)
        if state["Type"] == "Task":
            written: Any = output_model(state)
        elif state["Type"] == "Map":
            processor = state.get("ItemProcessor") or state["Iterator"]
            inner = processor["States"][processor["StartAt"]]
            written = list[output_model(inner)]  # type: ignore[misc]
        elif "Result" in state:
            written = MasteringSettings if key == "mastering" else None
            assert written is not None, f"{name}: no model for {key}"
            MasteringSettings.model_validate(state["Result"])
        elif "Parameters" in state:
            written = StepError if key == "error" else None
            assert written is not None, f"{name}: no model for {key}"
            assert set(p.removesuffix(".$") for p in state["Parameters"]) == set(StepError.model_fields)
        else:
            written = resolve_path(data, state["InputPath"], name)
        assert data.get(key, written) == written, f"{name} writes {key} as {written}, others as {data[key]}"
        data[key] = written
    for name, state, _ in ALL_STATES:
        for catcher in state.get("Catch", []):
            assert catcher["ResultPath"] == "$.error", name
    data.setdefault("error", StepError)
    return data


def resolve_path(data: dict[str, Any], path: str, where: str) -> Any:
    steps = ReferencePath.parse(path).steps
    assert steps and isinstance(steps[0], str) and steps[0] in data, f"{where}: {path} reads nothing written"
    return resolve(data[steps[0]], steps[1:], f"{where} {path}")


DATA = state_data_model()


def paths_read_by(state: dict[str, Any]) -> list[str]:
    paths = [state[key] for key in ("InputPath", "ItemsPath", "TimeoutSecondsPath") if state.get(key)]
    for key in ("Parameters", "ItemSelector"):
        paths += [v for k, v in state.get(key, {}).items() if k.endswith(".$") and not v.startswith("$$")]

    def rule_paths(rule: dict[str, Any]) -> list[str]:
        nested = [*rule.get("And", []), *rule.get("Or", []), *([rule["Not"]] if "Not" in rule else [])]
        return ([rule["Variable"]] if "Variable" in rule else []) + [p for r in nested for p in rule_paths(r)]

    for rule in state.get("Choices", []):
        paths += rule_paths(rule)
    return paths


@pytest.mark.parametrize("name", sorted(DEFINITION["States"]))
def test_every_path_a_state_reads_exists_in_the_stage_models(name: str) -> None:
    for path in paths_read_by(DEFINITION["States"][name]):
        resolve_path(DATA, path, name)


def test_choice_variables_have_the_type_their_comparison_needs() -> None:
    kinds = {"BooleanEquals": bool, "NumericLessThanEquals": int, "NumericGreaterThan": int}

    def check(rule: dict[str, Any], where: str) -> None:
        for nested in [*rule.get("And", []), *rule.get("Or", [])]:
            check(nested, where)
        for operator, kind in kinds.items():
            if operator in rule:
                assert resolve_path(DATA, rule["Variable"], where) is kind, f"{where}: {rule}"

    for name, state, _ in ALL_STATES:
        for rule in state.get("Choices", []):
            check(rule, name)


@pytest.mark.parametrize(("name", "state", "covered"), TASKS, ids=[name for name, _, _ in TASKS])
def test_each_task_is_given_exactly_what_its_input_model_needs(
    name: str, state: dict[str, Any], covered: bool
) -> None:
    model: type[BaseModel] = stage_of(state).input_model
    if "Parameters" in state:
        template = state["Parameters"]
        types_given = {k.removesuffix(".$"): resolve_path(DATA, v, name) for k, v in template.items()}
    else:  # a Map's inner task gets the Map's ItemSelector
        (map_state,) = [
            s for _, s, _ in ALL_STATES if name in (s.get("ItemProcessor") or {}).get("States", {})
        ]
        items = resolve_path(DATA, map_state["ItemsPath"], name)
        (item_type,) = get_args(items)
        types_given = {
            k.removesuffix(".$"): item_type if v == "$$.Map.Item.Value" else resolve_path(DATA, v, name)
            for k, v in map_state["ItemSelector"].items()
        }
    required = {field for field, info in model.model_fields.items() if info.is_required()}
    assert required <= set(types_given) <= set(model.model_fields), (name, sorted(types_given))
    for field, given in types_given.items():
        assert model.model_fields[field].annotation == given, (
            f"{name}.{field}: {given} is not the model's type"
        )


# -- the ASL is valid Step Functions JSON ----------------------------------------------------------


def test_statelint_accepts_the_definition_with_dummy_arns(tmp_path: Path) -> None:
    substituted = substitute(DEFINITION, stage_substitutions(region="us-east-1", account="123456789012"))
    path = tmp_path / "pipeline.json"
    path.write_text(json.dumps(substituted), encoding="utf-8")
    lint = subprocess.run(
        [sys.executable, "-m", "statelint", str(path)], capture_output=True, text=True, check=False
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_statelint_catches_a_broken_definition(tmp_path: Path) -> None:
    broken = substitute(DEFINITION, stage_substitutions(region="us-east-1", account="123456789012"))
    broken["States"]["Publish"]["Next"] = "Nowhere"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    lint = subprocess.run(
        [sys.executable, "-m", "statelint", str(path)], capture_output=True, text=True, check=False
    )
    assert lint.returncode != 0
    assert "Nowhere" in lint.stdout + lint.stderr


LENGTH_TIMED = [(name, state) for name, state, _ in TASKS if state.get("TimeoutSecondsPath")]


@pytest.mark.parametrize(("name", "state"), LENGTH_TIMED, ids=[name for name, _ in LENGTH_TIMED])
def test_a_ten_minute_songs_task_timeout_fits_inside_its_functions_timeout(
    name: str, state: dict[str, Any]
) -> None:
    """Issue 16: the timeouts follow the length, and the longest song (600 s) must get its whole task
    budget; a Lambda timeout below it would kill the stage before the state machine gives up."""
    budget = StageTimeouts.for_length(600).model_dump()
    # "$.parse.timeouts.mix_s" names its field; the Map's "$.timeout_s" carries generate_s
    field = state["TimeoutSecondsPath"].rsplit(".", 1)[-1]
    seconds = budget.get(field, budget["generate_s"])
    (placeholder,) = placeholders(state["Resource"])
    function_id = SUBSTITUTIONS[placeholder]["Fn::GetAtt"][0]
    properties = TEMPLATE["Resources"][function_id]["Properties"]
    timeout = properties.get("Timeout", TEMPLATE["Globals"]["Function"].get("Timeout"))
    assert seconds <= timeout <= 900, (
        f"{name}: {seconds} s task budget, {function_id} times out at {timeout} s"
    )
