"""Where a local job's execution is, so `amp serve` can resume it after a crash.

In the cloud a crashed Lambda is retried by Step Functions, which keeps the execution's state. Locally
the in-process runner dies with the server, so the worker records each top-level state it enters with
that state's input (the runner's `on_enter`), and on restart the launcher resumes the job there
(`start_at`). Every stage is idempotent and its inputs are store keys under work/, so a crash costs at
most the stage that was running. The interruption count lives here too: a job interrupted three times
is failed instead of resumed forever.

A table in the job store's SQLite file (WAL, so it survives kill -9 like the jobs themselves)."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amp.adapters.local.sqlite_db import SqliteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS job_checkpoints (
    job_id TEXT PRIMARY KEY,
    state TEXT,
    state_input TEXT,
    interruptions INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Checkpoint:
    job_id: str
    state: str | None
    """The top-level ASL state last entered; None when the run died before entering one."""
    state_input: Any
    interruptions: int

    @property
    def resume_at(self) -> tuple[str, Any] | None:
        """What the runner's start_at takes, or None to start from the beginning."""
        return (self.state, self.state_input) if self.state is not None else None


class SqliteCheckpointStore:
    def __init__(self, path: Path | str) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)

    def close(self) -> None:
        self._db.close()

    def record(self, job_id: str, state: str, state_input: Any) -> None:
        """The job's run is entering `state` with `state_input` (keeps the interruption count)."""
        with self._db.transaction() as connection:
            connection.execute(
                "INSERT INTO job_checkpoints (job_id, state, state_input, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (job_id) DO UPDATE SET state = excluded.state,"
                " state_input = excluded.state_input, updated_at = excluded.updated_at",
                (job_id, state, json.dumps(state_input), _now()),
            )

    def get(self, job_id: str) -> Checkpoint | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT state, state_input, interruptions FROM job_checkpoints WHERE job_id = ?", (job_id,)
            )
            .fetchone()
        )
        if row is None:
            return None
        state, state_input, interruptions = row
        return Checkpoint(
            job_id=job_id,
            state=state,
            state_input=json.loads(state_input) if state_input is not None else None,
            interruptions=int(interruptions),
        )

    def count_interruption(self, job_id: str) -> Checkpoint:
        """One more interruption of this job's run (recovery after a crash); returns the new record."""
        with self._db.transaction() as connection:
            connection.execute(
                "INSERT INTO job_checkpoints (job_id, interruptions, updated_at) VALUES (?, 1, ?)"
                " ON CONFLICT (job_id) DO UPDATE SET interruptions = interruptions + 1,"
                " updated_at = excluded.updated_at",
                (job_id, _now()),
            )
        checkpoint = self.get(job_id)
        assert checkpoint is not None  # nosec B101 - written just above in the same database
        return checkpoint

    def clear(self, job_id: str) -> None:
        """The run ended (any way): nothing to resume."""
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM job_checkpoints WHERE job_id = ?", (job_id,))


def _now() -> str:
    return datetime.now(UTC).isoformat()
