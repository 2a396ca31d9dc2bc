"""`amp serve` as a user runs it: a subprocess on a free loopback port with a fresh data dir. A real
short generation end to end, a SIGKILL mid-render and a restart, and schemathesis against the live
/openapi.json with no 5xx."""

import io
import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import soundfile

from amp.orchestration.local_launcher import INTERRUPTED_REASON
from tests.support.serve import ServeProcess, start_serve

STARTUP_TIMEOUT_S = 60
JOB_TIMEOUT_S = 240
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "amp-data"


@pytest.fixture
def served(data_dir: Path) -> Iterator[ServeProcess]:
    server = start_serve(data_dir, workers=1, startup_timeout_s=STARTUP_TIMEOUT_S)
    yield server
    server.kill()


def create_job(client: httpx.Client, prompt: str, duration_s: float) -> dict[str, Any]:
    response = client.post("/jobs", json={"prompt": prompt, "duration_s": duration_s, "seed": 7})
    assert response.status_code == 202, response.text
    job: dict[str, Any] = response.json()
    return job


def wait_terminal(client: httpx.Client, job_id: str, timeout_s: float = JOB_TIMEOUT_S) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if job["status"] in TERMINAL:
            return job
        assert time.monotonic() < deadline, f"job {job_id} stuck in {job['status']}/{job['stage']}"
        time.sleep(0.5)


@pytest.mark.slow
def test_short_job_succeeds_and_its_files_download(served: ServeProcess) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as client:
        job = create_job(client, "bright disco house at 124 bpm with piano stabs", 6)
        assert job["status"] == "QUEUED"
        done = wait_terminal(client, job["id"])
        assert done["status"] == "SUCCEEDED", done["error"]
        assert done["spec"]["bpm"] == 124
        assert done["qa"] is not None
        kinds = {artifact["kind"] for artifact in done["artifacts"]}
        assert {"mix", "stem"} <= kinds

        mix = next(artifact for artifact in done["artifacts"] if artifact["kind"] == "mix")
        download = client.get(mix["url"])
        assert download.status_code == 200
        assert len(download.content) == mix["size_bytes"]
        audio, sample_rate = soundfile.read(io.BytesIO(download.content))
        assert sample_rate == 44100
        assert 5.5 <= len(audio) / sample_rate <= 6.5

        zipped = client.get(f"/jobs/{job['id']}/stems.zip", follow_redirects=True)
        assert zipped.status_code == 200
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
            wavs = [name for name in archive.namelist() if name.endswith(".wav")]
            stems = {artifact["role"] for artifact in done["artifacts"] if artifact["kind"] == "stem"}
            assert {Path(name).stem for name in wavs} == stems
            first, _ = soundfile.read(io.BytesIO(archive.read(wavs[0])))
            assert len(first) > 0


@pytest.mark.slow
def test_sigkill_mid_render_then_restart_leaves_no_job_stuck(data_dir: Path) -> None:
    server = start_serve(data_dir, workers=1, startup_timeout_s=STARTUP_TIMEOUT_S)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            running = create_job(client, "slow ambient drone with pads", 60)
            queued = create_job(client, "short techno loop at 130 bpm", 6)
            deadline = time.monotonic() + 60
            while (status_at_kill := client.get(f"/jobs/{running['id']}").json()["status"]) == "QUEUED":
                assert time.monotonic() < deadline, "the first job never started"
                time.sleep(0.1)
    finally:
        server.kill()  # SIGKILL: no cleanup runs

    restarted = start_serve(data_dir, workers=1, startup_timeout_s=STARTUP_TIMEOUT_S)
    try:
        deadline = time.monotonic() + 10  # the summary line follows the address line
        while not any("recovered 1 queued, 1 resumed, 0 interrupted" in line for line in restarted.lines):
            assert time.monotonic() < deadline, "".join(restarted.lines)
            time.sleep(0.05)
        with httpx.Client(base_url=restarted.url, timeout=30) as client:
            first = wait_terminal(client, running["id"])
            second = wait_terminal(client, queued["id"])
            listed = client.get("/jobs", params={"limit": 10}).json()["jobs"]
    finally:
        restarted.kill()
    assert status_at_kill not in TERMINAL, "the 60 s render should still run a moment after it starts"
    # caught mid-render: resumed at the state it was in and run to its end, not failed "interrupted"
    assert first["spec"] is not None
    assert first["status"] == "SUCCEEDED" or first["error"]["reason"] != INTERRUPTED_REASON
    # re-queued and run after the restart: it went through the pipeline (its own outcome is the
    # pipeline's business: QA may reject a 6 s render), and it was not counted as interrupted
    assert second["spec"] is not None
    assert second["status"] == "SUCCEEDED" or second["error"]["reason"] != INTERRUPTED_REASON
    assert {job["id"] for job in listed} == {running["id"], queued["id"]}
    assert all(job["status"] in TERMINAL for job in listed)


@pytest.mark.slow
def test_cancel_stops_a_running_render_and_frees_the_worker(served: ServeProcess) -> None:
    """One worker: the short job can only finish soon if the cancelled 4-minute render really stopped."""
    with httpx.Client(base_url=served.url, timeout=30) as client:
        long_job = create_job(client, "epic orchestral ambient journey", 240)
        deadline = time.monotonic() + 60
        while client.get(f"/jobs/{long_job['id']}").json()["status"] == "QUEUED":
            assert time.monotonic() < deadline, "the long job never started"
            time.sleep(0.1)
        short_job = create_job(client, "short house loop at 124 bpm", 6)
        cancelled = client.post(f"/jobs/{long_job['id']}/cancel")
        assert (cancelled.status_code, cancelled.json()["status"]) == (200, "CANCELLED")
        done = wait_terminal(client, short_job["id"], timeout_s=90)  # the long render alone takes minutes
        assert done["spec"] is not None, "the short job never ran"
        final = client.get(f"/jobs/{long_job['id']}").json()
        assert final["status"] == "CANCELLED"
        assert final["artifacts"] == []


def test_schemathesis_finds_no_server_error(served: ServeProcess, tmp_path: Path) -> None:
    """Bounded: at most 10 examples per operation and 45 s of generation."""
    report = tmp_path / "schemathesis.json"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{served.url}/openapi.json",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_schema_conformance,unsupported_method",
            "--max-examples",
            "10",
            "--max-time",
            "45",
            "--workers",
            "1",
            "--seed",
            "20261126",
            "--generation-database",
            "none",
            "--request-timeout",
            "20",
            "--no-color",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    events = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    assert events, "schemathesis wrote no events"
