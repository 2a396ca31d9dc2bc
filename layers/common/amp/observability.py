"""The only Logger, Tracer and Metrics. Service and namespace come from POWERTOOLS_* env."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger(service="amp")
tracer = Tracer(service="amp")
metrics = Metrics(namespace="AMP", service="amp")
