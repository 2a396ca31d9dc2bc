"""What every stage is handed: the ports and the settings, picked once per process."""

from dataclasses import dataclass

from amp.config import Settings
from amp.domain.errors import JobCancelled
from amp.domain.job import Job, JobStatus
from amp.domain.ports import AudioStore, JobStore


@dataclass(frozen=True)
class StageContext:
    jobs: JobStore
    audio: AudioStore
    settings: Settings

    def begin(self, job_id: str, status: JobStatus, stage: str, progress: float) -> Job:
        """Move the job into a stage. A cancelled or finished job stops the stage here."""
        job = self.jobs.get(job_id)
        if job.status.terminal:
            raise JobCancelled(f"job {job_id} is {job.status.value}; stage {stage} not run")
        return self.jobs.begin_stage(job_id, status, stage, progress)
