"""Stability whole-mix mode (`stability_mode: "mix"`) end to end against the fake Stable Audio server,
through the real state machine (in-process runner) and every real stage: one text-to-audio request
makes the song; MixAndMaster masters it with no stem mixing; QA judges the mix alone (hard loudness /
peak / clipping / silence checks, advisory tempo and key against what was asked, the stem checks "not
applicable: whole-mix mode"); Publish publishes the mix, preview, plots and report, no stems or MIDI.
The record reports the tempo and key measured in the returned audio (amp.analysis), not the spec's;
the API says the stems are unavailable and why (stems.zip 404 with the sentence), the web app's
field is set, and edits that need stems are refused (409). A 12 s song keeps it short."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amp import application
from amp.analysis.features import analysis_mono, estimate_key, estimate_tempo
from amp.api import dependencies
from amp.audio_io import decode_audio
from amp.cli.main import main
from amp.config import get_settings
from amp.domain.job import WHOLE_MIX_STEMS_REASON
from amp.providers.budget import CREDITS_PER_REQUEST
from tests.support.fake_stability import TEXT_TO_AUDIO, FakeStability
from tests.support.fakes import FakeLauncher
from tests.unit.test_api_handler import call, load_event

PROMPT = "driving house at 124 bpm in A minor with 909 drums, bass and piano chords"


@pytest.fixture
def fake_stability(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStability]:
    with FakeStability() as fake:
        monkeypatch.setenv("STABILITY_API_KEY", fake.api_key)
        monkeypatch.setenv("AMP_STABILITY_BASE_URL", fake.base_url)
        monkeypatch.setenv("AMP_STABILITY_MAX_CREDITS", f"{CREDITS_PER_REQUEST:g}")  # one request fits
        get_settings.cache_clear()
        application.reset_application()
        yield fake
    get_settings.cache_clear()
    application.reset_application()


def _generate(out: Path) -> int:
    return main(
        [
            "generate", PROMPT, "--provider", "stability", "--stability-mode", "mix",
            "--duration", "12", "--seed", "3", "--out", str(out),
        ]
    )  # fmt: skip


@pytest.mark.slow
def test_a_whole_mix_job_is_one_request_mastered_and_checked_as_a_mix_with_no_stems(
    fake_stability: FakeStability, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "song"
    assert _generate(out) == 0
    err = capsys.readouterr().err
    assert WHOLE_MIX_STEMS_REASON in err and "(asked 124 bpm, A minor)" in err

    (request,) = fake_stability.requests
    assert request.path == TEXT_TO_AUDIO and request.audio is None
    job: dict[str, Any] = json.loads((out / "job.json").read_text())
    assert job["status"] == "SUCCEEDED" and job["stems_unavailable"] == WHOLE_MIX_STEMS_REASON
    kinds = sorted(a["kind"] for a in job["artifacts"])
    assert kinds == ["mix", "preview", "report", "spectrogram", "waveform"]
    assert not (out / "stems").exists() and not (out / "midi").exists() and not (out / "stems.zip").exists()

    # Measured vs asked, honestly: the numbers amp.analysis hears in the model's song (the fake drifts
    # 2-4% off the asked tempo and picks its own chord), never the spec's copied over.
    report = job["stem_reports"]["mix"]
    assert (report["mode"], report["stem_available"], report["requests"]) == ("mix", False, 1)
    assert report["credits"] == CREDITS_PER_REQUEST and report["sections"] == []
    assert report["asked"] == {"bpm": 124.0, "key": "A", "mode": "minor"}
    measured = report["measured"]
    assert measured["bpm"] is not None and 0.015 <= abs(measured["bpm"] / 124.0 - 1.0) <= 0.05
    mix, rate = decode_audio((out / "mix.wav").read_bytes())
    assert mix.shape[1] == round(job["spec"]["duration_s"] * rate)  # 12 s asked: whole bars
    heard = estimate_tempo(analysis_mono(mix, rate))
    assert heard.bpm is not None and abs(heard.bpm / measured["bpm"] - 1.0) <= 0.01  # mastering keeps time
    heard_key = estimate_key(analysis_mono(mix, rate))
    assert (heard_key.key, heard_key.mode) == (measured["key"], measured["mode"])

    qa = job["qa"]
    checks = {check["name"]: check for check in qa["checks"]}
    assert qa["passed"] is True
    hard = {"integrated_loudness", "true_peak", "clipping", "silence", "dc_offset", "phase_correlation"}
    assert hard <= set(checks) and all(checks[name]["severity"] == "hard" for name in hard)
    assert {checks[name]["severity"] for name in ("tempo", "key", "spectral_balance")} == {"advisory"}
    assert checks["tempo"]["value"] == pytest.approx(measured["bpm"], abs=0.01)
    assert "124" in checks["tempo"]["threshold"] and "A minor" in checks["key"]["threshold"]
    assert checks["stems"]["threshold"] == "not applicable: whole-mix mode" and checks["stems"]["passed"]
    assert not {"stems_sum", "stems_intact", "excluded_roles", "downbeats"} & set(checks)


@pytest.mark.slow
def test_the_api_says_a_whole_mix_job_has_no_stems_and_refuses_edits_that_need_them(
    fake_stability: FakeStability, tmp_path: Path
) -> None:
    assert _generate(tmp_path / "song") == 0
    (job,) = application.get_application().jobs.list_by_owner("local", limit=5).jobs
    dependencies.use_local_launcher(FakeLauncher())
    try:
        status, _, body = call(load_event("api_get_job.json", path=f"/jobs/{job.id}", owner="local"))
        assert status == 200, body
        assert body["stems_unavailable"] == WHOLE_MIX_STEMS_REASON
        assert body["stem_reports"]["mix"]["measured"]["bpm"] is not None
        assert {a["kind"] for a in body["artifacts"]} == {
            "mix",
            "preview",
            "report",
            "spectrogram",
            "waveform",
        }

        status, _, body = call(
            load_event("api_get_job.json", path=f"/jobs/{job.id}/stems.zip", owner="local")
        )
        assert status == 404 and body["error"]["code"] == "stems_unavailable"
        assert WHOLE_MIX_STEMS_REASON in body["error"]["message"]

        edits = [
            {"kind": "swap", "role": "bass"},
            {"kind": "add", "role": "vocal-like"},
            {"kind": "remove", "role": "pad"},
            {"kind": "replace_bars", "start_bar": 1, "end_bar": 2},
        ]
        for number, edit in enumerate(edits):
            headers = {"Idempotency-Key": f"edit-{number}"}
            status, _, body = call(
                load_event(
                    "api_create_job.json",
                    path=f"/jobs/{job.id}/edits",
                    body=edit,
                    owner="local",
                    headers=headers,
                )
            )
            assert status == 409, (edit, body)
            assert "whole-mix mode (stability_mode 'mix')" in body["error"]["message"]
    finally:
        dependencies.use_local_launcher(None)
