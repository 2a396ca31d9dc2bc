"""`amp batch MANIFEST [--out REPORT]`: the S3 batch, locally. Same manifest format, same validation,
same deterministic job ids (a re-run of an unchanged manifest starts nothing new) and the same report;
the jobs run through the in-process pipeline and the command waits for them."""

import argparse
import sys
from pathlib import Path

from amp.application import get_application
from amp.batch.manifest import (
    ManifestSource,
    ReportLine,
    check_manifest_size,
    content_digest,
    parse_manifest,
    render_report,
)
from amp.domain.errors import InvalidInput
from amp.domain.job import LOCAL_OWNER, JobStatus


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "batch", help="start one job per line of a JSONL manifest and wait for them all"
    )
    parser.add_argument(
        "manifest", type=Path, help='JSONL, one request per line: {"prompt": "...", "duration_s": 30}'
    )
    parser.add_argument(
        "--out", type=Path, metavar="REPORT", help="per-line report (default: MANIFEST.report.jsonl)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="jobs rendered at once (default: AMP_LOCAL_WORKERS or 2)",
    )
    parser.set_defaults(func=batch)


def batch(args: argparse.Namespace) -> int:
    """Exit 0 when every line was valid and every job SUCCEEDED; 1 otherwise (the report says which)."""
    path: Path = args.manifest
    if not path.is_file():
        raise InvalidInput(f"manifest {path} does not exist or is not a file")
    check_manifest_size(path.stat().st_size)  # refused before it is read
    data = path.read_bytes()
    lines = parse_manifest(data)
    out: Path = args.out or path.with_name(path.name + ".report.jsonl")
    # Imported here, not at the top: every `amp` command's startup imports each *_cmd module, and the
    # runner pulls in the whole pipeline.
    from amp.batch.runner import start_jobs
    from amp.orchestration.local_launcher import LocalJobLauncher, workers_from_env

    application = get_application()
    workers = max(1, min(args.workers, 32)) if args.workers is not None else workers_from_env()
    launcher = LocalJobLauncher(application.jobs, workers=workers)
    service = application.job_service_with(launcher)
    source = ManifestSource(location=str(path.resolve()), revision=content_digest(data))
    try:
        result = start_jobs(
            lines,
            source,
            owner=LOCAL_OWNER,
            service=service,
            default_preset=application.settings.default_master_preset,
        )
        _write_report(out, result.report)
        print(f"{path}: {len(lines)} lines, report in {out}", file=sys.stderr)
        for line in result.report:
            if line.job_id is not None:
                launcher.wait(line.job_id)
    finally:
        launcher.shutdown(wait=True)
    all_good = True
    for line in result.report:
        if line.job_id is None:
            all_good = False
            print(f"line {line.line}: {line.status}: {line.error}")
            continue
        job = application.jobs.get(line.job_id)
        why = f" at {job.error.stage}: {job.error.reason}" if job.error is not None else ""
        all_good = all_good and job.status is JobStatus.SUCCEEDED
        print(f"line {line.line}: job {job.id} {job.status.value}{why}")
    return 0 if all_good else 1


def _write_report(out: Path, report: list[ReportLine]) -> None:
    """Whole or nothing: written beside the target, then renamed over it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    temporary.write_bytes(render_report(report))
    temporary.replace(out)
