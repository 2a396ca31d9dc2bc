"""One BLAS thread while analysis runs.

QA's matrix products (the true-peak filter, mel and pitch filterbanks) are small, and QA runs its
analyses on two Python threads of its own: a second BLAS thread per product only spins against
them (and, on a busy 2-core machine, against everyone else): tempo + key measured 1.0-1.4 CPU-s
with OpenBLAS's default threads against 0.6-0.9 with one. Nested and concurrent users share one
reference-counted limit: the first in sets it, the last out restores the library's default."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any


@cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class _SharedLimit:
    """The process's one BLAS limit and how many blocks hold it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.limiter: Any = None

    def enter(self) -> None:
        with self.lock:
            self.users += 1
            if self.users == 1:
                self.limiter = _controller().limit(limits=1, user_api="blas")

    def exit(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0 and self.limiter is not None:
                self.limiter.restore_original_limits()
                self.limiter = None


_SHARED = _SharedLimit()


@contextmanager
def one_thread() -> Iterator[None]:
    """BLAS limited to one thread inside the block (for every thread of the process)."""
    _SHARED.enter()
    try:
        yield
    finally:
        _SHARED.exit()
