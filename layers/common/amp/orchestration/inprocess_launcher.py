"""The synchronous JobLauncher of `amp generate`: `start` runs the whole pipeline in this thread and
returns when the job has reached a terminal status, so the CLI creates its job through the same
`JobService.create` as the API and batch and then simply reads the finished job."""

from collections.abc import Callable

from amp.domain.job import Job
from amp.orchestration.asl import StateCallback


class InProcessLauncher:
    """Runs `statemachine/pipeline.asl.json` for one job at a time with the real stage handlers."""

    def __init__(
        self, *, on_state: StateCallback | None = None, on_start: Callable[[Job], None] | None = None
    ) -> None:
        self.on_state = on_state
        """Called with (state name, event) as the run moves (the CLI prints timings)."""
        self.on_start = on_start
        """Called with the stored QUEUED job just before its pipeline runs."""

    def start(self, job: Job) -> str:
        """Run the job to its end; the run id is the job id (the execution is named after it). A stage
        failure is the job's (MarkFailed records it); only a pipeline that cannot run raises."""
        from amp.orchestration.local_pipeline import run_job_locally

        if self.on_start is not None:
            self.on_start(job)
        run_job_locally(job.id, on_state=self.on_state)
        return job.id

    def stop(self, job: Job, reason: str) -> None:
        """Nothing to stop: by the time `start` returns, the run is over."""
