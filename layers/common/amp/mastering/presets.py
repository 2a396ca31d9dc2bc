"""Loudness targets by delivery: what the listener's platform will play the track at."""

from dataclasses import dataclass

from amp.domain.job import MasterPreset


@dataclass(frozen=True)
class MasterTarget:
    preset: MasterPreset
    target_lufs: float
    ceiling_dbtp: float
    reference_swing_lu: float
    """How far a reference track may move the loudness target away from the preset's."""


TRUE_PEAK_CEILING_DBTP = -1.0
LOUDNESS_TOLERANCE_LU = 0.5

PRESETS: dict[MasterPreset, MasterTarget] = {
    # Spotify/Apple/YouTube normalise to about -14 LUFS: louder only costs dynamics.
    "streaming": MasterTarget("streaming", -14.0, TRUE_PEAK_CEILING_DBTP, 2.0),
    # DJ sets and club systems: dense, loud masters.
    "club": MasterTarget("club", -9.0, TRUE_PEAK_CEILING_DBTP, 2.0),
    # EBU R128 is a legal delivery spec: a reference never moves it.
    "broadcast": MasterTarget("broadcast", -23.0, TRUE_PEAK_CEILING_DBTP, 0.0),
}


def preset_target(preset: MasterPreset) -> MasterTarget:
    return PRESETS[preset]


def reference_target_lufs(preset: MasterPreset, reference_lufs: float | None) -> float:
    """The loudness to master to: the preset's, pulled toward a reference within the preset's swing."""
    target = PRESETS[preset]
    if reference_lufs is None:
        return target.target_lufs
    low = target.target_lufs - target.reference_swing_lu
    high = target.target_lufs + target.reference_swing_lu
    return round(min(high, max(low, reference_lufs)), 2)
