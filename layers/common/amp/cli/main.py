"""`amp`: the command-line entry point. Subcommands are discovered from `amp.cli.*_cmd` modules,
each with `register(subparsers)`; a subparser sets `func(args) -> int` (the exit code)."""

import os

# The CLI talks to people: powertools' JSON logs and metrics would drown the output. Set before any
# amp module creates the logger. Users can still ask for them with POWERTOOLS_LOG_LEVEL=INFO.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import amp.cli
from amp import __version__
from amp.domain.errors import AmpError, InvalidInput

EXIT_USAGE = 2
EXIT_FAILED = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amp", description="AMP, the AI Music Production assistant: prompt in, mastered song out."
    )
    parser.add_argument("--version", action="version", version=f"amp {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(amp.cli.__path__), key=lambda m: m.name):
        if module_info.name.endswith("_cmd"):
            module = importlib.import_module(f"amp.cli.{module_info.name}")
            module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        exit_code: int = args.func(args)
    except InvalidInput as error:
        print(f"amp: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except AmpError as error:
        print(f"amp: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("amp: interrupted", file=sys.stderr)
        return 130
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
