"""The payloads that travel between states of `statemachine/pipeline.asl.json`.

Audio never travels here: stages pass store keys. Field names are referenced by the ASL's JSONPaths,
so renaming one means editing the state machine too (tests/infra checks the two agree).
"""

from typing import Any

from pydantic import BaseModel, Field

from amp.domain.qa import MasterAdjustments

MAX_MASTERING_PASSES = 3
"""The first pass plus at most two remaster passes."""


class JobRef(BaseModel):
    """The execution input and what most stages receive."""

    job_id: str = Field(pattern=r"^[0-9a-f]{32}$")


LAMBDA_MAX_TIMEOUT_S = 900
"""Lambda's own limit (and the generate, mix and QA functions' Timeout in template.yaml)."""


class StageTimeouts(BaseModel):
    """Per-task timeouts that follow the song's length: the ASL reads them with TimeoutSecondsPath,
    so a 20 s job that hangs fails in minutes while a 10-minute one has the time it needs."""

    generate_s: int = Field(default=LAMBDA_MAX_TIMEOUT_S, ge=1, le=LAMBDA_MAX_TIMEOUT_S)
    mix_s: int = Field(default=LAMBDA_MAX_TIMEOUT_S, ge=1, le=LAMBDA_MAX_TIMEOUT_S)
    qa_s: int = Field(default=LAMBDA_MAX_TIMEOUT_S, ge=1, le=LAMBDA_MAX_TIMEOUT_S)

    @classmethod
    def for_length(cls, duration_s: float) -> "StageTimeouts":
        """A fixed start-up allowance plus seconds per second of song, each about 3x what
        bench/long_song.py measures on a loaded 2-core machine (README), capped at Lambda's limit."""

        def budget(base_s: float, per_song_s: float) -> int:
            return int(min(LAMBDA_MAX_TIMEOUT_S, base_s + per_song_s * duration_s))

        return cls(generate_s=budget(120, 0.6), mix_s=budget(120, 0.6), qa_s=budget(120, 0.9))


class GenerateInput(JobRef):
    role: str
    timeout_s: int = Field(
        default=LAMBDA_MAX_TIMEOUT_S, description="The task's TimeoutSecondsPath (the Map item carries it)."
    )


WHOLE_MIX_ROLE = "mix"
"""The one item of a whole-mix job's GenerateStems Map (not a stem role): the model's whole song."""


class GenerateOutput(BaseModel):
    role: str
    stem_key: str
    midi_key: str | None = None
    provider_report: dict[str, Any] | None = Field(
        default=None, description="A generative provider's per-stem report (Stability: StemReport)."
    )
    whole_mix: bool = Field(
        default=False,
        description="True for a whole-mix job's one clip (role WHOLE_MIX_ROLE): the song, not a stem; "
        "the mix stage masters it as it is and no stage looks for stems.",
    )


def is_whole_mix(stems: list[GenerateOutput]) -> bool:
    """Whether the generated 'stems' are a whole-mix job's one clip."""
    return len(stems) == 1 and stems[0].whole_mix


class ParseOutput(JobRef):
    has_reference: bool
    roles: list[str] = Field(min_length=1)
    timeouts: StageTimeouts = Field(default_factory=StageTimeouts)
    generate: bool = Field(
        default=True, description="False for an edit that renders no stem: the ASL skips GenerateStems."
    )
    stems: list[GenerateOutput] = Field(
        default_factory=list, description="With generate false: the parent's stems, already copied."
    )


class AnalyzeOutput(JobRef):
    features_key: str


class MasteringSettings(BaseModel):
    mastering_pass: int = Field(default=1, ge=1, le=MAX_MASTERING_PASSES)
    adjustments: MasterAdjustments = Field(default_factory=MasterAdjustments)


class MixInput(JobRef):
    stems: list[GenerateOutput] = Field(min_length=1)
    mastering: MasteringSettings = Field(default_factory=MasteringSettings)


class MixOutput(BaseModel):
    mix_key: str
    stem_keys: dict[str, str] = Field(description="Post-fader stems by role; they sum to the mix.")
    mastering_pass: int
    target_lufs: float


class QAInput(JobRef):
    mix: MixOutput
    stems: list[GenerateOutput] = Field(default_factory=list)
    mastering: MasteringSettings = Field(default_factory=MasteringSettings)


class QAOutput(BaseModel):
    passed: bool
    remaster: bool = Field(
        description="True when another mastering pass is allowed and may fix the failures."
    )
    next_mastering: MasteringSettings = Field(
        description="Settings for the next pass; always present so the ASL Choice can read it."
    )
    summary: str


class PublishInput(JobRef):
    mix: MixOutput
    stems: list[GenerateOutput]


class StepError(BaseModel):
    """What a Catch puts at its ResultPath: the error name and its cause (a JSON string from Lambda)."""

    Error: str = "States.Runtime"
    Cause: str | None = None


class MarkFailedInput(JobRef):
    error: StepError


class PublishOutput(JobRef):
    artifact_count: int


class MarkFailedOutput(JobRef):
    status: str
