"""Builds the QAReport and decides what the remaster loop should change.

Only hard checks fail a report (and so a job); advisory checks are carried along as notes. None of
today's advisory checks is remasterable (mastering cannot add a bass part or change a key), so they
never trigger a remaster pass either."""

from amp.domain.qa import MasterAdjustments, QACheck, QAReport, StemCheck
from amp.domain.stage_io import MAX_MASTERING_PASSES, MasteringSettings
from amp.qa.checks import TRUE_PEAK_CEILING_DBTP

PEAK_SAFETY_DB = 0.2
"""Extra ceiling drop on a remaster, so a pass that just missed does not miss again by a hair."""
MAX_LOUDNESS_OFFSET_LU = 6.0
MAX_CEILING_OFFSET_DB = 3.0


def next_adjustments(
    checks: list[QACheck], previous: MasterAdjustments, target_lufs: float
) -> MasterAdjustments:
    """Add the measured error to the previous pass's offsets: the loop converges like a servo."""
    by_name = {check.name: check for check in checks}
    loudness_offset = previous.loudness_offset_lu
    ceiling_offset = previous.ceiling_offset_db
    loudness = by_name.get("integrated_loudness")
    if loudness is not None and not loudness.passed and loudness.value is not None:
        loudness_offset += target_lufs - loudness.value
    peak = by_name.get("true_peak")
    if peak is not None and not peak.passed and peak.value is not None:
        ceiling_offset -= (peak.value - TRUE_PEAK_CEILING_DBTP) + PEAK_SAFETY_DB
    clipping = by_name.get("clipping")
    if clipping is not None and not clipping.passed:
        ceiling_offset -= 0.5
    return MasterAdjustments(
        loudness_offset_lu=round(
            max(-MAX_LOUDNESS_OFFSET_LU, min(MAX_LOUDNESS_OFFSET_LU, loudness_offset)), 2
        ),
        ceiling_offset_db=round(max(-MAX_CEILING_OFFSET_DB, min(0.0, ceiling_offset)), 2),
    )


def build_report(
    checks: list[QACheck],
    *,
    integrated_lufs: float | None,
    true_peak_dbtp: float | None,
    target_lufs: float,
    mastering: MasteringSettings,
    stems: list[StemCheck] | None = None,
) -> QAReport:
    """The report of one QA pass; `stems` are its per-stem results (measured or carried over)."""
    passed = all(check.passed for check in checks if not check.advisory)
    adjustments = None if passed else next_adjustments(checks, mastering.adjustments, target_lufs)
    return QAReport(
        passed=passed,
        integrated_lufs=None if integrated_lufs is None else round(integrated_lufs, 2),
        true_peak_dbtp=None if true_peak_dbtp is None else round(true_peak_dbtp, 2),
        target_lufs=target_lufs,
        mastering_pass=mastering.mastering_pass,
        checks=checks,
        stems=stems or [],
        adjustments=adjustments,
    )


def should_remaster(report: QAReport) -> bool:
    """Only when every hard failure is one mastering can fix and a pass is left."""
    failed = report.failed_checks()
    return (
        bool(failed)
        and all(check.remasterable for check in failed)
        and report.mastering_pass < MAX_MASTERING_PASSES
    )


def next_mastering(report: QAReport) -> MasteringSettings:
    return MasteringSettings(
        mastering_pass=min(report.mastering_pass + 1, MAX_MASTERING_PASSES),
        adjustments=report.adjustments or MasterAdjustments(),
    )


def summary(report: QAReport) -> str:
    """One line for logs and the ASL's failure cause: the hard failures, then the advisory notes."""
    failed = report.failed_checks()
    notes = report.advisory_notes()
    if failed:
        text = f"{len(failed)} of {len(report.checks)} checks failed: " + "; ".join(
            f"{check.name} ({check.message})" for check in failed
        )
    elif notes:
        text = f"passed; {len(report.checks) - len(notes)} of {len(report.checks)} checks clean"
    else:
        return f"all {len(report.checks)} checks passed"
    if notes:
        text += f"; {len(notes)} advisory note{'s' if len(notes) != 1 else ''}: " + "; ".join(
            f"{check.name} ({check.message})" for check in notes
        )
    return text


def advisory_lines(report: QAReport) -> list[str]:
    """The advisory notes as lines a person reads (the CLI prints them after a finished job)."""
    return [f"advisory: {check.name}: {check.message}" for check in report.advisory_notes()]
