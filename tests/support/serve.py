"""The one way tests and benchmarks start `amp serve`: a subprocess of this interpreter on a free
loopback port (`--port 0`) with its own data dir, its output drained by a thread (so the pipe never
fills) and kept for assertions, and the URL read from its "AMP serving on" line.

Lives in tests/support and bench/ imports it (bench puts the repository root on sys.path): the tests
are the consumers that run on every change, so the harness stays with them and the occasional bench
reuses it rather than the other way round. Only the standard library, so importing it is cheap."""

import collections
import contextlib
import os
import queue
import signal
import subprocess  # nosec B404: starts `amp serve` from this interpreter
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVING_PREFIX = "AMP serving on "
"""What `amp serve` prints once it listens (amp/cli/serve_cmd.py), followed by its URL."""
MAX_LINES_KEPT = 10_000


class ServeProcess:
    """A running `amp serve`: its process, base URL and the output lines seen so far (the newest
    MAX_LINES_KEPT, so a long soak cannot grow them without bound)."""

    def __init__(self, process: "subprocess.Popen[str]") -> None:
        self.process = process
        self.url = ""
        self._lines: collections.deque[str] = collections.deque(maxlen=MAX_LINES_KEPT)
        self._lock = threading.Lock()

    def add_line(self, line: str) -> None:
        """Called by the thread draining the output."""
        with self._lock:
            self._lines.append(line)

    @property
    def lines(self) -> list[str]:
        """A snapshot: safe to iterate while the server keeps printing."""
        with self._lock:
            return list(self._lines)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, like a power cut for the process."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, *, grace_s: float = 5.0, abandon_s: float = 15.0) -> None:
        """The way a user stops it: SIGTERM (running renders may finish for grace_s), a second SIGTERM
        (running jobs are abandoned, abandon_s to exit), then SIGKILL. Bounded either way."""
        for signum, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGTERM, abandon_s)):
            if self.process.poll() is not None:
                return
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=wait_s)
                return
            except subprocess.TimeoutExpired:
                continue
        self.kill()


def start_serve(
    data_dir: Path,
    *,
    workers: int = 2,
    startup_timeout_s: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> ServeProcess:
    """Start `amp serve --port 0 --workers N` with AMP_DATA_DIR=data_dir and wait for its URL.

    `env` adds to (or overrides) this process's environment. If the server exits or does not print
    its URL within startup_timeout_s it is killed and AssertionError carries everything it printed."""
    environment = {
        **os.environ,
        "AMP_DATA_DIR": str(data_dir),
        "AMP_LOCAL_WORKERS": str(workers),
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    process = subprocess.Popen(  # nosec B603: this interpreter running amp, fixed arguments
        [sys.executable, "-m", "amp.cli.main", "serve", "--port", "0", "--workers", str(workers)],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = ServeProcess(process)
    found: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.add_line(line)
            if line.startswith(SERVING_PREFIX):
                found.put(line.removeprefix(SERVING_PREFIX).strip())
        found.put(None)  # the output ended: the process exited

    threading.Thread(target=drain, name="amp-serve-output", daemon=True).start()
    exit_code: int | None = None
    try:
        url = found.get(timeout=startup_timeout_s)
        if url is None:  # its output ended: it is exiting, if not already gone
            with contextlib.suppress(subprocess.TimeoutExpired):
                exit_code = process.wait(timeout=10)
    except queue.Empty:
        url = None
    if url is None:
        served.kill()
        why = (
            f"exited with code {exit_code} before it listened"
            if exit_code is not None
            else f"did not start within {startup_timeout_s} s"
        )
        raise AssertionError(f"amp serve {why}:\n{served.output()}")
    served.url = url
    return served
