"""Picks the API's collaborators from Settings.backend: Step Functions + DynamoDB idempotency in the
cloud, the local worker pool + SQLite idempotency locally. Built on first use, never at import."""

import threading
from functools import cache

from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from amp.adapters.factory import audio_store_for, job_store_for
from amp.config import Settings, get_settings
from amp.domain.errors import InvalidInput
from amp.domain.ports import JobLauncher
from amp.services.jobs import JobService


class _LocalLauncherSlot:
    """The process's one local worker pool: `amp serve` installs it, tests install theirs, and a bare
    handler call (e.g. `amp` scripts) gets a default pool on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._launcher: JobLauncher | None = None

    def set(self, launcher: JobLauncher | None) -> None:
        with self._lock:
            self._launcher = launcher

    def get(self, settings: Settings) -> JobLauncher:
        with self._lock:
            if self._launcher is None:
                from amp.orchestration.local_launcher import LocalJobLauncher

                self._launcher = LocalJobLauncher(job_store_for(settings))
            return self._launcher


_local_launcher = _LocalLauncherSlot()


def use_local_launcher(launcher: JobLauncher | None) -> None:
    """Install the local launcher; the next service built uses it."""
    _local_launcher.set(launcher)
    _service_for.cache_clear()


def launcher_for(settings: Settings) -> JobLauncher:
    if settings.backend == "aws":
        from amp.adapters.aws.sfn_launcher import StepFunctionsLauncher

        if not settings.state_machine_arn:
            raise InvalidInput("the API needs AMP_STATE_MACHINE_ARN to start jobs")
        return StepFunctionsLauncher(settings.state_machine_arn)
    return _local_launcher.get(settings)


def idempotency_store_for(settings: Settings) -> BasePersistenceLayer:
    if settings.backend == "aws":
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        if not settings.idempotency_table:
            raise InvalidInput("the API needs AMP_IDEMPOTENCY_TABLE for Idempotency-Key support")
        return DynamoDBPersistenceLayer(table_name=settings.idempotency_table)
    from amp.adapters.local.idempotency import SqliteIdempotencyStore

    return SqliteIdempotencyStore(settings.data_dir / "idempotency.sqlite3")


@cache
def _service_for(settings: Settings) -> JobService:
    return JobService(
        jobs=job_store_for(settings),
        audio=audio_store_for(settings),
        launcher=launcher_for(settings),
        settings=settings,
        idempotency_store=idempotency_store_for(settings),
    )


def job_service() -> JobService:
    """The process-wide service (cached: Lambda reuses it across warm invocations)."""
    return _service_for(get_settings())


def reset() -> None:
    """Forget the cached service (tests change settings between cases)."""
    _service_for.cache_clear()
