"""Reference paths (`$.a.b`, `$.a[0]`, `$['a']`, `$$` for the context object) and what the states do
with them: payload templates (Parameters, ItemSelector, ResultSelector) and ResultPath."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from amp.orchestration.asl.errors import STATES_RUNTIME, AslDefinitionError, StatesError

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


def parse_path(text: Any, where: str) -> ReferencePath:
    try:
        return ReferencePath.parse(text)
    except AslDefinitionError as error:
        raise AslDefinitionError(f"{where}: {error}") from None


def validate_template(template: Any, where: str) -> None:
    """Parameters/ItemSelector/ResultSelector: every `key.$` value must be a supported path."""
    if isinstance(template, dict):
        for key, value in template.items():
            if key.endswith(".$"):
                parse_path(value, f"{where}.{key}")
            else:
                validate_template(value, f"{where}.{key}")
    elif isinstance(template, list):
        for index, value in enumerate(template):
            validate_template(value, f"{where}[{index}]")


def apply_template(template: Any, data: Any, context: Any) -> Any:
    if isinstance(template, dict):
        result: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(".$"):
                result[key[:-2]] = ReferencePath.parse(value).find(data, context)
            else:
                result[key] = apply_template(value, data, context)
        return result
    if isinstance(template, list):
        return [apply_template(value, data, context) for value in template]
    return template


def apply_result_path(raw_input: Any, result: Any, result_path: str | None) -> Any:
    """ResultPath: `$` replaces, null keeps the input, `$.a.b` sets (creating objects on the way)."""
    if result_path is None:
        return raw_input
    path = ReferencePath.parse(result_path)
    if not path.steps:
        return result
    output = json_copy(raw_input)
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


def json_copy(value: Any) -> Any:
    """A deep copy as JSON would make it; states never share mutable data, like on Step Functions."""
    return json.loads(json.dumps(value))
