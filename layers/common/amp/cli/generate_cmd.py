"""`amp generate PROMPT`: run one job through the local pipeline and write its files to a folder."""

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from amp.adapters.factory import stage_context
from amp.audio_io import decode_audio
from amp.domain import keys
from amp.domain.errors import InvalidInput
from amp.domain.job import LOCAL_OWNER, MAX_PROMPT_CHARS, Job, JobOptions, JobStatus
from amp.domain.spec import MAX_DURATION_S, MIN_DURATION_S, SpecOverrides
from amp.qa.report import advisory_lines
from amp.stages.context import StageContext

MAX_REFERENCE_BYTES = 50 * 1024 * 1024

OUTPUT_NAMES = {
    "mix": "mix.wav",
    "preview": "preview.mp3",
    "waveform": "waveform.png",
    "spectrogram": "spectrogram.png",
    "report": "qa.json",
    "stems_zip": "stems.zip",
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
        choices=["streaming", "club", "broadcast"],
        default="streaming",
        help="mastering preset: -14, -9 or -23 LUFS (default: streaming)",
    )
    parser.add_argument("--provider", choices=["procedural", "stability"], default="procedural")
    parser.add_argument("--bpm", type=float, help="override the tempo")
    parser.add_argument("--key", help="override the key, e.g. F# or Bb")
    parser.add_argument("--genre", help="override the genre")
    parser.set_defaults(func=generate)


def generate(args: argparse.Namespace) -> int:
    job = _new_job(args)
    ctx = stage_context()
    reference_bytes = _read_reference(args.reference) if args.reference else None
    if reference_bytes is not None:
        assert args.reference is not None
        reference_key = keys.reference_upload_key(
            LOCAL_OWNER, uuid.uuid4().hex, args.reference.suffix.lower()
        )
        ctx.audio.put_bytes(reference_key, reference_bytes, "application/octet-stream")
        job = job.model_copy(update={"reference_key": reference_key})
    ctx.jobs.create(job)
    print(f"job {job.id}: {job.prompt[:80]}", file=sys.stderr)

    from amp.orchestration.local_pipeline import run_job_locally

    progress = _ProgressPrinter()
    run_job_locally(job.id, on_state=progress)
    finished = ctx.jobs.get(job.id)
    if finished.status is not JobStatus.SUCCEEDED:
        error = finished.error
        where = error.stage if error else finished.stage or "unknown"
        why = error.reason if error else f"job ended {finished.status.value}"
        print(f"amp: job {finished.id} {finished.status.value} at stage {where}: {why}", file=sys.stderr)
        return 1
    _write_outputs(finished, ctx, args.out)
    qa = finished.qa
    summary = (
        f"{qa.integrated_lufs:.1f} LUFS, {qa.true_peak_dbtp:.1f} dBTP"
        if qa and qa.integrated_lufs is not None and qa.true_peak_dbtp is not None
        else "no QA figures"
    )
    print(f"done: {args.out / 'mix.wav'} ({summary})", file=sys.stderr)
    for line in advisory_lines(qa) if qa else []:
        print(line, file=sys.stderr)
    return 0


def _new_job(args: argparse.Namespace) -> Job:
    prompt = (args.prompt or "").strip()
    if not prompt:
        raise InvalidInput("the prompt is empty: describe the music you want")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InvalidInput(f"the prompt is {len(prompt)} characters; the limit is {MAX_PROMPT_CHARS}")
    if args.duration is not None and not MIN_DURATION_S <= args.duration <= MAX_DURATION_S:
        raise InvalidInput(
            f"--duration {args.duration:g} is out of range {MIN_DURATION_S:g}..{MAX_DURATION_S:g} s"
        )
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise InvalidInput("--seed must be between 0 and 4294967295")
    try:
        overrides = SpecOverrides(bpm=args.bpm, key=args.key, genre=args.genre)
        options = JobOptions(
            duration_s=args.duration,
            seed=args.seed,
            master_preset=args.master,
            provider=args.provider,
            overrides=overrides,
        )
    except ValueError as error:
        raise InvalidInput(f"invalid option: {error}") from error
    return Job(owner=LOCAL_OWNER, prompt=prompt, options=options)


def _read_reference(path: Path) -> bytes:
    if not path.is_file():
        raise InvalidInput(f"reference file {path} does not exist or is not a file")
    size = path.stat().st_size
    if size > MAX_REFERENCE_BYTES:
        raise InvalidInput(f"reference file {path} is {size / 2**20:.1f} MiB; the limit is 50 MiB")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"reference file {path} cannot be read: {error.strerror}") from error
    decode_audio(data, what=f"reference file {path}")
    return data


def _write_outputs(job: Job, ctx: StageContext, out_dir: Path) -> None:
    """Files first, job.json last: a folder with job.json is complete."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    for artifact in job.artifacts:
        if artifact.kind == "stem":
            name = f"stems/{artifact.role}.wav"
        elif artifact.kind == "midi":
            name = f"midi/{artifact.role}.mid"
        else:
            name = OUTPUT_NAMES.get(artifact.kind, Path(artifact.key).name)
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".part")
        temporary.write_bytes(ctx.audio.get_bytes(artifact.key))
        temporary.replace(target)
        files.append({**artifact.model_dump(mode="json"), "path": name})
    document = job.model_dump(mode="json")
    document["artifacts"] = files
    (out_dir / "job.json").write_text(json.dumps(document, indent=2) + "\n")


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
