"""The local JobLauncher: a bounded pool running the same ASL as the cloud, one job per worker.

`amp serve` owns one. Worker threads bound concurrency and hold the queue (extra jobs wait QUEUED);
each thread hands its job to a worker *process* of the same size pool. Processes keep renders off the
server's GIL (the API stays responsive while the CPU is busy) and isolate libraries that are not
thread-safe (matplotlib's text layout failed QA renders when two ran in threads). `amp serve` calls
`recover()` before it takes requests, so what a crash left behind is not stuck: queued jobs run, and
jobs caught mid-stage resume at the state they were in (amp.adapters.local.checkpoints), as Step
Functions would retry a crashed Lambda; after MAX_INTERRUPTIONS a job is failed instead.
"""

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from amp.adapters.local.checkpoints import SqliteCheckpointStore
from amp.allocator import release_free_memory
from amp.domain.errors import Conflict, NotFound
from amp.domain.job import TERMINAL_STATUSES, Job, JobError, JobStatus
from amp.domain.ports import JobStore
from amp.observability import logger

WORKERS_ENV = "AMP_LOCAL_WORKERS"
DEFAULT_WORKERS = 2
MAX_WORKERS = 32
MAX_INTERRUPTIONS = 3
"""A job whose run the server's crashes cut short this many times is failed, not resumed again (a job
that itself brings the server down must not do so forever)."""
INTERRUPTED_REASON = f"interrupted {MAX_INTERRUPTIONS} times: the server stopped while this job ran"
UNRESUMABLE_REASON = "interrupted: the server stopped while this job ran"
"""For a job store that keeps no checkpoints, so the run cannot resume."""
STOP_POLL_S = 0.25
"""How often a worker process re-reads its job to notice a cancel (cheap: one SQLite read)."""
WAIT_POLL_S = 0.2
RENDER_NICENESS = 10
JOBS_PER_WORKER_PROCESS = 50
"""A worker process is replaced after this many jobs, so a slow leak in a library cannot grow forever."""

Runner = Callable[..., Any]
"""`runner(job_id, *, should_stop)`; injectable so tests can use a fast in-thread pipeline."""


def workers_from_env() -> int:
    """AMP_LOCAL_WORKERS, else 2; clamped to 1..32 so a typo cannot fork a hundred renders."""
    raw = os.environ.get(WORKERS_ENV, "")
    try:
        workers = int(raw) if raw.strip() else DEFAULT_WORKERS
    except ValueError:
        workers = DEFAULT_WORKERS
    return max(1, min(MAX_WORKERS, workers))


def _child_init() -> None:
    """Lower priority than the server, and die with it (Linux): after a SIGKILL of `amp serve` no
    orphan keeps writing files of a job that recovery is about to mark interrupted. Ctrl-C is the
    parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(RENDER_NICENESS)  # the API's request threads win the CPU over background renders
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def warm_child() -> int:
    """Runs in a worker process: import the pipeline and every stage now, not in the first job."""
    import importlib

    from amp.orchestration import local_pipeline
    from amp.stages import STAGES

    local_pipeline.build_state_machine()
    for stage in STAGES.values():
        with contextlib.suppress(ImportError):  # a broken stage fails its jobs with the reason
            importlib.import_module(stage.module)
    return os.getpid()


def warm_analysis_child() -> None:
    """Runs in one worker process before the others start work: fills the numba cache they share."""
    from amp.analysis.features import warm_numba_cache

    warm_numba_cache()


def checkpoints_for(jobs: JobStore) -> SqliteCheckpointStore | None:
    """Where runs of this store's jobs record their state: next to the jobs in the same SQLite file.
    None for other stores (their jobs fail 'interrupted' after a crash, as they cannot resume)."""
    from amp.adapters.local.sqlite_jobs import SqliteJobStore

    return SqliteCheckpointStore(jobs.path) if isinstance(jobs, SqliteJobStore) else None


def run_in_child(job_id: str) -> tuple[str, str | None, str | None]:
    """Runs in a worker process: the pipeline for one job, from the state its last run was in if a
    crash cut that run short. Each top-level state is recorded as it is entered. It stops when the job
    turns terminal (a cancel) or disappears (a delete), as seen in the job store; returns (status,
    error, cause)."""
    from amp.application import get_application
    from amp.orchestration.local_pipeline import run_job_locally

    jobs = get_application().jobs
    checkpoints = checkpoints_for(jobs)
    last = checkpoints.get(job_id) if checkpoints is not None else None
    start_at = last.resume_at if last is not None else None
    if start_at is not None:
        logger.info("resuming interrupted job", extra={"job_id": job_id, "state": start_at[0]})

    def on_enter(state: str, state_input: Any) -> None:
        if checkpoints is not None:
            checkpoints.record(job_id, state, state_input)

    state = {"checked": 0.0, "stop": False}

    def should_stop() -> bool:
        now = time.monotonic()
        if now - state["checked"] >= STOP_POLL_S:
            state["checked"] = now
            try:
                state["stop"] = jobs.get(job_id).status.terminal
            except NotFound:
                state["stop"] = True
        return bool(state["stop"])

    try:
        result = run_job_locally(job_id, should_stop=should_stop, on_enter=on_enter, start_at=start_at)
    finally:
        release_free_memory()  # an idle worker holds no song's arrays (amp/allocator.py)
    if checkpoints is not None:
        checkpoints.clear(job_id)  # ended (any way): nothing to resume
    return str(result.status), result.error, result.cause


class LocalJobLauncher:
    """Runs jobs from a ThreadPoolExecutor of `workers` threads; by default each thread runs its job in
    a worker process. `stop` sets a per-job flag (and the cancel the service stored stops the process)."""

    def __init__(
        self,
        jobs: JobStore,
        *,
        workers: int | None = None,
        runner: Runner | None = None,
        checkpoints: SqliteCheckpointStore | None = None,
    ) -> None:
        self.jobs = jobs
        self.checkpoints = checkpoints if checkpoints is not None else checkpoints_for(jobs)
        self.workers = workers if workers is not None else workers_from_env()
        self._runner = runner or self._run_in_process
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="amp-job")
        self._processes: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._stops: dict[str, threading.Event] = {}
        self._futures: dict[str, Future[None]] = {}

    def start(self, job: Job) -> str:
        execution_id = f"local:{job.id}"
        stop = threading.Event()
        with self._lock:
            self._stops[job.id] = stop
            self._futures[job.id] = self._executor.submit(self._run, job.id, stop)
        return execution_id

    def stop(self, job: Job, reason: str) -> None:
        with self._lock:
            stop = self._stops.get(job.id)
            future = self._futures.get(job.id)
        if stop is not None:
            stop.set()
        if future is not None and future.cancel():  # not started yet: it never will be
            self._forget(job.id)
        logger.info("job stop requested", extra={"job_id": job.id, "reason": reason})

    def active_count(self) -> int:
        """Jobs submitted and not yet finished (running plus queued)."""
        with self._lock:
            return sum(1 for future in self._futures.values() if not future.done())

    def wait(self, job_id: str, timeout_s: float | None = None) -> bool:
        """Block until this job's run ends; True if it did (used by tests and a graceful shutdown)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is None:
            return True
        try:
            future.result(timeout=timeout_s)
        except TimeoutError:
            return False
        except Exception:  # _run already recorded it on the job
            return True
        return True

    def recover(self) -> tuple[int, int, int]:
        """Re-queue jobs left QUEUED by a crash and resume the ones it caught mid-stage; returns
        (requeued, resumed, failed).

        A resumed job's run starts at the top-level state it had entered, with that state's input
        (run_in_child reads the checkpoint): the stage reruns from its inputs under work/ and rewrites
        its outputs whole, so the job ends as an uninterrupted run would. A job interrupted for the
        MAX_INTERRUPTIONS-th time, or one whose store keeps no checkpoints, is failed instead."""
        requeued = resumed = failed = 0
        stranded = self.jobs.list_by_status(frozenset(JobStatus) - TERMINAL_STATUSES)
        for job in stranded:
            if job.status is JobStatus.QUEUED:
                self.start(job)
                requeued += 1
                continue
            if self.checkpoints is not None:
                interruptions = self.checkpoints.count_interruption(job.id).interruptions
                if interruptions < MAX_INTERRUPTIONS:
                    logger.info(
                        "resuming interrupted job", extra={"job_id": job.id, "interruptions": interruptions}
                    )
                    self.start(job)
                    resumed += 1
                    continue
            reason = INTERRUPTED_REASON if self.checkpoints is not None else UNRESUMABLE_REASON
            if self._fail_interrupted(job, reason):
                failed += 1
        if stranded:
            logger.info(
                "recovered jobs after restart",
                extra={"requeued": requeued, "resumed": resumed, "failed": failed},
            )
        return requeued, resumed, failed

    def _fail_interrupted(self, job: Job, reason: str) -> bool:
        error = JobError(stage=job.stage or "unknown", reason=reason, error_type="Interrupted")
        try:
            self.jobs.fail(job.id, error)
        except (Conflict, NotFound):
            return False  # it finished or was deleted meanwhile
        if self.checkpoints is not None:
            self.checkpoints.clear(job.id)
        return True

    def shutdown(self, *, wait: bool = False) -> None:
        """Stop taking work and drop jobs not yet started (they stay QUEUED and are re-queued by the
        next `recover`). Running jobs go on; `wait` blocks until they end."""
        self._executor.shutdown(wait=wait, cancel_futures=True)
        with self._lock:
            processes = self._processes
        if processes is not None:
            processes.shutdown(wait=wait, cancel_futures=True)

    def _process_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._processes is None:
                # spawn, not fork: this process has server threads whose locks a fork would copy
                self._processes = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_child_init,
                    max_tasks_per_child=JOBS_PER_WORKER_PROCESS,
                )
            return self._processes

    def warm_up(self, timeout_s: float = 120.0) -> int:
        """Start the worker processes and let them import the pipeline before any job arrives, so the
        first jobs neither wait for imports nor compete with the first API requests for the CPU.
        Returns how many processes are ready."""
        if self._runner != self._run_in_process:
            return 0
        pool = self._process_pool()
        with contextlib.suppress(Exception):  # without librosa the analysis stages fail with the reason
            pool.submit(warm_analysis_child).result(timeout=timeout_s)
        warming = [pool.submit(warm_child) for _ in range(self.workers)]
        ready = set()
        for future in warming:
            with contextlib.suppress(Exception):  # a failing import shows again in the job that needs it
                ready.add(future.result(timeout=timeout_s))
        return len(ready)

    def _run_in_process(self, job_id: str, *, should_stop: Callable[[], bool]) -> Any:
        future = self._process_pool().submit(run_in_child, job_id)
        try:
            while True:
                try:
                    status, error, cause = future.result(timeout=WAIT_POLL_S)
                    return _Outcome(status, error, cause)
                except TimeoutError:
                    continue  # the child watches the job store for a cancel itself
        except BrokenProcessPool:
            with self._lock:  # a worker died (killed, out of memory): the next job gets a fresh pool
                broken, self._processes = self._processes, None
            if broken is not None:
                broken.shutdown(wait=False, cancel_futures=True)
            raise

    def _run(self, job_id: str, stop: threading.Event) -> None:
        try:
            job = self.jobs.get(job_id)
        except NotFound:
            self._forget(job_id)
            return  # deleted while queued
        if job.status.terminal or stop.is_set():
            self._forget(job_id)
            return  # cancelled while queued

        def should_stop() -> bool:
            return stop.is_set()

        try:
            result = self._runner(job_id, should_stop=should_stop)
            error_name = getattr(result, "error", None) or "pipeline ended"
            reason = f"{error_name}: {getattr(result, 'cause', None) or ''}"
        except Exception as error:  # a runner crash must still end the job
            logger.exception("local run crashed", extra={"job_id": job_id})
            reason = f"{type(error).__name__}: {error}"
        try:
            self._ensure_terminal(job_id, stopped=stop.is_set(), reason=reason.strip(": "))
        finally:
            self._forget(job_id)

    def _ensure_terminal(self, job_id: str, *, stopped: bool, reason: str) -> None:
        """The pipeline's MarkFailed normally ends the job; this catches what it could not."""
        try:
            job = self.jobs.get(job_id)
            if job.status.terminal:
                return
            status = JobStatus.CANCELLED if stopped else JobStatus.FAILED
            error = JobError(
                stage=job.stage or "pipeline",
                reason="cancelled" if stopped else reason[:500],
                error_type="JobCancelled" if stopped else "PipelineError",
            )
            self.jobs.fail(job_id, error, status=status)
        except (Conflict, NotFound):
            return

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._stops.pop(job_id, None)
            self._futures.pop(job_id, None)


class _Outcome:
    """What the runner reports back: the execution's status and, on failure, its error and cause."""

    def __init__(self, status: str, error: str | None, cause: str | None) -> None:
        self.status = status
        self.error = error
        self.cause = cause
