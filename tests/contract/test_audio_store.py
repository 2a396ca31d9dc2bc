"""One AudioStore contract, run against every backend: the filesystem, S3 in moto, and (marked `aws`)
the deployed stack's bucket. Backend-specific URL checks follow the shared ones."""

import base64
import errno
import json
import os
import stat
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from amp.adapters.aws.s3_audio import S3AudioStore
from amp.adapters.local.fs_audio import FilesystemAudioStore
from amp.domain.errors import InvalidInput, NotFound
from amp.domain.ports import AudioStore
from tests.support.template_resources import TemplateResources, deployed_resources


@pytest.fixture(params=["local", "moto", pytest.param("aws", marks=pytest.mark.aws)])
def audio_store(request: pytest.FixtureRequest, tmp_path: Path) -> AudioStore:
    if request.param == "local":
        return FilesystemAudioStore(tmp_path / "data" / "audio")
    if request.param == "moto":
        resources = request.getfixturevalue("moto_resources")
    else:
        resources = deployed_resources(os.environ["AWS_SAM_STACK_NAME"])
    return S3AudioStore(resources.buckets["AudioBucket"])


@pytest.fixture
def prefix(audio_store: AudioStore) -> Iterator[str]:
    """A uuid-tagged prefix per test, emptied afterwards."""
    tagged = f"test/{uuid.uuid4().hex}/"
    yield tagged
    audio_store.delete_prefix(tagged)


def test_put_then_get_returns_the_same_bytes(audio_store: AudioStore, prefix: str) -> None:
    data = bytes(range(256)) * 1000
    audio_store.put_bytes(f"{prefix}mix.wav", data, "audio/wav")
    assert audio_store.get_bytes(f"{prefix}mix.wav") == data
    assert audio_store.exists(f"{prefix}mix.wav")


def test_put_replaces_an_existing_object(audio_store: AudioStore, prefix: str) -> None:
    audio_store.put_bytes(f"{prefix}a.json", b"old", "application/json")
    audio_store.put_bytes(f"{prefix}a.json", b"new", "application/json")
    assert audio_store.get_bytes(f"{prefix}a.json") == b"new"


def test_empty_object_round_trips(audio_store: AudioStore, prefix: str) -> None:
    audio_store.put_bytes(f"{prefix}empty.txt", b"", "text/plain")
    assert audio_store.get_bytes(f"{prefix}empty.txt") == b""
    assert audio_store.exists(f"{prefix}empty.txt")


def test_missing_key_is_not_found(audio_store: AudioStore, prefix: str) -> None:
    assert not audio_store.exists(f"{prefix}missing.wav")
    with pytest.raises(NotFound):
        audio_store.get_bytes(f"{prefix}missing.wav")
    with pytest.raises(NotFound):
        audio_store.copy(f"{prefix}missing.wav", f"{prefix}copy.wav")


def test_size_bytes_is_the_stored_length_and_missing_is_not_found(
    audio_store: AudioStore, prefix: str
) -> None:
    audio_store.put_bytes(f"{prefix}stem.flac", b"fLaC" + bytes(996), "audio/flac")
    audio_store.put_bytes(f"{prefix}empty.txt", b"", "text/plain")
    assert audio_store.size_bytes(f"{prefix}stem.flac") == 1000
    assert audio_store.size_bytes(f"{prefix}empty.txt") == 0
    with pytest.raises(NotFound):
        audio_store.size_bytes(f"{prefix}missing.wav")


def test_put_stream_joins_its_chunks_into_one_object_past_a_multipart_part(
    audio_store: AudioStore, prefix: str
) -> None:
    """Bigger than one S3 part (8 MiB) so the cloud store does a real multipart upload; a small
    stream is one plain object; a stream that raises leaves nothing."""
    chunks = [bytes([n]) * (3 * 1024 * 1024 + n) for n in range(4)]  # ~12 MiB in uneven chunks
    assert audio_store.put_stream(f"{prefix}big.zip", iter(chunks), "application/zip") == sum(
        map(len, chunks)
    )
    assert audio_store.get_bytes(f"{prefix}big.zip") == b"".join(chunks)
    assert audio_store.put_stream(f"{prefix}small.zip", iter([b"PK", b"\x05\x06"]), "application/zip") == 4
    assert audio_store.get_bytes(f"{prefix}small.zip") == b"PK\x05\x06"

    def broken() -> Iterator[bytes]:
        yield bytes(9 * 1024 * 1024)
        raise RuntimeError("member unreadable")

    with pytest.raises(RuntimeError):
        audio_store.put_stream(f"{prefix}broken.zip", broken(), "application/zip")
    assert not audio_store.exists(f"{prefix}broken.zip")


def test_copy_duplicates_and_leaves_the_source(audio_store: AudioStore, prefix: str) -> None:
    audio_store.put_bytes(f"{prefix}work/mix.wav", b"RIFF-mix", "audio/wav")
    audio_store.copy(f"{prefix}work/mix.wav", f"{prefix}published/mix.wav")
    assert audio_store.get_bytes(f"{prefix}published/mix.wav") == b"RIFF-mix"
    assert audio_store.get_bytes(f"{prefix}work/mix.wav") == b"RIFF-mix"


def test_a_copy_replaces_its_destination_and_outlives_later_writes_to_the_source(
    audio_store: AudioStore, prefix: str
) -> None:
    """What Publish relies on: the published copy keeps the bytes it was copied with, whatever
    happens to the work file afterwards (rewritten by a retried stage, or deleted)."""
    audio_store.put_bytes(f"{prefix}work/mix.wav", b"RIFF-first", "audio/wav")
    audio_store.put_bytes(f"{prefix}published/mix.wav", b"RIFF-stale", "audio/wav")
    audio_store.copy(f"{prefix}work/mix.wav", f"{prefix}published/mix.wav")
    assert audio_store.get_bytes(f"{prefix}published/mix.wav") == b"RIFF-first"
    audio_store.put_bytes(f"{prefix}work/mix.wav", b"RIFF-second", "audio/wav")
    assert audio_store.get_bytes(f"{prefix}published/mix.wav") == b"RIFF-first"
    audio_store.delete_prefix(f"{prefix}work/")
    assert audio_store.get_bytes(f"{prefix}published/mix.wav") == b"RIFF-first"
    assert audio_store.size_bytes(f"{prefix}published/mix.wav") == len(b"RIFF-first")


def test_list_keys_is_sorted_and_bounded_by_prefix(audio_store: AudioStore, prefix: str) -> None:
    keys = [f"{prefix}stems/drums.wav", f"{prefix}mix.wav", f"{prefix}stems/bass.wav", f"{prefix}a/b/c.mid"]
    for key in keys:
        audio_store.put_bytes(key, key.encode(), "application/octet-stream")
    audio_store.put_bytes(f"{prefix[:-1]}-sibling/x.wav", b"x", "audio/wav")
    try:
        assert audio_store.list_keys(prefix) == sorted(keys)
        assert audio_store.list_keys(f"{prefix}stems/") == [
            f"{prefix}stems/bass.wav",
            f"{prefix}stems/drums.wav",
        ]
        assert audio_store.list_keys(f"{prefix}stems/b") == [f"{prefix}stems/bass.wav"]
        assert audio_store.list_keys(f"{prefix}nothing/") == []
    finally:
        audio_store.delete_prefix(f"{prefix[:-1]}-sibling/")


def test_delete_prefix_removes_only_that_prefix(audio_store: AudioStore, prefix: str) -> None:
    for name in ("work/a.wav", "work/b/c.wav", "work/b/d.wav", "keep/e.wav"):
        audio_store.put_bytes(f"{prefix}{name}", b"1", "audio/wav")
    assert audio_store.delete_prefix(f"{prefix}work/") == 3
    assert audio_store.list_keys(prefix) == [f"{prefix}keep/e.wav"]
    assert audio_store.delete_prefix(f"{prefix}work/") == 0


def test_delete_prefix_refuses_the_whole_store(audio_store: AudioStore) -> None:
    with pytest.raises(InvalidInput):
        audio_store.delete_prefix("")


@pytest.fixture(params=["local", pytest.param("aws", marks=pytest.mark.aws)])
def threaded_audio_store(request: pytest.FixtureRequest, tmp_path: Path) -> AudioStore:
    """Backends that may be written from many threads. moto's in-memory S3 is not thread-safe (parallel
    PUTs of one key close each other's buffers), and S3's own atomicity is AWS's guarantee, checked live."""
    if request.param == "local":
        return FilesystemAudioStore(tmp_path / "data" / "audio")
    return S3AudioStore(deployed_resources(os.environ["AWS_SAM_STACK_NAME"]).buckets["AudioBucket"])


def test_concurrent_writers_leave_one_whole_object(threaded_audio_store: AudioStore) -> None:
    prefix = f"test/{uuid.uuid4().hex}/"
    key = f"{prefix}contended.bin"
    payloads = [bytes([i]) * 200_000 for i in range(8)]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(
                pool.map(
                    lambda data: threaded_audio_store.put_bytes(key, data, "application/octet-stream"),
                    payloads,
                )
            )
        assert threaded_audio_store.get_bytes(key) in payloads
        assert threaded_audio_store.list_keys(prefix) == [key]
    finally:
        threaded_audio_store.delete_prefix(prefix)


@pytest.mark.parametrize("key", ["/etc/passwd", "a/../../b", "..", "a\\b", "a//b", "a/", "x y.wav", "é.wav"])
def test_unsafe_keys_are_invalid_input(audio_store: AudioStore, key: str) -> None:
    with pytest.raises(InvalidInput):
        audio_store.put_bytes(key, b"x", "text/plain")
    with pytest.raises(InvalidInput):
        audio_store.get_bytes(key)


def test_download_url_expiry_is_bounded(audio_store: AudioStore, prefix: str) -> None:
    audio_store.put_bytes(f"{prefix}mix.wav", b"x", "audio/wav")
    with pytest.raises(InvalidInput):
        audio_store.download_url(f"{prefix}mix.wav", expires_s=901)
    with pytest.raises(InvalidInput):
        audio_store.download_url(f"{prefix}mix.wav", expires_s=0)


# --- local: signed routes of the local server -------------------------------------------------------


@pytest.fixture
def fs_store(tmp_path: Path) -> FilesystemAudioStore:
    return FilesystemAudioStore(tmp_path / "data" / "audio", url_base="/files")


def _signed_parts(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {name: values[0] for name, values in parse_qs(parts.query).items()}


def test_local_download_url_is_a_signed_route_that_verifies(fs_store: FilesystemAudioStore) -> None:
    key = f"jobs/owner/{uuid.uuid4().hex}/mix.wav"
    fs_store.put_bytes(key, b"RIFF", "audio/wav")
    before = int(time.time())
    url = fs_store.download_url(key, expires_s=600, filename='my "song".wav')
    path, query = _signed_parts(url)
    assert path == f"/files/{key}"
    assert before + 600 <= int(query["expires"]) <= int(time.time()) + 600
    assert len(query["signature"]) == 64
    assert query["filename"] == "my _song_.wav"
    assert fs_store.verify_download(key, query["expires"], query["signature"])
    assert fs_store.path_for(key).read_bytes() == b"RIFF"


def test_local_signature_rejects_tampering_and_expiry(fs_store: FilesystemAudioStore) -> None:
    key = f"jobs/owner/{uuid.uuid4().hex}/mix.wav"
    _, query = _signed_parts(fs_store.download_url(key, expires_s=60))
    expires, signature = query["expires"], query["signature"]
    assert not fs_store.verify_download(f"{key}x", expires, signature)
    assert not fs_store.verify_download(key, str(int(expires) + 1), signature)
    assert not fs_store.verify_download(key, expires, signature[:-1] + ("0" if signature[-1] != "0" else "1"))
    assert not fs_store.verify_download(key, "soon", signature)
    assert not fs_store.verify_download("../secret", expires, signature)
    past = int(time.time()) - 1
    expired_signature = fs_store._sign(key, past)
    assert not fs_store.verify_download(key, past, expired_signature)


def test_local_signing_key_is_private_and_shared_across_instances(tmp_path: Path) -> None:
    first = FilesystemAudioStore(tmp_path / "audio")
    key = "jobs/o/j/mix.wav"
    _, query = _signed_parts(first.download_url(key))
    secret_path = tmp_path / "url-signing.key"
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    second = FilesystemAudioStore(tmp_path / "audio")
    assert second.verify_download(key, query["expires"], query["signature"])


def test_local_writes_leave_no_temp_files(fs_store: FilesystemAudioStore) -> None:
    fs_store.put_bytes("a/b.wav", b"1", "audio/wav")
    fs_store.copy("a/b.wav", "a/c.wav")
    assert sorted(path.name for path in (fs_store.root / "a").iterdir()) == ["b.wav", "c.wav"]


def test_local_copy_is_a_hard_link_not_a_second_set_of_bytes(fs_store: FilesystemAudioStore) -> None:
    fs_store.put_bytes("work/mix.wav", b"RIFF" + bytes(4096), "audio/wav")
    fs_store.copy("work/mix.wav", "jobs/mix.wav")
    source, copied = fs_store.path_for("work/mix.wav"), fs_store.path_for("jobs/mix.wav")
    assert copied.stat().st_ino == source.stat().st_ino and copied.stat().st_nlink == 2
    assert [path.name for path in (fs_store.root / "jobs").iterdir()] == ["mix.wav"]  # no temp left


def test_local_copy_falls_back_to_bytes_where_no_link_can_be_made(
    fs_store: FilesystemAudioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another filesystem (EXDEV) or one without hard links: the bytes are copied, atomically."""

    def no_links(source: object, destination: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    fs_store.put_bytes("work/stem.wav", b"RIFF-stem", "audio/wav")
    monkeypatch.setattr(os, "link", no_links)
    fs_store.copy("work/stem.wav", "jobs/stem.wav")
    assert fs_store.get_bytes("jobs/stem.wav") == b"RIFF-stem"
    assert (
        fs_store.path_for("jobs/stem.wav").stat().st_ino != fs_store.path_for("work/stem.wav").stat().st_ino
    )
    assert [path.name for path in (fs_store.root / "jobs").iterdir()] == ["stem.wav"]


def test_local_path_for_missing_key_is_not_found(fs_store: FilesystemAudioStore) -> None:
    with pytest.raises(NotFound):
        fs_store.path_for("a/missing.wav")


# --- S3: presigned URLs and upload forms (moto) ------------------------------------------------------


@pytest.fixture
def s3_store(moto_resources: TemplateResources) -> S3AudioStore:
    return S3AudioStore(moto_resources.buckets["AudioBucket"])


def test_s3_copy_is_one_server_side_copy_object(s3_store: S3AudioStore) -> None:
    """Publish's copies never bring the bytes through the Lambda: one CopyObject call, no Get/Put."""
    key = f"work/owner/{uuid.uuid4().hex}/mix.wav"
    s3_store.put_bytes(key, b"RIFF-mix", "audio/wav")
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    events = s3_store._client.meta.events
    events.register("before-call.s3", record)
    try:
        s3_store.copy(key, key.replace("work/", "jobs/"))
    finally:
        events.unregister("before-call.s3", record)
    assert calls == ["CopyObject"]
    assert s3_store.get_bytes(key.replace("work/", "jobs/")) == b"RIFF-mix"


def test_s3_download_url_is_presigned_for_at_most_15_minutes(s3_store: S3AudioStore) -> None:
    key = f"jobs/owner/{uuid.uuid4().hex}/mix.wav"
    s3_store.put_bytes(key, b"RIFF", "audio/wav")
    url = s3_store.download_url(key, expires_s=300, filename='my "song".wav')
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert parts.path.endswith(f"/{key}")
    assert query["X-Amz-Expires"] == "300"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["response-content-disposition"] == 'attachment; filename="my _song_.wav"'
    default = parse_qs(urlsplit(s3_store.download_url(key)).query)
    assert int(default["X-Amz-Expires"][0]) <= 900


def test_s3_upload_form_binds_key_type_and_size(s3_store: S3AudioStore) -> None:
    key = f"uploads/owner/{uuid.uuid4().hex}.wav"
    form = s3_store.upload_form(key, max_bytes=50_000_000, content_type="audio/wav", expires_s=600)
    fields = form["fields"]
    assert form["url"].startswith("https://")
    assert fields["key"] == key
    assert fields["Content-Type"] == "audio/wav"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 50_000_000] in policy["conditions"]
    assert {"Content-Type": "audio/wav"} in policy["conditions"]
    assert {"key": key} in policy["conditions"]
    expires_at = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expires_at <= datetime.now(UTC) + timedelta(seconds=601)


def test_s3_upload_form_refuses_unbounded_requests(s3_store: S3AudioStore) -> None:
    key = f"uploads/owner/{uuid.uuid4().hex}.wav"
    with pytest.raises(InvalidInput):
        s3_store.upload_form(key, max_bytes=0, content_type="audio/wav", expires_s=600)
    with pytest.raises(InvalidInput):
        s3_store.upload_form(key, max_bytes=1000, content_type="audio/wav", expires_s=3600)


def test_s3_presigned_url_and_upload_form_work_over_http(s3_store: S3AudioStore) -> None:
    """moto answers the HTTP calls in-process; it does not enforce the POST policy's size range."""
    import requests

    key = f"jobs/owner/{uuid.uuid4().hex}/mix.wav"
    s3_store.put_bytes(key, b"RIFF-bytes", "audio/wav")
    download = requests.get(s3_store.download_url(key, filename="mix.wav"), timeout=10)
    assert download.status_code == 200
    assert download.content == b"RIFF-bytes"
    assert download.headers["Content-Disposition"] == 'attachment; filename="mix.wav"'

    upload_key = f"uploads/owner/{uuid.uuid4().hex}.wav"
    form = s3_store.upload_form(upload_key, max_bytes=1000, content_type="audio/wav", expires_s=60)
    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("ref.wav", b"RIFF-ref")}, timeout=10
    )
    assert posted.status_code in (200, 201, 204)
    assert s3_store.get_bytes(upload_key) == b"RIFF-ref"


def test_local_failed_write_keeps_the_old_object_whole(
    fs_store: FilesystemAudioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs_store.put_bytes("jobs/o/j/mix.wav", b"old mix", "audio/wav")

    def failing_fsync(descriptor: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        fs_store.put_bytes("jobs/o/j/mix.wav", b"new mix, cut short", "audio/wav")
    monkeypatch.undo()
    assert fs_store.get_bytes("jobs/o/j/mix.wav") == b"old mix"
    assert [path.name for path in (fs_store.root / "jobs/o/j").iterdir()] == ["mix.wav"]
