"""Stage `parse`: the job's prompt and options -> MusicSpec, stored on the job; the roles to render
go back to the state machine for the GenerateStems Map. Which parser runs (rules, or Bedrock with
the rules as fallback) is the StageContext's: the application chose it from the settings."""

from amp.domain.job import Job, JobStatus
from amp.domain.spec import MusicSpec
from amp.domain.stage_io import WHOLE_MIX_ROLE, JobRef, ParseOutput, StageTimeouts
from amp.stages.context import StageContext
from amp.stages.reuse import edit_parent, reuse_parent_stem, reuses


def run(payload: JobRef, ctx: StageContext) -> ParseOutput:
    job = ctx.begin(payload.job_id, JobStatus.PARSING, "parse", 0.05)
    parent = edit_parent(ctx, job)
    if parent is not None and job.spec is not None:
        return _edit(ctx, job, parent, job.spec)
    spec = ctx.parser(job.prompt, options=job.options, seed_source=job.id)
    ctx.jobs.set_spec(job.id, spec, progress=0.1)
    return ParseOutput(
        job_id=job.id,
        has_reference=job.reference_key is not None,
        # A whole-mix job generates one clip, the song (amp.stages.whole_mix), not one per role.
        roles=[WHOLE_MIX_ROLE] if job.options.whole_mix else [role.value for role in spec.roles()],
        timeouts=StageTimeouts.for_length(spec.duration_s),
    )


def _edit(ctx: StageContext, job: Job, parent: Job, spec: MusicSpec) -> ParseOutput:
    """An edit's spec was derived from its parent's when the job was made; nothing is parsed. When
    the edit renders no stem (remaster, remove a part) the parent's stems are taken here and the
    state machine skips generation (`generate` false)."""
    roles = spec.roles()
    ctx.jobs.set_progress(job.id, 0.1)
    render = [role for role in roles if not reuses(parent, job, role)]
    stems = [] if render else [reuse_parent_stem(ctx, parent, job, role) for role in roles]
    return ParseOutput(
        job_id=job.id,
        has_reference=job.reference_key is not None,
        roles=[role.value for role in roles],
        generate=bool(render),
        stems=stems,
        timeouts=StageTimeouts.for_length(spec.duration_s),
    )
