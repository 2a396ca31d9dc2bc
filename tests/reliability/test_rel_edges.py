"""Issue 19, the local server's edges, tried as an attacker and a careless client would: an opaque
`Origin: null`, bodies no route can use (wrong content types, a 5,000-digit seed, JSON 50,000 deep),
random bodies/content types/headers on every route, half-open connections, more connections than the
cap, uploads outside their reservation, a download type chosen by the unsigned filename, HEAD and an
over-long URL. Each must end in a 4xx (or the right answer) in the JSON error shape, never a 5xx."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amp.adapters.local.api_keys import SqliteApiKeyStore
from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.api import dependencies
from amp.api.handler import lambda_handler
from amp.domain.job import Job
from amp.local_server import LocalServer, ServerConfig

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(200))
HEADER_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 1.0
MAX_CONNECTIONS = 12


class RecordingLauncher:
    def __init__(self) -> None:
        self.started: list[str] = []

    def start(self, job: Job) -> str:
        self.started.append(job.id)
        return f"recorded:{job.id}"

    def stop(self, job: Job, reason: str) -> None:
        return None


@dataclass
class Served:
    url: str
    port: int
    audio: FilesystemAudioStore
    keys: SqliteApiKeyStore


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`amp serve`'s HTTP front on loopback (keyless allowed), with short read deadlines and a small
    connection cap so the tests about them take seconds."""
    dependencies.use_local_launcher(RecordingLauncher())
    keys = SqliteApiKeyStore(tmp_path / "api_keys.sqlite3")
    audio = dependencies.job_service().audio
    assert isinstance(audio, FilesystemAudioStore)
    config = ServerConfig(
        handler=lambda_handler,
        keys=keys,
        audio=audio,
        web_dir=None,
        allow_anonymous=True,
        header_timeout_s=HEADER_TIMEOUT_S,
        body_timeout_s=BODY_TIMEOUT_S,
        max_connections=MAX_CONNECTIONS,
    )
    server = LocalServer("127.0.0.1", 0, config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.port}", server.port, audio, keys)
    finally:
        server.shutdown()
        server.close()
        thread.join(timeout=5)
        dependencies.use_local_launcher(None)


def assert_error_shape(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"} and error["message"]
    if code is not None:
        assert error["code"] == code


# -- 1. Origin: null -----------------------------------------------------------------------------


def test_keyless_access_is_refused_to_an_opaque_null_origin(served: Served) -> None:
    for origin in ("null", "NULL", "http://evil.com"):
        refused = httpx.get(f"{served.url}/jobs", headers={"Origin": origin})
        assert_error_shape(refused, 403, "forbidden")
    assert httpx.get(f"{served.url}/jobs", headers={"Origin": served.url}).status_code == 200
    key, _ = served.keys.create("alice")
    with_key = httpx.get(f"{served.url}/jobs", headers={"Origin": "null", "Authorization": f"Bearer {key}"})
    assert with_key.status_code == 200


# -- 2. bodies no route can use ------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/octet-stream"])
def test_a_job_body_in_an_unsupported_content_type_is_415(served: Served, content_type: str) -> None:
    response = httpx.post(
        f"{served.url}/jobs", content=json.dumps({"prompt": "house"}), headers={"Content-Type": content_type}
    )
    assert_error_shape(response, 415, "unsupported_media_type")


def test_an_upper_case_json_media_type_is_json(served: Served) -> None:
    """Media types are case-insensitive (RFC 9110 8.3.1): APPLICATION/JSON creates the job."""
    response = httpx.post(
        f"{served.url}/jobs",
        content=json.dumps({"prompt": "house"}),
        headers={"Content-Type": "APPLICATION/JSON; charset=UTF-8"},
    )
    assert response.status_code == 202, response.text


def test_a_seed_of_5000_digits_is_422_naming_the_field(served: Served) -> None:
    body = '{"prompt": "house", "seed": ' + "9" * 5000 + "}"
    response = httpx.post(f"{served.url}/jobs", content=body, headers={"Content-Type": "application/json"})
    assert_error_shape(response, 422, "validation_error")
    assert [field["field"] for field in response.json()["error"]["details"]["fields"]] == ["seed"]


@pytest.mark.parametrize("path", ["/jobs", "/uploads"])
def test_json_nested_50000_deep_is_400(served: Served, path: str) -> None:
    body = '{"prompt": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = httpx.post(f"{served.url}{path}", content=body, headers={"Content-Type": "application/json"})
    assert_error_shape(response, 400, "bad_request")


ROUTES = [
    ("GET", "/jobs"),
    ("POST", "/jobs"),
    ("GET", "/jobs/0123456789abcdef0123456789abcdef"),
    ("DELETE", "/jobs/0123456789abcdef0123456789abcdef"),
    ("POST", "/jobs/0123456789abcdef0123456789abcdef/cancel"),
    ("POST", "/jobs/0123456789abcdef0123456789abcdef/retry"),
    ("GET", "/jobs/0123456789abcdef0123456789abcdef/stems.zip"),
    ("POST", "/uploads"),
    ("PUT", "/uploads/0123456789abcdef0123456789abcdef"),
    ("GET", "/health"),
    ("GET", "/files/jobs/local/x/mix.wav"),
    ("HEAD", "/jobs"),
    ("PATCH", "/jobs"),
]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "prompt": st.text(max_size=40) | _JSON,
        "seed": st.integers() | _JSON,
        "duration_s": st.floats() | _JSON,
        "content_type": st.sampled_from(["audio/wav", "text/html", ""]) | _JSON,
        "size_bytes": st.integers() | _JSON,
        "reference_upload_id": st.text(max_size=40) | _JSON,
    },
)
_BODIES = (
    st.binary(max_size=200)
    | _JSON.map(lambda value: json.dumps(value).encode())
    | _FIELDS.map(lambda value: json.dumps(value).encode())
    | st.integers(min_value=1, max_value=3000).map(lambda depth: b"[" * depth + b"]" * depth)
)
_CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/json",
        "APPLICATION/JSON",
        "application/json; charset=latin-1",
        "text/plain",
        "application/xml",
        "application/octet-stream",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "audio/wav",
        "",
        ";;;",
    ]
) | st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)
_HEADER_VALUE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(
    str.strip  # what a client may send: h11 refuses surrounding whitespace before it reaches us
)
_HEADERS = st.dictionaries(
    st.sampled_from(
        ["Idempotency-Key", "Origin", "Range", "Accept", "Accept-Encoding", "X-Forwarded-Proto", "Cookie"]
    ),
    _HEADER_VALUE,
    max_size=4,
)
_QUERIES = st.dictionaries(
    st.sampled_from(["limit", "cursor", "expires", "signature", "filename", "status"]),
    st.text(max_size=30),
    max_size=3,
)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    body=_BODIES,
    content_type=_CONTENT_TYPES,
    headers=_HEADERS,
    query=_QUERIES,
)
def test_random_bodies_content_types_and_headers_on_every_route_never_get_a_5xx(
    served: Served,
    *,
    route: tuple[str, str],
    body: bytes,
    content_type: str | None,
    headers: dict[str, str],
    query: dict[str, str],
) -> None:
    method, path = route
    sent = dict(headers)
    if content_type is not None:
        sent["Content-Type"] = content_type
    response = httpx.request(
        method, f"{served.url}{path}", content=body, headers=sent, params=query, timeout=30
    )
    assert response.status_code < 500, (method, path, content_type, body[:80], response.text[:300])
    if response.status_code >= 400 and method != "HEAD":
        assert set(response.json()["error"]) == {"code", "message", "details"}


# -- 3. half-open connections and the connection cap ---------------------------------------------


def _connect(served: Served) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    connection.settimeout(10)
    return connection


def _read_all(connection: socket.socket) -> bytes:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    return data


def test_half_open_connections_are_answered_408_and_closed_at_the_read_deadline(served: Served) -> None:
    started = time.monotonic()
    half_open = []
    for _ in range(8):  # headers and one body byte of a 100-byte body, then silence
        connection = _connect(served)
        connection.sendall(
            b"POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        half_open.append(connection)
    trickling = _connect(served)  # a request line, then one header byte a second: slowloris
    trickling.sendall(b"GET /jobs HTTP/1.1\r\n")
    for byte in b"X-Slow: 1234567890":
        try:
            trickling.sendall(bytes([byte]))
        except OSError:
            break  # closed by the server: what we want
        time.sleep(0.25)
    for connection in half_open:
        answer = _read_all(connection)  # returns once the server closes the connection
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b'"request_timeout"' in answer
        connection.close()
    assert _read_all(trickling) == b""  # cut off without an answer: the request never arrived whole
    trickling.close()
    elapsed_s = time.monotonic() - started
    assert elapsed_s < HEADER_TIMEOUT_S + BODY_TIMEOUT_S + 6, elapsed_s
    assert httpx.get(f"{served.url}/health").status_code == 200  # and the threads are free again


def test_connections_past_the_cap_get_a_json_503_and_the_server_recovers(served: Served) -> None:
    idle = [_connect(served) for _ in range(MAX_CONNECTIONS)]
    time.sleep(0.3)  # let the server accept them all
    extra = _connect(served)
    answer = _read_all(extra)
    assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "service_unavailable"
    for connection in idle:
        connection.close()
    deadline = time.monotonic() + 5
    while True:  # the slots come back as the server notices the closes
        try:
            if httpx.get(f"{served.url}/health", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the server did not free its connection slots"
        time.sleep(0.1)


# -- 4. uploads only as reserved -----------------------------------------------------------------


def test_an_upload_put_takes_only_a_reserved_id_once_with_the_declared_size(served: Served) -> None:
    never = httpx.put(f"{served.url}/uploads/{'c' * 32}", content=WAV, headers={"Content-Type": "audio/wav"})
    assert_error_shape(never, 404, "not_found")
    ticket = httpx.post(
        f"{served.url}/uploads", json={"content_type": "audio/wav", "size_bytes": len(WAV)}
    ).json()
    path = urlsplit(ticket["url"]).path
    wrong_size = httpx.put(
        served.url + path, content=WAV + b"\x00" * 8, headers={"Content-Type": "audio/wav"}
    )
    assert_error_shape(wrong_size, 400, "invalid_input")
    other_key, _ = served.keys.create("mallory")
    theirs = httpx.put(
        served.url + path,
        content=WAV,
        headers={"Content-Type": "audio/wav", "Authorization": f"Bearer {other_key}"},
    )
    assert_error_shape(theirs, 404, "not_found")
    assert served.audio.list_keys("uploads/") == []
    stored = httpx.put(served.url + path, content=WAV, headers={"Content-Type": "audio/wav"})
    assert stored.status_code == 201, stored.text
    again = httpx.put(served.url + path, content=WAV[::-1], headers={"Content-Type": "audio/wav"})
    assert_error_shape(again, 409, "conflict")
    [key] = served.audio.list_keys("uploads/")
    assert served.audio.get_bytes(key) == WAV


# -- 5. download type from the stored object -----------------------------------------------------


def test_the_unsigned_filename_does_not_choose_the_download_type(served: Served) -> None:
    key = "jobs/local/0123456789abcdef0123456789abcdef/mix.wav"
    served.audio.put_bytes(key, WAV, "audio/wav")
    url = served.url + served.audio.download_url(key, expires_s=60, filename="evil.html")
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["content-disposition"] == 'attachment; filename="evil.html"'
    assert response.headers["x-content-type-options"] == "nosniff"


# -- 7. HEAD and over-long URLs ------------------------------------------------------------------


def test_head_on_a_get_route_answers_as_get_without_a_body(served: Served) -> None:
    for path in ("/jobs", "/health", "/openapi.json"):
        got = httpx.get(f"{served.url}{path}")
        head = httpx.head(f"{served.url}{path}")
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert int(head.headers["content-length"]) > 0
    assert httpx.head(f"{served.url}/jobs/{'f' * 32}").status_code == 404


@pytest.mark.parametrize("length", [70_000, 1_000_000])
def test_an_over_long_url_is_a_json_414(served: Served, length: int) -> None:
    """Past the 64 KiB request-line limit the stdlib enforces (and answers with an HTML page)."""
    connection = _connect(served)
    connection.sendall(b"GET /jobs?q=" + b"a" * length + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = _read_all(connection)
    connection.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414"), head[:200]
    assert b"application/json" in head
    assert json.loads(body)["error"]["code"] == "uri_too_long"
