"""An edit's reuse of its parent's stems: the parent's published rendered stem (`source_stem`, the
role before the mix) and its MIDI copied to the child's own work keys, as if the child had rendered
them; the child then publishes its own set (an edit of it reuses from it in turn) and the parent's
files stay as they were. A copy is a server-side copy in S3; nothing is decoded or rendered."""

from amp.domain.edit import roles_to_render
from amp.domain.errors import InvalidInput, NotFound
from amp.domain.job import Job
from amp.domain.keys import raw_midi_key, raw_stem_key
from amp.domain.spec import Role
from amp.domain.stage_io import GenerateOutput
from amp.observability import logger
from amp.stages.context import StageContext


def edit_parent(ctx: StageContext, job: Job) -> Job | None:
    """The job's parent when the job is an edit, else None."""
    if job.edit is None or job.parent_id is None:
        return None
    parent = ctx.jobs.get(job.parent_id)
    if parent.spec is None:
        raise InvalidInput(f"the parent job {parent.id} has no spec; it cannot be edited")
    return parent


def reuses(parent: Job, child: Job, role: Role) -> bool:
    """Whether the child takes this role's stem from the parent instead of rendering it."""
    assert parent.spec is not None and child.edit is not None  # edit_parent checked both
    return role not in roles_to_render(parent.spec, child.edit)


def parent_stem_key(parent: Job, role: Role) -> str:
    """The parent's rendered stem of a role; NotFound when the parent has none (made before edits
    kept rendered stems, or the role is not the parent's)."""
    source = parent.artifact("source_stem", role.value)
    if source is None:
        raise NotFound(f"the parent job {parent.id} kept no rendered {role.value} stem")
    return source.key


def reuse_parent_stem(ctx: StageContext, parent: Job, child: Job, role: Role) -> GenerateOutput:
    stem_key = raw_stem_key(child.owner, child.id, role.value)
    ctx.audio.copy(parent_stem_key(parent, role), stem_key)
    midi_key: str | None = None
    parent_midi = parent.artifact("midi", role.value)
    if parent_midi is not None:
        midi_key = raw_midi_key(child.owner, child.id, role.value)
        ctx.audio.copy(parent_midi.key, midi_key)
    logger.info("stem reused", extra={"role": role.value, "parent_id": parent.id})
    return GenerateOutput(role=role.value, stem_key=stem_key, midi_key=midi_key)
