"""Rules every JobStore adapter shares: timestamp text that sorts, field checks, page bounds."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from amp.domain.errors import InvalidInput
from amp.domain.job import Job

MAX_PAGE_SIZE = 1000


def sortable_timestamp(moment: datetime) -> str:
    """Fixed-width UTC text, so string order is time order (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def checked_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Refuse names that are not Job fields (pydantic would drop them silently) and the immutable id."""
    unknown = sorted(set(fields) - set(Job.model_fields))
    if unknown:
        raise InvalidInput(f"unknown job field(s): {', '.join(unknown)}")
    if "id" in fields:
        raise InvalidInput("a job's id cannot be updated")
    return dict(fields)


def check_page_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}")
