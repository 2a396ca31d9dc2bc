"""Edit use-cases: check an edit of a finished job and build the child job it makes; a job's lineage.

`JobService.create` calls `child_job` for a request with `parent_id` + `edit` (the API's
POST /jobs/{id}/edits, a batch line, `amp edit`), so every entry point refuses the same things before
anything is stored or started: a parent that is not SUCCEEDED (Conflict, 409), another owner's job
(NotFound, 404), an edit the song cannot take (InvalidInput, 400, naming the field), parent files the
child would reuse that are gone (ParentFilesGone, 409). EditRefused tells these apart from a repeated
create (the other Conflict), which batch reports differently."""

from dataclasses import dataclass

from amp.compose.rendition import performed_plan
from amp.domain.edit import (
    AddPartEdit,
    Edit,
    RemasterEdit,
    SwapEdit,
    derive_spec,
    roles_to_render,
    splices_parent,
)
from amp.domain.errors import Conflict, InvalidInput, NotFound
from amp.domain.job import Job, JobStatus
from amp.domain.ports import AudioStore, JobStore
from amp.domain.spec import Instrument, MusicSpec, Role

MAX_LINEAGE_JOBS = 5000
"""Descendants are found among at most this many of the owner's newest jobs."""


class EditRefused(Conflict):
    """The parent cannot be edited as it is (not SUCCEEDED, no spec, its files gone): 409."""


class ParentFilesGone(EditRefused):
    """The parent's rendered stems the edit would reuse are gone (expired, or never kept)."""


def instrument_for(spec: MusicSpec, role: Role, name: str | None) -> Instrument:
    """The instrument a swap or add names, in the edited role; without a name, the genre's own
    instrument for the role (or the first the vocabulary has for it)."""
    from amp.genres import profile_of
    from amp.prompt.instruments import INSTRUMENTS, instrument_named

    if name is not None:
        try:
            found = instrument_named(name)
        except InvalidInput as error:
            raise InvalidInput(f"edit.instrument: {error}") from None
        return Instrument(name=found.name, role=role)
    profile = profile_of(spec.genre)
    band = profile.instrumentation if profile is not None else ()
    chosen = next((i for i in band if i.role is role), None)
    if chosen is None:
        chosen = next(entry.instrument() for entry in INSTRUMENTS if entry.role is role)
    return Instrument(name=chosen.name, role=role)


def text_energy(text: str) -> float | None:
    """The energy a section text states or implies ("a quiet breakdown" 0.15), read by the rule
    parser; None when the text says nothing about it."""
    from amp.domain.spec import Provenance
    from amp.prompt.parser import parse_prompt

    spec = parse_prompt(text)
    return spec.energy if spec.provenance.get("energy") is not Provenance.DEFAULTED else None


def reused_roles(parent: MusicSpec, child: MusicSpec, edit: Edit) -> list[Role]:
    """The child's roles whose stems come from the parent's files: untouched ones, and every one a
    replace-bars edit splices into."""
    if splices_parent(edit) is not None:
        return child.roles()
    rendered = roles_to_render(parent, edit)
    return [role for role in child.roles() if role not in rendered]


def _kept(parent: Job, role: Role, audio: AudioStore) -> bool:
    source = parent.artifact("source_stem", role.value)
    return source is not None and audio.exists(source.key)


@dataclass(frozen=True)
class ChildJob:
    job: Job
    reused: list[Role]


def with_performed_plan(spec: MusicSpec) -> MusicSpec:
    """The child's spec with its plan set to the section list its score is performed with: an extend
    adds a section, a replace with an energy splits the sections it cuts (amp.compose.rendition), so
    the plan the user sees, edits and sends back as a new job is the edited song's own. An edit that
    keeps the score (variation, swap, add, remove, remaster) keeps the parent's plan."""
    if spec.rendition is None or spec.plan is None:
        return spec
    plan = performed_plan(spec)
    return spec.model_copy(update={"plan": plan, "total_bars": plan.total_bars})


def child_job(
    parent: Job,
    edit: Edit,
    *,
    child_id: str,
    audio: AudioStore,
    reference_key: str | None,
) -> ChildJob:
    """The QUEUED child of `parent` (already owner-checked): its spec derived, its options the
    parent's with what the edit changes. Raises before anything is stored."""
    if parent.status is not JobStatus.SUCCEEDED:
        raise EditRefused(f"only a SUCCEEDED job can be edited; job {parent.id} is {parent.status.value}")
    if parent.spec is None:
        raise EditRefused(f"job {parent.id} has no spec to edit")
    if parent.options.whole_mix:
        raise EditRefused(
            f"job {parent.id} was made in whole-mix mode (stability_mode 'mix'): it has no stems or "
            f"score, so a {edit.kind} edit has nothing to reuse or re-perform; make a new job instead"
        )
    parent_spec = parent.spec

    def resolve(role: Role) -> Instrument:
        name = edit.instrument if isinstance(edit, SwapEdit | AddPartEdit) else None
        return instrument_for(parent_spec, role, name)

    spec = with_performed_plan(
        derive_spec(parent_spec, edit, seed_source=child_id, instrument=resolve, text_energy=text_energy)
    )
    reused = reused_roles(parent_spec, spec, edit)
    gone = [role.value for role in reused if not _kept(parent, role, audio)]
    if gone:
        raise ParentFilesGone(
            f"the parent's rendered {', '.join(gone)} stem(s) are gone (deleted, expired, or the job was "
            "made before edits kept them); a whole-song variation still works"
        )
    options = parent.options.model_copy(update={"duration_s": spec.duration_s, "seed": spec.seed})
    if options.plan is not None:  # a given plan is the child's section list too
        options = options.model_copy(update={"plan": spec.plan})
    if isinstance(edit, RemasterEdit) and edit.master_preset is not None:
        options = options.model_copy(update={"master_preset": edit.master_preset})
    if reference_key is None and parent.reference_key and audio.exists(parent.reference_key):
        reference_key = parent.reference_key  # mastered toward the same reference as the parent
    job = Job(
        id=child_id,
        owner=parent.owner,
        prompt=parent.prompt,
        options=options,
        reference_key=reference_key,
        spec=spec,
        parent_id=parent.id,
        edit=edit,
    )
    return ChildJob(job=job, reused=reused)


@dataclass(frozen=True)
class Lineage:
    job: Job
    ancestors: list[Job]
    """Root first, the job's parent last."""
    descendants: list[Job]
    """Every edit of the job, of its edits, ..., breadth first (children before grandchildren)."""


def lineage(jobs: JobStore, job: Job) -> Lineage:
    """A job's edit family within its owner's jobs (the caller checked the owner)."""
    ancestors: list[Job] = []
    seen = {job.id}
    current = job
    while current.parent_id is not None and current.parent_id not in seen:
        try:
            parent = jobs.get(current.parent_id)
        except NotFound:  # a deleted ancestor ends the chain
            break
        if parent.owner != job.owner:
            break
        ancestors.insert(0, parent)
        seen.add(parent.id)
        current = parent
    children: dict[str, list[Job]] = {}
    cursor: str | None = None
    scanned = 0
    while scanned < MAX_LINEAGE_JOBS:
        page = jobs.list_by_owner(job.owner, limit=100, cursor=cursor)
        for candidate in page.jobs:
            if candidate.parent_id is not None and candidate.owner == job.owner:
                children.setdefault(candidate.parent_id, []).append(candidate)
        scanned += len(page.jobs)
        cursor = page.next_cursor
        if cursor is None or not page.jobs:
            break
    descendants: list[Job] = []
    frontier = [job.id]
    while frontier:
        following: list[str] = []
        for parent_id in frontier:
            for child in sorted(children.get(parent_id, []), key=lambda j: j.created_at):
                if child.id not in seen:
                    seen.add(child.id)
                    descendants.append(child)
                    following.append(child.id)
        frontier = following
    return Lineage(job=job, ancestors=ancestors, descendants=descendants)
