"""Lambda entry for S3 batch manifests; the logic lives in amp.entrypoints.batch (common layer)."""

from amp.entrypoints.batch import lambda_handler

__all__ = ["lambda_handler"]
