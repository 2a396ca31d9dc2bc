"""Lambda entry for the generate stage; the logic lives in amp.stages.generate (common layer).

Before the first job of a container, the SoundFont is copied from the audio bucket to /tmp (see
amp.adapters.aws.soundfont); warm invocations find it there and skip the copy."""

from typing import Any

from amp.adapters.aws.soundfont import provision_soundfont
from amp.config import get_settings
from amp.entrypoints.stages import stage_handler

_stage = stage_handler("generate")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    provision_soundfont(get_settings())
    return _stage(event, context)
