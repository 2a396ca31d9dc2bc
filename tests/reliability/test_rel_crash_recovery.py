"""`amp serve` SIGKILLed while two workers render and more jobs wait, then restarted on the same data
dir: every job ends finished or resumed (queued ones re-queued, running ones resumed at the state they
were in), none stays running or fails "interrupted"; the SQLite files
are in WAL mode and intact; no temp or partial file is visible under the published prefix.

(tests/e2e/test_serve.py covers one running + one queued job with one worker; this adds a full pool,
several queued jobs, the database and the files on disk.)"""

import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from amp.adapters.local.fs_audio import TEMP_PREFIX
from amp.orchestration.local_launcher import INTERRUPTED_REASON
from tests.support.serve import start_serve

pytestmark = pytest.mark.slow

JOBS = 5
WORKERS = 2
SETTLE_TIMEOUT_S = 600
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}


def wait_all_terminal(client: httpx.Client, ids: list[str]) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        jobs = {job_id: client.get(f"/jobs/{job_id}").json() for job_id in ids}
        if all(job["status"] in TERMINAL for job in jobs.values()):
            return jobs
        stuck = {job_id: job["status"] for job_id, job in jobs.items() if job["status"] not in TERMINAL}
        assert time.monotonic() < deadline, f"jobs still not finished: {stuck}"
        time.sleep(1.0)


def test_sigkill_with_a_full_pool_and_a_queue_then_restart_leaves_every_job_accounted_for(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "amp-data"
    server = start_serve(data_dir, workers=WORKERS)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            ids = []
            for number in range(JOBS):
                response = client.post(
                    "/jobs",
                    json={"prompt": f"driving techno at 13{number} bpm", "duration_s": 5, "seed": number},
                )
                assert response.status_code == 202, response.text
                ids.append(response.json()["id"])
            deadline = time.monotonic() + 120
            while True:
                polled = {job_id: client.get(f"/jobs/{job_id}").json()["status"] for job_id in ids}
                if sum(status not in TERMINAL | {"QUEUED"} for status in polled.values()) >= 1:
                    break
                assert time.monotonic() < deadline, f"no job started rendering: {polled}"
                time.sleep(0.05)
    finally:
        server.kill()
    # What the database says after the kill is the truth (a worker may have picked up another job
    # between the last poll and the signal).
    with closing(sqlite3.connect(data_dir / "jobs.sqlite3")) as connection:
        at_kill = dict(connection.execute("SELECT id, status FROM jobs").fetchall())
    assert sorted(at_kill) == sorted(ids)

    restarted = start_serve(data_dir, workers=WORKERS)
    try:
        with httpx.Client(base_url=restarted.url, timeout=30) as client:
            final = wait_all_terminal(client, ids)
            listed = client.get("/jobs", params={"limit": 100}).json()["jobs"]
    finally:
        restarted.kill()

    assert any("recovered" in line for line in restarted.lines)
    assert sorted(job["id"] for job in listed) == sorted(ids), "a job was lost"
    for job_id, status in at_kill.items():
        job = final[job_id]
        if status == "QUEUED":  # resumed: it ran after the restart (to any end but "interrupted")
            assert job["error"] is None or job["error"]["reason"] != INTERRUPTED_REASON, job
        elif status not in TERMINAL:  # caught mid-stage: resumed, not failed "interrupted"
            assert job["error"] is None or "interrupted" not in job["error"]["reason"], job
        if job["status"] == "SUCCEEDED":
            assert job["artifacts"], job
    assert any(status not in TERMINAL | {"QUEUED"} for status in at_kill.values())

    for database in ("jobs.sqlite3", "idempotency.sqlite3"):
        with closing(sqlite3.connect(data_dir / database)) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal", database
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok", database

    published = data_dir / "audio" / "jobs"
    visible = [p for p in published.rglob("*") if p.is_file()] if published.exists() else []
    assert not [p for p in visible if p.name.startswith(TEMP_PREFIX) or p.suffix in (".tmp", ".part")]
    for job_id, job in final.items():
        on_disk = sorted(p.relative_to(data_dir / "audio").as_posix() for p in visible if job_id in p.parts)
        if job["status"] == "SUCCEEDED":
            assert len(on_disk) == len(job["artifacts"]), (job_id, on_disk)
        else:
            assert on_disk == [], (job_id, job["status"], on_disk)
