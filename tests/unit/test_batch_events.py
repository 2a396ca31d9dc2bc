"""How the batch Lambda reads its events (powertools data classes) and settles object keys: an S3
notification URL-encodes the key (`+` for a space, `%XX` for other bytes) and is decoded; an
EventBridge event carries the key as stored and is used as is, so a literal `+` stays a `+`. And the
hand-over uses the application's one Lambda client, not one per invocation."""

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

from amp.application import Application
from amp.config import Settings
from amp.entrypoints.batch import CONTINUATION_KEY, BatchTask, deps_for, tasks_from_event
from amp.lambda_context import LocalLambdaContext

BUCKET = "amp-audio"
ODD_KEYS = [
    "batch/alice/night set.jsonl",
    "batch/zoë/ünïcode — 夜.jsonl",
    "batch/bob/c++ & 50% more.jsonl",
]


def eventbridge(key: str, **object_fields: Any) -> dict[str, Any]:
    """As S3 sends it to EventBridge (docs: ev-events.html, "Object created")."""
    return {
        "version": "0",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {
            "version": "0",
            "bucket": {"name": BUCKET},
            "object": {"key": key, "size": 42, "etag": "e1", "sequencer": "617f", **object_fields},
            "reason": "PutObject",
        },
    }


def notification(
    encoded_key: str, event_name: str = "ObjectCreated:Put", **object_fields: Any
) -> dict[str, Any]:
    """As S3 sends it to Lambda (docs: notification-content-structure.html)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": event_name,
                "s3": {
                    "bucket": {"name": BUCKET, "arn": f"arn:aws:s3:::{BUCKET}"},
                    "object": {"key": encoded_key, "size": 42, "eTag": "e1", **object_fields},
                },
            }
        ]
    }


@pytest.mark.parametrize("key", ODD_KEYS)
def test_an_eventbridge_key_is_used_exactly_as_stored(key: str) -> None:
    [task] = tasks_from_event(eventbridge(key, **{"version-id": "v7"}))
    assert (task.bucket, task.key, task.revision, task.size_bytes) == (BUCKET, key, "v7", 42)


@pytest.mark.parametrize("key", ODD_KEYS)
def test_a_notification_key_is_url_decoded_with_plus_for_space(key: str) -> None:
    encoded = quote_plus(key, safe="/")
    assert " " not in encoded and encoded.isascii()
    [task] = tasks_from_event(notification(encoded, versionId="v7"))
    assert (task.bucket, task.key, task.revision, task.size_bytes) == (BUCKET, key, "v7", 42)


def test_both_event_shapes_of_one_upload_name_the_same_manifest() -> None:
    key = "batch/alice/night set ü+1.jsonl"
    [from_eventbridge] = tasks_from_event(eventbridge(key))
    [from_notification] = tasks_from_event(notification(quote_plus(key, safe="/")))
    assert from_eventbridge.key == from_notification.key == key
    assert from_eventbridge.revision == from_notification.revision == "e1"  # unversioned: the ETag


def test_a_plus_in_an_eventbridge_key_is_not_taken_for_a_space() -> None:
    [task] = tasks_from_event(eventbridge("batch/c+d.jsonl"))
    assert task.key == "batch/c+d.jsonl"


def test_only_object_created_notifications_become_tasks() -> None:
    event = notification("batch/a.jsonl")
    event["Records"] += notification("batch/b.jsonl", event_name="ObjectRemoved:Delete")["Records"]
    event["Records"].append({"eventSource": "aws:sqs", "eventName": "ObjectCreated:Put"})
    assert [task.key for task in tasks_from_event(event)] == ["batch/a.jsonl"]


def test_a_continuation_is_read_back_as_the_task_it_was() -> None:
    task = BatchTask(bucket=BUCKET, key="batch/a b.jsonl", revision="v1", start_index=3, digest="d", chunk=1)
    assert tasks_from_event({CONTINUATION_KEY: task.model_dump(mode="json")}) == [task]


def test_unrelated_events_give_no_tasks() -> None:
    assert tasks_from_event({}) == []
    assert tasks_from_event({"source": "aws.events", "detail-type": "Scheduled Event"}) == []


class RecordingLambda:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        return {"StatusCode": 202}


class Clients:
    def __init__(self) -> None:
        self.lambda_ = RecordingLambda()


def test_the_hand_over_uses_the_applications_one_lambda_client(tmp_path: Path) -> None:
    clients = Clients()
    app = Application(Settings(data_dir=tmp_path, audio_bucket=BUCKET), clients=clients)  # type: ignore[arg-type]
    context = LocalLambdaContext()
    first, second = deps_for(app, context), deps_for(app, context)
    assert first.service is second.service is app.job_service and first.bucket == BUCKET
    task = BatchTask(bucket=BUCKET, key="batch/a.jsonl", revision="v1", start_index=2)
    first.continue_with(task)
    second.continue_with(task)
    assert len(clients.lambda_.calls) == 2
    call = clients.lambda_.calls[0]
    assert (call["FunctionName"], call["InvocationType"]) == (context.invoked_function_arn, "Event")
    assert BatchTask.model_validate(json.loads(call["Payload"])[CONTINUATION_KEY]) == task
