"""Lambda entry for the HTTP API (API Gateway REST proxy); routes and rules live in amp.api."""

from amp.api.handler import lambda_handler

__all__ = ["lambda_handler"]
