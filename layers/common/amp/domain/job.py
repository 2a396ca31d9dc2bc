"""The job record (what a client watches while its song is made) and the one request model every
entry point creates jobs from: `JobRequest` (API body, batch manifest line, CLI flags)."""

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from amp.domain.edit import Edit
from amp.domain.errors import InvalidInput
from amp.domain.presets import MASTER_PRESETS as MASTER_PRESETS  # noqa: PLC0414 - re-exported
from amp.domain.presets import MasterPreset as MasterPreset  # noqa: PLC0414 - re-exported
from amp.domain.qa import QAReport
from amp.domain.spec import (
    MAX_BPM,
    MAX_DURATION_S,
    MIN_DURATION_S,
    SEED_LIMIT,
    MusicSpec,
    Plan,
    SpecOverrides,
    bar_seconds,
)

MAX_PROMPT_CHARS = 2000
EDIT_PROMPT = "(edit of the parent job)"
"""What an edit request without a prompt carries until the service gives the child its parent's."""
LOCAL_OWNER = "local"
"""The owner of jobs made on this machine without an API key (CLI, `amp serve` on loopback)."""
JOB_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    PARSING = "PARSING"
    ANALYZING = "ANALYZING"
    GENERATING = "GENERATING"
    MIXING = "MIXING"
    MASTERING = "MASTERING"
    CHECKING = "CHECKING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

ProviderName = Literal["procedural", "stability"]
PROVIDER_NAMES: tuple[ProviderName, ...] = get_args(ProviderName)

DurationS = Annotated[float | None, Field(ge=MIN_DURATION_S, le=MAX_DURATION_S)]
"""A requested song length; None lets the prompt (or the default) decide."""
StabilityStrength = Annotated[float | None, Field(ge=0.1, le=0.9)]
"""Stable Audio audio-to-audio strength for guided generation; None: the provider's default."""
StabilityModeName = Literal["guided", "mix"]
Seed = Annotated[int | None, Field(ge=0, lt=SEED_LIMIT)]
"""A requested seed; None derives one from the job."""


class JobOptions(BaseModel):
    """What the caller chose besides the prompt."""

    # Stored on the job, built by JobRequest.options (the preset resolved). The docstring above is
    # part of the API schema (docs/openapi.json): keep it as it is.

    duration_s: DurationS = None
    seed: Seed = None
    master_preset: MasterPreset = "streaming"
    provider: ProviderName = "procedural"
    overrides: SpecOverrides = Field(default_factory=SpecOverrides)
    plan: Plan | None = None
    loop: bool = False
    stability_strength: StabilityStrength = None
    stability_mode: StabilityModeName | None = None

    @property
    def whole_mix(self) -> bool:
        """Stability whole-mix mode: one request makes the mix; the job has no stems (and no MIDI)."""
        return self.provider == "stability" and self.stability_mode == "mix"


WHOLE_MIX_STEMS_REASON = (
    "stems unavailable (whole-mix mode): the model made the whole song in one request "
    "(stability_mode 'mix'), so there are no separate stems or MIDI"
)
"""What the API, the CLI and the web app say where a whole-mix job's stems would be."""


class JobRequest(BaseModel):
    """What a caller asks for: the one request model behind POST /jobs (`CreateJobRequest` adds the
    reference upload), a batch manifest line and `amp generate`'s flags. Only `prompt` is required;
    explicit fields win over what the prompt says; unknown fields are refused, so a typo never passes
    silently. `JobService.create` takes it."""

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, description="What the song should be.")
    duration_s: DurationS = None
    seed: Seed = Field(default=None, description="Same seed + prompt, same song.")
    master_preset: MasterPreset | None = Field(default=None, description="Defaults to the server's preset.")
    provider: ProviderName = "procedural"
    overrides: SpecOverrides = Field(default_factory=SpecOverrides)
    plan: Plan | None = Field(
        default=None,
        description="The sections in order (`amp parse` prints the derived one in this shape); the song "
        "is as long as its bars, whatever duration_s says.",
    )
    loop: bool = Field(default=False, description="A seamlessly loopable piece of whole bars.")

    @field_validator("plan")
    @classmethod
    def _plan_fits(cls, plan: Plan | None, info: ValidationInfo) -> Plan | None:
        """Refuse a plan longer than 10 minutes before any job starts. The tempo is known only when the
        request states it; otherwise the plan must fit at the fastest tempo the parser may choose
        (the parser then raises the tempo as far as needed, and says so in the spec's notes)."""
        if plan is None:
            return None
        overrides = info.data.get("overrides")
        bpm = overrides.bpm if isinstance(overrides, SpecOverrides) and overrides.bpm else None
        signature = overrides.time_signature if isinstance(overrides, SpecOverrides) else None
        return check_plan_length(plan, bpm, signature or "4/4")

    parent_id: str | None = Field(
        default=None,
        pattern=JOB_ID_PATTERN.pattern,
        description="With `edit`: a SUCCEEDED job of yours to edit; the new job is its child and the "
        "prompt may be left out (the child keeps the parent's).",
    )
    edit: Edit | None = Field(default=None, description="What to change in the parent (see `kind`).")

    @model_validator(mode="before")
    @classmethod
    def _edit_needs_no_prompt(cls, values: Any) -> Any:
        """An edit line names its parent and the edit; the prompt is the parent's, so it may be absent."""
        if isinstance(values, dict) and values.get("parent_id") is not None and "prompt" not in values:
            return {**values, "prompt": EDIT_PROMPT}
        return values

    @model_validator(mode="after")
    def _edit_and_parent_together(self) -> "JobRequest":
        if (self.parent_id is None) != (self.edit is None):
            raise ValueError("parent_id and edit go together: name the job to edit and the edit")
        return self

    stability_strength: StabilityStrength = Field(
        default=None,
        description=(
            "Stability provider, guided mode: how far the model may move from the composed stems, "
            "0.1 (keeps their timing and harmony, changes the sound) to 0.9 (reinterprets them); "
            "default 0.35."
        ),
    )
    stability_mode: StabilityModeName | None = Field(
        default=None,
        description=(
            "Stability provider: 'guided' (default) re-renders each composed stem; 'mix' asks for the "
            "whole song in one request (mix only, no stems)."
        ),
    )

    @model_validator(mode="after")
    def _whole_mix_is_not_a_loop(self) -> "JobRequest":
        """A loop's seam is made from its composed stems' tails; a whole mix has none."""
        if self.loop and self.provider == "stability" and self.stability_mode == "mix":
            raise ValueError(
                "loop: a whole-mix song (stability_mode 'mix') cannot be made loopable; use 'guided'"
            )
        return self

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> "JobRequest":
        """Validate plain values (CLI flags, a manifest line); InvalidInput says `field: problem; ...`."""
        try:
            return cls.model_validate(dict(values))
        except ValidationError as error:
            raise InvalidInput(validation_message(error)) from None

    def cleaned_prompt(self) -> str:
        """The prompt without surrounding whitespace. A blank prompt passes the schema (min_length
        counts the spaces) and is refused here, as a bad request rather than a malformed one."""
        cleaned = self.prompt.strip()
        if not cleaned:
            raise InvalidInput("prompt is empty: describe the music you want")
        return cleaned

    def options(self, default_preset: MasterPreset) -> JobOptions:
        """The options stored on the job: the server's preset unless the caller chose one."""
        return JobOptions(
            duration_s=self.duration_s,
            seed=self.seed,
            master_preset=self.master_preset or default_preset,
            provider=self.provider,
            overrides=self.overrides,
            plan=self.plan,
            loop=self.loop,
            stability_strength=self.stability_strength,
            stability_mode=self.stability_mode,
        )


def check_plan_length(plan: Plan, bpm: float | None, time_signature: str) -> Plan:
    """The plan, when it lasts at most MAX_DURATION_S at `bpm` (None: at MAX_BPM, the shortest it can
    be); ValueError saying how long it is otherwise."""
    try:
        bar_s = bar_seconds(bpm or MAX_BPM, time_signature)
    except ValueError:
        return plan  # a malformed time signature is the overrides' own error
    total_s = plan.total_bars * bar_s
    if total_s > MAX_DURATION_S + 1e-6:
        at = f"{bpm:g} bpm" if bpm else f"the fastest tempo ({MAX_BPM:g} bpm)"
        raise ValueError(
            f"the plan's {plan.total_bars} bars of {time_signature} last {total_s:.0f} s at {at}; "
            f"the limit is {MAX_DURATION_S:g} s ({MAX_DURATION_S / 60:g} min)"
        )
    return plan


def validation_message(error: ValidationError) -> str:
    """`field: message; ...` without echoing the input (prompts stay out of reports and logs)."""
    parts = []
    for problem in error.errors(include_input=False, include_url=False):
        where = field_path(problem["loc"]) or "request"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def field_path(location: Any) -> str:
    """A validation error's location as a client writes it: `plan.sections[3].bars` (list indexes in
    brackets, names joined by dots). The API's 422 and InvalidInput messages both use it."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


ArtifactKind = Literal[
    "mix",
    "preview",
    "stem",
    "midi",
    "waveform",
    "spectrogram",
    "report",
    "stems_zip",
    "reference",
    "source_stem",
    "sections",
    "prebus_stem",
    "strips",
]
"""`stem` is post-fader (what the mix sums); `source_stem` is the role as rendered, before the mix:
what an edit of the job reuses for the roles it leaves alone; `prebus_stem` is the role after its
channel strip, before the bus (float32 WAV), and `strips` (JSON) what each one is a function of: an
edit reuses a pre-bus stem whose strip is unchanged instead of mixing the stem again."""


class Artifact(BaseModel):
    kind: ArtifactKind
    key: str = Field(description="Key in the AudioStore.")
    role: str | None = None
    content_type: str
    size_bytes: int = 0


class JobError(BaseModel):
    stage: str
    reason: str
    error_type: str = "Error"


class Job(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, pattern=JOB_ID_PATTERN.pattern)
    owner: str = Field(min_length=1, max_length=128)
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    reference_key: str | None = None
    options: JobOptions = Field(default_factory=JobOptions)
    spec: MusicSpec | None = None
    status: JobStatus = JobStatus.QUEUED
    stage: str | None = None
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    artifacts: list[Artifact] = Field(default_factory=list)
    qa: QAReport | None = None
    error: JobError | None = None
    execution_id: str | None = Field(
        default=None, description="Step Functions execution ARN or local run id."
    )
    parent_job_id: str | None = Field(default=None, description="The job this one retries, if any.")
    parent_id: str | None = Field(default=None, description="The job this one is an edit of, if any.")
    edit: Edit | None = Field(default=None, description="How this job changes its parent (`parent_id`).")
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    stem_reports: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description=(
            "Per role, what a generative provider did: requests, credits, the corrections made to "
            "conform its audio to the grid, and whether the MIDI is the composer's or transcribed."
        ),
    )

    def artifact(self, kind: ArtifactKind, role: str | None = None) -> Artifact | None:
        return next((a for a in self.artifacts if a.kind == kind and a.role == role), None)
