"""The only Logger, Tracer and Metrics. Service and namespace come from POWERTOOLS_* env.

Tracing runs only inside Lambda (as powertools decides: LAMBDA_TASK_ROOT set, not SAM local, and
POWERTOOLS_TRACE_DISABLED not true). Everywhere else (the CLI, `amp serve`, benches, tests) the
Tracer gets a no-op provider: powertools' default provider imports the X-Ray SDK and through it
botocore's session and docs (~0.4-0.7 s, half the cold import of the parse stage and of `amp`),
only to disable it."""

import os
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


class _Untraced(BaseSegment):
    """A segment that records nothing (tracing is off outside Lambda)."""

    def close(self, end_time: int | None = None) -> None:
        """Nothing to close."""

    def add_subsegment(self, subsegment: Any) -> None:
        """Nothing recorded."""

    def remove_subsegment(self, subsegment: Any) -> None:
        """Nothing recorded."""

    def put_annotation(self, key: str, value: Any) -> None:
        """Nothing recorded."""

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        """Nothing recorded."""

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        """Nothing recorded."""


class _UntracedProvider(BaseProvider):
    """The Tracer's provider where tracing is off: the decorators run, nothing is sent or imported."""

    @contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield _Untraced()

    @asynccontextmanager
    async def in_subsegment_async(self, name: Any = None, **kwargs: Any) -> AsyncIterator[BaseSegment]:
        yield _Untraced()

    def put_annotation(self, key: str, value: Any) -> None:
        """Nothing recorded."""

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        """Nothing recorded."""

    def patch(self, modules: Sequence[str]) -> None:
        """Nothing to patch."""

    def patch_all(self) -> None:
        """Nothing to patch."""


def tracing_enabled() -> bool:
    """Powertools' own rule for when the X-Ray tracer is live."""
    in_lambda = bool(os.getenv("LAMBDA_TASK_ROOT"))
    emulated = bool(os.getenv("AWS_SAM_LOCAL") or os.getenv("AWS_CHALICE_CLI_MODE"))
    disabled = resolve_truthy_env_var_choice(env=os.getenv("POWERTOOLS_TRACE_DISABLED", "false"))
    return in_lambda and not emulated and not disabled


logger = Logger(service="amp")
tracer = (
    Tracer(service="amp")
    if tracing_enabled()
    else Tracer(service="amp", disabled=True, provider=_UntracedProvider())
)
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
