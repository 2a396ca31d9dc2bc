"""Stability AI provider: Stable Audio 2.5 over its REST API (v2beta), one request per stem.

Contract followed (https://platform.stability.ai/docs/api-reference, Stable Audio 2):
- POST {base}/v2beta/audio/stable-audio-2/text-to-audio, or .../audio-to-audio with an `audio` file
  part and `strength` when the job has a reference track; multipart/form-data; fields prompt,
  model, duration (1..190 s), seed, steps, cfg_scale, output_format; `Authorization: Bearer <key>`,
  `Accept: audio/*` returns the audio bytes directly.
- Errors are JSON {id, name, errors[]}: 400/413/422 bad request, 401 bad key, 402 no credits, 403
  content moderation (not retried: ProviderRejected); 429 rate limit (150 requests / 10 s, then a
  60 s lockout) and 5xx/timeouts are retried here with jittered exponential backoff inside a time
  budget, then raised as ProviderThrottled / ProviderUnavailable for the state machine's own retry.
- Songs longer than 190 s: one 190 s clip is generated and looped with equal-power crossfades to
  the requested length (Stable Audio output is musical, so a loop at a 2 s crossfade is seamless
  enough for stems that all share the same loop points).
"""

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from math import gcd

import httpx
import numpy as np
from scipy import signal

from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_wav
from amp.domain.errors import (
    AmpError,
    InvalidAudio,
    ProviderRejected,
    ProviderThrottled,
    ProviderUnavailable,
)
from amp.domain.spec import MusicSpec, Role
from amp.observability import logger
from amp.providers.base import RenderedStem, check_role, stem_frames

API_BASE = "https://api.stability.ai"
TEXT_TO_AUDIO_PATH = "/v2beta/audio/stable-audio-2/text-to-audio"
AUDIO_TO_AUDIO_PATH = "/v2beta/audio/stable-audio-2/audio-to-audio"
MODEL = "stable-audio-2.5"
MAX_DURATION_S = 190.0
MIN_REFERENCE_S = 6.0
LOOP_CROSSFADE_S = 2.0

_ROLE_WORDS: dict[Role, str] = {
    Role.DRUMS: "drum kit",
    Role.PERCUSSION: "percussion",
    Role.BASS: "bassline",
    Role.CHORDS: "chords",
    Role.PAD: "ambient pad",
    Role.LEAD: "lead melody",
    Role.ARP: "arpeggio",
    Role.FX: "risers and transition sound effects",
    Role.VOCAL: "wordless vocal ooh and aah",
}

_REJECTIONS: dict[int, str] = {
    400: "bad request",
    401: "authentication failed: the API key was refused",
    402: "out of credits: top up the Stability AI account",
    403: "the prompt was flagged by content moderation",
    404: "endpoint not found",
    413: "request too large (reference audio too big)",
    422: "request not processable",
}


@dataclass(frozen=True)
class RetryPolicy:
    """Retries for 429/5xx/timeouts inside one invocation; the ASL retries again on top."""

    max_attempts: int = 5
    base_delay_s: float = 2.0
    max_delay_s: float = 30.0
    budget_s: float = 120.0


@dataclass(frozen=True)
class GenerationSettings:
    steps: int = 8
    cfg_scale: float = 1.0
    strength: float = 0.6
    """audio-to-audio: how far the output may move from the reference (0.01..1)."""
    timeout_s: float = 180.0


def stem_prompt(spec: MusicSpec, role: Role) -> str:
    """A per-stem prompt: what the stem is, then the song's numbers and character."""
    names = [instrument.name for instrument in spec.instruments_for(role)]
    what = f"{', '.join(names)} ({_ROLE_WORDS[role]})" if names else _ROLE_WORDS[role]
    parts = [f"isolated {what} stem", f"{spec.bpm:g} bpm", f"{spec.key} {spec.mode.value}", spec.genre]
    if spec.time_signature != "4/4":
        parts.append(f"{spec.time_signature} time")
    if spec.mood:
        parts.append(", ".join(spec.mood))
    parts.append(
        "high energy" if spec.energy >= 0.7 else "low energy" if spec.energy <= 0.3 else "medium energy"
    )
    parts.append("solo, no other instruments, studio quality")
    return ", ".join(parts)


def to_stem_format(audio: AudioBuffer, sample_rate: int) -> AudioBuffer:
    """Any channel count / rate -> stereo at SAMPLE_RATE (polyphase resampling)."""
    if audio.shape[0] == 1:
        audio = np.repeat(audio, 2, axis=0)
    audio = audio[:2]
    if sample_rate != SAMPLE_RATE:
        divisor = gcd(SAMPLE_RATE, sample_rate)
        audio = signal.resample_poly(audio, SAMPLE_RATE // divisor, sample_rate // divisor, axis=1)
    return np.ascontiguousarray(audio, dtype=np.float32)


def fit_length(audio: AudioBuffer, frames: int, crossfade_frames: int) -> AudioBuffer:
    """Trim to `frames`, or loop with equal-power crossfades until long enough, then trim."""
    if audio.shape[1] >= frames:
        out = audio[:, :frames].copy()
    else:
        crossfade = max(1, min(crossfade_frames, audio.shape[1] // 4))
        t = np.linspace(0.0, np.pi / 2, crossfade, dtype=np.float32)
        fade_in, fade_out = np.sin(t), np.cos(t)
        out = audio.copy()
        while out.shape[1] < frames:
            head = audio[:, :crossfade] * fade_in + out[:, -crossfade:] * fade_out
            out = np.concatenate([out[:, :-crossfade], head, audio[:, crossfade:]], axis=1)
        out = out[:, :frames]
    fade = min(frames, int(0.05 * SAMPLE_RATE))
    out[:, -fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return np.ascontiguousarray(out, dtype=np.float32)


def _error_detail(response: httpx.Response) -> str:
    """'name: error; error' from the documented {id, name, errors[]} body, or a short text."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:200].strip()
    if not isinstance(body, dict):
        return str(body)[:200]
    errors = body.get("errors") or []
    detail = "; ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors)
    name = body.get("name", "")
    reference = f" (id {body['id']})" if body.get("id") else ""
    return f"{name}: {detail}{reference}".strip(": ")[:400]


@dataclass
class StabilityProvider:
    """Generates stems with Stable Audio 2.5. Transport, clock, sleep and jitter are injectable so
    tests run instantly against httpx.MockTransport."""

    api_key: str = field(repr=False)
    transport: httpx.BaseTransport | None = None
    base_url: str = API_BASE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: random.Random = field(default_factory=random.Random)
    name: str = "stability"
    uses_reference: bool = True
    """audio-to-audio: a job's reference track steers every stem."""

    def render_stem(self, spec: MusicSpec, role: Role, *, reference: bytes | None = None) -> RenderedStem:
        check_role(spec, role)
        duration_s = min(MAX_DURATION_S, float(np.ceil(spec.duration_s)))
        fields = {
            "prompt": stem_prompt(spec, role),
            "model": MODEL,
            "duration": f"{duration_s:g}",
            "seed": str(spec.seed % 4_294_967_295),
            "steps": str(self.generation.steps),
            "cfg_scale": f"{self.generation.cfg_scale:g}",
            "output_format": "wav",
        }
        files: dict[str, tuple[str, bytes, str]]
        if reference is not None:
            path = AUDIO_TO_AUDIO_PATH
            fields["strength"] = f"{self.generation.strength:g}"
            files = {"audio": ("reference.wav", self._reference_clip(reference), "audio/wav")}
        else:
            path = TEXT_TO_AUDIO_PATH
            files = {"none": ("", b"", "application/octet-stream")}
        body = self._post(path, fields, files, role)
        audio, sample_rate = self._decode(body, duration_s)
        stem = fit_length(
            to_stem_format(audio, sample_rate), stem_frames(spec), int(LOOP_CROSSFADE_S * SAMPLE_RATE)
        )
        return RenderedStem(audio=stem, midi=None)

    def _reference_clip(self, reference: bytes) -> bytes:
        audio, sample_rate = decode_audio(reference, what="reference track")
        seconds = audio.shape[1] / sample_rate
        if seconds < MIN_REFERENCE_S:
            raise InvalidAudio(
                f"reference track is {seconds:.1f} s; Stable Audio needs at least {MIN_REFERENCE_S:g} s"
            )
        clip = to_stem_format(audio[:, : int(MAX_DURATION_S * sample_rate)], sample_rate)
        return encode_wav(clip, SAMPLE_RATE, subtype="PCM_16")

    def _decode(self, body: bytes, duration_s: float) -> tuple[AudioBuffer, int]:
        try:
            audio, sample_rate = decode_audio(body, what="Stability AI response")
        except InvalidAudio as error:
            raise ProviderUnavailable(f"Stability AI returned audio that does not decode: {error}") from None
        got_s = audio.shape[1] / sample_rate
        if got_s < 0.9 * duration_s:
            raise ProviderUnavailable(
                f"Stability AI returned truncated audio: {got_s:.1f} s of the {duration_s:g} s requested"
            )
        return audio, sample_rate

    def _post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]], role: Role
    ) -> bytes:
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "audio/*"}
        started = self.clock()
        last_error: AmpError | None = None
        with httpx.Client(
            base_url=self.base_url, transport=self.transport, timeout=self.generation.timeout_s
        ) as client:
            for attempt in range(1, self.retry.max_attempts + 1):
                try:
                    response = client.post(path, data=fields, files=files, headers=headers)
                except httpx.TimeoutException:
                    last_error = ProviderUnavailable(f"Stability AI timed out (attempt {attempt})")
                    retry_after = None
                except httpx.TransportError as error:
                    last_error = ProviderUnavailable(
                        f"Stability AI unreachable (attempt {attempt}): {type(error).__name__}"
                    )
                    retry_after = None
                else:
                    outcome = self._outcome(response, attempt)
                    if isinstance(outcome, bytes):
                        return outcome
                    last_error = outcome
                    retry_after = _retry_after_s(response)
                logger.warning(
                    "stability request failed",
                    extra={"role": role.value, "attempt": attempt, "error": type(last_error).__name__},
                )
                delay = self._delay_s(attempt, retry_after)
                if attempt == self.retry.max_attempts or self.clock() - started + delay > self.retry.budget_s:
                    break
                self.sleep(delay)
        assert last_error is not None
        raise last_error

    def _outcome(self, response: httpx.Response, attempt: int) -> bytes | AmpError:
        status = response.status_code
        if status == 200:
            content_type = response.headers.get("content-type", "")
            if not content_type.startswith("audio/"):
                return ProviderUnavailable(
                    f"Stability AI answered 200 with {content_type or 'no content type'}, not audio"
                )
            if response.headers.get("finish-reason", "SUCCESS").upper() == "CONTENT_FILTERED":
                raise ProviderRejected("Stability AI filtered the output (content moderation)")
            if not response.content:
                return ProviderUnavailable("Stability AI answered 200 with an empty body")
            return response.content
        detail = _error_detail(response).replace(self.api_key, "***")
        if status == 429:
            return ProviderThrottled(f"Stability AI rate limit (429) after {attempt} attempt(s): {detail}")
        if status >= 500:
            return ProviderUnavailable(
                f"Stability AI server error {status} after {attempt} attempt(s): {detail}"
            )
        reason = _REJECTIONS.get(status, "request refused")
        raise ProviderRejected(f"Stability AI {status}: {reason}: {detail}")

    def _delay_s(self, attempt: int, retry_after_s: float | None) -> float:
        """Full-jitter exponential backoff; a Retry-After header sets the floor."""
        ceiling = min(self.retry.max_delay_s, self.retry.base_delay_s * 2 ** (attempt - 1))
        delay = self.jitter.uniform(0.0, ceiling)
        return max(delay, retry_after_s) if retry_after_s is not None else delay


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
