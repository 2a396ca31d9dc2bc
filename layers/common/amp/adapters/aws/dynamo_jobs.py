"""JobStore on DynamoDB (the `JobsTable` of template.yaml).

Stored shape: one attribute per top-level Job field, so a transition SETs only the fields it changes and
concurrent writers (the Map's parallel stem renders) never clobber each other's fields. `id`, `owner`,
`status`, `created_at` and `updated_at` are plain strings (table key and GSI keys; timestamps in a
fixed-width UTC form so string order is time order); every other field is its JSON text, which keeps
floats exact without Decimal juggling and lets fields added to Job later fall back to their defaults.

Indexes: `owner-created-index` (owner, created_at) serves list_by_owner; `status-updated-index`
(status, updated_at) serves list_by_status with one Query per status instead of a table Scan, so
crash recovery stays cheap however many finished jobs the table holds."""

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from pydantic import TypeAdapter, ValidationError

from amp.adapters.aws.errors import aws_errors, error_code, translate_client_error
from amp.adapters.job_fields import check_page_limit, sortable_timestamp
from amp.adapters.job_transitions import JobTransitions
from amp.domain.errors import Conflict, InvalidInput, NotFound
from amp.domain.job import Job, JobStatus
from amp.domain.ports import JobPage

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

OWNER_INDEX = "owner-created-index"
STATUS_INDEX = "status-updated-index"
_PLAIN_FIELDS = frozenset({"id", "owner", "status"})
_TIME_FIELDS = frozenset({"created_at", "updated_at"})
_CURSOR_KEYS = frozenset({"id", "owner", "created_at"})

Item = dict[str, "AttributeValueTypeDef"]


def default_dynamodb_client() -> "DynamoDBClient":
    return boto3.client("dynamodb", config=Config(retries={"mode": "standard"}))


@cache
def _field_adapter(name: str) -> TypeAdapter[Any]:
    """Validates one Job field on its own (type and constraints), since an update never reads the row."""
    field = Job.model_fields[name]
    return TypeAdapter(Annotated[field.annotation, field])


def _encode_field(name: str, value: Any) -> str:
    """One validated field as its stored string."""
    try:
        validated = _field_adapter(name).validate_python(value)
    except ValidationError as error:
        raise InvalidInput(f"invalid value for job field {name}: {error}") from error
    if name in _TIME_FIELDS:
        return sortable_timestamp(validated)
    plain = _field_adapter(name).dump_python(validated, mode="json")
    return str(plain) if name in _PLAIN_FIELDS else json.dumps(plain, separators=(",", ":"))


def _job_to_item(job: Job) -> Item:
    return {name: {"S": _encode_field(name, getattr(job, name))} for name in Job.model_fields}


def _item_to_job(item: Mapping[str, Any]) -> Job:
    record: dict[str, Any] = {}
    for name in Job.model_fields:
        attribute = item.get(name)
        if attribute is None or "S" not in attribute:
            continue
        text = attribute["S"]
        record[name] = text if name in _PLAIN_FIELDS or name in _TIME_FIELDS else json.loads(text)
    return Job.model_validate(record)


class DynamoJobStore(JobTransitions):
    """Uses the low-level client (thread-safe, unlike boto3 resources): the local server and the
    concurrency tests call one store from many threads."""

    def __init__(self, table_name: str, client: "DynamoDBClient | None" = None) -> None:
        self.table_name = table_name
        self._client = client if client is not None else default_dynamodb_client()

    def create(self, job: Job) -> None:
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=_job_to_item(job),
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": "id"},
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise Conflict(f"job {job.id} already exists") from error
            raise translate_client_error(error, f"create job {job.id}") from error

    def get(self, job_id: str) -> Job:
        with aws_errors(f"get job {job_id}"):
            response = self._client.get_item(
                TableName=self.table_name, Key={"id": {"S": job_id}}, ConsistentRead=True
            )
        if "Item" not in response:
            raise NotFound(f"job {job_id} not found")
        return _item_to_job(response["Item"])

    def _write(self, job_id: str, changes: Mapping[str, Any], *, refused_from: frozenset[JobStatus]) -> Job:
        """One UpdateItem that SETs only these fields; its ConditionExpression checks that the job
        exists and that its status is not one the transition is refused from."""
        changes = dict(changes) | {"updated_at": datetime.now(UTC)}
        names: dict[str, str] = {"#id": "id"}
        values: dict[str, AttributeValueTypeDef] = {}
        assignments: list[str] = []
        for index, (name, value) in enumerate(sorted(changes.items())):
            names[f"#f{index}"] = name
            values[f":v{index}"] = {"S": _encode_field(name, value)}
            assignments.append(f"#f{index} = :v{index}")
        condition = "attribute_exists(#id)"
        if refused_from:
            names["#status"] = "status"
            refused = sorted(status.value for status in refused_from)
            values.update({f":t{index}": {"S": status} for index, status in enumerate(refused)})
            condition += f" AND NOT (#status IN ({', '.join(f':t{i}' for i in range(len(refused)))}))"
        try:
            response = self._client.update_item(
                TableName=self.table_name,
                Key={"id": {"S": job_id}},
                UpdateExpression="SET " + ", ".join(assignments),
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise self._why_refused(job_id, error) from error
            raise translate_client_error(error, f"update job {job_id}") from error
        return _item_to_job(response["Attributes"])

    def _why_refused(self, job_id: str, error: ClientError) -> NotFound | Conflict:
        """The condition failed: absent (NotFound) or terminal (Conflict). DynamoDB returns the old
        item when it exists; a consistent read settles it where that item is not returned."""
        old: Mapping[str, Any] | None = error.response.get("Item")  # type: ignore[assignment]
        if old is None:
            with aws_errors(f"get job {job_id}"):
                old = self._client.get_item(
                    TableName=self.table_name, Key={"id": {"S": job_id}}, ConsistentRead=True
                ).get("Item")
        if old is None:
            return NotFound(f"job {job_id} not found")
        status = old.get("status", {}).get("S", "?")
        return Conflict(f"job {job_id} is {status}; it can no longer be updated")

    def list_by_owner(self, owner: str, *, limit: int = 20, cursor: str | None = None) -> JobPage:
        check_page_limit(limit)
        arguments: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": OWNER_INDEX,
            "KeyConditionExpression": "#owner = :owner",
            "ExpressionAttributeNames": {"#owner": "owner"},
            "ExpressionAttributeValues": {":owner": {"S": owner}},
            "ScanIndexForward": False,
        }
        if cursor is not None:
            arguments["ExclusiveStartKey"] = _decode_cursor(cursor, owner)
        items: list[dict[str, Any]] = []
        # One item beyond the page tells whether another page exists, so the last page has no cursor.
        while len(items) <= limit:
            with aws_errors(f"list jobs of {owner}"):
                response = self._client.query(**arguments, Limit=limit + 1 - len(items))
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        page = items[:limit]
        next_cursor = _encode_cursor(page[-1]) if len(items) > limit else None
        return JobPage(jobs=[_item_to_job(item) for item in page], next_cursor=next_cursor)

    def list_by_status(self, statuses: frozenset[JobStatus]) -> list[Job]:
        jobs: list[Job] = []
        paginator = self._client.get_paginator("query")
        for status in sorted(JobStatus(status).value for status in statuses):
            with aws_errors(f"list {status} jobs"):
                for page in paginator.paginate(
                    TableName=self.table_name,
                    IndexName=STATUS_INDEX,
                    KeyConditionExpression="#status = :status",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={":status": {"S": status}},
                ):
                    jobs.extend(_item_to_job(item) for item in page.get("Items", []))
        return sorted(jobs, key=lambda job: (sortable_timestamp(job.updated_at), job.id))

    def delete(self, job_id: str) -> None:
        with aws_errors(f"delete job {job_id}"):
            self._client.delete_item(TableName=self.table_name, Key={"id": {"S": job_id}})


def _encode_cursor(item: Mapping[str, Any]) -> str:
    """The GSI's LastEvaluatedKey for this item (table key + index key), opaque to callers."""
    key = {name: item[name]["S"] for name in sorted(_CURSOR_KEYS)}
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode_cursor(cursor: str, owner: str) -> dict[str, Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError) as error:
        raise InvalidInput("malformed page cursor") from error
    if (
        not isinstance(key, dict)
        or set(key) != _CURSOR_KEYS
        or not all(isinstance(value, str) for value in key.values())
        or key["owner"] != owner
    ):
        raise InvalidInput("malformed page cursor")
    return {name: {"S": value} for name, value in key.items()}
