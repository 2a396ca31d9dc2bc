"""Lambda entry for the mark_failed stage; the logic lives in amp.stages.mark_failed (common layer)."""

from amp.entrypoints.stages import stage_handler

lambda_handler = stage_handler("mark_failed")
