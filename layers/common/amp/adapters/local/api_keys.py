"""API keys for `amp serve`, stored hashed in SQLite.

Keys are 256-bit random tokens, so a single SHA-256 is enough to make a stolen database useless
(a slow KDF protects low-entropy passwords, not random keys) and keeps lookups O(1)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from amp.adapters.local.sqlite_db import SqliteDatabase
from amp.domain.errors import InvalidInput, NotFound

KEY_PREFIX = "amp_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    owner: str
    created_at: str


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


class SqliteApiKeyStore:
    """One connection per thread (the server answers from many), WAL like the job store."""

    def __init__(self, path: Path | str) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)
        self.path = self._db.path

    def create(self, owner: str) -> tuple[str, ApiKeyRecord]:
        """Returns the plaintext key (shown once, never stored) and its record."""
        owner = owner.strip()
        if not owner or len(owner) > 128:
            raise InvalidInput("owner must be 1..128 characters")
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        record = ApiKeyRecord(
            key_id=secrets.token_hex(6),
            owner=owner,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self._db.connection().execute(
            "INSERT INTO api_keys (key_hash, key_id, owner, created_at) VALUES (?, ?, ?, ?)",
            (hash_key(api_key), record.key_id, record.owner, record.created_at),
        )
        return api_key, record

    def owner_for(self, api_key: str) -> str | None:
        if not api_key.startswith(KEY_PREFIX) or len(api_key) > 200:
            return None
        row = (
            self._db.connection()
            .execute("SELECT owner FROM api_keys WHERE key_hash = ?", (hash_key(api_key),))
            .fetchone()
        )
        return str(row[0]) if row else None

    def list(self, owner: str | None = None) -> list[ApiKeyRecord]:
        query = "SELECT key_id, owner, created_at FROM api_keys"
        params: tuple[str, ...] = ()
        if owner is not None:
            query += " WHERE owner = ?"
            params = (owner,)
        rows = self._db.connection().execute(query + " ORDER BY created_at, key_id", params).fetchall()
        return [ApiKeyRecord(key_id=row[0], owner=row[1], created_at=row[2]) for row in rows]

    def revoke(self, key_id: str) -> None:
        cursor = self._db.connection().execute("DELETE FROM api_keys WHERE key_id = ?", (key_id,))
        if cursor.rowcount == 0:
            raise NotFound(f"no API key with id {key_id}")
