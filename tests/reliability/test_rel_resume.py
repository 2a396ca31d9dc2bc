"""Interrupted jobs resume instead of failing (issue 19): a real `amp serve` subprocess is SIGKILLed
while a job is in each stage (parse, generate, mix, QA, publish; the stage read from the job store),
restarted on the same data dir, and the job ends SUCCEEDED with the same bytes as an uninterrupted run
of the same prompt and seed. Plus the runner's resume point itself, and the three-strikes rule.

The job is 60 s, as the issue asks: one uninterrupted run, then one run per stage, each killed and
resumed (about 140 s on an idle 2-core machine). Parse and publish last milliseconds at any length,
so the kill is retried on a fresh job when it lands after the stage."""

import contextlib
import hashlib
import io
import json
import os
import signal
import sqlite3
import time
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from amp.adapters.local.checkpoints import SqliteCheckpointStore
from amp.adapters.local.fs_audio import TEMP_PREFIX
from amp.orchestration.asl import StateMachine
from tests.support.serve import REPO, ServeProcess, start_serve

PROMPT = "driving techno at 130 bpm in A minor"
SEED = 11
DURATION_S = 60
JOB_TIMEOUT_S = 420
ATTEMPTS_PER_STAGE = 6
STAGES = {
    # job.stage while the stage runs -> the top-level ASL states its run may have entered
    "parse": {"ParsePrompt", "HasReference"},
    "generate": {"GenerateStems"},
    "mix": {"MixAndMaster"},
    "qa": {"QualityCheck"},
    "publish": {"Publish"},
}
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}


def _snapshot(data_dir: Path, job_id: str) -> tuple[str | None, str | None, str | None]:
    """(status, stage, checkpoint state) straight from the server's SQLite file (WAL: a reader never
    blocks the server), polled far more often than the HTTP API could be."""
    with closing(sqlite3.connect(f"file:{data_dir / 'jobs.sqlite3'}?mode=ro", uri=True, timeout=5)) as db:
        row = db.execute("SELECT body FROM jobs WHERE id = ?", (job_id,)).fetchone()
        try:
            point = db.execute("SELECT state FROM job_checkpoints WHERE job_id = ?", (job_id,)).fetchone()
        except sqlite3.OperationalError:
            point = None  # the table does not exist before the first run records one
    job = json.loads(row[0]) if row else {}
    return job.get("status"), job.get("stage"), point[0] if point else None


def _published(data_dir: Path, job_id: str) -> dict[str, str]:
    """name -> sha256 of every file published for the job as the store lists and serves them (an
    interrupted atomic write's temp file is neither); stems.zip by its members' bytes (the archive's
    own bytes carry the time it was built, its folder the job's id)."""
    [folder] = [p for p in (data_dir / "audio" / "jobs").glob(f"*/{job_id}") if p.is_dir()]
    digests = {}
    listed = (p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(TEMP_PREFIX))
    for path in sorted(listed):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
                for member in sorted(archive.namelist()):
                    inside = member.replace(f"amp-{job_id[:8]}/", "")  # its folder is named after the job
                    digests[f"{name}:{inside}"] = hashlib.sha256(archive.read(member)).hexdigest()
        else:
            digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def _create(server: ServeProcess) -> str:
    response = httpx.post(
        f"{server.url}/jobs", json={"prompt": PROMPT, "duration_s": DURATION_S, "seed": SEED}, timeout=30
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _wait_terminal(server: ServeProcess, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        job: dict[str, Any] = httpx.get(f"{server.url}/jobs/{job_id}", timeout=30).json()
        if job["status"] in TERMINAL:
            return job
        assert time.monotonic() < deadline, f"job {job_id} stuck in {job['status']}/{job['stage']}"
        time.sleep(0.5)


def _workers(server: ServeProcess) -> list[int]:
    """The server's worker processes (its children), from /proc."""
    tasks = Path(f"/proc/{server.process.pid}/task")
    return [int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()]


def _kill_during(server: ServeProcess, data_dir: Path, job_id: str, stage: str) -> str | None:
    """SIGKILL the server and its workers once the job is in `stage`; returns the ASL state the run had
    entered at the kill (from the checkpoint), or None when the job was not caught in the stage.

    Parse lasts milliseconds, so for it the store is polled without pause; the workers are frozen
    (SIGSTOP) the moment the job is seen in the stage; the state is then read again, and the kill
    lands only if the run is still in the stage (else the workers go on, SIGCONT)."""
    order = list(STAGES)
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        status, current, state = _snapshot(data_dir, job_id)
        if current == stage and state in STAGES[stage] and status not in TERMINAL:
            workers = _workers(server)
            for pid in workers:
                os.kill(pid, signal.SIGSTOP)
            status, current, state = _snapshot(data_dir, job_id)
            if current == stage and state in STAGES[stage] and status not in TERMINAL:
                server.kill()
                for pid in workers:
                    with contextlib.suppress(ProcessLookupError):  # died with the server already
                        os.kill(pid, signal.SIGKILL)
                return state
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
            return None
        if status in TERMINAL or (current in order and order.index(current) > order.index(stage)):
            return None
        assert time.monotonic() < deadline, f"job {job_id} never reached {stage}"
        if stage != "parse":  # the other stages last seconds: leave the CPU to the render
            time.sleep(0.002)


def _restart(data_dir: Path) -> ServeProcess:
    server = start_serve(data_dir, workers=1)
    deadline = time.monotonic() + 30  # the recovery summary follows the address line
    while not any("recovered " in line for line in server.lines):
        assert time.monotonic() < deadline, "".join(server.lines)
        time.sleep(0.05)
    return server


@pytest.mark.slow
def test_sigkill_during_each_stage_then_restart_resumes_the_job_to_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the server subprocess must import this checkout's amp, not whichever one is installed
    monkeypatch.setenv("PYTHONPATH", str(REPO / "layers" / "common"))
    data_dir = tmp_path / "amp-data"
    server = start_serve(data_dir, workers=1)
    try:
        baseline_id = _create(server)
        baseline = _wait_terminal(server, baseline_id)
        assert baseline["status"] == "SUCCEEDED", baseline["error"]
        expected = _published(data_dir, baseline_id)
        assert any(name.startswith("stems/") for name in expected) and "mix.wav" in expected

        interrupted: dict[str, str] = {}
        for stage in STAGES:
            for _ in range(ATTEMPTS_PER_STAGE):
                job_id = _create(server)
                state = _kill_during(server, data_dir, job_id, stage)
                killed = server.process.poll() is not None
                if killed:
                    server = _restart(data_dir)
                if state is None:  # it got past the stage first: let it finish, try a fresh job
                    _wait_terminal(server, job_id)
                    continue
                summary = next(line for line in server.lines if "recovered " in line)
                assert "0 queued, 1 resumed, 0 interrupted" in summary, summary
                resumed = _wait_terminal(server, job_id)
                assert resumed["status"] == "SUCCEEDED", (stage, state, resumed["error"])
                assert resumed["error"] is None
                assert _published(data_dir, job_id) == expected, f"killed in {state}: other bytes"
                interrupted[stage] = state
                break
        assert set(interrupted) == set(STAGES), f"stages never caught running: {interrupted}"
    finally:
        server.kill()


def _counting_machine(calls: list[str]) -> StateMachine:
    def task(name: str) -> Any:
        def run(payload: Any) -> Any:
            calls.append(name)
            return {"total": payload["total"] + len(name)}

        return run

    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "a", "Next": "B"},
            "B": {"Type": "Task", "Resource": "b", "Next": "C"},
            "C": {"Type": "Task", "Resource": "c", "End": True},
        },
    }
    return StateMachine(definition, {"a": task("A"), "b": task("B"), "c": task("C")})


def test_the_runner_resumes_at_a_recorded_state_with_its_input_and_ends_as_an_uninterrupted_run(
    tmp_path: Path,
) -> None:
    calls: list[str] = []
    entered: list[tuple[str, Any]] = []
    whole = _counting_machine(calls).execute(
        {"total": 0}, on_enter=lambda state, data: entered.append((state, data))
    )
    assert entered == [("A", {"total": 0}), ("B", {"total": 1}), ("C", {"total": 2})]
    store = SqliteCheckpointStore(tmp_path / "jobs.sqlite3")
    store.record("job", *entered[1])  # the crash came while B ran
    checkpoint = store.get("job")
    assert checkpoint is not None and checkpoint.resume_at == ("B", {"total": 1})
    calls.clear()
    resumed = _counting_machine(calls).execute({"total": 0}, start_at=checkpoint.resume_at)
    assert calls == ["B", "C"]  # A is not run again
    assert (resumed.status, resumed.output) == (whole.status, whole.output)
    with pytest.raises(ValueError, match="no such top-level state"):
        _counting_machine(calls).execute({"total": 0}, start_at=("Z", {}))


def test_interruptions_are_counted_across_checkpoints_and_cleared_at_the_end(tmp_path: Path) -> None:
    store = SqliteCheckpointStore(tmp_path / "jobs.sqlite3")
    assert store.count_interruption("never-started").resume_at is None  # died before its first state
    store.record("job", "MixAndMaster", {"job_id": "job", "mastering_pass": 1})
    assert store.count_interruption("job").interruptions == 1
    store.record("job", "QualityCheck", {"job_id": "job"})  # a record keeps the count
    second = store.count_interruption("job")
    assert (second.interruptions, second.resume_at) == (2, ("QualityCheck", {"job_id": "job"}))
    store.clear("job")
    assert store.get("job") is None
