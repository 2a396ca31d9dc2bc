"""Settings come from AMP_* env: good values are taken, malformed ones refused naming the variable."""

from pathlib import Path

import pytest

from amp.config import Settings, get_settings, settings_from_env
from amp.domain.errors import InvalidInput


def test_empty_env_gives_local_defaults() -> None:
    settings = settings_from_env({})
    assert settings.backend == "local"
    assert settings.parser == "rules"
    assert settings.presigned_url_expiry_s == 900
    assert settings.default_master_preset == "streaming"


def test_aws_backend_with_resources_is_accepted(tmp_path: Path) -> None:
    settings = settings_from_env(
        {
            "AMP_BACKEND": "aws",
            "AMP_DATA_DIR": str(tmp_path),
            "AMP_JOBS_TABLE": "amp-jobs",
            "AMP_IDEMPOTENCY_TABLE": "amp-idempotency",
            "AMP_AUDIO_BUCKET": "amp-audio",
            "AMP_STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:amp",
            "AMP_PARSER": "bedrock",
            "AMP_DEFAULT_MASTER_PRESET": "club",
            "AMP_PRESIGNED_URL_EXPIRY_S": "300",
        }
    )
    assert settings == Settings(
        backend="aws",
        data_dir=tmp_path,
        jobs_table="amp-jobs",
        idempotency_table="amp-idempotency",
        audio_bucket="amp-audio",
        state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:amp",
        parser="bedrock",
        default_master_preset="club",
        presigned_url_expiry_s=300,
    )


def test_empty_values_count_as_unset() -> None:
    assert settings_from_env({"AMP_BACKEND": "", "AMP_PRESIGNED_URL_EXPIRY_S": ""}).backend == "local"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"AMP_BACKEND": "gcp"}, "AMP_BACKEND"),
        ({"AMP_BACKEND": "aws", "AMP_AUDIO_BUCKET": "amp-audio"}, "AMP_JOBS_TABLE"),
        ({"AMP_BACKEND": "aws", "AMP_JOBS_TABLE": "amp-jobs"}, "AMP_AUDIO_BUCKET"),
        ({"AMP_PRESIGNED_URL_EXPIRY_S": "901"}, "AMP_PRESIGNED_URL_EXPIRY_S"),
        ({"AMP_PRESIGNED_URL_EXPIRY_S": "59"}, "AMP_PRESIGNED_URL_EXPIRY_S"),
        ({"AMP_PRESIGNED_URL_EXPIRY_S": "ten minutes"}, "AMP_PRESIGNED_URL_EXPIRY_S"),
        ({"AMP_PARSER": "gpt"}, "AMP_PARSER"),
        ({"AMP_DEFAULT_MASTER_PRESET": "loud"}, "AMP_DEFAULT_MASTER_PRESET"),
    ],
)
def test_malformed_settings_are_refused_naming_the_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(InvalidInput, match=named):
        settings_from_env(environ)


def test_get_settings_reads_the_process_env_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMP_DATA_DIR", str(tmp_path / "first"))
    first = get_settings()
    monkeypatch.setenv("AMP_DATA_DIR", str(tmp_path / "second"))
    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().data_dir == tmp_path / "second"


def test_tests_run_against_their_own_data_dir(tmp_path: Path) -> None:
    assert get_settings().data_dir == tmp_path
    assert get_settings().backend == "local"
