"""`--plan FILE` for `amp generate` and `amp parse`: a JSON file holding the same object as the API's
`plan` field, `{"sections": [{"name": "intro", "bars": 8, "energy": 0.3}, ...]}` (what
`amp parse --plan-only` prints). Read here; checked by JobRequest/JobOptions like every field."""

import json
from pathlib import Path
from typing import Any

from amp.domain.errors import InvalidInput


def read_plan_file(path: Path | None) -> Any:
    """The file's JSON value (None without a file); InvalidInput naming the file when it is missing or
    not JSON. Its shape is the request model's to check, so the messages match the API's."""
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"--plan: cannot read {path}: {error}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"--plan: {path} is not JSON: {error.msg} at line {error.lineno}") from error
