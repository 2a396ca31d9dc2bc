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
    adjustments: MasterAdjustments | None = None

    def failed_checks(self) -> list[QACheck]:
        """The hard checks that failed: what may fail the job."""
        return [check for check in self.checks if not check.passed and not check.advisory]

    def advisory_notes(self) -> list[QACheck]:
        """The advisory checks that flagged something: reported, never a reason to fail."""
        return [check for check in self.checks if not check.passed and check.advisory]
