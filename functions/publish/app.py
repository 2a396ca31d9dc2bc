"""Lambda entry for the publish stage; the logic lives in amp.stages.publish (common layer)."""

from amp.entrypoints.stages import stage_handler

lambda_handler = stage_handler("publish")
