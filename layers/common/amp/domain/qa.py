"""The quality report a mastering engineer would read: one line per check, value against threshold."""

from pydantic import BaseModel, Field


class QACheck(BaseModel):
    name: str
    value: float | None = None
    threshold: str = Field(description="The bound in words and numbers, e.g. '<= -1.0 dBTP'.")
    passed: bool
    message: str = Field(description="A human sentence saying what was found.")
    remasterable: bool = Field(
        default=False, description="True when another mastering pass with adjusted settings can fix it."
    )


class MasterAdjustments(BaseModel):
    """What QA asks the next mastering pass to change."""

    loudness_offset_lu: float = 0.0
    ceiling_offset_db: float = 0.0


class QAReport(BaseModel):
    passed: bool
    integrated_lufs: float | None = None
    true_peak_dbtp: float | None = None
    target_lufs: float | None = None
    mastering_pass: int = 1
    checks: list[QACheck] = Field(default_factory=list)
    adjustments: MasterAdjustments | None = None

    def failed_checks(self) -> list[QACheck]:
        return [check for check in self.checks if not check.passed]
