"""`amp generate PROMPT`: create one job through `JobService.create` (the same call as the API and
batch) with a synchronous in-process launcher, so the pipeline has run when it returns, then write
the job's files to a folder. `--reference FILE` is stored through the upload checks (type, size,
magic bytes) and must decode as audio."""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from amp.application import get_application
from amp.cli.flags import flag_problems
from amp.cli.plan_file import read_plan_file
from amp.domain.errors import InvalidInput
from amp.domain.job import (
    LOCAL_OWNER,
    MASTER_PRESETS,
    PROVIDER_NAMES,
    WHOLE_MIX_STEMS_REASON,
    Job,
    JobRequest,
    JobStatus,
)
from amp.domain.ports import AudioStore
from amp.domain.spec import MAX_DURATION_S, MIN_DURATION_S
from amp.domain.stage_io import WHOLE_MIX_ROLE
from amp.domain.stems_zip import build_stems_zip, stems_zip_members
from amp.orchestration.inprocess_launcher import InProcessLauncher

if TYPE_CHECKING:
    from amp.services.jobs import JobService

EDIT_ONLY_KINDS = frozenset({"prebus_stem", "strips"})
"""Kept in the store for edits of the job (float32 pre-bus stems: large), not copied to the folder."""
OUTPUT_NAMES = {
    "mix": "mix.wav",
    "preview": "preview.mp3",
    "waveform": "waveform.png",
    "spectrogram": "spectrogram.png",
    "report": "qa.json",
    "stems_zip": "stems.zip",
    "sections": "sections.json",
}


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("generate", help="make a mastered track, stems and MIDI from a prompt")
    parser.add_argument("prompt", help='e.g. "dark techno at 132 bpm in A minor"')
    parser.add_argument(
        "--duration", type=float, metavar="S", help=f"{MIN_DURATION_S:g}..{MAX_DURATION_S:g} s"
    )
    parser.add_argument("--seed", type=int, help="same seed, same stems (byte for byte)")
    parser.add_argument("--reference", type=Path, metavar="FILE", help="a track whose style to follow")
    parser.add_argument(
        "--out", type=Path, default=Path("out"), metavar="DIR", help="output folder (default: out)"
    )
    parser.add_argument(
        "--master",
        choices=MASTER_PRESETS,
        default="streaming",
        help="mastering preset: -14, -9 or -23 LUFS (default: streaming)",
    )
    parser.add_argument("--provider", choices=PROVIDER_NAMES, default="procedural")
    parser.add_argument(
        "--stability-strength",
        type=float,
        metavar="0.1..0.9",
        help="--provider stability: how far the model may move from the composed stems (default 0.35)",
    )
    parser.add_argument(
        "--stability-mode",
        choices=("guided", "mix"),
        help="--provider stability: re-render each composed stem (guided, default) or one whole mix",
    )
    parser.add_argument("--bpm", type=float, help="override the tempo")
    parser.add_argument("--key", help="override the key, e.g. F# or Bb")
    parser.add_argument("--genre", help="override the genre")
    parser.add_argument(
        "--plan",
        type=Path,
        metavar="FILE",
        help='section plan JSON: {"sections": [{"name": "intro", "bars": 8, "energy": 0.3}, ...]} '
        "(amp parse --plan-only prints one to edit); its bars set the length",
    )
    parser.add_argument("--loop", action="store_true", help="a seamlessly loopable piece of whole bars")
    parser.set_defaults(func=generate)


def generate(args: argparse.Namespace) -> int:
    request = request_from_args(args)
    application = get_application()
    launcher = InProcessLauncher(
        on_state=_ProgressPrinter(),
        on_start=lambda job: print(f"job {job.id}: {job.prompt[:80]}", file=sys.stderr),
    )
    service = application.job_service_with(launcher)
    upload_id = _store_reference(service, args.reference) if args.reference else None
    finished = service.create(LOCAL_OWNER, request, reference_upload_id=upload_id)
    if finished.status is not JobStatus.SUCCEEDED:
        error = finished.error
        where = error.stage if error else finished.stage or "unknown"
        why = error.reason if error else f"job ended {finished.status.value}"
        print(f"amp: job {finished.id} {finished.status.value} at stage {where}: {why}", file=sys.stderr)
        return 1
    _write_outputs(finished, application.audio, args.out)
    qa = finished.qa
    summary = (
        f"{qa.integrated_lufs:.1f} LUFS, {qa.true_peak_dbtp:.1f} dBTP"
        if qa and qa.integrated_lufs is not None and qa.true_peak_dbtp is not None
        else "no QA figures"
    )
    print(f"done: {args.out / 'mix.wav'} ({summary})", file=sys.stderr)
    if finished.spec is not None:
        print(f"length: {finished.spec.length_words()}", file=sys.stderr)
    from amp.qa.report import advisory_lines  # QA's checks import scipy.signal: not at `amp` startup

    for line in advisory_lines(qa) if qa else []:
        print(line, file=sys.stderr)
    if finished.options.whole_mix:
        print(f"{WHOLE_MIX_STEMS_REASON}; {measured_line(finished)}", file=sys.stderr)
    return 0


def measured_line(job: Job) -> str:
    """A whole-mix job: the tempo and key measured in the model's song beside the asked ones."""
    report = job.stem_reports.get(WHOLE_MIX_ROLE, {})
    asked, measured = report.get("asked") or {}, report.get("measured") or {}
    heard_bpm = f"{measured['bpm']:g} bpm" if measured.get("bpm") else "no clear tempo"
    heard_key = f"{measured['key']} {measured['mode']}" if measured.get("key") else "no clear key"
    wanted = f"{asked['bpm']:g} bpm, {asked['key']} {asked['mode']}" if asked else "not recorded"
    return f"measured {heard_bpm}, {heard_key} (asked {wanted})"


def request_from_args(args: argparse.Namespace) -> JobRequest:
    """The JobRequest the flags describe; InvalidInput naming the flag when one is refused. The prompt
    is checked here too, so nothing is stored for a request that cannot run."""
    values: dict[str, Any] = {
        "prompt": args.prompt or "",
        "duration_s": args.duration,
        "seed": args.seed,
        "master_preset": args.master,
        "provider": args.provider,
        "stability_strength": args.stability_strength,
        "stability_mode": args.stability_mode,
        "overrides": {"bpm": args.bpm, "key": args.key, "genre": args.genre},
        "plan": read_plan_file(getattr(args, "plan", None)),
        "loop": bool(getattr(args, "loop", False)),
    }
    try:
        request = JobRequest.model_validate(values)
    except ValidationError as error:
        raise InvalidInput(f"invalid option: {flag_problems(error)}") from None
    request.cleaned_prompt()
    return request


def _store_reference(service: "JobService", path: Path) -> str:
    """Refused before reading when missing or too large; refused before storing when it is not audio
    (it must decode, and pass the upload's type and magic-byte checks). Returns the upload id."""
    if not path.is_file():
        raise InvalidInput(f"reference file {path} does not exist or is not a file")
    service.check_upload_size(path.stat().st_size)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"reference file {path} cannot be read: {error.strerror}") from error
    from amp.audio_io import decode_audio  # numpy + soundfile: only when a reference is given

    decode_audio(data, what=f"reference file {path}")
    return service.store_reference_file(LOCAL_OWNER, path.name, data)


def _write_outputs(job: Job, audio: AudioStore, out_dir: Path) -> None:
    """Files first, job.json last: a folder with job.json is complete. stems.zip is built here from
    the stem and MIDI bytes just written (publish stores none), with the API's one builder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    zipped = {artifact.key: name for name, artifact in stems_zip_members(job)}
    members: list[tuple[str, bytes]] = []
    for artifact in job.artifacts:
        if artifact.kind in EDIT_ONLY_KINDS:
            continue
        if artifact.kind == "stem":
            name = f"stems/{artifact.role}.wav"
        elif artifact.kind == "midi":
            name = f"midi/{artifact.role}.mid"
        elif artifact.kind == "source_stem":
            name = f"source/{Path(artifact.key).name}"
        else:
            name = OUTPUT_NAMES.get(artifact.kind, Path(artifact.key).name)
        data = audio.get_bytes(artifact.key)
        _write_file(out_dir / name, data)
        if artifact.key in zipped:
            members.append((zipped[artifact.key], data))
        files.append({**artifact.model_dump(mode="json"), "path": name})
    if job.artifact("stems_zip") is None and any(a.kind == "stem" for a in job.artifacts):
        data = build_stems_zip(job.id, members)
        name = OUTPUT_NAMES["stems_zip"]
        _write_file(out_dir / name, data)
        files.append(
            {"kind": "stems_zip", "content_type": "application/zip", "size_bytes": len(data), "path": name}
        )
    document = job.model_dump(mode="json")
    document["artifacts"] = files
    if job.options.whole_mix:
        document["stems_unavailable"] = WHOLE_MIX_STEMS_REASON
    (out_dir / "job.json").write_text(json.dumps(document, indent=2) + "\n")


def _write_file(target: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: an interrupted run never leaves half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(target)


class _ProgressPrinter:
    """One line per state as the pipeline moves, with its duration."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}

    def __call__(self, state_name: str, event: str) -> None:
        now = time.monotonic()
        if event.endswith("Entered"):
            self._started[state_name] = now
        elif event.endswith("Exited") and state_name in self._started:
            print(f"  {state_name:<20} {now - self._started.pop(state_name):6.2f} s", file=sys.stderr)
