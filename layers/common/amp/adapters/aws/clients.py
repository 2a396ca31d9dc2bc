"""The boto3 clients a process uses beyond its stores, each made on first use and then shared: the
Bedrock Runtime client (LLM prompt parser), Step Functions (job launcher) and Lambda (batch hand-over).
Held by `amp.application.Application`, so a warm Lambda reuses its clients across invocations and a
local run that never reaches the cloud never builds one."""

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_lambda.client import LambdaClient
    from mypy_boto3_stepfunctions.client import SFNClient


class CloudClients:
    """Lazily built clients with the timeouts and retry modes AMP uses for each service."""

    @cached_property
    def bedrock_runtime(self) -> "BedrockRuntimeClient":
        from amp.adapters.aws import bedrock_client

        return bedrock_client.bedrock_runtime_client()

    @cached_property
    def stepfunctions(self) -> "SFNClient":
        from amp.adapters.aws.sfn_launcher import default_sfn_client

        return default_sfn_client()

    @cached_property
    def lambda_(self) -> "LambdaClient":
        import boto3
        from botocore.config import Config

        return boto3.client("lambda", config=Config(retries={"mode": "standard"}))
