"""Adapter selection by `Settings.backend`: which JobStore, AudioStore and idempotency store a process
uses. Pure selection over amp.adapters (nothing here imports stages or services): `amp.application`
calls these once per process and wires the results into everything else."""

from typing import TYPE_CHECKING

from amp.config import Settings
from amp.domain.ports import AudioStore, JobStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer


def job_store_for(settings: Settings) -> JobStore:
    """DynamoDB in the cloud, SQLite (WAL) under the data dir locally."""
    if settings.backend == "aws":
        from amp.adapters.aws.dynamo_jobs import DynamoJobStore

        assert settings.jobs_table is not None  # checked by Settings
        return DynamoJobStore(settings.jobs_table)
    from amp.adapters.local.sqlite_jobs import SqliteJobStore

    return SqliteJobStore(settings.data_dir / "jobs.sqlite3")


def audio_store_for(settings: Settings) -> AudioStore:
    """S3 in the cloud, the atomic filesystem store under the data dir locally."""
    if settings.backend == "aws":
        from amp.adapters.aws.s3_audio import S3AudioStore

        assert settings.audio_bucket is not None  # checked by Settings
        return S3AudioStore(settings.audio_bucket)
    from amp.adapters.local.fs_audio import FilesystemAudioStore

    return FilesystemAudioStore(settings.data_dir / "audio")


def idempotency_store_for(settings: Settings) -> "BasePersistenceLayer | None":
    """Where Idempotency-Key records live: the DynamoDB table when one is configured (the API's
    environment check requires it), SQLite locally; None for a cloud handler without one (batch
    derives its job ids instead)."""
    if settings.backend == "aws":
        if not settings.idempotency_table:
            return None
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        return DynamoDBPersistenceLayer(table_name=settings.idempotency_table)
    from amp.adapters.local.idempotency import SqliteIdempotencyStore

    return SqliteIdempotencyStore(settings.data_dir / "idempotency.sqlite3")
