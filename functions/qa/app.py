"""Lambda entry for the qa stage; the logic lives in amp.stages.qa (common layer)."""

from amp.entrypoints.stages import stage_handler

lambda_handler = stage_handler("qa")
