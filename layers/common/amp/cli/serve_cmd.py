"""`amp serve`: the API, the web app and a bounded pool of job workers on one local port.

Once listening it prints "AMP serving on <url>" (tests/support/serve.py waits for that line). Stopping
(Ctrl-C or SIGTERM) stops taking requests, leaves jobs not yet started QUEUED and lets running renders
finish; a second signal abandons them. Whatever is cut short, the next start recovers: QUEUED jobs run
again, jobs caught mid-stage resume at the state they were in (FAILED "interrupted" after three
crashes), so nothing stays stuck."""

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.application import get_application, install_launcher
from amp.config import get_settings, is_loopback
from amp.domain.errors import InvalidInput

WEB_DIR_ENV = "AMP_WEB_DIR"
EXIT_INTERRUPTED = 130


def default_web_dir() -> Path | None:
    """AMP_WEB_DIR, else the SPA packaged in amp/web, else frontend/dist of this checkout."""
    configured = os.environ.get(WEB_DIR_ENV)
    if configured:
        return Path(configured)
    package_web = Path(__file__).resolve().parents[1] / "web"
    if (package_web / "index.html").is_file():
        return package_web
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "frontend" / "dist"
        if (candidate / "index.html").is_file():
            return candidate
    return None


def warm_up() -> None:
    """Build the API and the application's service before the first request (the stages are imported
    by the worker processes, see LocalJobLauncher.warm_up, not by this one)."""
    from amp.api.app import get_app
    from amp.api.dependencies import job_service

    get_app()
    job_service()


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("serve", help="run the API and the web app locally")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one (default 8000)")
    parser.add_argument(
        "--workers", type=int, default=None, help="concurrent jobs (default AMP_LOCAL_WORKERS or 2)"
    )
    parser.add_argument("--web-dir", type=Path, default=None, help="built SPA to serve at /")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.backend != "local":
        raise InvalidInput("amp serve runs the local backend; unset AMP_BACKEND or set it to 'local'")
    if not 0 <= args.port <= 65535:
        raise InvalidInput("--port must be 0..65535")
    from amp.adapters.local.idempotency import SqliteIdempotencyStore
    from amp.api.handler import lambda_handler
    from amp.cli.keys_cmd import key_store
    from amp.local_server import LocalServer, ServerConfig
    from amp.orchestration.local_launcher import LocalJobLauncher, workers_from_env

    workers = args.workers if args.workers is not None else workers_from_env()
    application = get_application()
    launcher = LocalJobLauncher(application.jobs, workers=max(1, min(32, workers)))
    install_launcher(launcher)  # the application the API handler uses runs jobs on this pool
    if isinstance(application.idempotency_store, SqliteIdempotencyStore):
        application.idempotency_store.purge_expired()
    warm_up()
    launcher.warm_up()
    requeued, resumed, failed = launcher.recover()

    audio = application.audio
    web_dir = args.web_dir or default_web_dir()
    allow_anonymous = is_loopback(args.host)
    server = LocalServer(
        args.host,
        args.port,
        ServerConfig(
            handler=lambda_handler,
            keys=key_store(),
            audio=audio if isinstance(audio, FilesystemAudioStore) else None,
            web_dir=web_dir,
            allow_anonymous=allow_anonymous,
            access_log=args.access_log,
        ),
    )
    host_shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"AMP serving on http://{host_shown}:{server.port}", flush=True)
    print(
        f"  workers {launcher.workers}; data {settings.data_dir}; web app {web_dir or 'not built'}; "
        f"recovered {requeued} queued, {resumed} resumed, {failed} interrupted; "
        + ("keyless requests act as owner 'local'" if allow_anonymous else "API key required"),
        flush=True,
    )

    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            print(
                "amp serve: abandoning running jobs (they will show as interrupted)",
                file=sys.stderr,
                flush=True,
            )
            os._exit(EXIT_INTERRUPTED)
        stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        server.serve_forever()
    finally:
        server.close()
        launcher.shutdown(wait=False)
    running = launcher.active_count()
    if running:
        print(f"amp serve: waiting for {running} running job(s); signal again to abandon them", flush=True)
        while launcher.active_count():
            time.sleep(0.2)
    return 0
