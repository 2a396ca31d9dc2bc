"""Lambda entry for the mix stage; the logic lives in amp.stages.mix (common layer)."""

from amp.entrypoints.stages import stage_handler

lambda_handler = stage_handler("mix")
