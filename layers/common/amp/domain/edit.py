"""Edits of a finished song: one model per kind, discriminated by `kind`, and the pure rules that
turn the parent's spec into the child's and say which stems the child must render.

An edit makes a new job (`JobRequest.parent_id` + `JobRequest.edit`); the parent is never touched.
Everything an edit does not change is reused from the parent's stored stems (`roles_to_render`), so
the child's spec is the parent's with exactly the edit applied (`derive_spec`): the same seed, the
same instruments, the same form, unless the edit is about them. Checks that need the store (the
parent's status, its files) live in `amp.services.edits`; the ones here need only the spec."""

import hashlib
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from amp.domain.errors import InvalidInput
from amp.domain.presets import MasterPreset
from amp.domain.rendition import (
    MAX_EXTEND_BARS,
    MAX_SHIFT_SEMITONES,
    ExtendOp,
    Rendition,
    ReplaceOp,
    RetempoOp,
    ScoreOp,
    TransposeOp,
    bar_seconds,
)
from amp.domain.spec import (
    MAX_BPM,
    MAX_DURATION_S,
    MIN_BPM,
    MIN_DURATION_S,
    PITCH_CLASSES,
    SEED_LIMIT,
    Instrument,
    MusicSpec,
    Provenance,
    Role,
)

EditSeed = Annotated[int | None, Field(ge=0, lt=SEED_LIMIT, description="None: a new seed is derived.")]
MAX_SECTION_TEXT = 200


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VariationEdit(_Edit):
    """The same song with a new seed: the whole song (no roles), or only the chosen roles' parts (the
    rest reused as they are)."""

    kind: Literal["variation"] = "variation"
    seed: EditSeed = None
    roles: list[Role] = Field(default_factory=list, max_length=len(Role))


class SwapEdit(_Edit):
    """One role again, with another instrument (same notes unless a seed is given) or another seed;
    every other stem and the mix settings are kept."""

    kind: Literal["swap"] = "swap"
    role: Role
    instrument: str | None = Field(default=None, min_length=1, max_length=64, examples=["808"])
    seed: EditSeed = None


class AddPartEdit(_Edit):
    """A role the song lacks (a counter-melody, strings); the instrument defaults to the genre's."""

    kind: Literal["add"] = "add"
    role: Role
    instrument: str | None = Field(default=None, min_length=1, max_length=64, examples=["strings"])


class RemovePartEdit(_Edit):
    """Drop one role; the rest is remixed from the stems as they are."""

    kind: Literal["remove"] = "remove"
    role: Role


class RetempoEdit(_Edit):
    """The same score played at another tempo (every stem re-rendered, not time-stretched)."""

    kind: Literal["retempo"] = "retempo"
    bpm: float = Field(ge=MIN_BPM, le=MAX_BPM)


class TransposeEdit(_Edit):
    """The same score played transposed by a number of semitones (drums stay)."""

    kind: Literal["transpose"] = "transpose"
    semitones: int = Field(ge=-MAX_SHIFT_SEMITONES, le=MAX_SHIFT_SEMITONES)


class ExtendEdit(_Edit):
    """N more bars of the song's material: after (before its outro) or before the start."""

    kind: Literal["extend"] = "extend"
    bars: int = Field(ge=1, le=MAX_EXTEND_BARS)
    before: bool = False


class ReplaceBarsEdit(_Edit):
    """Bars start_bar..end_bar (from 1, inclusive) re-composed with a new seed (or one drawn from the
    section text); every stem outside them is the parent's, bit for bit, but for a short crossfade."""

    kind: Literal["replace_bars"] = "replace_bars"
    start_bar: int = Field(ge=1)
    end_bar: int = Field(ge=1)
    seed: EditSeed = None
    text: str | None = Field(default=None, min_length=1, max_length=MAX_SECTION_TEXT)

    @model_validator(mode="after")
    def _ordered(self) -> "ReplaceBarsEdit":
        if self.end_bar < self.start_bar:
            raise ValueError(f"end_bar ({self.end_bar}) is before start_bar ({self.start_bar})")
        return self


class RemasterEdit(_Edit):
    """Master the parent's stems again with another preset or toward a reference; nothing is
    regenerated."""

    kind: Literal["remaster"] = "remaster"
    master_preset: MasterPreset | None = None
    reference_upload_id: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{32}$", description="An upload_id from POST /uploads."
    )

    @model_validator(mode="after")
    def _something(self) -> "RemasterEdit":
        if self.master_preset is None and self.reference_upload_id is None:
            raise ValueError("name a master_preset or a reference_upload_id to remaster toward")
        return self


Edit = Annotated[
    VariationEdit
    | SwapEdit
    | AddPartEdit
    | RemovePartEdit
    | RetempoEdit
    | TransposeEdit
    | ExtendEdit
    | ReplaceBarsEdit
    | RemasterEdit,
    Field(discriminator="kind"),
]
"""One edit; `kind` says which."""

CROSSFADE_S = 0.02
"""The splice of a replaced bar range: 20 ms fades just outside the range, each side."""


def edit_seed(source: str, *names: str) -> int:
    """A 32-bit seed from the child job's id (and what it is for), like the parser's derived seeds."""
    digest = hashlib.sha256(":".join((source, *names)).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def describe(edit: Edit) -> str:
    """The edit in words, for the child's spec notes and the CLI."""
    match edit:
        case VariationEdit(roles=[]):
            return "variation of the whole song"
        case VariationEdit(roles=roles):
            return f"variation of {', '.join(role.value for role in roles)}"
        case SwapEdit(role=role, instrument=instrument):
            return f"{role.value} swapped" + (f" for {instrument}" if instrument else " (new part)")
        case AddPartEdit(role=role):
            return f"{role.value} added"
        case RemovePartEdit(role=role):
            return f"{role.value} removed"
        case RetempoEdit(bpm=bpm):
            return f"re-played at {bpm:g} bpm"
        case TransposeEdit(semitones=semitones):
            return f"transposed {semitones:+d} semitones"
        case ExtendEdit(bars=bars, before=before):
            return f"extended by {bars} bars {'before the start' if before else 'after the end'}"
        case ReplaceBarsEdit(start_bar=start, end_bar=end):
            return f"bars {start}-{end} re-composed"
        case RemasterEdit(master_preset=preset):
            return f"remastered ({preset or 'toward the reference'})"


def roles_to_render(parent: MusicSpec, edit: Edit) -> frozenset[Role]:
    """The child's roles whose stems are rendered; every other role's stem is the parent's."""
    all_roles = frozenset(parent.roles())
    match edit:
        case VariationEdit(roles=roles) if roles:
            return frozenset(roles)
        case SwapEdit(role=role) | AddPartEdit(role=role):
            return frozenset({role})
        case RemovePartEdit() | RemasterEdit():
            return frozenset()
        case _:
            return all_roles


def splices_parent(edit: Edit) -> ReplaceBarsEdit | None:
    """The bar range whose new render is spliced into the parent's stems (replace bars), or None."""
    return edit if isinstance(edit, ReplaceBarsEdit) else None


def splice_span_s(parent: MusicSpec, edit: ReplaceBarsEdit) -> tuple[float, float]:
    """Where bars start_bar..end_bar lie in the parent's song, in seconds at its nominal tempo."""
    bar_s = bar_seconds(parent.bpm, parent.time_signature)
    return (edit.start_bar - 1) * bar_s, edit.end_bar * bar_s


def _with_op(parent: MusicSpec, op: ScoreOp) -> Rendition:
    base = parent.rendition or Rendition(
        composed_bpm=parent.bpm,
        composed_key=parent.key,
        composed_duration_s=parent.duration_s,
        composed_plan=parent.plan,
    )
    return base.model_copy(update={"ops": [*base.ops, op]})


def _duration(value: float, what: str) -> float:
    if not MIN_DURATION_S <= value <= MAX_DURATION_S:
        raise InvalidInput(
            f"{what}: the song would last {value:.1f} s; songs are {MIN_DURATION_S:g}-{MAX_DURATION_S:g} s"
        )
    return round(value, 6)


def _known_roles(parent: MusicSpec, roles: list[Role], field: str) -> None:
    present = parent.roles()
    missing = [role.value for role in roles if role not in present]
    if missing:
        raise InvalidInput(
            f"{field}: the song has no {', '.join(missing)} part; "
            f"its roles are {', '.join(role.value for role in present)}"
        )


def check_edit(parent: MusicSpec, edit: Edit) -> None:
    """Refuse an edit this song cannot take (a role it lacks, bars outside it, a no-op), naming the field."""
    match edit:
        case VariationEdit(roles=roles):
            _known_roles(parent, roles, "edit.roles")
        case SwapEdit(role=role) | RemovePartEdit(role=role):
            _known_roles(parent, [role], "edit.role")
            if isinstance(edit, RemovePartEdit) and len(parent.roles()) == 1:
                raise InvalidInput(f"edit.role: {role.value} is the song's only part; nothing would remain")
        case AddPartEdit(role=role):
            if role in parent.roles():
                raise InvalidInput(f"edit.role: the song already has a {role.value} part; swap it instead")
        case RetempoEdit(bpm=bpm):
            if abs(bpm - parent.bpm) < 1e-6:
                raise InvalidInput(f"edit.bpm: the song is already at {parent.bpm:g} bpm")
            _duration(parent.duration_s * parent.bpm / bpm, "edit.bpm")
        case TransposeEdit(semitones=0):
            raise InvalidInput("edit.semitones: 0 leaves the song as it is")
        case ExtendEdit(bars=bars):
            _duration(parent.duration_s + bars * bar_seconds(parent.bpm, parent.time_signature), "edit.bars")
        case ReplaceBarsEdit(end_bar=end):
            if end > parent.bars():
                raise InvalidInput(
                    f"edit.end_bar: the song has {parent.bars()} bars; bar {end} is outside it"
                )
        case _:
            pass


def derive_spec(
    parent: MusicSpec,
    edit: Edit,
    *,
    seed_source: str,
    instrument: Callable[[Role], Instrument] | None = None,
    text_energy: Callable[[str], float | None] | None = None,
) -> MusicSpec:
    """The child's spec: the parent's with the edit applied and a note saying so. `seed_source` (the
    child job's id) derives any seed the edit does not state; `instrument(role)` resolves the
    instrument a swap or add names (the service looks names up in the instrument table);
    `text_energy(text)` is the energy a replace-bars section text implies, if any (the prompt parser's)."""
    check_edit(parent, edit)
    update: dict[str, object] = {}
    provenance = dict(parent.provenance)
    part_seeds = dict(parent.part_seeds)
    match edit:
        case VariationEdit(roles=[], seed=seed):
            update["seed"] = seed if seed is not None else edit_seed(seed_source, "variation")
            update["part_seeds"] = {}
            provenance["seed"] = Provenance.OVERRIDDEN
        case VariationEdit(roles=roles, seed=seed):
            for role in roles:
                part_seeds[role] = seed if seed is not None else edit_seed(seed_source, "part", role.value)
            update["part_seeds"] = part_seeds
        case SwapEdit(role=role, seed=seed):
            if edit.instrument is not None and instrument is not None:
                others = [i for i in parent.instruments if i.role is not role]
                update["instruments"] = [*others, instrument(role)]
                provenance["instruments"] = Provenance.OVERRIDDEN
            if seed is not None or edit.instrument is None:
                part_seeds[role] = seed if seed is not None else edit_seed(seed_source, "part", role.value)
            update["part_seeds"] = part_seeds
        case AddPartEdit(role=role):
            if instrument is None:
                raise InvalidInput("edit.instrument: no instrument to add")
            update["instruments"] = [*parent.instruments, instrument(role)]
            update["excluded_roles"] = [r for r in parent.excluded_roles if r is not role]
            provenance["instruments"] = Provenance.OVERRIDDEN
        case RemovePartEdit(role=role):
            update["excluded_roles"] = [*parent.excluded_roles, role]
        case RetempoEdit(bpm=bpm):
            update["bpm"] = bpm
            update["duration_s"] = _duration(parent.duration_s * parent.bpm / bpm, "edit.bpm")
            update["asked_duration_s"] = None  # the length is the same bars at the new tempo
            update["rendition"] = _with_op(parent, RetempoOp(bpm=bpm))
            provenance["bpm"] = Provenance.OVERRIDDEN
        case TransposeEdit(semitones=semitones):
            update["key"] = PITCH_CLASSES[(PITCH_CLASSES.index(parent.key) + semitones) % 12]
            update["rendition"] = _with_op(parent, TransposeOp(semitones=semitones))
            provenance["key"] = Provenance.OVERRIDDEN
        case ExtendEdit(bars=bars, before=before):
            added_s = bars * bar_seconds(parent.bpm, parent.time_signature)
            update["duration_s"] = _duration(parent.duration_s + added_s, "edit.bars")
            update["asked_duration_s"] = None  # the parent's bars and the added ones set it
            update["total_bars"] = parent.bars() + bars
            update["rendition"] = _with_op(parent, ExtendOp(bars=bars, before=before))
        case ReplaceBarsEdit(start_bar=start, end_bar=end, seed=seed, text=text):
            chosen = (
                seed if seed is not None else edit_seed(text or seed_source, "bars", str(start), str(end))
            )
            energy = text_energy(text) if text and text_energy is not None else None
            op = ReplaceOp(start_bar=start, end_bar=end, seed=chosen, energy=energy)
            update["rendition"] = _with_op(parent, op)
        case RemasterEdit():
            pass
    update["provenance"] = provenance
    update["notes"] = [*parent.notes, f"edit: {describe(edit)}"]
    return MusicSpec.model_validate({**parent.model_dump(), **update})
