"""The only Logger, Tracer and Metrics. Service and namespace come from POWERTOOLS_* env."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

logger = Logger(service="amp")
tracer = Tracer(service="amp")
metrics = Metrics(namespace="AMP", service="amp")


def count(name: str, **dimensions: str) -> None:
    """Emit one Count metric on its own. Locally, stage handlers and API routes run in threads of one
    process, where the shared `metrics` object would mix their dimensions; `single_metric` does not,
    but it prints even when POWERTOOLS_METRICS_DISABLED is set, hence the check."""
    if is_metrics_disabled():
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
        for dimension, value in dimensions.items():
            metric.add_dimension(name=dimension, value=value)
