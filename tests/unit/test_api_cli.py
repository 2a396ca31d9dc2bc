"""`amp keys` and the parts of `amp serve` that decide who may call without a key."""

from pathlib import Path

import pytest

from amp.adapters.local.api_keys import SqliteApiKeyStore
from amp.cli.main import main
from amp.cli.serve_cmd import default_web_dir, is_loopback


def test_keys_create_prints_a_working_key_once_and_list_never_shows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "alice"]) == 0
    api_key = capsys.readouterr().out.strip()
    store = SqliteApiKeyStore(tmp_path / "api_keys.sqlite3")
    assert store.owner_for(api_key) == "alice"

    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "alice" in listing and api_key not in listing
    [record] = store.list()

    assert main(["keys", "revoke", record.key_id]) == 0
    assert store.owner_for(api_key) is None
    assert main(["keys", "revoke", record.key_id]) == 1  # unknown id: a clear error, not a crash


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.5.5", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.20", False), ("::", False), ("example.com", False)],
)  # fmt: skip
def test_only_loopback_binds_allow_keyless_requests(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_web_dir_comes_from_the_environment_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMP_WEB_DIR", str(tmp_path))
    assert default_web_dir() == tmp_path


def test_serve_refuses_the_aws_backend(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from amp import config

    monkeypatch.setenv("AMP_BACKEND", "aws")
    monkeypatch.setenv("AMP_JOBS_TABLE", "jobs")
    monkeypatch.setenv("AMP_AUDIO_BUCKET", "bucket")
    config.get_settings.cache_clear()
    assert main(["serve", "--port", "0"]) == 2  # a usage error: nothing was started
    assert "local backend" in capsys.readouterr().err
