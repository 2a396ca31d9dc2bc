"""`amp edit JOB_ID ...`: edit a finished song as a new job (its child) through `JobService.create`,
the same call as POST /jobs/{id}/edits and a batch line with `parent_id` + `edit`, with the
synchronous launcher; then write the child's files like `amp generate`. One edit per call:

    amp edit JOB --variation [--roles bass,lead] [--seed N]
    amp edit JOB --swap bass [--instrument 808] [--seed N]
    amp edit JOB --add strings [--instrument violin]     amp edit JOB --remove pad
    amp edit JOB --bpm 128                               amp edit JOB --transpose 2
    amp edit JOB --extend 8 [--before]                   amp edit JOB --replace-bars 17-24 [--text ...]
    amp edit JOB --remaster club [--reference FILE]

Bad input (no such job, a job that has not SUCCEEDED, a role the song lacks, bars outside it, the
parent's files gone) exits 2 with the reason and starts nothing."""

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from amp.application import get_application
from amp.cli.generate_cmd import _ProgressPrinter, _store_reference, _write_outputs
from amp.domain.edit import Edit, describe
from amp.domain.errors import Conflict, InvalidInput, NotFound
from amp.domain.job import LOCAL_OWNER, MASTER_PRESETS, JobRequest, JobStatus
from amp.domain.spec import Role
from amp.orchestration.inprocess_launcher import InProcessLauncher

EXIT_USAGE = 2
ROLE_NAMES = [role.value for role in Role]
_BARS = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "edit", help="edit a finished song (variation, swap, add/remove, tempo, key, extend, bars, remaster)"
    )
    parser.add_argument("job_id", help="the SUCCEEDED job to edit (amp jobs list)")
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument("--variation", action="store_true", help="a new seed: whole song, or --roles")
    kind.add_argument("--swap", choices=ROLE_NAMES, metavar="ROLE", help="render one role again")
    kind.add_argument("--add", choices=ROLE_NAMES, metavar="ROLE", help="add a role the song lacks")
    kind.add_argument("--remove", choices=ROLE_NAMES, metavar="ROLE", help="drop a role")
    kind.add_argument("--bpm", type=float, help="play the same score at this tempo")
    kind.add_argument("--transpose", type=int, metavar="SEMITONES", help="play the score transposed")
    kind.add_argument("--extend", type=int, metavar="BARS", help="add bars of the song's material")
    kind.add_argument("--replace-bars", metavar="N-M", help="re-compose bars N..M (from 1, inclusive)")
    kind.add_argument(
        "--remaster",
        nargs="?",
        const="",
        metavar="PRESET",
        help=f"{', '.join(MASTER_PRESETS)}; without one, keep the preset (with --reference)",
    )
    parser.add_argument("--roles", help="with --variation: comma-separated roles, e.g. bass,lead")
    parser.add_argument("--instrument", help='with --swap / --add: e.g. "808", "strings"')
    parser.add_argument("--seed", type=int, help="with --variation / --swap / --replace-bars")
    parser.add_argument("--before", action="store_true", help="with --extend: before the start")
    parser.add_argument("--text", help="with --replace-bars: what the new bars should be")
    parser.add_argument("--reference", type=Path, metavar="FILE", help="with --remaster: master toward it")
    parser.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="output folder")
    parser.set_defaults(func=edit)


def edit_values(args: argparse.Namespace) -> dict[str, Any]:
    """The edit body the flags describe (validated by the Edit models after this)."""
    if args.variation:
        roles = [r.strip() for r in args.roles.split(",") if r.strip()] if args.roles else []
        return {"kind": "variation", "roles": roles, "seed": args.seed}
    if args.swap:
        return {"kind": "swap", "role": args.swap, "instrument": args.instrument, "seed": args.seed}
    if args.add:
        return {"kind": "add", "role": args.add, "instrument": args.instrument}
    if args.remove:
        return {"kind": "remove", "role": args.remove}
    if args.bpm is not None:
        return {"kind": "retempo", "bpm": args.bpm}
    if args.transpose is not None:
        return {"kind": "transpose", "semitones": args.transpose}
    if args.extend is not None:
        return {"kind": "extend", "bars": args.extend, "before": args.before}
    if args.replace_bars is not None:
        match = _BARS.match(args.replace_bars)
        if match is None:
            raise InvalidInput(f"--replace-bars {args.replace_bars!r}: write the bars as N-M, e.g. 17-24")
        start, end = int(match.group(1)), int(match.group(2))
        return {
            "kind": "replace_bars",
            "start_bar": start,
            "end_bar": end,
            "seed": args.seed,
            "text": args.text,
        }
    return {"kind": "remaster", "master_preset": args.remaster or None}


def _misplaced(args: argparse.Namespace) -> str | None:
    """A modifier flag given with an edit it does not belong to (it would be silently ignored)."""
    uses = {
        "roles": args.variation,
        "instrument": bool(args.swap or args.add),
        "seed": bool(args.variation or args.swap or args.replace_bars),
        "before": args.extend is not None,
        "text": args.replace_bars is not None,
        "reference": args.remaster is not None,
    }
    for name, allowed in uses.items():
        if getattr(args, name) not in (None, False) and not allowed:
            return f"--{name} does not go with this edit"
    return None


EDIT_FLAGS = {
    "roles": "--roles",
    "role": "the role",
    "instrument": "--instrument",
    "seed": "--seed",
    "bpm": "--bpm",
    "semitones": "--transpose",
    "bars": "--extend",
    "start_bar": "--replace-bars",
    "end_bar": "--replace-bars",
    "text": "--text",
    "master_preset": "--remaster",
}
"""An edit field -> the flag that set it, for messages."""


def _validated(values: dict[str, Any]) -> Edit:
    try:
        return TypeAdapter(Edit).validate_python({k: v for k, v in values.items() if v is not None})
    except ValidationError as error:
        problems = []
        for problem in error.errors(include_input=False, include_url=False):
            field = str(problem["loc"][-1]) if problem["loc"] else ""
            flag = EDIT_FLAGS.get(field, "the edit")
            problems.append(f"{flag}: {problem['msg']}")
        raise InvalidInput(f"invalid edit: {'; '.join(problems)}") from None


def edit(args: argparse.Namespace) -> int:
    problem = _misplaced(args)
    if problem is not None:
        raise InvalidInput(problem)
    values = edit_values(args)
    application = get_application()
    launcher = InProcessLauncher(
        on_state=_ProgressPrinter(),
        on_start=lambda job: print(f"job {job.id}: edit of {job.parent_id}", file=sys.stderr),
    )
    service = application.job_service_with(launcher)
    try:
        parent = service.get_job(LOCAL_OWNER, args.job_id)
        if args.reference is not None:  # checked with a stand-in id first: a bad edit stores nothing
            _validated({**values, "reference_upload_id": "0" * 32})
            values["reference_upload_id"] = _store_reference(service, args.reference)
        chosen = _validated(values)
        request = JobRequest(prompt=parent.prompt, parent_id=parent.id, edit=chosen)
        finished = service.create(LOCAL_OWNER, request)
    except NotFound:
        print(f"amp: error: no job {args.job_id} (amp jobs list shows yours)", file=sys.stderr)
        return EXIT_USAGE
    except Conflict as refused:
        print(f"amp: error: {refused}", file=sys.stderr)
        return EXIT_USAGE
    if finished.status is not JobStatus.SUCCEEDED:
        failure = finished.error
        where = failure.stage if failure else finished.stage or "unknown"
        why = failure.reason if failure else f"job ended {finished.status.value}"
        print(f"amp: job {finished.id} {finished.status.value} at stage {where}: {why}", file=sys.stderr)
        return 1
    _write_outputs(finished, application.audio, args.out)
    print(f"done: {describe(chosen)} -> job {finished.id}, {args.out / 'mix.wav'}", file=sys.stderr)
    return 0
