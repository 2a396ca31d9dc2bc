"""The shared test/bench helpers in tests/support behave as the suites relying on them assume."""

import threading
import time
from pathlib import Path

import pytest

from amp.domain.errors import ProviderUnavailable
from amp.domain.job import Job
from tests.support.fakes import FakeLauncher
from tests.support.serve import start_serve
from tests.support.stats import ClientTally, latency_ms, percentile, to_ms


def job() -> Job:
    return Job(owner="alice", prompt="techno")


def test_fake_launcher_records_starts_and_stops_with_job_named_execution_ids() -> None:
    launcher = FakeLauncher(prefix="exec")
    first, second = job(), job()
    assert launcher.start(first) == f"exec:{first.id}" == launcher.execution_id(first.id)
    launcher.start(second)
    launcher.stop(first, "cancelled")
    assert launcher.started == [first.id, second.id]
    assert launcher.stopped == [first.id]


def test_fake_launcher_fails_every_start_or_only_chosen_jobs() -> None:
    everyone = FakeLauncher(error=RuntimeError("state machine unavailable"))
    with pytest.raises(RuntimeError, match="unavailable"):
        everyone.start(job())
    assert everyone.started == []
    everyone.error = None
    everyone.start(job())
    assert len(everyone.started) == 1

    chosen, spared = job(), job()
    some = FakeLauncher(error=ProviderUnavailable("throttled"), fail_for={chosen.id})
    with pytest.raises(ProviderUnavailable):
        some.start(chosen)
    some.start(spared)
    assert some.started == [spared.id]


def test_fake_launcher_runs_on_start_after_recording_and_can_forbid_stops() -> None:
    seen: list[tuple[str, list[str]]] = []
    launcher = FakeLauncher(may_stop=False)
    launcher.on_start = lambda j: seen.append((j.id, list(launcher.started)))
    started = job()
    launcher.start(started)
    assert seen == [(started.id, [started.id])]
    with pytest.raises(AssertionError, match="never stops"):
        launcher.stop(started, "no")


def test_fake_launcher_records_concurrent_starts_without_losing_any() -> None:
    launcher = FakeLauncher(delay_s=0.01)
    jobs = [job() for _ in range(16)]
    threads = [threading.Thread(target=launcher.start, args=(j,)) for j in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(launcher.started) == sorted(j.id for j in jobs)


def test_percentile_is_nearest_rank_and_none_for_no_values() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 0.5) == 51.0  # round(0.5 * 99) = 50 -> the 51st value
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile(list(reversed(values)), 0.5) == 51.0
    assert percentile([], 0.5) is None
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        percentile(values, 99)


def test_latency_summary_is_in_milliseconds() -> None:
    summary = latency_ms([0.010, 0.020, 0.030, 0.5])
    assert summary == {"count": 4, "p50": 30.0, "p95": 500.0, "p99": 500.0, "max": 500.0}
    assert latency_ms([]) == {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}
    assert to_ms(0.12345) == 123.5


def test_client_tally_truncates_error_messages() -> None:
    tally = ClientTally()
    tally.error("x" * 1000)
    assert tally.errors == ["x" * 300]


def test_start_serve_fails_at_once_with_the_servers_output_when_it_exits(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(
        AssertionError, match=r"exited with code 2 before it listened:\n.*invalid AMP settings"
    ):
        start_serve(tmp_path, workers=1, env={"AMP_BACKEND": "aws"}, startup_timeout_s=120)
    assert time.monotonic() - started < 60, "an exited server must not wait out the startup timeout"
