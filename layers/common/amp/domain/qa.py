"""The quality report a mastering engineer would read: one line per check, value against threshold.

A song is never discarded for taste: each check says whether it is `hard` (broken audio or a broken
deliverable: loudness or true peak off after the remaster loop, clipping, silence, DC, phase, broken
or forbidden stems) or `advisory` (a judgement of style: spectral balance, tempo feel, key). Only hard
checks decide `QAReport.passed`; advisory ones are reported with their verdict and sentence."""

from enum import StrEnum

from pydantic import BaseModel, Field


class Severity(StrEnum):
    """What a failed check does to the job."""

    HARD = "hard"
    """Broken audio or deliverable: fails the job once no remaster pass can fix it."""
    ADVISORY = "advisory"
    """A judgement of style: shown as a note beside the song, never fails the job."""


class QACheck(BaseModel):
    name: str
    value: float | None = None
    threshold: str = Field(description="The bound in words and numbers, e.g. '<= -1.0 dBTP'.")
    passed: bool
    message: str = Field(description="A human sentence saying what was found.")
    remasterable: bool = Field(
        default=False, description="True when another mastering pass with adjusted settings can fix it."
    )
    severity: Severity = Field(
        default=Severity.HARD,
        description="hard: a failure may fail the job; advisory: a style note that never does. "
        "Reports stored before the split have no severity and read as hard, as they were judged.",
    )

    @property
    def advisory(self) -> bool:
        return self.severity is Severity.ADVISORY


class StemCheck(BaseModel):
    """One delivered (post-fader) stem as QA read it: what the per-stem checks measured, and where
    the measurement comes from.

    A post-fader stem is the rendered stem through its channel strip times one gain curve shared by
    every stem (the bus glue and headroom trim), so an edit that changes any stem changes the level,
    and so the bytes, of every post-fader stem, reused or not. Every figure here is a function of the
    stem file's samples alone; the result is carried over from an edit's parent only when the file is
    byte-identical to the one the parent measured (same `sha256`). The length is compared with the
    mix again every time (the mix is always new)."""

    role: str
    frames: int = Field(ge=0)
    peak_dbfs: float | None = Field(description="Sample peak; None when the stem is digital silence.")
    clipped_samples: int = Field(default=0, ge=0, description="Samples at full scale in runs of two or more.")
    finite: bool = Field(default=True, description="No NaN or infinite sample.")
    sha256: str = Field(
        default="", description="Digest of the stored stem file; empty when measured from memory."
    )
    carried_from: str | None = Field(
        default=None,
        description="The parent job whose QA measured this byte-identical stem file; the result was "
        "carried over, not measured again. None: measured by this job's QA.",
    )
    rendered_in: str | None = Field(
        default=None,
        description="The job whose generate stage rendered this role's stem when an edit reused it "
        "from its parent (or an ancestor). None: this job rendered it.",
    )


class MasterAdjustments(BaseModel):
    """What QA asks the next mastering pass to change."""

    loudness_offset_lu: float = 0.0
    ceiling_offset_db: float = 0.0


class QAReport(BaseModel):
    passed: bool = Field(description="True when every hard check passed; advisory notes do not change it.")
    integrated_lufs: float | None = None
    true_peak_dbtp: float | None = None
    target_lufs: float | None = None
    mastering_pass: int = 1
    checks: list[QACheck] = Field(default_factory=list)
    stems: list[StemCheck] = Field(
        default_factory=list,
        description="Each delivered stem as measured (or carried over from the parent, `carried_from`); "
        "the stems_intact and stems_sum_to_mix checks judge them. Mix-level checks always run on the "
        "job's own master.",
    )
    adjustments: MasterAdjustments | None = None

    def carried_stems(self) -> list[StemCheck]:
        """The per-stem results carried over from an edit's parent instead of measured again."""
        return [stem for stem in self.stems if stem.carried_from is not None]

    def failed_checks(self) -> list[QACheck]:
        """The hard checks that failed: what may fail the job."""
        return [check for check in self.checks if not check.passed and not check.advisory]

    def advisory_notes(self) -> list[QACheck]:
        """The advisory checks that flagged something: reported, never a reason to fail."""
        return [check for check in self.checks if not check.passed and check.advisory]
