"""Latency figures for the load benchmarks and tests: one percentile definition, one summary shape,
and one thread-safe tally of what concurrent HTTP clients saw."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_ERROR_CHARS = 300


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (fraction 0..1) of the values; None when there are none."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, got {fraction}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def to_ms(seconds: float | None) -> float | None:
    """Seconds to milliseconds at 0.1 ms, None kept (an empty sample has no percentile)."""
    return None if seconds is None else round(seconds * 1000, 1)


def latency_ms(values: Sequence[float]) -> dict[str, float | int | None]:
    """count, p50, p95, p99 and max of durations in seconds, as milliseconds."""
    return {
        "count": len(values),
        "p50": to_ms(percentile(values, 0.50)),
        "p95": to_ms(percentile(values, 0.95)),
        "p99": to_ms(percentile(values, 0.99)),
        "max": to_ms(max(values) if values else None),
    }


@dataclass
class ClientTally:
    """What all client threads of a load run saw, appended to under one lock. Benchmarks subclass it
    to add what they track per job."""

    create_s: list[float] = field(default_factory=list)
    """Seconds each successful POST /jobs took."""
    status_s: list[float] = field(default_factory=list)
    """Seconds each successful GET /jobs/{id} took."""
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, message: str) -> None:
        """A failed request or an unexpected answer (kept to MAX_ERROR_CHARS)."""
        with self.lock:
            self.errors.append(message[:MAX_ERROR_CHARS])
