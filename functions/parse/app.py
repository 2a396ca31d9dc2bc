"""Lambda entry for the parse stage; the logic lives in amp.stages.parse (common layer)."""

from amp.entrypoints.stages import stage_handler

lambda_handler = stage_handler("parse")
