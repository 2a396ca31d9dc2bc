"""One BLAS thread while analysis runs.

QA's matrix products (the true-peak filter, mel and pitch filterbanks) are small, and QA runs its
analyses on two Python threads of its own: a second BLAS thread per product only spins against
them (and, on a busy 2-core machine, against everyone else): tempo + key measured 1.0-1.4 CPU-s
with OpenBLAS's default threads against 0.6-0.9 with one. Nested and concurrent users share one
reference-counted limit: each block sets it, the last out restores the library's default."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _controller() -> Any:
    """A fresh controller each time the limit is taken (~1 ms: it lists the loaded BLAS libraries):
    a cached one's second `limit()` after a restore left the libraries at their default."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class _SharedLimit:
    """The process's BLAS limit and how many blocks hold it. Every entry sets it, the last exit
    restores the default. OpenBLAS (0.3.34, measured) takes the setting from the main thread only
    (a worker's call is ignored) and applies it to every thread: QA's stage holds the limit on its
    main thread for the whole stage, so its analysis thread runs under it too."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.first: Any = None

    def enter(self) -> None:
        with self.lock:
            self.users += 1
            limiter = _controller().limit(limits=1, user_api="blas")
            if self.users == 1:
                self.first = limiter

    def exit(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0 and self.first is not None:
                self.first.restore_original_limits()
                self.first = None


_SHARED = _SharedLimit()


@contextmanager
def one_thread() -> Iterator[None]:
    """BLAS limited to one thread inside the block (for every thread of the process)."""
    _SHARED.enter()
    try:
        yield
    finally:
        _SHARED.exit()
