"""`amp serve`'s HTTP front: plays API Gateway (REST, v1 proxy events) in front of the same Lambda
handler the cloud runs, acts as the authorizer for local API keys, streams signed local downloads,
and serves the built web app, all on one port.

stdlib ThreadingHTTPServer: no extra dependency and enough for one machine. The powertools resolver
keeps the current event in a class attribute, so handler calls are serialised by a lock; they take a
few milliseconds (job renders run on the worker pool, not here), and file streaming runs outside it.
"""

import base64
import contextlib
import json
import mimetypes
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.api.auth import ApiKeyLookup, CrossSiteRequest, local_authorizer
from amp.api.errors import Unauthenticated, error_body
from amp.api.handler import MAX_JSON_BODY_BYTES
from amp.api.routes.files import SignatureInvalid, byte_range, resolve_download
from amp.domain.errors import InvalidInput, NotFound
from amp.lambda_context import LocalLambdaContext
from amp.observability import logger
from amp.services.jobs import MAX_UPLOAD_BYTES

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

MAX_BODY_BYTES = MAX_JSON_BODY_BYTES
MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES
STREAM_CHUNK_BYTES = 256 * 1024
API_PREFIXES = ("/jobs", "/uploads", "/health", "/docs", "/openapi.json", "/files")
LOCAL_API_FUNCTION = "amp-local-api"
API_GATEWAY_TIMEOUT_S = 29.0
"""API Gateway's integration timeout: what the handler has behind it, so what its context says."""
_TEXT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded")
HEADER_TIMEOUT_S = 10.0
"""A client gets this long, in total, to send the request line and headers (slowloris guard); an idle
keep-alive connection is closed after it too."""
BODY_TIMEOUT_S = 30.0
BODY_MIN_RATE_BYTES_S = 64 * 1024
"""A body must arrive within BODY_TIMEOUT_S plus its size at this rate (a 50 MB upload gets ~13 min)."""
WRITE_TIMEOUT_S = 60.0
"""How long one send may block on a client that stopped reading."""
MAX_CONNECTIONS = 64
"""Open connections served at once (each holds a thread); the next one is answered 503 and closed."""


def is_api_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def build_event(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    source_ip: str,
    authorizer: Mapping[str, str] | None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event (payload v1), as the cloud would deliver it."""
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers.items():
        multi_headers.setdefault(name, []).append(value)
    multi_query = parse_qs(query, keep_blank_values=True) if query else {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    text_body: str | None = None
    is_base64 = False
    if body:
        if content_type.lower().startswith(_TEXT_TYPES):
            # API Gateway hands text bodies over as text; invalid UTF-8 then fails JSON validation (422)
            text_body = body.decode("utf-8", errors="replace")
        if text_body is None:
            text_body = base64.b64encode(body).decode("ascii")
            is_base64 = True
    request_id = str(uuid.uuid4())
    context: dict[str, Any] = {
        "resourcePath": path,
        "httpMethod": method,
        "path": path,
        "stage": "local",
        "requestId": request_id,
        "requestTimeEpoch": int(time.time() * 1000),
        "protocol": "HTTP/1.1",
        "apiId": "local",
        "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent", "")},
    }
    if authorizer:
        context["authorizer"] = dict(authorizer)
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": context,
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


@dataclass
class ServerConfig:
    handler: LambdaHandler
    keys: ApiKeyLookup
    audio: FilesystemAudioStore | None
    web_dir: Path | None
    allow_anonymous: bool
    access_log: bool = False
    handler_lock: threading.Lock = field(default_factory=threading.Lock)
    header_timeout_s: float = HEADER_TIMEOUT_S
    body_timeout_s: float = BODY_TIMEOUT_S
    max_connections: int = MAX_CONNECTIONS


class _DeadlineReader:
    """The request's rfile with a total deadline: every read gets only the time left (as the socket
    timeout), so a client trickling one byte at a time cannot hold a thread past the deadline."""

    def __init__(self, raw: Any, connection: Any) -> None:
        self._raw = raw
        self._connection = connection
        self.deadline = time.monotonic() + HEADER_TIMEOUT_S

    def _arm(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the client did not send its request in time")
        self._connection.settimeout(remaining)

    def readline(self, limit: int = -1) -> bytes:
        self._arm()
        return bytes(self._raw.readline(limit))

    def read(self, size: int = -1) -> bytes:
        self._arm()
        return bytes(self._raw.read(size))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "amp"
    sys_version = ""
    config: ServerConfig  # set on the subclass made per server

    # -- plumbing -------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.rfile, self.connection)
        self.rfile = self._reader  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        """Each request (and each wait for the next one on a kept-alive connection) gets
        header_timeout_s for its request line and headers."""
        self._reader.deadline = time.monotonic() + self.config.header_timeout_s
        try:
            super().handle_one_request()
        except TimeoutError:
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's own refusals (414 for a request line over 64 KiB, 431, 400 bad request line, 505)
        in the API's JSON error shape instead of its HTML page."""
        status = HTTPStatus(code)
        self.close_connection = True
        if not getattr(self, "command", None):
            self.command = ""
        if not hasattr(self, "request_version"):
            self.request_version = "HTTP/1.1"
        code_name = status.phrase.lower().replace(" ", "_").replace("-", "_")
        self._send_error(status.value, code_name, f"{status.phrase}: {message or status.description}.")

    def log_message(self, format: str, *args: Any) -> None:
        if self.config.access_log:
            logger.info("http", extra={"client": self.client_address[0], "line": format % args})

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def __getattr__(self, name: str) -> Any:
        """Any other method (TRACE, QUERY, ...) goes to the API too, which answers 405 or 404 with the
        usual error body, instead of the stdlib's HTML 501."""
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def version_string(self) -> str:
        return "amp"

    def _send(self, status: int, headers: Mapping[str, str | list[str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() in ("content-length", "connection", "transfer-encoding"):
                continue
            for item in value if isinstance(value, list) else [value]:
                self.send_header(name, item)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _send_error(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        body = json.dumps(error_body(code, message)).encode()
        self._send(status, {"Content-Type": "application/json", **(headers or {})}, body)

    # -- routing --------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        self.connection.settimeout(WRITE_TIMEOUT_S)  # reading is done; answers may stream for minutes
        url = urlsplit(self.path)
        path = url.path or "/"
        try:
            if path.startswith("/files/") and self.command in ("GET", "HEAD"):
                self._serve_file(path, url.query)
            elif (
                self.config.web_dir is not None and self.command in ("GET", "HEAD") and not is_api_path(path)
            ):
                self._serve_static(self.config.web_dir, path)
            else:
                self._serve_api(path, url.query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except TimeoutError:
            self.close_connection = True  # the client stopped reading what we send
        except Exception:
            logger.exception("local server error")
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send_error(500, "internal_error", "Something went wrong on our side.")

    def _read_body(self, path: str) -> bytes | None:
        """The body within the route's limit; None after answering 411/413 (nothing was read)."""
        limit = (
            MAX_UPLOAD_BODY_BYTES
            if self.command == "PUT" and path.startswith("/uploads/")
            else MAX_BODY_BYTES
        )
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._send_error(
                411, "length_required", "Send a Content-Length; chunked bodies are not accepted."
            )
            return None
        raw_length = self.headers.get("Content-Length", "0").strip() or "0"
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._send_error(400, "bad_request", "Content-Length is not a number.")
            return None
        if length > limit:
            self.close_connection = True  # the unread body must not be taken for the next request
            self._send_error(413, "payload_too_large", f"The body is larger than {limit} bytes.")
            return None
        if not length:
            return b""
        self._reader.deadline = time.monotonic() + self.config.body_timeout_s + length / BODY_MIN_RATE_BYTES_S
        chunks: list[bytes] = []
        remaining = length
        try:
            while remaining > 0:
                chunk = self.rfile.read(min(STREAM_CHUNK_BYTES, remaining))
                if not chunk:
                    raise ConnectionResetError("the client closed the connection mid-body")
                chunks.append(chunk)
                remaining -= len(chunk)
        except TimeoutError:
            self.close_connection = True  # a half-sent body: answer 408 and free the thread
            self._send_error(408, "request_timeout", "The request body did not arrive in time.")
            return None
        finally:
            self.connection.settimeout(WRITE_TIMEOUT_S)
        return b"".join(chunks)

    def _serve_api(self, path: str, query: str) -> None:
        body = self._read_body(path)
        if body is None:
            return
        headers = {name: value for name, value in self.headers.items()}
        try:
            authorizer = local_authorizer(
                headers, self.config.keys, allow_anonymous=self.config.allow_anonymous
            )
        except Unauthenticated as error:
            self._send_error(401, "unauthorized", str(error), {"WWW-Authenticate": "Bearer"})
            return
        except CrossSiteRequest as error:
            self._send_error(403, "forbidden", str(error))
            return
        headers.setdefault("X-Forwarded-Proto", "http")
        event = build_event(
            # HEAD is GET without the body (RFC 9110 9.3.2): the routes are GET routes, and _send
            # leaves the body out while keeping its Content-Length
            method="GET" if self.command == "HEAD" else self.command,
            path=path,
            query=query,
            headers=headers,
            body=body,
            source_ip=self.client_address[0],
            authorizer=authorizer,
        )
        with self.config.handler_lock:
            result = self.config.handler(
                event, LocalLambdaContext(LOCAL_API_FUNCTION, timeout_s=API_GATEWAY_TIMEOUT_S)
            )
        response_headers: dict[str, str | list[str]] = {}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            response_headers[name] = list(values)
        for name, value in (result.get("headers") or {}).items():
            response_headers[name] = str(value)
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else str(payload).encode()
        self._send(int(result.get("statusCode", 200)), response_headers, data)

    def _serve_file(self, path: str, query: str) -> None:
        if self.config.audio is None:
            self._send_error(404, "not_found", "No local file store.")
            return
        try:
            download = resolve_download(self.config.audio, path, query)
        except SignatureInvalid as error:
            self._send_error(403, "forbidden", str(error))
            return
        except (NotFound, InvalidInput):
            self._send_error(404, "not_found", "The file was not found.")
            return
        size = download.size_bytes
        try:
            span = byte_range(self.headers.get("Range"), size)
        except InvalidInput:
            self._send_error(
                416, "range_not_satisfiable", "Range not satisfiable.", {"Content-Range": f"bytes */{size}"}
            )
            return
        start, end = span if span is not None else (0, size - 1)
        length = max(0, end - start + 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if span is not None else HTTPStatus.OK)
        self.send_header("Content-Type", download.content_type)
        self.send_header("Content-Disposition", download.content_disposition)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "private, max-age=300")
        self.send_header("X-Content-Type-Options", "nosniff")
        if span is not None:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command == "HEAD" or length == 0:
            return
        with download.path.open("rb") as source:
            source.seek(start)
            remaining = length
            while remaining > 0:
                chunk = source.read(min(STREAM_CHUNK_BYTES, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def _serve_static(self, root: Path, path: str) -> None:
        """The built SPA: a file if it exists, else index.html so client-side routes load."""
        relative = path.lstrip("/")
        candidate = (root / relative).resolve() if relative else root / "index.html"
        if not candidate.is_relative_to(root) or not candidate.is_file():
            candidate = root / "index.html"
        if not candidate.is_file():
            self._send_error(404, "not_found", "The web app is not built (npm run build in frontend/).")
            return
        content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        immutable = "/assets/" in path
        cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
        size = candidate.stat().st_size
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            with candidate.open("rb") as source:
                shutil.copyfileobj(source, self.wfile, STREAM_CHUNK_BYTES)


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """socketserver's default backlog of 5 resets connections when dozens of clients connect at once."""
    max_connections = MAX_CONNECTIONS

    def server_activate(self) -> None:
        super().server_activate()
        self._slots = threading.BoundedSemaphore(self.max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        """At most max_connections threads; past that, a short 503 from the accepting thread."""
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: Any) -> None:
        body = json.dumps(error_body("service_unavailable", "Too many open connections; retry later."))
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        with contextlib.suppress(OSError):
            request.settimeout(1.0)
            request.sendall(head.encode() + body.encode())
        self.shutdown_request(request)


class LocalServer:
    """One ThreadingHTTPServer; `serve_forever` in the caller's thread, `shutdown` from another."""

    def __init__(self, host: str, port: int, config: ServerConfig) -> None:
        if config.web_dir is not None:
            config.web_dir = config.web_dir.resolve()
        handler_class = type("AmpRequestHandler", (_RequestHandler,), {"config": config})
        server_class = type("AmpServer", (_ThreadingServer,), {"max_connections": config.max_connections})
        self.httpd = server_class((host, port), handler_class)
        self.config = config

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self.httpd.shutdown()

    def close(self) -> None:
        self.httpd.server_close()
