"""A powertools idempotency persistence layer over SQLite, so `Idempotency-Key` behaves locally exactly
as with DynamoDBPersistenceLayer in the cloud (same put conditions, same expiry rules)."""

import sqlite3
import time
from pathlib import Path

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord

from amp.adapters.local.sqlite_db import SqliteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    expiration INTEGER,
    in_progress_expiration INTEGER,
    data TEXT NOT NULL DEFAULT '',
    validation TEXT NOT NULL DEFAULT ''
);
"""


class SqliteIdempotencyStore(BasePersistenceLayer):
    """`_put_record` is one BEGIN IMMEDIATE transaction, the SQLite twin of DynamoDB's conditional put:
    two concurrent requests with the same key cannot both win."""

    def __init__(self, path: Path | str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # powertools leaves it unannotated
        self._db = SqliteDatabase(path, _SCHEMA)
        self.path = self._db.path

    @staticmethod
    def _record(row: tuple[str, str, int | None, int | None, str, str]) -> DataRecord:
        return DataRecord(
            idempotency_key=row[0],
            status=row[1],
            expiry_timestamp=row[2],
            in_progress_expiry_timestamp=row[3],
            response_data=row[4],
            payload_hash=row[5],
        )

    def _select(self, connection: sqlite3.Connection, idempotency_key: str) -> DataRecord | None:
        row = connection.execute(
            "SELECT id, status, expiration, in_progress_expiration, data, validation"
            " FROM idempotency WHERE id = ?",
            (idempotency_key,),
        ).fetchone()
        return self._record(row) if row else None

    def _get_record(self, idempotency_key: str) -> DataRecord:
        record = self._select(self._db.connection(), idempotency_key)
        if record is None:
            raise IdempotencyItemNotFoundError
        return record

    def _put_record(self, data_record: DataRecord) -> None:
        now_s = int(time.time())
        now_ms = int(time.time() * 1000)
        with self._db.transaction() as connection:
            existing = self._select(connection, data_record.idempotency_key)
            if existing is not None:
                expired = existing.expiry_timestamp is not None and existing.expiry_timestamp < now_s
                stale_in_progress = (
                    existing._status == STATUS_CONSTANTS["INPROGRESS"]
                    and existing.in_progress_expiry_timestamp is not None
                    and existing.in_progress_expiry_timestamp < now_ms
                )
                if not (expired or stale_in_progress):
                    self._validate_payload(data_payload=data_record, stored_data_record=existing)
                    raise IdempotencyItemAlreadyExistsError(old_data_record=existing)
            connection.execute(
                "INSERT OR REPLACE INTO idempotency"
                " (id, status, expiration, in_progress_expiration, data, validation)"
                " VALUES (?, ?, ?, ?, '', ?)",
                (
                    data_record.idempotency_key,
                    data_record.status,
                    data_record.expiry_timestamp,
                    data_record.in_progress_expiry_timestamp,
                    data_record.payload_hash if self.payload_validation_enabled else "",
                ),
            )

    def _update_record(self, data_record: DataRecord) -> None:
        with self._db.transaction() as connection:
            connection.execute(
                "UPDATE idempotency SET status = ?, expiration = ?, data = ?, validation = ? WHERE id = ?",
                (
                    data_record.status,
                    data_record.expiry_timestamp,
                    data_record.response_data,
                    data_record.payload_hash if self.payload_validation_enabled else "",
                    data_record.idempotency_key,
                ),
            )

    def _delete_record(self, data_record: DataRecord) -> None:
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM idempotency WHERE id = ?", (data_record.idempotency_key,))

    def purge_expired(self) -> int:
        """Drop records past their TTL (DynamoDB does this with TTL; here `amp serve` calls it on start)."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM idempotency WHERE expiration IS NOT NULL AND expiration < ?", (int(time.time()),)
            )
            return cursor.rowcount
