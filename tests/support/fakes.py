"""The one fake JobLauncher of the test suite.

Every test that needs a launcher wants some of the same few things: to see which jobs were started
and stopped, to widen the window in which concurrent duplicates overlap, to make StartExecution fail
(for every job or for chosen ones), to run something real per start, or to fail the test if a caller
stops a job it must never stop. One configurable class instead of a look-alike per test file.
(The one Lambda context is amp.lambda_context.LocalLambdaContext: the product needs it too.)"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from amp.domain.job import Job


@dataclass
class FakeLauncher:
    """A JobLauncher that records starts and stops and runs nothing unless `on_start` does.

    Execution ids are `f"{prefix}:{job.id}"`: named after the job, as Step Functions executions are,
    so a repeated start of one job is visible as a repeated id in `started`."""

    delay_s: float = 0.0
    """Slept at the start of every start(), before anything is recorded."""
    error: Exception | None = None
    """Raised by start() (after the delay, before recording) for the jobs `fail_for` selects. Set it
    back to None to let starts succeed again."""
    fail_for: set[str] | None = None
    """None: `error` is raised for every job; a set: only for the job ids in it (add to it as you go)."""
    on_start: Callable[[Job], None] | None = None
    """Called with the job after the start is recorded, e.g. to run the real pipeline in a thread."""
    may_stop: bool = True
    """False for callers that must never stop a job: stop() then fails the test."""
    prefix: str = "test"
    started: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def execution_id(self, job_id: str) -> str:
        """What start() returns for this job."""
        return f"{self.prefix}:{job_id}"

    def start(self, job: Job) -> str:
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.error is not None and (self.fail_for is None or job.id in self.fail_for):
            raise self.error
        with self.lock:
            self.started.append(job.id)
        if self.on_start is not None:
            self.on_start(job)
        return self.execution_id(job.id)

    def stop(self, job: Job, reason: str) -> None:
        if not self.may_stop:
            raise AssertionError(f"stop({job.id}, {reason!r}) was called; this caller never stops a job")
        with self.lock:
            self.stopped.append(job.id)
