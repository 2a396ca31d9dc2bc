"""Stage `parse`: the job's prompt and options -> MusicSpec, stored on the job; the roles to render
go back to the state machine for the GenerateStems Map."""

from typing import Protocol

from amp.config import Settings
from amp.domain.job import JobOptions, JobStatus
from amp.domain.spec import MusicSpec
from amp.domain.stage_io import JobRef, ParseOutput
from amp.prompt.parser import parse_prompt
from amp.stages.context import StageContext


class PromptParser(Protocol):
    def __call__(
        self, text: str, *, options: JobOptions | None = None, seed_source: str = ""
    ) -> MusicSpec: ...


def parser_for(settings: Settings) -> PromptParser:
    """The rule parser, or the Bedrock parser (which falls back to the rules) when AMP_PARSER=bedrock."""
    if settings.parser == "bedrock":
        from amp.adapters.aws.bedrock_client import bedrock_runtime_client
        from amp.prompt.bedrock import BedrockPromptParser

        return BedrockPromptParser(bedrock_runtime_client(), model_id=settings.bedrock_model_id).parse
    return parse_prompt


def run(payload: JobRef, ctx: StageContext) -> ParseOutput:
    job = ctx.begin(payload.job_id, JobStatus.PARSING, "parse", 0.05)
    spec = parser_for(ctx.settings)(job.prompt, options=job.options, seed_source=job.id)
    ctx.jobs.set_spec(job.id, spec, progress=0.1)
    return ParseOutput(
        job_id=job.id,
        has_reference=job.reference_key is not None,
        roles=[role.value for role in spec.roles()],
    )
