"""Picks the adapters named by the settings. The only place that knows every backend."""

from functools import cache

from amp.config import Settings, get_settings
from amp.domain.ports import AudioStore, JobStore
from amp.stages.context import StageContext


def job_store_for(settings: Settings) -> JobStore:
    if settings.backend == "aws":
        from amp.adapters.aws.dynamo_jobs import DynamoJobStore

        assert settings.jobs_table is not None  # checked by Settings
        return DynamoJobStore(settings.jobs_table)
    from amp.adapters.local.sqlite_jobs import SqliteJobStore

    return SqliteJobStore(settings.data_dir / "jobs.sqlite3")


def audio_store_for(settings: Settings) -> AudioStore:
    if settings.backend == "aws":
        from amp.adapters.aws.s3_audio import S3AudioStore

        assert settings.audio_bucket is not None  # checked by Settings
        return S3AudioStore(settings.audio_bucket)
    from amp.adapters.local.fs_audio import FilesystemAudioStore

    return FilesystemAudioStore(settings.data_dir / "audio")


@cache
def _context_for(settings: Settings) -> StageContext:
    return StageContext(jobs=job_store_for(settings), audio=audio_store_for(settings), settings=settings)


def stage_context() -> StageContext:
    """The process-wide context (cached: Lambda reuses it across warm invocations)."""
    return _context_for(get_settings())
