"""The Stability credits budget is refused before anything starts: POST /jobs (422 in the JSON error
shape naming the estimate and the budget), a batch line (that line's error) and `amp generate` (exit
2 with the message) compute the provider's own estimate (`amp.providers.budget`) from the spec the
parse stage will make, and a job over AMP_STABILITY_MAX_CREDITS is not created. A whole-mix song
longer than one request is refused the same way. No network: nothing gets as far as a request."""

import json
from pathlib import Path
from typing import Any

import pytest

from amp import application
from amp.api import dependencies
from amp.audio_io import SAMPLE_RATE
from amp.batch.manifest import ManifestSource, parse_manifest
from amp.batch.runner import start_jobs
from amp.cli.main import main
from amp.config import get_settings
from amp.domain.job import JobOptions
from amp.prompt.parser import parse_prompt
from amp.providers import budget
from amp.providers.budget import CREDITS_PER_REQUEST, OverBudget, estimate_credits, estimate_requests
from amp.providers.stability import StabilityProvider
from tests.support.fakes import FakeLauncher
from tests.unit.test_api_handler import call, load_event

PROMPT = "driving house at 124 bpm in A minor with 909 drums, bass and piano chords"


@pytest.fixture
def budget_of(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_budget(credits: float) -> None:
        monkeypatch.setenv("AMP_STABILITY_MAX_CREDITS", f"{credits:g}")
        get_settings.cache_clear()
        application.reset_application()

    return set_budget


@pytest.fixture
def launcher() -> Any:
    recording = FakeLauncher()
    dependencies.use_local_launcher(recording)
    yield recording
    dependencies.use_local_launcher(None)


def _guided_estimate(duration_s: float) -> tuple[float, int]:
    """What the provider will estimate for PROMPT at this length (the service parses the same way;
    the seed does not change which roles the prompt names)."""
    spec = parse_prompt(PROMPT, options=JobOptions(duration_s=duration_s, provider="stability"))
    return estimate_credits(spec, "guided"), len(spec.roles())


def test_the_budget_module_is_the_providers_estimate_and_its_sample_rate() -> None:
    assert budget.SAMPLE_RATE == SAMPLE_RATE
    spec = parse_prompt(PROMPT, options=JobOptions(duration_s=20.0))
    provider = StabilityProvider(api_key="k", max_credits=None)
    assert provider.check_budget(spec) == estimate_credits(spec, "guided") == 20.0 * len(spec.roles())
    long = parse_prompt(PROMPT, options=JobOptions(duration_s=250.0))
    sections = len(budget.plan_sections(long))
    assert sections >= 2 and estimate_requests(long, "guided") == sections * len(long.roles())
    assert estimate_requests(spec, "mix") == 1
    with pytest.raises(OverBudget) as refused:
        budget.check_budget(spec, "guided", 20.0)
    assert refused.value.estimate_credits == 20.0 * len(spec.roles()) and refused.value.budget_credits == 20.0


def test_post_jobs_over_the_budget_is_422_naming_the_estimate_and_the_budget_and_creates_nothing(
    budget_of: Any, launcher: FakeLauncher
) -> None:
    credits, stems = _guided_estimate(20.0)
    budget_of(credits - CREDITS_PER_REQUEST)
    body = {"prompt": PROMPT, "provider": "stability", "duration_s": 20}
    status, _, answer = call(load_event("api_create_job.json", body=body))
    assert status == 422, answer
    error = answer["error"]
    assert error["code"] == "over_budget"
    assert f"about {credits:g} Stability AI credits" in error["message"]
    assert f"AMP_STABILITY_MAX_CREDITS={credits - CREDITS_PER_REQUEST:g}" in error["message"]
    assert error["details"] == {
        "field": "provider",
        "estimate_credits": credits,
        "budget_credits": credits - CREDITS_PER_REQUEST,
        "requests": stems,
    }
    assert launcher.started == []
    assert application.get_application().jobs.list_by_owner("local", limit=10).jobs == []

    budget_of(credits)  # exactly the estimate fits
    status, _, answer = call(load_event("api_create_job.json", body=body, headers={"Idempotency-Key": "b2"}))
    assert status == 202 and launcher.started == [answer["id"]]


def test_a_whole_mix_fits_a_budget_a_guided_song_does_not_and_a_long_whole_mix_is_refused(
    budget_of: Any, launcher: FakeLauncher
) -> None:
    budget_of(CREDITS_PER_REQUEST)  # one request
    body: dict[str, Any] = {"prompt": PROMPT, "provider": "stability", "duration_s": 20}
    assert call(load_event("api_create_job.json", body=body))[0] == 422
    mix = {**body, "stability_mode": "mix"}
    status, _, answer = call(load_event("api_create_job.json", body=mix, headers={"Idempotency-Key": "m"}))
    assert status == 202, answer
    too_long = {**mix, "duration_s": 240}
    status, _, answer = call(
        load_event("api_create_job.json", body=too_long, headers={"Idempotency-Key": "l"})
    )
    assert status == 400 and answer["error"]["message"].startswith("duration_s: stability_mode 'mix'")
    assert "at most 190 s" in answer["error"]["message"]
    looped = {**mix, "loop": True}
    status, _, answer = call(load_event("api_create_job.json", body=looped, headers={"Idempotency-Key": "p"}))
    assert status == 422 and "loop: a whole-mix song" in json.dumps(answer["error"]["details"])
    assert len(launcher.started) == 1


def test_a_batch_line_over_the_budget_is_that_lines_error(budget_of: Any, tmp_path: Path) -> None:
    credits, _ = _guided_estimate(20.0)
    budget_of(credits / 2)
    launcher = FakeLauncher()
    service = application.get_application().job_service_with(launcher)
    lines = [
        {"prompt": PROMPT, "provider": "stability", "duration_s": 20},
        {"prompt": PROMPT, "duration_s": 20},  # procedural: no budget
    ]
    source = ManifestSource(location="s3://bucket/batch/alice/b.jsonl", revision="v1")
    manifest = b"\n".join(json.dumps(line).encode() for line in lines)
    result = start_jobs(
        parse_manifest(manifest), source, owner="alice", service=service, default_preset="club"
    )
    first, second = result.report
    assert first.status == "invalid" and "over the per-job budget AMP_STABILITY_MAX_CREDITS" in (
        first.error or ""
    )
    assert second.status == "started" and launcher.started == [source.job_id(2)]


def test_amp_generate_over_the_budget_exits_2_before_any_job(
    budget_of: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STABILITY_API_KEY", "sk-never-used")
    budget_of(CREDITS_PER_REQUEST)
    args = ["generate", PROMPT, "--provider", "stability", "--duration", "8", "--out", str(tmp_path / "o")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "over the per-job budget AMP_STABILITY_MAX_CREDITS=20" in err and "credits" in err
    assert application.get_application().jobs.list_by_owner("local", limit=10).jobs == []
    assert not (tmp_path / "o").exists()
