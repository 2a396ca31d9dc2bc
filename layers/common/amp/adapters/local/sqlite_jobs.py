"""JobStore on one SQLite file: the embedded default, durable across restarts and crashes (WAL)."""

import base64
import binascii
import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from amp.adapters.job_fields import check_page_limit, sortable_timestamp
from amp.adapters.job_transitions import JobTransitions
from amp.adapters.local.sqlite_db import SqliteDatabase
from amp.domain.errors import Conflict, InvalidInput, NotFound
from amp.domain.job import Job, JobStatus
from amp.domain.ports import JobPage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_owner_created ON jobs (owner, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS jobs_status_updated ON jobs (status, updated_at);
"""


class SqliteJobStore(JobTransitions):
    """Thread-safe: one connection per thread (the local server calls it from a pool), WAL so readers
    never block the writer, and BEGIN IMMEDIATE around read-check-write so transitions serialise."""

    def __init__(self, path: Path | str) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)
        self.path = self._db.path

    def close(self) -> None:
        self._db.close()

    def create(self, job: Job) -> None:
        try:
            with self._db.transaction() as connection:
                connection.execute(
                    "INSERT INTO jobs (id, owner, status, created_at, updated_at, body)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    _row(job),
                )
        except sqlite3.IntegrityError as error:
            raise Conflict(f"job {job.id} already exists") from error

    def get(self, job_id: str) -> Job:
        row = self._db.connection().execute("SELECT body FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise NotFound(f"job {job_id} not found")
        return Job.model_validate_json(row[0])

    def _write(self, job_id: str, changes: Mapping[str, Any], *, refused_from: frozenset[JobStatus]) -> Job:
        """Read, merge and validate, then an UPDATE whose WHERE repeats the status guard, all in one
        BEGIN IMMEDIATE transaction: no other writer (thread or process) can slip in between."""
        refused = sorted(status.value for status in refused_from)
        with self._db.transaction() as connection:
            row = connection.execute("SELECT body, status FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise NotFound(f"job {job_id} not found")
            body, status = row
            if status in refused:
                raise Conflict(f"job {job_id} is {status}; it can no longer be updated")
            merged = json.loads(body) | dict(changes) | {"updated_at": datetime.now(UTC)}
            try:
                job = Job.model_validate(merged)
            except ValidationError as error:
                raise InvalidInput(f"update of job {job_id} is invalid: {error}") from error
            written = connection.execute(
                "UPDATE jobs SET owner = ?, status = ?, created_at = ?, updated_at = ?, body = ?"
                " WHERE id = ? AND status NOT IN (SELECT value FROM json_each(?))",
                (*_row(job)[1:], job_id, json.dumps(refused)),
            )
            if written.rowcount != 1:
                raise Conflict(f"job {job_id} changed status while being updated")
        return job

    def list_by_owner(self, owner: str, *, limit: int = 20, cursor: str | None = None) -> JobPage:
        check_page_limit(limit)
        query = "SELECT body, created_at, id FROM jobs WHERE owner = ?"
        params: list[Any] = [owner]
        if cursor is not None:
            after_created, after_id = _decode_cursor(cursor)
            query += " AND (created_at < ? OR (created_at = ? AND id < ?))"
            params += [after_created, after_created, after_id]
        query += " ORDER BY created_at DESC, id DESC LIMIT ?"
        params.append(limit + 1)  # one extra row tells whether another page exists
        rows = self._db.connection().execute(query, params).fetchall()
        page = rows[:limit]
        next_cursor = _encode_cursor(page[-1][1], page[-1][2]) if len(rows) > limit else None
        return JobPage(jobs=[Job.model_validate_json(row[0]) for row in page], next_cursor=next_cursor)

    def list_by_status(self, statuses: frozenset[JobStatus]) -> list[Job]:
        if not statuses:
            return []
        values = sorted(JobStatus(status).value for status in statuses)
        rows = self._db.connection().execute(
            "SELECT body FROM jobs WHERE status IN (SELECT value FROM json_each(?)) ORDER BY updated_at, id",
            (json.dumps(values),),
        )
        return [Job.model_validate_json(row[0]) for row in rows]

    def delete(self, job_id: str) -> None:
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM jobs WHERE id = ?", (job_id,))


def _row(job: Job) -> tuple[str, str, str, str, str, str]:
    return (
        job.id,
        job.owner,
        job.status.value,
        sortable_timestamp(job.created_at),
        sortable_timestamp(job.updated_at),
        job.model_dump_json(),
    )


def _encode_cursor(created_at: str, job_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([created_at, job_id]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        created_at, job_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidInput("malformed page cursor") from error
    if not isinstance(created_at, str) or not isinstance(job_id, str):
        raise InvalidInput("malformed page cursor")
    return created_at, job_id
