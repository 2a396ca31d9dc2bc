"""Work on the channels of one long signal at once, one channel per thread.

Why: the master's linear passes (high-pass, K-weighting, the true-peak detector's matrix products)
sit on the mix stage's critical path after every stem is stripped, and each filters or multiplies
its channels independently in code that releases the GIL (scipy's sosfilt, BLAS). On two cores two
channels at once take ~0.55x the wall time of one after the other, with the same samples: each
channel is computed by the same call as before, only on another thread. Short signals stay on the
calling thread (a thread hop costs more than it saves)."""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

PARALLEL_MIN_FRAMES = 1 << 19
"""Signals at least this long (12 s at 44.1 kHz) are worked on one channel per thread."""
THREADS = 2


def _new_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="channels")


_POOLS = [_new_pool()]
"""One pool for the process (its threads start on first use). They only run `work(channel)`, which
must not call `each_channel` itself: a nested wait on a full pool would never return. A forked
child gets a new pool: the parent's threads do not exist there, and the old pool would never run
what it is given."""
os.register_at_fork(after_in_child=lambda: _POOLS.__setitem__(0, _new_pool()))


def in_threads(channels: int, frames: int) -> bool:
    """Whether `each_channel` spreads a signal of this shape over the pool: two or more channels
    and at least PARALLEL_MIN_FRAMES. Callers with a faster whole-signal path for the other case
    (one sosfilt call instead of one per row) ask here, so the threshold lives in one place."""
    return channels >= 2 and frames >= PARALLEL_MIN_FRAMES


def each_channel(work: Callable[[int], None], channels: int, frames: int) -> None:
    """`work(c)` for every channel c, on the shared pool when `in_threads`, else in order on the
    calling thread. Re-raises the first error."""
    if not in_threads(channels, frames):
        for channel in range(channels):
            work(channel)
        return
    list(_POOLS[0].map(work, range(channels)))
