"""The Bedrock Runtime client for the LLM prompt parser. boto3 lives here, not in amp.prompt."""

from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

BEDROCK_CONNECT_TIMEOUT_S = 3.0
BEDROCK_READ_TIMEOUT_S = 15.0
"""A prompt parse must not hold the parse Lambda (60 s state timeout) hostage: fail fast and let the
rule parser answer."""


@cache
def bedrock_runtime_client(region_name: str | None = None) -> "BedrockRuntimeClient":
    """One client per process and region, with short timeouts and a single retry."""
    config = Config(
        connect_timeout=BEDROCK_CONNECT_TIMEOUT_S,
        read_timeout=BEDROCK_READ_TIMEOUT_S,
        retries={"max_attempts": 2, "mode": "standard"},
    )
    return boto3.client("bedrock-runtime", region_name=region_name, config=config)
