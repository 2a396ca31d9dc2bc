"""amp/allocator.py: a whole-song array made on a worker thread comes from the main heap and its
pages are reused after it is freed; `release_free_memory` gives them back.

Each check runs in a fresh interpreter: an arena limit binds only threads that have not allocated
yet, and this test process has run threads of its own already. The control runs the same code
without importing amp, so the checks can fail."""

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from amp import allocator

_PROBE = """
import json, resource, threading
{imports}
import numpy as np

def heap() -> tuple[int, int]:
    # the main heap's extent: madvise can split it into several [heap] lines
    with open("/proc/self/maps") as maps:
        spans = [
            [int(bound, 16) for bound in line.split()[0].split("-")]
            for line in maps
            if line.rstrip().endswith("[heap]")
        ]
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else (0, 0)

FRAMES = 180 * 44100  # a 180 s stereo float64 array: 127 MB, over a thread heap's 64 MiB
found = {{}}

def worker() -> None:
    first = np.ones((2, FRAMES))
    found["first"] = first.ctypes.data
    del first
    second = np.ones((2, FRAMES))
    found["second"] = second.ctypes.data
    start, end = heap()
    found["in_heap"] = start <= found["second"] and found["second"] + second.nbytes <= end

thread = threading.Thread(target=worker)
thread.start()
thread.join()
print(json.dumps(found))
"""


def _in_fresh_process(script: str) -> dict[str, Any]:
    """The JSON object `script` prints last, run in a new interpreter that imports this tree."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return found


def _probe(imports: str) -> dict[str, Any]:
    return _in_fresh_process(_PROBE.format(imports=imports))


def test_this_glibc_takes_every_setting() -> None:
    assert allocator.configure() == allocator.AllocatorSettings(
        one_arena=True, mmap_threshold=allocator.KEEP_FREED_BYTES, keeps_freed=True
    )


def test_importing_amp_serves_a_worker_threads_whole_song_array_from_the_main_heap_and_reuses_it() -> None:
    configured = _probe("import amp")
    plain = _probe("")
    assert configured["in_heap"] is True
    assert configured["second"] == configured["first"]  # the freed block, not fresh pages
    assert plain["in_heap"] is False  # without amp: mapped on its own, unmapped when freed


_RELEASE = """
import json, os
import numpy as np
from amp.allocator import release_free_memory

def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

block = np.ones(64 * 1024 * 1024)  # 512 MiB, touched
held = rss()
del block
kept = rss()
released = release_free_memory()
print(json.dumps({"held": held, "kept": kept, "after": rss(), "released": released}))
"""


def test_freed_memory_stays_in_the_process_until_released() -> None:
    figures = _in_fresh_process(_RELEASE)
    mib = 1024 * 1024
    assert figures["held"] - figures["kept"] < 64 * mib  # kept for the next array
    assert figures["released"] is True
    assert figures["kept"] - figures["after"] > 400 * mib  # given back


def test_elsewhere_than_glibc_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "_libc", lambda: None)
    assert allocator.configure.__wrapped__() == allocator.AllocatorSettings()
    assert allocator.release_free_memory() is False
