"""Stability AI misbehaving, end to end: 429 bursts, 5xx, non-audio and truncated bodies through the
real ASL + generate stage (the provider's own retries inside each Lambda, the state machine's on top),
and a real loopback server slower than the timeout. Every retry count is bounded and asserted, every
backoff is jittered and capped, the failure names the cause, and the API key appears in no log line
(httpx/httpcore/amp at DEBUG, stdout and stderr) and not in the job record.

(tests/unit/test_stability_provider.py covers each answer once against the provider alone.)"""

import io
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import numpy as np
import pytest

from amp.audio_io import encode_wav
from amp.domain.errors import ProviderUnavailable
from amp.domain.job import Job, JobOptions, JobStatus
from amp.domain.spec import Mode, MusicSpec, Role
from amp.observability import logger as amp_logger
from amp.orchestration.asl import ExecutionStatus
from amp.orchestration.local_pipeline import run_job_locally
from amp.providers.base import RenderedStem, stem_frames
from amp.providers.stability import GenerationSettings, RequestPacer, RetryPolicy, StabilityProvider
from tests.support.reliability import context, real

KEY = "sk-reliability-SECRET-0123456789abcdef"
PROVIDER_ATTEMPTS = 3
PROVIDER_RETRY = RetryPolicy(max_attempts=PROVIDER_ATTEMPTS, base_delay_s=1.0, max_delay_s=4.0, budget_s=60.0)
LOGGERS = ("", "httpx", "httpcore", "amp")

Responder = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeTime:
    """Thread-safe fake sleep/clock for the provider (Map iterations run in parallel)."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def clock(self) -> float:
        with self.lock:
            return self.now


@dataclass
class Logs:
    stream: io.StringIO
    caplog: pytest.LogCaptureFixture
    capfd: pytest.CaptureFixture[str]

    def text(self) -> str:
        out, err = self.capfd.readouterr()
        return self.stream.getvalue() + self.caplog.text + out + err


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[Logs]:
    """Everything logged at DEBUG by httpx, httpcore, amp (powertools) and the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    saved = {}
    for name in LOGGERS:
        target = logging.getLogger(name)
        saved[name] = target.level
        target.setLevel(logging.DEBUG)
        target.addHandler(handler)
    saved_amp = amp_logger.log_level
    amp_logger.setLevel("DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        yield Logs(stream, caplog, capfd)
    finally:
        for name in LOGGERS:
            target = logging.getLogger(name)
            target.removeHandler(handler)
            target.setLevel(saved[name])
        amp_logger.setLevel(saved_amp)


def wav(seconds: float) -> bytes:
    t = np.arange(int(seconds * 44_100)) / 44_100
    tone = (0.3 * np.sin(2 * np.pi * 110.0 * t)).astype(np.float32)
    return encode_wav(np.tile(tone, (2, 1)), 44_100, subtype="PCM_16")


def error(status: int, name: str) -> httpx.Response:
    return httpx.Response(status, json={"id": "storm", "name": name, "errors": [f"{name} (storm)"]})


def audio(seconds: float) -> httpx.Response:
    return httpx.Response(200, content=wav(seconds), headers={"content-type": "audio/wav"})


@dataclass(frozen=True)
class Storm:
    name: str
    answer: Responder
    provider_attempts: int
    """HTTP requests per generate invocation (the provider retries inside the Lambda)."""
    asl_attempts: int
    """Generate invocations (the first + the state machine's MaxAttempts for this error)."""
    asl_ceilings_s: tuple[float, ...]
    """The ASL retrier's backoff before jitter: IntervalSeconds x BackoffRate^n, capped by MaxDelay."""
    error_type: str
    reason: str


STORMS = [
    Storm(
        "429 burst",
        lambda r: error(429, "rate_limit_exceeded"),
        3,
        5,
        (10, 20, 40, 80),
        "ProviderThrottled",
        "429",
    ),
    Storm("503", lambda r: error(503, "service_unavailable"), 3, 4, (2, 4, 8), "ProviderUnavailable", "503"),
    Storm(
        "non-audio 200",
        lambda r: httpx.Response(200, text="<html>maintenance</html>", headers={"content-type": "text/html"}),
        3,
        4,
        (2, 4, 8),
        "ProviderUnavailable",
        "not audio",
    ),
    Storm("truncated audio", lambda r: audio(0.5), 1, 4, (2, 4, 8), "ProviderUnavailable", "truncated"),
]


@pytest.mark.parametrize("storm", STORMS, ids=[s.name for s in STORMS])
def test_a_provider_storm_is_retried_a_bounded_number_of_times_then_fails_the_job_clearly(
    storm: Storm, logs: Logs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amp.providers import stability

    monkeypatch.setenv("STABILITY_API_KEY", KEY)
    fake_time = FakeTime()
    requests: list[httpx.Request] = []

    def storming_provider(api_key: str, **settings: Any) -> StabilityProvider:
        def answer(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return storm.answer(request)

        return StabilityProvider(
            api_key=api_key,
            transport=httpx.MockTransport(answer),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            jitter=random.Random(len(requests)),
            retry=PROVIDER_RETRY,
            pacer=RequestPacer(max_requests=1000, clock=fake_time.clock, sleep=fake_time.sleep),
            **settings,
        )

    monkeypatch.setattr(stability, "StabilityProvider", storming_provider)  # what the registry builds
    job = Job(
        owner="storm-user",
        prompt="drum and bass at 174 bpm with a reese bass",
        options=JobOptions(duration_s=5, seed=3, provider="stability"),
    )
    context().jobs.create(job)
    parse = real("parse")

    def one_role(payload: Any) -> Any:  # one Map iteration, so every count below is exact
        output = dict(parse(payload))
        output["roles"] = output["roles"][:1]
        return output

    asl_sleeps: list[float] = []
    started = time.monotonic()
    result = run_job_locally(job.id, handlers={"parse": one_role}, sleep=asl_sleeps.append)
    elapsed_s = time.monotonic() - started

    assert result.status is ExecutionStatus.FAILED
    assert len(requests) == storm.asl_attempts * storm.provider_attempts
    assert len(asl_sleeps) == storm.asl_attempts - 1
    assert all(0.0 <= s <= c for s, c in zip(asl_sleeps, storm.asl_ceilings_s, strict=True))
    assert len(set(asl_sleeps)) == len(asl_sleeps), "ASL backoff is not jittered"
    provider_sleeps = fake_time.sleeps
    assert len(provider_sleeps) == storm.asl_attempts * (storm.provider_attempts - 1)
    assert all(0.0 <= s <= PROVIDER_RETRY.max_delay_s for s in provider_sleeps)
    if provider_sleeps:
        assert len(set(provider_sleeps)) > 1, "provider backoff is not jittered"
    assert elapsed_s < 60, "a storm must not hold a worker (fake sleeps: no real waiting)"

    final = context().jobs.get(job.id)
    assert final.status is JobStatus.FAILED and final.error is not None
    assert (final.error.stage, final.error.error_type) == ("generate", storm.error_type)
    assert storm.reason in final.error.reason and "Stability AI" in final.error.reason
    assert final.artifacts == []
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in requests)

    captured = logs.text()
    assert "stability request failed" in captured or storm.provider_attempts == 1
    assert "HTTP Request: POST" in captured  # httpx's own log lines were captured and scanned
    assert KEY not in captured
    assert KEY not in final.model_dump_json() and KEY not in json.dumps(result.history)


class _SlowHandler(BaseHTTPRequestHandler):
    """Answers after `delay_s`, longer than the client's timeout."""

    delay_s = 1.5
    seen: list[float]

    def do_POST(self) -> None:
        self.seen.append(time.monotonic())
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        time.sleep(self.delay_s)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: Any) -> None:
        return None


def _silent_guide(spec: MusicSpec, role: Role) -> RenderedStem:
    return RenderedStem(audio=np.zeros((2, stem_frames(spec)), np.float32), midi=None)


def test_answers_slower_than_the_timeout_are_cut_off_and_retried_a_bounded_number_of_times(
    logs: Logs,
) -> None:
    """A real socket on 127.0.0.1 (MockTransport cannot be slow): a 0.3 s read timeout against a
    1.5 s answer, 3 attempts, then ProviderUnavailable; httpcore's DEBUG lines hold no key."""
    seen: list[float] = []
    handler = type("Slow", (_SlowHandler,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake_time = FakeTime()
    provider = StabilityProvider(
        api_key=KEY,
        base_url=f"http://127.0.0.1:{server.server_address[1]}",
        generation=GenerationSettings(timeout_s=0.3),
        retry=PROVIDER_RETRY,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        jitter=random.Random(5),
        pacer=RequestPacer(max_requests=1000, clock=fake_time.clock, sleep=fake_time.sleep),
        guide=_silent_guide,  # the timing under test is the HTTP timeout, not composing a guide
    )
    spec = MusicSpec.model_validate(
        {"genre": "techno", "bpm": 130.0, "key": "A", "mode": Mode.MINOR, "duration_s": 6.0, "seed": 1}
    )
    started = time.monotonic()
    try:
        with pytest.raises(ProviderUnavailable, match="timed out") as caught:
            provider.render_stem(spec, Role.BASS)
    finally:
        server.shutdown()
        server.server_close()
    elapsed_s = time.monotonic() - started
    assert len(seen) == PROVIDER_ATTEMPTS
    assert len(fake_time.sleeps) == PROVIDER_ATTEMPTS - 1
    assert elapsed_s < PROVIDER_ATTEMPTS * 1.0, f"the timeout did not cut the wait short ({elapsed_s:.1f} s)"
    captured = logs.text()
    assert "httpcore" in captured  # the transport's DEBUG lines were captured and scanned
    assert KEY not in captured and KEY not in str(caught.value)
