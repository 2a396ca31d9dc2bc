"""API load benchmark: 50 concurrent clients create short jobs and poll them against `amp serve`.

    .venv/bin/python bench/api.py                       # 50 clients, 60 s, a fresh server and data dir
    .venv/bin/python bench/api.py --clients 10 --duration 20 --workers 2
    .venv/bin/python bench/api.py --url http://127.0.0.1:8000   # an already running server

Each client loops: POST /jobs (5 s song), then GET /jobs/{id} once a second until the job ends or the
run is over. The worker pool is bounded, so jobs queue and the API answers while renders saturate
the CPU. At the end the jobs still queued are cancelled through the API, then every job created is
looked up and listed. Prints p50/p99 latency of create and status, errors (must be 0) and jobs
lost (must be 0). Loopback only; every loop is bounded by the duration.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the shared harness in tests/support (see tests/support/serve.py)

from tests.support.serve import ServeProcess, start_serve  # noqa: E402
from tests.support.stats import ClientTally, percentile, to_ms  # noqa: E402

PROMPTS = (
    "dusty lo-fi hip hop at 80 bpm with rhodes",
    "driving techno at 130 bpm",
    "bright disco house with piano stabs",
    "slow ambient pads in D minor",
    "liquid drum and bass at 174 bpm",
)
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}
BURST_S = 5.0


@dataclass
class Tally(ClientTally):
    """ClientTally plus the creates after the first burst and the ids of every job created."""

    create_after_burst_s: list[float] = field(default_factory=list)
    """Creates sent after the first BURST_S, when the 50 simultaneous first requests have drained."""
    created: list[str] = field(default_factory=list)


def client_loop(url: str, client_id: int, deadline: float, tally: Tally, poll_s: float) -> None:
    run_started = time.monotonic()
    with httpx.Client(base_url=url, timeout=30) as client:
        n = 0
        while time.monotonic() < deadline:
            body = {
                "prompt": PROMPTS[(client_id + n) % len(PROMPTS)],
                "duration_s": 5,
                "seed": client_id * 1000 + n,
            }
            n += 1
            started = time.perf_counter()
            try:
                response = client.post(
                    "/jobs", json=body, headers={"Idempotency-Key": f"bench-{client_id}-{n}"}
                )
            except httpx.HTTPError as error:
                tally.error(f"create: {type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - started
            if response.status_code != 202:
                tally.error(f"create: HTTP {response.status_code} {response.text[:200]}")
                continue
            job_id = response.json()["id"]
            with tally.lock:
                tally.create_s.append(elapsed)
                if time.monotonic() - run_started >= BURST_S:
                    tally.create_after_burst_s.append(elapsed)
                tally.created.append(job_id)
            while time.monotonic() < deadline:
                time.sleep(poll_s)
                started = time.perf_counter()
                try:
                    response = client.get(f"/jobs/{job_id}")
                except httpx.HTTPError as error:
                    tally.error(f"status: {type(error).__name__}: {error}")
                    continue
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    tally.error(f"status: HTTP {response.status_code} {response.text[:200]}")
                    continue
                with tally.lock:
                    tally.status_s.append(elapsed)
                if response.json()["status"] in TERMINAL:
                    break


def settle(url: str, created: list[str]) -> dict[str, Any]:
    """Cancel what is still queued or running, then check every created job is there and ended."""
    statuses: dict[str, str] = {}
    lost: list[str] = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for job_id in created:
            response = client.get(f"/jobs/{job_id}")
            if response.status_code == 404:
                lost.append(job_id)
                continue
            status = response.json()["status"]
            if status not in TERMINAL:
                cancelled = client.post(f"/jobs/{job_id}/cancel")
                status = (
                    cancelled.json()["status"]
                    if cancelled.status_code == 200
                    else client.get(f"/jobs/{job_id}").json()["status"]
                )
            statuses[job_id] = status
        listed: set[str] = set()
        cursor: str | None = None
        for _ in range(1000):  # bounded pagination
            params: dict[str, Any] = {"limit": 100}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/jobs", params=params).json()
            listed.update(job["id"] for job in page["jobs"])
            cursor = page["next_cursor"]
            if not cursor:
                break
    lost += [job_id for job_id in created if job_id not in listed and job_id not in lost]
    by_status: dict[str, int] = {}
    for status in statuses.values():
        by_status[status] = by_status.get(status, 0) + 1
    return {"lost": lost, "by_status": by_status}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (max 600)")
    parser.add_argument("--workers", type=int, default=2, help="worker pool of the server started here")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between status polls")
    parser.add_argument("--url", default=None, help="use this loopback server instead of starting one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON here")
    args = parser.parse_args()
    duration_s = max(1.0, min(args.duration, 600.0))
    clients = max(1, min(args.clients, 200))

    server: ServeProcess | None = None
    if args.url:
        if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            raise SystemExit("--url must be a loopback address")
        url = args.url
    else:
        server = start_serve(Path(tempfile.mkdtemp(prefix="amp-bench-api-")), workers=args.workers)
        url = server.url
    tally = Tally()
    try:
        deadline = time.monotonic() + duration_s
        threads = [
            threading.Thread(target=client_loop, args=(url, n, deadline, tally, args.poll), daemon=True)
            for n in range(clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration_s + 60)
        elapsed_s = time.monotonic() - started
        outcome = settle(url, tally.created)
    finally:
        if server is not None:
            server.kill()  # running renders are abandoned; the data dir is temporary

    figures = {
        "clients": clients,
        "duration_s": round(elapsed_s, 1),
        "workers": args.workers if server else None,
        "create_requests": len(tally.create_s),
        "create_p50_ms": to_ms(percentile(tally.create_s, 0.50)),
        "create_p99_ms": to_ms(percentile(tally.create_s, 0.99)),
        "create_after_burst_requests": len(tally.create_after_burst_s),
        "create_after_burst_p50_ms": to_ms(percentile(tally.create_after_burst_s, 0.50)),
        "create_after_burst_p99_ms": to_ms(percentile(tally.create_after_burst_s, 0.99)),
        "status_requests": len(tally.status_s),
        "status_p50_ms": to_ms(percentile(tally.status_s, 0.50)),
        "status_p99_ms": to_ms(percentile(tally.status_s, 0.99)),
        "status_mean_ms": round(statistics.fmean(tally.status_s) * 1000, 1) if tally.status_s else None,
        "errors": len(tally.errors),
        "jobs_created": len(tally.created),
        "jobs_by_status_at_end": outcome["by_status"],
        "jobs_lost": len(outcome["lost"]),
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:>22}: {value}")
        for message in tally.errors[:10]:
            print(f"  error: {message}")
    return 0 if not tally.errors and not outcome["lost"] else 1


if __name__ == "__main__":
    sys.exit(main())
