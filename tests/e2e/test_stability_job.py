"""A Stability job end to end against the fake Stable Audio server: `amp generate --provider
stability` with STABILITY_API_KEY and AMP_STABILITY_BASE_URL pointing at it runs the real state
machine (in-process runner) and every real stage; the mastered mix passes QA, its tempo as the
analysis module measures it is the spec's within 0.5%, and the job record says what each request
cost, what conforming corrected and which MIDI was transcribed. A budget too small for the job
fails it before any request, saying why. An 8 s song keeps it short."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amp import application
from amp.audio_io import decode_audio
from amp.cli.main import main
from amp.config import get_settings
from amp.providers.stability import CREDITS_PER_REQUEST
from tests.support.fake_stability import FakeStability

PROMPT = "driving house at 124 bpm in A minor with 909 drums, bass and piano chords"


@pytest.fixture
def fake_stability(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStability]:
    with FakeStability() as fake:
        monkeypatch.setenv("STABILITY_API_KEY", fake.api_key)
        monkeypatch.setenv("AMP_STABILITY_BASE_URL", fake.base_url)
        get_settings.cache_clear()
        application.reset_application()
        yield fake
    get_settings.cache_clear()
    application.reset_application()


def _generate(out: Path, *extra: str) -> int:
    return main(
        [
            "generate",
            PROMPT,
            "--provider",
            "stability",
            "--duration",
            "8",
            "--seed",
            "3",
            "--out",
            str(out),
            *extra,
        ]
    )


@pytest.mark.slow
def test_amp_generate_with_the_stability_provider_makes_one_conformed_song(
    fake_stability: FakeStability, tmp_path: Path
) -> None:
    from amp.analysis.features import analysis_mono, estimate_tempo

    out = tmp_path / "song"
    assert _generate(out, "--stability-strength", "0.4") == 0
    job: dict[str, Any] = json.loads((out / "job.json").read_text())
    assert job["status"] == "SUCCEEDED"
    assert job["qa"]["passed"] is True
    roles = [stem["role"] for stem in job["artifacts"] if stem["kind"] == "stem"]
    assert len(roles) >= 3
    reports = job["stem_reports"]
    assert set(reports) == set(roles)
    assert len(fake_stability.requests) == len(roles)  # one audio-to-audio request per stem
    for role, report in reports.items():
        assert report["mode"] == "guided" and report["strength"] == 0.4
        assert report["requests"] == 1 and report["credits"] == CREDITS_PER_REQUEST
        corrections = report["sections"][0]["corrections"]
        assert corrections["target_bpm"] == 124.0 and corrections["method"] in ("guide", "none")
        expected_midi = "guide" if role in ("drums", "percussion") else "transcribed"
        assert report["midi"] == expected_midi, role
        assert (out / "midi" / f"{role}.mid").is_file()
    assert sum(r["corrections"]["stretched"] for rep in reports.values() for r in rep["sections"]) >= 2

    mix, rate = decode_audio((out / "mix.wav").read_bytes())
    tempo = estimate_tempo(analysis_mono(mix, rate))
    assert tempo.bpm is not None and abs(tempo.bpm / 124.0 - 1.0) <= 0.005


def test_a_job_over_the_credit_budget_fails_before_any_request(
    fake_stability: FakeStability,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`amp generate` is refused before a job exists (exit 2, tests/unit/test_stability_budget.py);
    a job that got past that (queued before the budget was lowered) fails at the generate stage's
    backstop, before any request."""
    from amp.domain.job import Job, JobOptions, JobStatus
    from amp.orchestration.local_pipeline import run_job_locally

    monkeypatch.setenv("AMP_STABILITY_MAX_CREDITS", "40")
    get_settings.cache_clear()
    application.reset_application()
    assert _generate(tmp_path / "refused") == 2
    assert "over the per-job budget AMP_STABILITY_MAX_CREDITS=40" in capsys.readouterr().err
    jobs = application.stage_context().jobs
    queued = Job(owner="local", prompt=PROMPT, options=JobOptions(duration_s=8, seed=3, provider="stability"))
    jobs.create(queued)
    run_job_locally(queued.id)
    failed = jobs.get(queued.id)
    assert failed.status is JobStatus.FAILED and failed.error is not None
    message = f"at stage {failed.error.stage}: {failed.error.reason}"
    assert (
        "at stage generate" in message and "over the per-job budget AMP_STABILITY_MAX_CREDITS=40" in message
    )
    assert fake_stability.requests == []


def test_plain_http_to_a_non_loopback_base_url_is_refused_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STABILITY_API_KEY", "sk-x")
    monkeypatch.setenv("AMP_STABILITY_BASE_URL", "http://stability.example.com")
    get_settings.cache_clear()
    application.reset_application()
    assert _generate(tmp_path / "refused") == 2
    assert "AMP_STABILITY_BASE_URL" in capsys.readouterr().err
