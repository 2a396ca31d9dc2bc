"""The mastering preset names: what a job (and a remaster edit) may ask for. Their targets live in
`amp.mastering.presets`; `amp.domain.job` re-exports these names."""

from typing import Literal, get_args

MasterPreset = Literal["streaming", "club", "broadcast"]
MASTER_PRESETS: tuple[MasterPreset, ...] = get_args(MasterPreset)
"""The mastering presets, in the order the CLI and docs list them."""
