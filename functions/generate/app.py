"""Lambda entry for the generate stage; the logic lives in amp.stages.generate (common layer)."""

from amp.entrypoints.stages import stage_handler

lambda_handler = stage_handler("generate")
