"""`amp jobs list` / `amp jobs show ID`: read the application's job store (local unless AMP_BACKEND=aws)."""

import argparse
import json

from amp.application import get_application
from amp.domain.job import LOCAL_OWNER


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("jobs", help="list or show jobs in the local store")
    actions = parser.add_subparsers(dest="jobs_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="newest first")
    listing.add_argument("--owner", default=LOCAL_OWNER)
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(func=list_jobs)
    show = actions.add_parser("show", help="one job as JSON")
    show.add_argument("job_id")
    show.set_defaults(func=show_job)


def list_jobs(args: argparse.Namespace) -> int:
    page = get_application().jobs.list_by_owner(args.owner, limit=max(1, min(args.limit, 200)))
    for job in page.jobs:
        stage = f" at {job.error.stage}" if job.error else ""
        print(f"{job.id}  {job.created_at:%Y-%m-%d %H:%M}  {job.status.value:<10}{stage}  {job.prompt[:60]}")
    if not page.jobs:
        print('no jobs yet: try  amp generate "lo-fi hip hop at 80 bpm"')
    return 0


def show_job(args: argparse.Namespace) -> int:
    job = get_application().jobs.get(args.job_id)
    print(json.dumps(job.model_dump(mode="json"), indent=2))
    return 0
