"""What every stage is handed: the ports, the settings and the collaborators that reach beyond them
(the prompt parser, the stem providers). `amp.application` builds one per process; stages never pick
adapters or clients themselves."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from amp.config import Settings
from amp.domain.errors import JobCancelled
from amp.domain.job import Job, JobOptions, JobStatus
from amp.domain.ports import AudioStore, JobStore
from amp.domain.spec import MusicSpec

if TYPE_CHECKING:  # providers load numpy and friends: only the generate stage imports them
    from amp.providers.base import StemProvider


class PromptParser(Protocol):
    def __call__(
        self, text: str, *, options: JobOptions | None = None, seed_source: str = ""
    ) -> MusicSpec: ...


def rule_parser(text: str, *, options: JobOptions | None = None, seed_source: str = "") -> MusicSpec:
    """The rule parser, imported on first use so stages that never parse do not load it."""
    from amp.prompt.parser import parse_prompt

    return parse_prompt(text, options=options, seed_source=seed_source)


def default_providers(name: str, options: JobOptions | None = None) -> "StemProvider":
    """The provider registry without a Stability key source (a StageContext built by hand)."""
    from amp.providers.registry import provider_for

    return provider_for(name, options=options)


class ProviderSource(Protocol):
    def __call__(self, name: str, options: JobOptions | None = None) -> "StemProvider": ...


@dataclass(frozen=True)
class StageContext:
    jobs: JobStore
    audio: AudioStore
    settings: Settings
    parser: PromptParser = rule_parser
    """Prompt -> MusicSpec: the rules, or the Bedrock parser when AMP_PARSER=bedrock."""
    providers: "ProviderSource" = default_providers
    """Provider name (a job option) and the job's options -> the provider that renders its stems."""

    def begin(self, job_id: str, status: JobStatus, stage: str, progress: float) -> Job:
        """Move the job into a stage. A cancelled or finished job stops the stage here."""
        job = self.jobs.get(job_id)
        if job.status.terminal:
            raise JobCancelled(f"job {job_id} is {job.status.value}; stage {stage} not run")
        return self.jobs.begin_stage(job_id, status, stage, progress)
