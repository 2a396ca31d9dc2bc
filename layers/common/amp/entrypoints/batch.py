"""The Lambda behind S3 batch manifests (functions/batch/app.py).

A manifest put under `batch/` in the audio bucket arrives as an EventBridge "Object Created" event (a
classic S3 notification is accepted too); both are read through powertools' event data classes. The
handler starts jobs while the invocation has time, writes the report so far next to the manifest,
and, when lines remain, invokes itself asynchronously with the next offset: a chain of short
invocations instead of one that could time out. Its service, store and Lambda client come from the
process's Application (`amp.application`), built on the first event and reused while warm.

Object keys: an S3 notification URL-encodes them (a space arrives as `+`, `é` as `%C3%A9`), so they
are decoded with `unquote_plus`; an EventBridge event carries the key as stored, so it is used as is
(powertools' `S3EventBridgeNotificationObject.key` decodes it too, which would turn a literal `+` into
a space; the raw field is read instead). tests/unit/test_batch_events.py pins both.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event, S3EventBridgeNotificationEvent
from pydantic import BaseModel, Field

from amp.application import Application, get_application
from amp.batch.manifest import (
    ManifestSource,
    ReportLine,
    check_manifest_size,
    content_digest,
    is_manifest_key,
    is_storable_key,
    owner_for_key,
    parse_manifest,
    read_report,
    render_report,
    report_key,
)
from amp.batch.runner import start_jobs
from amp.domain.errors import InvalidInput, NotFound
from amp.domain.job import MasterPreset
from amp.domain.ports import AudioStore
from amp.observability import logger, metrics, tracer
from amp.services.jobs import JobService

if TYPE_CHECKING:
    from mypy_boto3_lambda.client import LambdaClient

CONTINUATION_KEY = "amp_batch_task"
SAFETY_MARGIN_MS = 30_000
"""Stop starting lines when less than this is left: enough to write the report and hand over."""
REPORT_CONTENT_TYPE = "application/x-ndjson"


class BatchTask(BaseModel):
    """One manifest to work through, from `start_index` (into its non-blank lines) on."""

    bucket: str
    key: str
    revision: str = Field(min_length=1)
    size_bytes: int | None = None
    start_index: int = Field(default=0, ge=0)
    digest: str | None = Field(default=None, description="sha256 of the manifest read by chunk 0.")
    chunk: int = Field(default=0, ge=0)


@dataclass(frozen=True)
class BatchDeps:
    service: JobService
    audio: AudioStore
    bucket: str
    default_preset: MasterPreset
    continue_with: Callable[[BatchTask], None]
    """Hands the rest of a manifest to a new invocation."""
    max_lines: int | None = None
    """Lines per chunk at most (None: as many as time allows); tests set it to force chunking."""


def tasks_from_event(event: Mapping[str, Any]) -> list[BatchTask]:
    """EventBridge "Object Created", S3 notification records, or our own continuation."""
    if CONTINUATION_KEY in event:
        return [BatchTask.model_validate(event[CONTINUATION_KEY])]
    if event.get("source") == "aws.s3" and "detail" in event:
        detail = S3EventBridgeNotificationEvent(dict(event)).detail
        created = detail.object
        return [
            BatchTask(
                bucket=detail.bucket.name,
                key=created["key"],  # as stored: EventBridge does not URL-encode keys (see the docstring)
                revision=created.get("version-id")
                or created.etag
                or created.get("sequencer")
                or "unversioned",
                size_bytes=created.size,
            )
        ]
    tasks = []
    for record in S3Event(dict(event)).records if "Records" in event else ():
        if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith(
            "ObjectCreated"
        ):
            continue
        obj = record.s3.get_object
        tasks.append(
            BatchTask(
                bucket=record.s3.bucket.name,
                key=unquote_plus(obj.key),  # notification keys are URL-encoded, + for space
                revision=obj.version_id or obj.etag or obj.get("sequencer") or "unversioned",
                size_bytes=obj.get("size"),
            )
        )
    return tasks


def handle_event(event: Mapping[str, Any], context: Any, deps: BatchDeps) -> dict[str, Any]:
    results = [run_task(task, context, deps) for task in tasks_from_event(event)]
    return {"manifests": results}


def run_task(task: BatchTask, context: Any, deps: BatchDeps) -> dict[str, Any]:
    """One chunk of one manifest; returns a summary (also the Lambda's result, for the logs)."""
    if task.bucket != deps.bucket or not is_manifest_key(task.key):
        logger.info("not a batch manifest; ignored", extra={"bucket": task.bucket, "key": task.key})
        return {"key": task.key, "ignored": True}
    if not is_storable_key(task.key):
        logger.warning(
            "batch manifest ignored: rename it using only A-Z a-z 0-9 . _ - /", extra={"key": task.key}
        )
        return {"key": task.key, "ignored": True, "error": "manifest key has characters the store refuses"}
    out_key = report_key(task.key)
    source = ManifestSource(location=f"s3://{task.bucket}/{task.key}", revision=task.revision)
    try:
        if task.size_bytes is not None:
            check_manifest_size(task.size_bytes)  # refused before a byte is read
        data = deps.audio.get_bytes(task.key)
        digest = content_digest(data)
        if task.digest is not None and digest != task.digest:
            raise InvalidInput(
                "the manifest changed while it was being processed; its new version runs on its own"
            )
        lines = parse_manifest(data)
    except NotFound:
        logger.warning("manifest vanished before it was read", extra={"key": task.key})
        return {"key": task.key, "ignored": True}
    except InvalidInput as error:
        _write_report(
            deps,
            out_key,
            [*_previous(deps, out_key, task), ReportLine(line=0, status="invalid", error=str(error))],
        )
        return {"key": task.key, "error": str(error)}

    def has_time() -> bool:
        return bool(context.get_remaining_time_in_millis() > SAFETY_MARGIN_MS)

    result = start_jobs(
        lines,
        source,
        owner=owner_for_key(task.key),
        service=deps.service,
        default_preset=deps.default_preset,
        start_index=task.start_index,
        has_time=has_time,
        max_lines=deps.max_lines,
    )
    first_line = lines[task.start_index].number if task.start_index < len(lines) else None
    _write_report(deps, out_key, _previous(deps, out_key, task, first_line) + result.report)
    counts = {
        status: sum(1 for line in result.report if line.status == status)
        for status in ("started", "already_started", "invalid", "failed")
    }
    metrics.add_metric(name="BatchLinesHandled", unit="Count", value=len(result.report))
    if result.next_index is not None:
        follow = task.model_copy(
            update={"start_index": result.next_index, "digest": digest, "chunk": task.chunk + 1}
        )
        deps.continue_with(follow)
        logger.info(
            "batch chunk handed over", extra={"key": task.key, "next_index": result.next_index, **counts}
        )
    else:
        logger.info("batch manifest done", extra={"key": task.key, "chunks": task.chunk + 1, **counts})
    return {"key": task.key, "report_key": out_key, "next_index": result.next_index, **counts}


def _previous(
    deps: BatchDeps, out_key: str, task: BatchTask, before_line: int | None = None
) -> list[ReportLine]:
    """What earlier chunks of this manifest reported (lines before `before_line`, so a retried chunk
    never lists a line twice); chunk 0 starts afresh (a redelivered event rewrites the same lines,
    since the job ids are the same)."""
    if task.start_index == 0:
        return []
    try:
        earlier = read_report(deps.audio.get_bytes(out_key))
    except NotFound:
        return []
    return [line for line in earlier if before_line is None or line.line < before_line]


def _write_report(deps: BatchDeps, out_key: str, lines: list[ReportLine]) -> None:
    deps.audio.put_bytes(out_key, render_report(lines), REPORT_CONTENT_TYPE)


def lambda_invoker(client: "LambdaClient", function_arn: str) -> Callable[[BatchTask], None]:
    """Invokes this function again, asynchronously (its DLQ and retries cover the hand-over)."""

    def continue_with(task: BatchTask) -> None:
        client.invoke(
            FunctionName=function_arn,
            InvocationType="Event",
            Payload=json.dumps({CONTINUATION_KEY: task.model_dump(mode="json")}).encode("utf-8"),
        )

    return continue_with


def deps_for(application: Application, context: Any) -> BatchDeps:
    """The batch collaborators of this invocation, from the process's application (its environment
    check has made sure the bucket and the state machine are configured)."""
    settings = application.settings
    assert settings.audio_bucket is not None  # required by the batch handler's environment
    return BatchDeps(
        service=application.job_service,
        audio=application.audio,
        bucket=settings.audio_bucket,
        default_preset=settings.default_master_preset,
        continue_with=lambda_invoker(application.clients.lambda_, context.invoked_function_arn),
    )


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(raise_on_empty_metrics=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle_event(event, context, deps_for(get_application("batch"), context))
