"""How the C allocator treats whole-song arrays: one heap, and freed blocks kept there for reuse.

Why: every stage makes and drops whole-song arrays (a 180 s stereo float32 stem is 63 MiB, its
float64 temporaries twice that). glibc maps each block over its mmap threshold (dynamic, at most
32 MiB) fresh and unmaps it when freed, and a thread's own arena (stages run on worker threads:
the Map's, the mix stage's strip and write workers, QA's three) maps anything over its 64 MiB heap
whatever the threshold. So the next array of that size page-faults and zero-fills all its pages
again: perf put ~9% of a 180 s job's CPU in the kernel's `clear_page`, and its system time was
2.3-3.8 of ~11 CPU-s. With one arena (the main heap, grown by sbrk, the only one that can hold a
block over 64 MiB), no mmap and no trimming under KEEP_FREED_BYTES, a freed array's pages serve
the next one without a fault: `bench/pipeline.py --durations 180`, six alternations, whole job
median 6.09 -> 5.48 s, system time 2.6 -> 1.5 s, the mix stage's peak RSS 1.14-1.38 -> 0.91-0.99 GB
(README, Measured).
Python objects keep their own allocator, and numpy's large blocks are few, so one arena's lock
costs nothing measurable.

The settings are taken once per process from `amp/__init__.py`: an arena limit only binds threads
that have not allocated yet, so it must come before the first worker thread. A process that
outlives its jobs (an `amp serve` worker) gives the kept memory back after each one
(`release_free_memory`); a Lambda keeps it, since its next invocation needs the same again and
its MemorySize is sized for the peak anyway. Elsewhere than glibc (macOS, musl) nothing changes."""

import ctypes
import sys
from dataclasses import dataclass
from functools import cache

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
KEEP_FREED_BYTES = 1 << 30
"""Blocks under this size come from the heap, and up to this much free heap is kept. A 600 s
stereo float64 temporary is 423 MiB."""
_OLD_GLIBC_MMAP_MAX = 32 << 20
"""glibc before 2.35 refuses an mmap threshold over half its 64 MiB thread heap."""


@dataclass(frozen=True)
class AllocatorSettings:
    """What this process's C allocator accepted (all False/0 where it is not glibc)."""

    one_arena: bool = False
    mmap_threshold: int = 0
    keeps_freed: bool = False


@cache
def _libc() -> ctypes.CDLL | None:
    """glibc, or None: musl's mallopt is a stub that does nothing, and macOS has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the process's own C library (find_library would fork a shell)
        libc.gnu_get_libc_version  # noqa: B018 (only glibc has it)
        return libc
    except (OSError, AttributeError):
        return None


@cache
def configure() -> AllocatorSettings:
    """Apply the settings once per process (later calls return what the first one got)."""
    libc = _libc()
    if libc is None:
        return AllocatorSettings()
    one_arena = bool(libc.mallopt(_M_ARENA_MAX, 1))
    threshold = next(
        (size for size in (KEEP_FREED_BYTES, _OLD_GLIBC_MMAP_MAX) if libc.mallopt(_M_MMAP_THRESHOLD, size)), 0
    )
    keeps_freed = bool(libc.mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_BYTES))
    return AllocatorSettings(one_arena=one_arena, mmap_threshold=threshold, keeps_freed=keeps_freed)


def release_free_memory() -> bool:
    """Give the heap's free pages back to the system (glibc's malloc_trim); True if any went."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
