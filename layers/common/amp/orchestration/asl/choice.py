"""Choice rules: the comparison operators (the table validation checks against) and their evaluation
with Step Functions' semantics (a type mismatch is false; a missing Variable is States.Runtime)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from amp.orchestration.asl.errors import STATES_RUNTIME, AslDefinitionError, StatesError
from amp.orchestration.asl.paths import ReferencePath

COMPARISONS: Final[dict[str, str]] = {
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
PATH_COMPARISONS = {
    f"{name}Path"
    for name, kind in COMPARISONS.items()
    if kind in {"string", "number"} or name == "BooleanEquals"
}


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


def evaluate_rule(rule: Mapping[str, Any], data: Any, context: Any) -> bool:
    if "And" in rule:
        return all(evaluate_rule(operand, data, context) for operand in rule["And"])
    if "Or" in rule:
        return any(evaluate_rule(operand, data, context) for operand in rule["Or"])
    if "Not" in rule:
        return not evaluate_rule(rule["Not"], data, context)
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
