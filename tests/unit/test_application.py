"""The composition root: one Application per process and settings, what each handler kind demands of
its environment (refused at the first event, naming the variable), and the layering it keeps
(adapters never import stages, the provider interface never imports a provider)."""

import json
import os
import subprocess  # nosec B404: a fresh interpreter shows what an import pulls in
import sys
from pathlib import Path
from typing import Any

import pytest

import amp
from amp import application, config
from amp.application import Application, get_application, install_launcher, reset_application, stage_context
from amp.config import MisconfiguredHandler, check_handler_environment
from amp.domain.job import Job
from amp.lambda_context import LocalLambdaContext

CLOUD = {
    "AMP_BACKEND": "aws",
    "AMP_JOBS_TABLE": "amp-jobs",
    "AMP_AUDIO_BUCKET": "amp-audio",
    "AMP_IDEMPOTENCY_TABLE": "amp-idempotency",
    "AMP_STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:amp-pipeline",
}


class NoLauncher:
    def start(self, job: Job) -> str:
        raise AssertionError("not started in these tests")

    def stop(self, job: Job, reason: str) -> None:
        raise AssertionError("not stopped in these tests")


def test_the_application_is_built_once_per_process_and_shared_by_every_entry_point() -> None:
    first = get_application()
    assert get_application("stage") is first and get_application("api") is first
    assert stage_context() is first.stage_context
    assert first.job_service is get_application().job_service
    assert first.stage_context.jobs is first.jobs is first.job_service.jobs
    reset_application()
    assert get_application() is not first


def test_changed_settings_give_a_new_application(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = get_application()
    monkeypatch.setenv("AMP_DATA_DIR", str(tmp_path / "elsewhere"))
    config.get_settings.cache_clear()
    second = get_application()
    assert second is not first and second.settings.data_dir == tmp_path / "elsewhere"


def test_an_installed_launcher_is_what_the_service_starts_jobs_with() -> None:
    launcher = NoLauncher()
    before = get_application()
    stores = (before.jobs, before.audio, before.stage_context)
    install_launcher(launcher)
    try:
        assert get_application() is before  # only the launcher and the service over it change
        assert (before.jobs, before.audio, before.stage_context) == stores
        assert get_application().job_service.launcher is launcher
        reset_application()
        assert get_application().launcher is launcher  # survives a reset until uninstalled
    finally:
        install_launcher(None)
    assert get_application().launcher is not launcher


def test_a_local_parse_builds_no_cloud_client(tmp_path: Path) -> None:
    app = Application(config.Settings(data_dir=tmp_path))
    spec = app.stage_context.parser("techno at 130 bpm", seed_source="x")
    assert spec.bpm == 130
    assert "bedrock_runtime" not in vars(app.clients)


def test_the_bedrock_parser_uses_the_applications_client(tmp_path: Path) -> None:
    class FakeClients:
        calls = 0

        @property
        def bedrock_runtime(self) -> Any:
            FakeClients.calls += 1
            return object()

    app = Application(config.Settings(data_dir=tmp_path, parser="bedrock"), clients=FakeClients())  # type: ignore[arg-type]
    parser: Any = app.parser
    assert type(parser.__self__).__name__ == "BedrockPromptParser"
    assert app.parser is parser and FakeClients.calls == 1


@pytest.mark.parametrize("kind", ["stage", "api", "batch"])
def test_the_local_backend_needs_no_handler_variables(kind: config.HandlerKind) -> None:
    assert check_handler_environment(kind, {}).backend == "local"


@pytest.mark.parametrize(
    ("kind", "change", "variable"),
    [
        ("api", {"AMP_STATE_MACHINE_ARN": ""}, "AMP_STATE_MACHINE_ARN: not set"),
        ("api", {"AMP_IDEMPOTENCY_TABLE": ""}, "AMP_IDEMPOTENCY_TABLE: not set"),
        ("api", {"AMP_STATE_MACHINE_ARN": "amp-pipeline"}, "AMP_STATE_MACHINE_ARN: String should match"),
        ("batch", {"AMP_STATE_MACHINE_ARN": ""}, "AMP_STATE_MACHINE_ARN: not set"),
        ("batch", {"AMP_AUDIO_BUCKET": "Not_A_Bucket"}, "AMP_AUDIO_BUCKET: String should match"),
        ("stage", {"AMP_JOBS_TABLE": "x"}, "AMP_JOBS_TABLE: String should match"),
        ("stage", {"AMP_AUDIO_BUCKET": ""}, "AMP_AUDIO_BUCKET"),
        ("stage", {"AMP_PRESIGNED_URL_EXPIRY_S": "10"}, "AMP_PRESIGNED_URL_EXPIRY_S"),
    ],
)
def test_a_cloud_handler_with_a_missing_or_bad_variable_is_refused_naming_it(
    kind: config.HandlerKind, change: dict[str, str], variable: str
) -> None:
    with pytest.raises(MisconfiguredHandler, match=f"the {kind} handler cannot start: .*{variable}"):
        check_handler_environment(kind, {**CLOUD, **change})


def test_what_the_stage_kind_does_not_need_is_not_demanded() -> None:
    stage_only = {name: value for name, value in CLOUD.items() if name != "AMP_STATE_MACHINE_ARN"}
    assert check_handler_environment("stage", stage_only).backend == "aws"
    with pytest.raises(MisconfiguredHandler, match="AMP_STATE_MACHINE_ARN"):
        check_handler_environment("batch", stage_only)


def test_a_stage_handler_refuses_its_first_event_when_misconfigured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from amp.entrypoints.stages import stage_handler

    for name, value in {**CLOUD, "AMP_AUDIO_BUCKET": "Bad Bucket"}.items():
        monkeypatch.setenv(name, value)
    config.get_settings.cache_clear()
    handler = stage_handler("parse")
    with pytest.raises(MisconfiguredHandler, match="AMP_AUDIO_BUCKET"):
        handler({"job_id": "0" * 32}, LocalLambdaContext())


def test_the_api_answers_500_and_logs_the_variable_when_misconfigured(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from amp.api.handler import lambda_handler

    for name, value in CLOUD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AMP_STATE_MACHINE_ARN")
    config.get_settings.cache_clear()
    answer = lambda_handler({"httpMethod": "GET", "path": "/health", "headers": {}}, LocalLambdaContext())
    assert answer["statusCode"] == 500
    assert json.loads(answer["body"])["error"]["code"] == "misconfigured"
    assert "AMP_STATE_MACHINE_ARN" not in answer["body"]
    reasons = [str(getattr(record, "reason", "")) for record in caplog.records]
    assert any("AMP_STATE_MACHINE_ARN: not set" in reason for reason in reasons)


def test_a_batch_handler_refuses_a_bad_settings_value_as_misconfigured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AMP_BACKEND", "gcp")
    config.get_settings.cache_clear()
    with pytest.raises(MisconfiguredHandler, match=r"the batch handler cannot start: .*AMP_BACKEND"):
        application.get_application("batch")


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    layer = str(Path(amp.__file__).resolve().parents[1])  # this checkout's package, not an installed one
    out = subprocess.run(  # nosec B603: this interpreter, fixed arguments
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": layer},
    ).stdout
    return set(out.split())


def test_adapter_selection_does_not_import_stages_or_services() -> None:
    modules = _imported_after("import amp.adapters.factory")
    assert not {m for m in modules if m.startswith(("amp.stages", "amp.services", "amp.application"))}


def test_the_provider_interface_imports_no_provider() -> None:
    modules = _imported_after("import amp.providers.base")
    assert not {"amp.providers.registry", "amp.providers.procedural", "amp.providers.stability"} & modules


def test_parse_and_stability_do_not_reach_into_the_aws_adapters() -> None:
    parse_modules = _imported_after("import amp.stages.parse")
    stability_modules = _imported_after("import amp.providers.stability")
    assert not {m for m in parse_modules | stability_modules if m.startswith("amp.adapters.aws")}
