"""Writes the API's OpenAPI document to docs/openapi.json (the web app generates its types from it).

    .venv/bin/python -m amp.api.export_openapi [PATH]

tests/unit/test_api_openapi.py fails when the committed file is stale."""

import sys
from pathlib import Path

from amp.api.app import build_app, openapi_schema_json

DEFAULT_PATH = Path("docs") / "openapi.json"


def current_schema() -> str:
    return openapi_schema_json(build_app())


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current_schema(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
