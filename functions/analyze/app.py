"""Lambda entry for the analyze stage; the logic lives in amp.stages.analyze (common layer)."""

from amp.entrypoints.stages import stage_handler

lambda_handler = stage_handler("analyze")
