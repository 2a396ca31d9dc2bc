"""The Stability AI provider against httpx.MockTransport following the documented Stable Audio 2
contract: multipart request fields, audio answers, every error code, retries with backoff inside a
budget, and the key kept out of errors; guided requests carry the guide as init audio, long songs
are requested section by section, credits are estimated and capped, requests are paced. Nothing
reaches the network (the audio behaviour against a model-like server: test_stability_guided.py)."""

import itertools
import random

import httpx
import numpy as np
import pytest

from amp.audio_io import SAMPLE_RATE, encode_wav
from amp.config import Settings
from amp.domain.errors import (
    InvalidAudio,
    InvalidInput,
    ProviderRejected,
    ProviderThrottled,
    ProviderUnavailable,
)
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.providers.base import RenderedStem, stem_frames
from amp.providers.conform import Conformed, Corrections
from amp.providers.stability import (
    AUDIO_TO_AUDIO_PATH,
    CREDITS_PER_REQUEST,
    MODEL,
    TEXT_TO_AUDIO_PATH,
    RequestPacer,
    RetryPolicy,
    StabilityProvider,
    crossfade_join,
    estimate_credits,
    plan_sections,
    stem_prompt,
)

KEY = "sk-test-SECRET-1234567890"


def _spec(duration_s: float = 8.0, **changes: object) -> MusicSpec:
    values: dict[str, object] = {
        "genre": "drum and bass",
        "bpm": 174.0,
        "key": "D",
        "mode": Mode.MINOR,
        "duration_s": duration_s,
        "seed": 42,
        "energy": 0.9,
        "mood": ["dark"],
        "instruments": [
            Instrument(name="reese bass", role=Role.BASS),
            Instrument(name="breakbeat", role=Role.DRUMS),
        ],
    }
    values.update(changes)
    return MusicSpec.model_validate(values)


def _wav(seconds: float, sample_rate: int = 44_100, channels: int = 2) -> bytes:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    tone = (0.3 * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)
    return encode_wav(np.tile(tone, (channels, 1)), sample_rate, subtype="PCM_16")


class Recorder:
    """Clock and sleep that advance fake time; the requests the mock API saw."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.requests: list[httpx.Request] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


GUIDE_MIDI = b"MThd guide"


def _tone_guide(spec: MusicSpec, role: Role) -> RenderedStem:
    """A stand-in for the procedural stem: a 220 Hz tone of the stem's exact length."""
    t = np.arange(stem_frames(spec)) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)
    return RenderedStem(audio=np.tile(tone, (2, 1)), midi=GUIDE_MIDI)


def _trim_only(
    clip: np.ndarray,
    *,
    bpm: float,
    frames: int,
    guide: np.ndarray | None = None,
    pitched: bool = True,
    beats_per_bar: int = 4,
) -> Conformed:
    """The contract tests need no audio analysis: cut to length, report nothing corrected."""
    out = np.zeros((2, frames), np.float32)
    out[:, : min(frames, clip.shape[1])] = clip[:, :frames]
    corrections = Corrections(
        measured_bpm=None, target_bpm=bpm, tempo_ratio=1.0, stretched=False, lead_in_s=0.0, method="none"
    )
    return Conformed(out, corrections)


def _provider(
    handler: "callable[[httpx.Request], httpx.Response]",
    recorder: Recorder,  # type: ignore[valid-type]
    retry: RetryPolicy | None = None,
    **options: object,
) -> StabilityProvider:
    def record(request: httpx.Request) -> httpx.Response:
        request.read()
        recorder.requests.append(request)
        return handler(request)

    return StabilityProvider(
        api_key=KEY,
        transport=httpx.MockTransport(record),
        sleep=recorder.sleep,
        clock=recorder.clock,
        jitter=random.Random(0),
        retry=retry or RetryPolicy(max_attempts=4, base_delay_s=1.0, budget_s=60.0),
        guide=_tone_guide,
        transcriber=None,
        pacer=RequestPacer(max_requests=1000, clock=recorder.clock, sleep=recorder.sleep),
        conformer=_trim_only,
        **options,  # type: ignore[arg-type]
    )


def _audio_response(seconds: float = 8.0, sample_rate: int = 44_100, channels: int = 2) -> httpx.Response:
    return httpx.Response(
        200,
        content=_wav(seconds, sample_rate, channels),
        headers={"content-type": "audio/wav", "finish-reason": "SUCCESS", "seed": "42"},
    )


def _error(status: int, name: str, *errors: str) -> httpx.Response:
    return httpx.Response(status, json={"id": "a1b2c3", "name": name, "errors": list(errors)})


def test_guided_request_follows_the_contract_and_returns_a_stem_of_exact_length() -> None:
    recorder = Recorder()
    stem = _provider(lambda r: _audio_response(8.0), recorder).render_stem(_spec(7.5), Role.BASS)
    assert stem.audio.shape == (2, round(7.5 * SAMPLE_RATE)) and stem.audio.dtype == np.float32
    assert stem.midi is None and stem.report is not None and stem.report["midi"] == "none"
    (request,) = recorder.requests
    assert request.method == "POST" and request.url.path == AUDIO_TO_AUDIO_PATH
    assert request.url.host == "api.stability.ai"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["accept"] == "audio/*"
    assert request.headers["content-type"].startswith("multipart/form-data")
    body = request.content.decode("latin-1")
    for name, value in (
        ("model", MODEL),
        ("duration", "9"),  # 7.5 s of guide, room for a model that plays slow
        ("strength", "0.35"),
        ("seed", "42"),
        ("steps", "8"),
        ("cfg_scale", "1"),
        ("output_format", "wav"),
    ):
        assert f'name="{name}"\r\n\r\n{value}\r\n' in body
    assert "isolated reese bass (bassline) stem, 174 bpm, D minor, drum and bass" in body
    assert 'name="audio"; filename="init.wav"' in body
    assert stem.report["requests"] == 1 and stem.report["credits"] == CREDITS_PER_REQUEST
    assert stem.report["sections"][0]["corrections"]["target_bpm"] == 174.0


def test_guided_strength_is_the_jobs_and_drum_midi_is_the_guides() -> None:
    recorder = Recorder()
    stem = _provider(lambda r: _audio_response(9.0), recorder, strength=0.8).render_stem(_spec(), Role.DRUMS)
    assert 'name="strength"\r\n\r\n0.8\r\n' in recorder.requests[0].content.decode("latin-1")
    assert stem.midi == GUIDE_MIDI and stem.report is not None and stem.report["midi"] == "guide"


def test_whole_mix_mode_is_one_text_to_audio_request_and_no_stems() -> None:
    recorder = Recorder()
    provider = _provider(lambda r: _audio_response(9.0), recorder, mode="mix")
    audio, report = provider.render_mix(_spec(7.5))
    assert audio.shape == (2, round(7.5 * SAMPLE_RATE))
    (request,) = recorder.requests
    assert request.url.path == TEXT_TO_AUDIO_PATH
    body = request.content.decode("latin-1")
    assert "drum and bass, 174 bpm, D minor, with reese bass, breakbeat" in body
    assert report.stem_available is False and report.requests == 1
    with pytest.raises(ProviderRejected, match="one whole-mix request, no stems"):
        provider.render_stem(_spec(), Role.BASS)


def test_reference_uses_audio_to_audio_with_the_reference_as_a_file_part() -> None:
    recorder = Recorder()
    _provider(lambda r: _audio_response(8.0), recorder, mode="mix").render_mix(
        _spec(), reference=_wav(7.0, 48_000)
    )
    (request,) = recorder.requests
    assert request.url.path == AUDIO_TO_AUDIO_PATH
    body = request.content.decode("latin-1")
    assert 'name="audio"; filename="reference.wav"' in body and 'name="strength"' in body


def test_too_short_reference_is_invalid_audio_before_any_request() -> None:
    recorder = Recorder()
    with pytest.raises(InvalidAudio, match="at least 6"):
        _provider(lambda r: _audio_response(), recorder, mode="mix").render_mix(_spec(), reference=_wav(2.0))
    assert recorder.requests == []


def test_other_rates_and_mono_are_resampled_to_stereo_44k1() -> None:
    stem = _provider(lambda r: _audio_response(8.0, 48_000, 1), Recorder()).render_stem(_spec(6.0), Role.PAD)
    assert stem.audio.shape == (2, 6 * SAMPLE_RATE)
    spectrum = np.abs(np.fft.rfft(stem.audio[0, :SAMPLE_RATE]))
    assert abs(int(np.argmax(spectrum)) - 220) <= 1  # 1 s window: bin = Hz, pitch kept


def test_long_songs_are_requested_section_by_section_on_bar_lines_each_continuing_the_last() -> None:
    spec = _spec(250.0, bpm=120.0)  # 2 s bars
    sections = plan_sections(spec)
    assert len(sections) == 2 and sections[0].start_frame == 0 and sections[-1].end_frame == stem_frames(spec)
    bar = 2 * SAMPLE_RATE
    for previous, section in itertools.pairwise(sections):
        assert section.overlap_frames == bar and section.start_frame == previous.end_frame - bar
        assert previous.end_frame % bar == 0  # cut on a bar line
    assert all((s.end_frame - s.start_frame) / SAMPLE_RATE <= 170 for s in sections)
    assert estimate_credits(spec, "guided") == 2 * len(spec.roles()) * CREDITS_PER_REQUEST
    assert estimate_credits(spec, "mix") == 2 * CREDITS_PER_REQUEST

    recorder = Recorder()
    provider = _provider(lambda r: _audio_response(9.0), recorder, section_limit_s=4.0)
    stem = provider.render_stem(_spec(10.0, bpm=120.0), Role.PAD)
    assert stem.audio.shape[1] == 10 * SAMPLE_RATE
    assert len(recorder.requests) == 3  # 5 bars, at most 2 new bars per request
    assert stem.report is not None and len(stem.report["sections"]) == 3
    # bars 0-1, then (bar 1 again) 2-3, then (bar 3 again) 4: each request starts a bar back
    assert [s["start_s"] for s in stem.report["sections"]] == [0.0, 2.0, 6.0]


def test_crossfade_join_is_equal_power_and_keeps_length() -> None:
    head = np.ones((2, 1000), dtype=np.float32)
    tail = np.ones((2, 800), dtype=np.float32)
    joined = crossfade_join(head, tail, 100)
    assert joined.shape == (2, 1700)
    assert float(joined.min()) > 0.99  # cos + sin >= 1 on correlated material: no dip at the seam


def test_a_job_over_the_credit_budget_is_refused_before_any_request() -> None:
    recorder = Recorder()
    provider = _provider(lambda r: _audio_response(), recorder, max_credits=30.0)
    with pytest.raises(
        ProviderRejected, match=r"needs about 40 Stability AI credits .*AMP_STABILITY_MAX_CREDITS=30"
    ):
        provider.render_stem(_spec(), Role.BASS)  # 2 roles x 1 section x 20
    assert recorder.requests == []


def test_pacer_keeps_requests_under_the_window_limit() -> None:
    recorder = Recorder()
    pacer = RequestPacer(max_requests=3, window_s=10.0, clock=recorder.clock, sleep=recorder.sleep)
    sent = []
    for _ in range(7):
        pacer.wait()
        sent.append(recorder.now)
    assert sent == [0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 20.0]


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (400, "bad_request", "bad request"),
        (401, "unauthorized", "API key was refused"),
        (402, "payment_required", "out of credits"),
        (403, "content_moderation", "content moderation"),
        (413, "payload_too_large", "too large"),
        (422, "invalid_parameters", "not processable"),
    ],
)
def test_client_errors_are_rejected_without_retry_and_say_why(status: int, name: str, message: str) -> None:
    recorder = Recorder()
    provider = _provider(lambda r: _error(status, name, f"details for {name}"), recorder)
    with pytest.raises(ProviderRejected) as caught:
        provider.render_stem(_spec(), Role.LEAD)
    text = str(caught.value)
    assert message in text and name in text and f"details for {name}" in text and str(status) in text
    assert KEY not in text
    assert len(recorder.requests) == 1 and recorder.sleeps == []


def test_rate_limit_is_retried_with_backoff_then_succeeds() -> None:
    answers = iter(
        [
            _error(429, "rate_limit_exceeded", "slow down"),
            _error(429, "rate_limit_exceeded", "slow down"),
            _audio_response(),
        ]
    )
    recorder = Recorder()
    stem = _provider(lambda r: next(answers), recorder).render_stem(_spec(), Role.LEAD)
    assert stem.audio.shape[1] == 8 * SAMPLE_RATE
    assert len(recorder.requests) == 3 and len(recorder.sleeps) == 2


def test_persistent_rate_limit_raises_throttled_within_the_budget() -> None:
    recorder = Recorder()
    provider = _provider(
        lambda r: httpx.Response(
            429,
            json={"id": "x", "name": "rate_limit_exceeded", "errors": ["limit"]},
            headers={"retry-after": "5"},
        ),
        recorder,
    )
    with pytest.raises(ProviderThrottled, match="429"):
        provider.render_stem(_spec(), Role.LEAD)
    assert len(recorder.requests) == 4
    assert all(s >= 5.0 for s in recorder.sleeps) and recorder.now <= 60.0


def test_budget_cuts_retries_short() -> None:
    recorder = Recorder()
    provider = _provider(
        lambda r: _error(503, "service_unavailable", "busy"),
        recorder,
        RetryPolicy(max_attempts=10, base_delay_s=10.0, max_delay_s=10.0, budget_s=15.0),
    )
    with pytest.raises(ProviderUnavailable, match="503"):
        provider.render_stem(_spec(), Role.LEAD)
    assert recorder.now <= 15.0 and len(recorder.requests) < 10


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_then_unavailable(status: int) -> None:
    recorder = Recorder()
    with pytest.raises(ProviderUnavailable, match=str(status)):
        _provider(lambda r: _error(status, "server_error", "oops"), recorder).render_stem(_spec(), Role.BASS)
    assert len(recorder.requests) == 4


def test_timeouts_are_retried_then_unavailable() -> None:
    recorder = Recorder()

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ProviderUnavailable, match="timed out"):
        _provider(timeout, recorder).render_stem(_spec(), Role.BASS)
    assert len(recorder.requests) == 4


def test_a_5xx_then_success_recovers() -> None:
    answers = iter([_error(500, "server_error", "oops"), _audio_response()])
    assert _provider(lambda r: next(answers), Recorder()).render_stem(_spec(), Role.BASS).audio.shape[0] == 2


def test_non_audio_answer_is_unavailable_with_reason() -> None:
    recorder = Recorder()
    with pytest.raises(ProviderUnavailable, match="not audio"):
        _provider(lambda r: httpx.Response(200, json={"ok": True}), recorder).render_stem(_spec(), Role.BASS)


def test_truncated_audio_is_unavailable_with_reason() -> None:
    with pytest.raises(ProviderUnavailable, match="truncated"):
        _provider(lambda r: _audio_response(2.0), Recorder()).render_stem(_spec(), Role.BASS)


def test_garbage_audio_body_is_unavailable_with_reason() -> None:
    garbage = httpx.Response(200, content=b"RIFF\x00\x00garbage", headers={"content-type": "audio/wav"})
    with pytest.raises(ProviderUnavailable, match="does not decode"):
        _provider(lambda r: garbage, Recorder()).render_stem(_spec(), Role.BASS)


def test_content_filtered_finish_reason_is_rejected() -> None:
    filtered = httpx.Response(
        200, content=_wav(8.0), headers={"content-type": "audio/wav", "finish-reason": "CONTENT_FILTERED"}
    )
    with pytest.raises(ProviderRejected, match="moderation"):
        _provider(lambda r: filtered, Recorder()).render_stem(_spec(), Role.BASS)


def test_excluded_role_is_refused_before_any_request() -> None:
    recorder = Recorder()
    with pytest.raises(InvalidInput, match="excluded"):
        _provider(lambda r: _audio_response(), recorder).render_stem(
            _spec(excluded_roles=[Role.BASS]), Role.BASS
        )
    assert recorder.requests == []


def test_key_is_not_in_the_provider_repr_and_prompts_name_the_stem() -> None:
    provider = StabilityProvider(api_key=KEY)
    assert KEY not in repr(provider)
    prompt = stem_prompt(_spec(time_signature="3/4"), Role.VOCAL)
    assert prompt.startswith("isolated wordless vocal") and "3/4 time" in prompt and "high energy" in prompt


def test_key_comes_from_the_environment_or_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from amp.adapters.aws.secrets import stability_api_key

    assert stability_api_key(Settings(), {"STABILITY_API_KEY": KEY}) == KEY
    with pytest.raises(ProviderRejected, match="STABILITY_API_KEY") as caught:
        stability_api_key(Settings(), {})
    assert KEY not in str(caught.value)


def test_key_comes_from_secrets_manager_or_ssm(moto_resources: object) -> None:
    import boto3

    from amp.adapters.aws.secrets import stability_api_key

    boto3.client("secretsmanager").create_secret(
        Name="amp/stability", SecretString='{"api_key": "sk-from-secret"}'
    )
    boto3.client("ssm").put_parameter(Name="/amp/stability", Value="sk-from-ssm", Type="SecureString")
    assert stability_api_key(Settings(stability_api_key_secret="amp/stability"), {}) == "sk-from-secret"
    assert stability_api_key(Settings(stability_api_key_secret="/amp/stability"), {}) == "sk-from-ssm"
    with pytest.raises(ProviderRejected, match="ResourceNotFoundException"):
        stability_api_key(Settings(stability_api_key_secret="amp/missing"), {})
