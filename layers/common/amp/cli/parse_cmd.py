"""`amp parse PROMPT` / `amp parse --batch FILE`: show what the parser reads from a prompt, as the
MusicSpec JSON the pipeline would use (the application's parser: rules or Bedrock per AMP_PARSER)."""

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from amp.application import get_application
from amp.cli.flags import flag_problems
from amp.cli.plan_file import read_plan_file
from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions, JobRequest
from amp.domain.spec import MAX_DURATION_S, MIN_DURATION_S, Mode, SpecOverrides
from amp.stages.context import PromptParser

EXIT_OK = 0
EXIT_SOME_FAILED = 1


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "parse",
        help="print the MusicSpec a prompt parses to",
        description="Print the MusicSpec (JSON) for a prompt, or one line per prompt with --batch. "
        "Options override what the text says.",
    )
    parser.add_argument("prompt", nargs="?", help="the prompt text")
    parser.add_argument(
        "--batch",
        type=Path,
        metavar="FILE",
        help="one prompt per line: plain text, or JSONL objects with a 'prompt' field (and optional 'id')",
    )
    parser.add_argument(
        "--duration",
        type=float,
        metavar="S",
        help=f"duration in seconds ({MIN_DURATION_S:g}-{MAX_DURATION_S:g})",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="seed (0 <= N < 2^32)")
    parser.add_argument("--bpm", type=float, help="tempo (40-220)")
    parser.add_argument("--key", help="key, optionally with mode: 'F#', 'Bb minor', 'F#m'")
    parser.add_argument("--mode", choices=[mode.value for mode in Mode], help="mode")
    parser.add_argument("--genre", help="genre name or alias, e.g. 'dnb', 'lo-fi'")
    parser.add_argument(
        "--plan", type=Path, metavar="FILE", help="a section plan JSON file (as amp generate)"
    )
    parser.add_argument("--loop", action="store_true", help="parse as a loop (whole bars)")
    parser.add_argument(
        "--plan-only",
        action="store_true",
        help="print only the plan, in the shape --plan and the API's 'plan' field take",
    )
    parser.set_defaults(func=run)


def options_from_args(args: argparse.Namespace) -> JobOptions:
    """JobOptions from the flags; InvalidInput with the field and reason when a value is out of range."""
    try:
        overrides = SpecOverrides(bpm=args.bpm, key=args.key, mode=args.mode, genre=args.genre)
        plan = read_plan_file(getattr(args, "plan", None))
        # The request model checks the plan's length against the stated tempo, as the API does.
        JobRequest.model_validate({"prompt": "-", "overrides": overrides, "plan": plan})
        return JobOptions(
            duration_s=args.duration,
            seed=args.seed,
            overrides=overrides,
            plan=plan,
            loop=bool(getattr(args, "loop", False)),
        )
    except ValidationError as error:
        raise InvalidInput(f"invalid option: {flag_problems(error)}") from error


def run(args: argparse.Namespace) -> int:
    if (args.prompt is None) == (args.batch is None):
        raise InvalidInput("give either a PROMPT or --batch FILE")
    options = options_from_args(args)
    parse = get_application().parser
    if args.batch is None:
        if not args.prompt.strip():
            raise InvalidInput("the prompt is empty")
        spec = parse(args.prompt, options=options)
        shown = spec.plan if getattr(args, "plan_only", False) and spec.plan is not None else spec
        print(json.dumps(shown.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return EXIT_OK
    return _run_batch(args.batch, options, parse)


def _run_batch(path: Path, options: JobOptions, parse: PromptParser) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read batch file {path}: {error}") from error
    failed = 0
    for number, prompt, seed_source, problem in _batch_items(lines):
        if problem is not None:
            failed += 1
            print(json.dumps({"line": number, "error": problem}, ensure_ascii=False))
            continue
        spec = parse(prompt, options=options, seed_source=seed_source)
        print(json.dumps(spec.model_dump(mode="json"), ensure_ascii=False))
    sys.stdout.flush()
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _batch_items(lines: list[str]) -> Iterator[tuple[int, str, str, str | None]]:
    """(line number, prompt, seed source, problem) for every non-blank line. A line starting with '{'
    is JSON and must be an object with a non-empty string 'prompt'; anything else is the prompt."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if not text.startswith("{"):
            yield number, text, "", None
            continue
        try:
            item: Any = json.loads(text)
        except json.JSONDecodeError as error:
            yield number, "", "", f"invalid JSON: {error.msg} at column {error.colno}"
            continue
        prompt = item.get("prompt") if isinstance(item, dict) else None
        if not isinstance(prompt, str) or not prompt.strip():
            yield number, "", "", "a JSONL line needs a non-empty string field 'prompt'"
            continue
        seed_source = item.get("id")
        yield number, prompt, seed_source if isinstance(seed_source, str) else "", None
