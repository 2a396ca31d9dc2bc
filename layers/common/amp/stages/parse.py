"""Stage `parse`: the job's prompt and options -> MusicSpec, stored on the job; the roles to render
go back to the state machine for the GenerateStems Map. Which parser runs (rules, or Bedrock with
the rules as fallback) is the StageContext's: the application chose it from the settings."""

from amp.domain.job import JobStatus
from amp.domain.stage_io import JobRef, ParseOutput, StageTimeouts
from amp.stages.context import StageContext


def run(payload: JobRef, ctx: StageContext) -> ParseOutput:
    job = ctx.begin(payload.job_id, JobStatus.PARSING, "parse", 0.05)
    spec = ctx.parser(job.prompt, options=job.options, seed_source=job.id)
    ctx.jobs.set_spec(job.id, spec, progress=0.1)
    return ParseOutput(
        job_id=job.id,
        has_reference=job.reference_key is not None,
        roles=[role.value for role in spec.roles()],
        timeouts=StageTimeouts.for_length(spec.duration_s),
    )
