"""The local HTTP front (`amp serve`'s server) in a thread on a loopback port: API Gateway events,
local API keys, body limits, signed file streaming with Range, and the SPA fallback."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from amp.adapters.local.api_keys import SqliteApiKeyStore
from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.api import dependencies
from amp.api.handler import lambda_handler
from amp.local_server import LocalServer, ServerConfig
from tests.support.fakes import FakeLauncher

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(200))


@dataclass
class Running:
    url: str
    keys: SqliteApiKeyStore
    audio: FilesystemAudioStore
    launcher: FakeLauncher


def start_server(
    tmp_path: Path, *, allow_anonymous: bool, web_dir: Path | None
) -> tuple[LocalServer, Running]:
    launcher = FakeLauncher()
    dependencies.use_local_launcher(launcher)
    keys = SqliteApiKeyStore(tmp_path / "api_keys.sqlite3")
    audio = dependencies.job_service().audio
    assert isinstance(audio, FilesystemAudioStore)
    server = LocalServer(
        "127.0.0.1",
        0,
        ServerConfig(
            handler=lambda_handler, keys=keys, audio=audio, web_dir=web_dir, allow_anonymous=allow_anonymous
        ),
    )
    return server, Running(f"http://127.0.0.1:{server.port}", keys, audio, launcher)


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    root = tmp_path / "web"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>AMP</title>")
    (root / "assets" / "app.js").write_text("console.log('amp')")
    return root


def _serve(tmp_path: Path, web_dir: Path | None, allow_anonymous: bool) -> Iterator[Running]:
    server, running = start_server(tmp_path, allow_anonymous=allow_anonymous, web_dir=web_dir)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        server.shutdown()
        server.close()
        thread.join(timeout=5)
        dependencies.use_local_launcher(None)


@pytest.fixture
def loopback(tmp_path: Path, web_dir: Path) -> Iterator[Running]:
    yield from _serve(tmp_path, web_dir, allow_anonymous=True)


@pytest.fixture
def exposed(tmp_path: Path) -> Iterator[Running]:
    yield from _serve(tmp_path, None, allow_anonymous=False)


def test_keyless_requests_on_loopback_act_as_the_local_owner(loopback: Running) -> None:
    response = httpx.post(f"{loopback.url}/jobs", json={"prompt": "lo-fi", "duration_s": 6})
    assert response.status_code == 202
    job = response.json()
    assert job["status_url"] == f"{loopback.url}/jobs/{job['id']}"
    assert dependencies.job_service().jobs.get(job["id"]).owner == "local"


def test_without_loopback_a_key_is_required_and_scopes_the_owner(exposed: Running) -> None:
    response = httpx.get(f"{exposed.url}/jobs")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    response = httpx.get(f"{exposed.url}/jobs", headers={"Authorization": "Bearer amp_not-a-real-key"})
    assert response.status_code == 401
    alice_key, _ = exposed.keys.create("alice")
    bob_key, _ = exposed.keys.create("bob")
    created = httpx.post(
        f"{exposed.url}/jobs",
        json={"prompt": "alice's song"},
        headers={"Authorization": f"Bearer {alice_key}"},
    ).json()
    assert dependencies.job_service().jobs.get(created["id"]).owner == "alice"
    as_bob = httpx.get(f"{exposed.url}/jobs/{created['id']}", headers={"Authorization": f"Bearer {bob_key}"})
    assert as_bob.status_code == 404
    listed = httpx.get(f"{exposed.url}/jobs", headers={"Authorization": f"Bearer {bob_key}"}).json()
    assert listed["jobs"] == []


def test_bad_key_is_refused_even_on_loopback(loopback: Running) -> None:
    response = httpx.get(f"{loopback.url}/jobs", headers={"Authorization": "Bearer amp_typo"})
    assert response.status_code == 401


def test_keys_are_stored_hashed(exposed: Running, tmp_path: Path) -> None:
    api_key, record = exposed.keys.create("carol")
    assert api_key.encode() not in (tmp_path / "api_keys.sqlite3").read_bytes()
    assert exposed.keys.owner_for(api_key) == "carol"
    exposed.keys.revoke(record.key_id)
    assert exposed.keys.owner_for(api_key) is None


def test_oversized_body_is_413_before_it_is_read(loopback: Running) -> None:
    response = httpx.post(
        f"{loopback.url}/jobs",
        content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert loopback.launcher.started == []


def test_direct_upload_then_job_with_the_reference(loopback: Running) -> None:
    ticket = httpx.post(
        f"{loopback.url}/uploads", json={"content_type": "audio/wav", "size_bytes": len(WAV)}
    ).json()
    assert ticket["method"] == "PUT"
    refused = httpx.put(ticket["url"], content=b"<html></html>", headers={"Content-Type": "audio/wav"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid_audio")
    stored = httpx.put(ticket["url"], content=WAV, headers=ticket["headers"])
    assert stored.status_code == 201
    assert stored.json()["size_bytes"] == len(WAV)
    job = httpx.post(
        f"{loopback.url}/jobs", json={"prompt": "like my track", "reference_upload_id": ticket["upload_id"]}
    ).json()
    assert job["reference_key"] == f"uploads/local/{ticket['upload_id']}.wav"


def test_signed_download_streams_with_range_and_refuses_bad_signatures(loopback: Running) -> None:
    key = "jobs/local/" + "a" * 32 + "/mix.wav"
    loopback.audio.put_bytes(key, WAV, "audio/wav")
    url = loopback.url + loopback.audio.download_url(key, expires_s=60, filename="my mix.wav")
    whole = httpx.get(url)
    assert whole.status_code == 200
    assert whole.content == WAV
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["content-disposition"] == 'attachment; filename="my mix.wav"'
    part = httpx.get(url, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206
    assert part.content == WAV[4:12]
    assert part.headers["content-range"] == f"bytes 4-11/{len(WAV)}"
    assert httpx.get(url, headers={"Range": "bytes=9999-"}).status_code == 416
    assert httpx.get(url.replace("signature=", "signature=0")).status_code == 403
    unsigned = httpx.get(f"{loopback.url}/files/{key}")
    assert unsigned.status_code == 403
    assert unsigned.json()["error"]["code"] == "forbidden"


def test_spa_is_served_at_root_with_index_fallback_and_api_paths_stay_api(loopback: Running) -> None:
    root = httpx.get(loopback.url + "/")
    assert root.status_code == 200 and "<title>AMP</title>" in root.text
    asset = httpx.get(loopback.url + "/assets/app.js")
    assert asset.text == "console.log('amp')"
    assert "immutable" in asset.headers["cache-control"]
    assert "<title>AMP</title>" in httpx.get(loopback.url + "/queue/some-client-route").text
    assert "<title>AMP</title>" in httpx.get(loopback.url + "/../../../etc/passwd").text
    assert httpx.get(loopback.url + "/health").json()["status"] == "ok"
    assert httpx.get(loopback.url + "/jobs", headers={"Accept": "text/html"}).json()["jobs"] == []


def test_error_bodies_are_json_everywhere(loopback: Running) -> None:
    for method, path in (("GET", "/jobs/" + "f" * 32), ("PATCH", "/jobs"), ("POST", "/uploads")):
        response = httpx.request(method, loopback.url + path)
        body: dict[str, Any] = json.loads(response.text)
        assert response.status_code >= 400
        assert set(body["error"]) == {"code", "message", "details"}


def test_keyless_requests_from_other_sites_or_rebound_hosts_are_refused(loopback: Running) -> None:
    evil_page = httpx.post(
        f"{loopback.url}/jobs", json={"prompt": "burn cpu"}, headers={"Origin": "https://evil.example"}
    )
    assert (evil_page.status_code, evil_page.json()["error"]["code"]) == (403, "forbidden")
    for host in ("attacker.example:8000", "127.attacker.example"):
        rebound = httpx.get(f"{loopback.url}/jobs", headers={"Host": host})
        assert rebound.status_code == 403, host
    own_page = httpx.get(f"{loopback.url}/jobs", headers={"Origin": loopback.url})
    assert own_page.status_code == 200
    assert loopback.launcher.started == []
    api_key, _ = loopback.keys.create("dana")
    with_key = httpx.get(
        f"{loopback.url}/jobs",
        headers={"Origin": "https://evil.example", "Authorization": f"Bearer {api_key}"},
    )
    assert with_key.status_code == 200


def test_amp_serve_answers_a_bad_plan_with_a_422_naming_the_field_and_starts_nothing(
    loopback: Running,
) -> None:
    """Issue 16's bad input over real HTTP (what `amp serve` + curl sees), not only the handler call."""
    sections = [{"name": "verse", "bars": 4}] * 3 + [{"name": "drop", "bars": 0}]
    response = httpx.post(f"{loopback.url}/jobs", json={"prompt": "techno", "plan": {"sections": sections}})
    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json()["error"]["details"]["fields"]}
    assert "plan.sections[3].bars" in fields
    assert loopback.launcher.started == []
