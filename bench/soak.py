"""Soak: a fixed batch of jobs (default 200 x 5 s songs) queued against `amp serve` by 50 client
threads, each polling its jobs to the end. Proves nothing is lost under sustained load and measures
what a user feels while the workers are saturated.

    .venv/bin/python bench/soak.py                         # 200 jobs, 50 clients, fresh server + data dir
    .venv/bin/python bench/soak.py --jobs 20 --clients 10  # a quick run
    .venv/bin/python bench/soak.py --url http://127.0.0.1:8000   # an already running loopback server

Figures (printed, and written as JSON to --out, default docs/reliability/soak.json, which
scripts/reliability_report reads):
- jobs lost: created (202) but missing from GET /jobs/{id} or the paginated GET /jobs (must be 0);
- errors: any failed request or non-2xx answer (must be 0);
- final statuses (and the stage FAILED jobs stopped at); jobs not finished when the time limit hit (the soak stops itself, bounded by
  --max-minutes) and throughput in finished jobs per minute;
- memory, only for a server started here: the API process's peak RSS (VmHWM), the largest worker
  process's peak RSS, and the peak of server + workers together (VmRSS summed once a second);
- API latency p50/p95/p99/max of POST /jobs and GET /jobs/{id}, all taken while the worker pool is
  busy (the queue is 100x the pool for the whole poll phase).

Loopback only. Every loop is bounded by the deadline; the server started here is stopped at the end.
"""

import argparse
import json
import os
import random
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

from tests.support.serve import start_serve  # noqa: E402
from tests.support.stats import ClientTally, latency_ms  # noqa: E402

PROMPTS = (
    "dusty lo-fi hip hop at 80 bpm with rhodes",
    "driving techno at 130 bpm",
    "bright disco house with piano stabs",
    "slow ambient pads in D minor",
    "liquid drum and bass at 174 bpm",
)
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}
LOOPBACK = ("http://127.", "http://localhost", "http://[::1]")


@dataclass
class Tally(ClientTally):
    """ClientTally plus, per job, its id by request index, its final status and when it ended."""

    created: dict[int, str] = field(default_factory=dict)
    final: dict[str, str] = field(default_factory=dict)
    finished_at: dict[str, float] = field(default_factory=dict)


def client(url: str, indices: list[int], deadline: float, poll_s: float, tally: Tally) -> None:
    """Create this client's jobs, then poll each until it ends or the deadline passes."""
    mine: list[str] = []
    with httpx.Client(base_url=url, timeout=30) as http:
        for index in indices:
            body = {"prompt": PROMPTS[index % len(PROMPTS)], "duration_s": 5, "seed": index}
            for attempt in range(3):  # a transport error is retried with the same key: no duplicate
                started = time.perf_counter()
                try:
                    response = http.post("/jobs", json=body, headers={"Idempotency-Key": f"soak-{index}"})
                except httpx.HTTPError as error:
                    tally.error(f"create {index} attempt {attempt + 1}: {type(error).__name__}: {error}")
                    continue
                elapsed = time.perf_counter() - started
                if response.status_code != 202:
                    tally.error(f"create {index}: HTTP {response.status_code} {response.text[:200]}")
                    break
                job_id = str(response.json()["id"])
                with tally.lock:
                    tally.create_s.append(elapsed)
                    tally.created[index] = job_id
                mine.append(job_id)
                break
        pending = list(mine)
        while pending and time.monotonic() < deadline:
            time.sleep(poll_s * random.uniform(0.8, 1.2))  # nosec B311: spreads polls; not for security
            for job_id in list(pending):
                started = time.perf_counter()
                try:
                    response = http.get(f"/jobs/{job_id}")
                except httpx.HTTPError as error:
                    tally.error(f"status {job_id}: {type(error).__name__}: {error}")
                    continue
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    tally.error(f"status {job_id}: HTTP {response.status_code} {response.text[:200]}")
                    continue
                status = str(response.json()["status"])
                with tally.lock:
                    tally.status_s.append(elapsed)
                    if status in TERMINAL:
                        tally.final[job_id] = status
                        tally.finished_at[job_id] = time.monotonic()
                if status in TERMINAL:
                    pending.remove(job_id)


def account(url: str, created: list[str]) -> dict[str, Any]:
    """Every created job must exist, by id and in the owner's list; returns lost ids and statuses."""
    lost: list[str] = []
    statuses: dict[str, int] = {}
    failed_at: dict[str, int] = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for job_id in created:
            response = http.get(f"/jobs/{job_id}")
            if response.status_code != 200:
                lost.append(job_id)
                continue
            job = response.json()
            status = str(job["status"])
            statuses[status] = statuses.get(status, 0) + 1
            if status == "FAILED" and job.get("error"):
                stage = str(job["error"].get("stage"))
                failed_at[stage] = failed_at.get(stage, 0) + 1
        listed: set[str] = set()
        cursor: str | None = None
        for _ in range(1000):  # bounded pagination
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = http.get("/jobs", params=params).json()
            listed.update(job["id"] for job in page["jobs"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
    lost += [job_id for job_id in created if job_id not in listed and job_id not in lost]
    return {"lost": lost, "statuses": statuses, "failed_at": failed_at}


class Server:
    """`amp serve` on a free loopback port with its own data dir; samples its memory every second."""

    def __init__(self, workers: int, data_dir: Path) -> None:
        self.served = start_serve(data_dir, workers=workers, startup_timeout_s=90)
        self.url = self.served.url
        self.pid = self.served.pid
        self.rss_samples_kb: list[int] = []
        """Sum of VmRSS over the server and its worker processes, once a second."""
        self.worker_peak_kb = 0
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def status_kb(self, field_name: str, pid: int | None = None) -> int | None:
        try:
            text = Path(f"/proc/{pid or self.pid}/status").read_text()
        except OSError:
            return None
        for line in text.splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
        return None

    def descendants(self) -> list[int]:
        """The worker processes (and their helpers) the server spawned, found through /proc."""
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                parents[int(stat.parent.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
        found: list[int] = []
        frontier = [self.pid]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            found += children
            frontier += children
        return found

    def _sample(self) -> None:
        """Every second: the whole tree's resident memory (server + workers), and each worker's peak."""
        while not self._stop.wait(1.0):
            total = self.status_kb("VmRSS") or 0
            for pid in self.descendants():
                total += self.status_kb("VmRSS", pid) or 0
                peak = self.status_kb("VmHWM", pid) or 0
                self.worker_peak_kb = max(self.worker_peak_kb, peak)
            self.rss_samples_kb.append(total)

    def stop(self) -> None:
        """SIGTERM (running renders may finish), a second one after 5 s, SIGKILL after 20 s."""
        self._stop.set()
        self.served.stop(grace_s=5, abandon_s=15)


def run(args: argparse.Namespace) -> dict[str, Any]:
    jobs = max(1, min(args.jobs, 1000))
    clients = max(1, min(args.clients, 200, jobs))
    server: Server | None = None
    if args.url:
        if not args.url.startswith(LOOPBACK):
            raise SystemExit("--url must be a loopback address")
        url = args.url
    else:
        server = Server(args.workers, Path(tempfile.mkdtemp(prefix="amp-soak-")))
        url = server.url
    tally = Tally()
    started = time.monotonic()
    deadline = started + max(1.0, min(args.max_minutes, 60.0)) * 60
    peak_kb: int | None = None
    try:
        threads = [
            threading.Thread(
                target=client,
                args=(url, list(range(n, jobs, clients)), deadline, args.poll, tally),
                daemon=True,
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + 60)
        wall_s = time.monotonic() - started
        created = list(tally.created.values())
        accounting = account(url, created)
        if server is not None:
            peak_kb = server.status_kb("VmHWM")
    finally:
        if server is not None:
            server.stop()
    finished = len(tally.final)
    return {
        "jobs_requested": jobs,
        "clients": clients,
        "workers": args.workers if server is not None else None,
        "duration_s_per_job": 5,
        "jobs_created": len(created),
        "jobs_lost": len(accounting["lost"]),
        "lost_ids": accounting["lost"][:20],
        "errors": len(tally.errors),
        "error_samples": tally.errors[:10],
        "final_statuses": accounting["statuses"],
        "failed_at_stage": accounting["failed_at"],
        "jobs_unfinished_at_deadline": len(created) - finished,
        "wall_s": round(wall_s, 1),
        "stopped_by_time_limit": len(created) > finished,
        "throughput_jobs_per_min": round(finished / (wall_s / 60), 2) if wall_s > 0 else None,
        "server_peak_rss_mb": round(peak_kb / 1024, 1) if peak_kb else None,
        "worker_peak_rss_mb": round(server.worker_peak_kb / 1024, 1)
        if server and server.worker_peak_kb
        else None,
        "tree_peak_rss_mb": round(max(server.rss_samples_kb) / 1024, 1)
        if server is not None and server.rss_samples_kb
        else None,
        "tree_rss_last_mb": round(server.rss_samples_kb[-1] / 1024, 1)
        if server is not None and server.rss_samples_kb
        else None,
        "api_create_ms": latency_ms(tally.create_s),
        "api_status_ms_while_busy": latency_ms(tally.status_s),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="worker pool of the server started here")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between a client's poll rounds")
    parser.add_argument("--max-minutes", type=float, default=25.0, help="stop polling after this (max 60)")
    parser.add_argument("--url", default=None, help="use this loopback server instead of starting one")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "reliability" / "soak.json")
    args = parser.parse_args()
    figures = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    return 0 if figures["jobs_lost"] == 0 and figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
