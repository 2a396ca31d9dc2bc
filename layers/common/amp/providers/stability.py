"""Stability AI provider: Stable Audio 2.5 over its REST API (v2beta).

Guided generation (the default, `stability_mode` "guided"): the procedural composer writes and
renders the arrangement first (sections, chords, tempo, key, bar grid: everything AMP guarantees);
each stem is then re-rendered by audio-to-audio with the procedural stem as its init audio and a
per-stem prompt, at `stability_strength` (0.1 keeps our timing and harmony, 0.9 lets the model
reinterpret). Every returned clip is conformed to the grid (`amp.providers.conform`: tempo, lead-in,
key, exact length) and what was corrected is reported per stem. Songs longer than one request can
hold (SECTION_LIMIT_S) are generated section by section on bar lines, each request's init audio
being the previous section's conformed last bar followed by the next section's guide, and joined by
an equal-power crossfade over that shared bar: continuation, never a loop. Drum MIDI is the guide's;
pitched MIDI is transcribed from the returned audio (basic-pitch) and labelled as such.

Whole-mix mode (`stability_mode` "mix", `render_mix`): one text-to-audio request for the whole song
(audio-to-audio over the reference track when there is one), so at most MAX_DURATION_S long; the
model's song is delivered as it played it (cut or padded to length, never conformed: there is no
composed grid) and its tempo and key are measured with the analysis module and reported beside the
asked ones. The pipeline runs it as one GenerateStems item (amp.stages.whole_mix).

Contract followed (https://platform.stability.ai/docs/api-reference, Stable Audio 2):
- POST {base}/v2beta/audio/stable-audio-2/text-to-audio, or .../audio-to-audio with an `audio` file
  part and `strength`; multipart/form-data; fields prompt, model, duration (1..190 s), seed, steps,
  cfg_scale, output_format; `Authorization: Bearer <key>`, `Accept: audio/*` returns the audio bytes.
- Price: 20 credits per generation whatever its length (1 credit = $0.01); a job's credits are
  estimated when it is requested (`amp.providers.budget`, by the job service) and refused over
  AMP_STABILITY_MAX_CREDITS; `check_budget` here is the generate stage's backstop.
- Errors are JSON {id, name, errors[]}: 400/413/422 bad request, 401 bad key, 402 no credits, 403
  content moderation (not retried: ProviderRejected); 429 rate limit (150 requests / 10 s, then a
  60 s lockout) and 5xx/timeouts are retried here with jittered exponential backoff inside a time
  budget, then raised as ProviderThrottled / ProviderUnavailable for the state machine's own retry.
- Pacing: each process keeps under RATE_LIMIT_REQUESTS / MAP_CONCURRENCY per window, so the Map's
  parallel stems (at most MAP_CONCURRENCY Lambdas or worker threads) stay under the account's limit.
"""

import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil, gcd
from typing import Literal, Protocol

import httpx
import numpy as np
from pydantic import BaseModel, Field
from scipy import signal

from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_wav
from amp.domain.errors import (
    AmpError,
    InvalidAudio,
    InvalidInput,
    ProviderRejected,
    ProviderThrottled,
    ProviderUnavailable,
)
from amp.domain.spec import MusicSpec, Role
from amp.observability import logger
from amp.providers.base import RenderedStem, check_role, stem_frames
from amp.providers.budget import CREDITS_PER_REQUEST as CREDITS_PER_REQUEST  # noqa: PLC0414 - re-exported
from amp.providers.budget import MAX_DURATION_S as MAX_DURATION_S  # noqa: PLC0414 - re-exported
from amp.providers.budget import SECTION_LIMIT_S as SECTION_LIMIT_S  # noqa: PLC0414 - re-exported
from amp.providers.budget import Section as Section  # noqa: PLC0414 - re-exported
from amp.providers.budget import StabilityMode as StabilityMode  # noqa: PLC0414 - re-exported
from amp.providers.budget import bar_frames as bar_frames  # noqa: PLC0414 - re-exported
from amp.providers.budget import check_budget, check_whole_mix_length
from amp.providers.budget import estimate_credits as estimate_credits  # noqa: PLC0414 - re-exported
from amp.providers.budget import estimate_requests as estimate_requests  # noqa: PLC0414 - re-exported
from amp.providers.budget import plan_sections as plan_sections  # noqa: PLC0414 - re-exported
from amp.providers.conform import Conformed, Corrections, conform

API_BASE = "https://api.stability.ai"
TEXT_TO_AUDIO_PATH = "/v2beta/audio/stable-audio-2/text-to-audio"
AUDIO_TO_AUDIO_PATH = "/v2beta/audio/stable-audio-2/audio-to-audio"
MODEL = "stable-audio-2.5"
REQUEST_HEADROOM = 1.08
MIN_REFERENCE_S = 6.0
RATE_LIMIT_REQUESTS = 150
RATE_LIMIT_WINDOW_S = 10.0
MAP_CONCURRENCY = 8
"""statemachine/pipeline.asl.json GenerateStems MaxConcurrency: the parallel stems sharing the limit."""
DEFAULT_STRENGTH = 0.35
"""Guided: low enough that the model keeps our bar lines and chords, high enough to change timbre."""
MIX_STRENGTH = 0.6
"""Whole-mix over a reference track: how far the song may move from the reference."""
UNPITCHED_ROLES = frozenset({Role.DRUMS, Role.PERCUSSION, Role.FX})
"""Roles whose MIDI stays the guide's (and that are never transposed); the others are transcribed."""

GuideSource = Callable[[MusicSpec, Role], RenderedStem]
"""Renders the procedural stem a guided request starts from (the procedural provider)."""


class Conformer(Protocol):
    """`amp.providers.conform.conform`'s shape: a returned clip -> the clip on the song's grid."""

    def __call__(
        self,
        clip: AudioBuffer,
        *,
        bpm: float,
        frames: int,
        guide: AudioBuffer | None = None,
        pitched: bool = True,
        beats_per_bar: int = 4,
    ) -> Conformed: ...


Transcriber = Callable[[AudioBuffer, float], bytes | None]
"""(stem audio, bpm) -> a Standard MIDI File of its notes, or None when nothing was heard."""

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


class AskedMusic(BaseModel):
    bpm: float
    key: str
    mode: str


class MeasuredMusic(BaseModel):
    """What amp.analysis hears in a returned clip (the numbers QA's tempo and key checks read)."""

    bpm: float | None
    bpm_confidence: float
    key: str | None
    mode: str | None
    key_confidence: float


class SectionReport(BaseModel):
    start_s: float
    end_s: float
    corrections: Corrections


class StemReport(BaseModel):
    """What the provider did for one stem: requests, credits, corrections, where its MIDI came from.
    Stored on the job record (`Job.stem_reports`), so a user sees what the model was corrected for."""

    provider: str = "stability"
    mode: StabilityMode
    strength: float | None = None
    requests: int = Field(description="Generations that returned audio (billed).")
    attempts: int = Field(description="HTTP requests made, retries included.")
    credits: float
    sections: list[SectionReport]
    midi: Literal["guide", "transcribed", "none"] = "none"
    """guide: the notes the composer wrote; transcribed: heard in the returned audio (basic-pitch)."""
    stem_available: bool = True
    """False in whole-mix mode: the model made the mix only."""
    asked: AskedMusic | None = None
    """Whole-mix mode: the tempo and key the prompt asked the model for."""
    measured: MeasuredMusic | None = None
    """Whole-mix mode: the tempo and key the analysis module measured in what the model returned."""


def measure_music(audio: AudioBuffer) -> MeasuredMusic:
    from amp.analysis.features import analysis_mono, estimate_key, estimate_tempo

    mono = analysis_mono(audio, SAMPLE_RATE)
    tempo, key = estimate_tempo(mono), estimate_key(mono)
    return MeasuredMusic(
        bpm=tempo.bpm,
        bpm_confidence=tempo.confidence,
        key=key.key,
        mode=key.mode,
        key_confidence=key.confidence,
    )


END_FADE_S = 0.05
"""A clip cut short of its end fades out over this long, so the cut does not click."""


def fit_length(audio: AudioBuffer, frames: int) -> AudioBuffer:
    """Exactly `frames` long: cut (with a short fade-out) or padded with silence."""
    if audio.shape[1] >= frames:
        out = np.array(audio[:, :frames], dtype=np.float32)
        if audio.shape[1] > frames:
            fade = min(frames, round(END_FADE_S * SAMPLE_RATE))
            out[:, frames - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
        return out
    pad = np.zeros((audio.shape[0], frames - audio.shape[1]), dtype=np.float32)
    return np.ascontiguousarray(np.concatenate([audio, pad], axis=1), dtype=np.float32)


def mix_prompt(spec: MusicSpec) -> str:
    """The whole song in one prompt: its instruments, then the song's numbers and character."""
    names = [i.name for i in spec.instruments if i.role not in spec.excluded_roles]
    parts = [spec.genre, f"{spec.bpm:g} bpm", f"{spec.key} {spec.mode.value}"]
    if names:
        parts.append("with " + ", ".join(names))
    if spec.mood:
        parts.append(", ".join(spec.mood))
    parts.append("full mix, studio quality")
    return ", ".join(parts)


class RequestPacer:
    """A sliding-window limit shared by every request of this process (threads included). Each
    process takes RATE_LIMIT_REQUESTS / MAP_CONCURRENCY per window, so the Map's parallel stems
    together stay under the account's documented limit without talking to each other."""

    def __init__(
        self,
        max_requests: int = RATE_LIMIT_REQUESTS // MAP_CONCURRENCY,
        window_s: float = RATE_LIMIT_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_requests = max_requests
        self.window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until one more request fits the window; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.window_s:
                    self._sent.popleft()
                if len(self._sent) < self.max_requests:
                    self._sent.append(now)
                    return waited
                delay = self.window_s - (now - self._sent[0])
            self._sleep(delay)
            waited += delay


PROCESS_PACER = RequestPacer()


def procedural_guide(spec: MusicSpec, role: Role) -> RenderedStem:
    """The procedural stem (and MIDI) a guided request starts from."""
    from amp.providers.procedural import ProceduralProvider

    return ProceduralProvider().render_stem(spec, role)


def transcribe_with_basic_pitch(audio: AudioBuffer, bpm: float) -> bytes | None:
    from amp.providers.transcribe import transcribe

    return transcribe(audio, bpm)


def crossfade_join(head: AudioBuffer, tail: AudioBuffer, overlap: int) -> AudioBuffer:
    """`head` then `tail`, whose first `overlap` frames cover head's last ones: equal-power fade."""
    if overlap <= 0:
        return np.concatenate([head, tail], axis=1)
    t = np.linspace(0.0, np.pi / 2, overlap, dtype=np.float32)
    blended = head[:, -overlap:] * np.cos(t) + tail[:, :overlap] * np.sin(t)
    return np.concatenate([head[:, :-overlap], blended, tail[:, overlap:]], axis=1)


@dataclass
class _Counter:
    generations: int = 0
    attempts: int = 0


@dataclass
class StabilityProvider:
    """Generates stems with Stable Audio 2.5. Transport, clock, sleep, jitter, pacer, guide and
    transcriber are injectable so tests run against httpx.MockTransport or the fake server."""

    api_key: str = field(repr=False)
    transport: httpx.BaseTransport | None = None
    base_url: str = API_BASE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: random.Random = field(default_factory=random.Random)
    mode: StabilityMode = "guided"
    strength: float | None = None
    """Guided: DEFAULT_STRENGTH when None; mix over a reference: MIX_STRENGTH."""
    max_credits: float | None = None
    section_limit_s: float = SECTION_LIMIT_S
    guide: GuideSource = procedural_guide
    transcriber: Transcriber | None = transcribe_with_basic_pitch
    pacer: RequestPacer = field(default_factory=lambda: PROCESS_PACER)
    conformer: Conformer = conform
    name: str = "stability"

    @property
    def uses_reference(self) -> bool:
        """Mix mode sends the reference track as init audio; guided stems start from the guide (the
        reference already shaped the spec, hence the guide and the prompt)."""
        return self.mode == "mix"

    def check_budget(self, spec: MusicSpec) -> float:
        """The job's estimated credits; ProviderRejected before any request when over budget (the
        generate stage's backstop: the job service refused such a job before it was created)."""
        try:
            return check_budget(spec, self.mode, self.max_credits, self.section_limit_s)
        except InvalidInput as error:
            raise ProviderRejected(str(error)) from None

    def render_stem(self, spec: MusicSpec, role: Role, *, reference: bytes | None = None) -> RenderedStem:
        """Guided: the procedural stem re-rendered by the model, section by section, conformed."""
        check_role(spec, role)
        self.check_budget(spec)
        if self.mode == "mix":
            raise ProviderRejected(
                "stability_mode 'mix' makes one whole-mix request, no stems: the generate stage "
                "calls render_mix for such a job, never render_stem"
            )
        strength = self.strength if self.strength is not None else DEFAULT_STRENGTH
        guide = self.guide(spec, role)
        counter = _Counter()
        out: AudioBuffer | None = None
        reports: list[SectionReport] = []
        for index, section in enumerate(plan_sections(spec, self.section_limit_s)):
            guide_part = guide.audio[:, section.start_frame : section.end_frame]
            init = guide_part
            if out is not None and section.overlap_frames:
                # Continue from what the model already played: its last bar, then our next section.
                init = np.concatenate(
                    [out[:, -section.overlap_frames :], guide_part[:, section.overlap_frames :]], axis=1
                )
            fields = self._fields(stem_prompt(spec, role), spec.seed + index, guide_part.shape[1])
            fields["strength"] = f"{strength:g}"
            files = {"audio": ("init.wav", encode_wav(init, SAMPLE_RATE, subtype="PCM_16"), "audio/wav")}
            clip = self._generate(
                AUDIO_TO_AUDIO_PATH,
                fields,
                files,
                role.value,
                counter=counter,
                needed_s=guide_part.shape[1] / SAMPLE_RATE,
            )
            conformed = self.conformer(
                clip,
                bpm=spec.bpm,
                frames=guide_part.shape[1],
                guide=guide_part,
                pitched=role not in UNPITCHED_ROLES,
                beats_per_bar=spec.beats_per_bar,
            )
            reports.append(_section_report(section, conformed.corrections))
            out = (
                conformed.audio
                if out is None
                else crossfade_join(out, conformed.audio, section.overlap_frames)
            )
        assert out is not None
        audio = np.ascontiguousarray(out[:, : stem_frames(spec)], dtype=np.float32)
        midi, midi_source = self._midi(audio, spec, role, guide)
        report = StemReport(
            mode="guided",
            strength=strength,
            requests=counter.generations,
            attempts=counter.attempts,
            credits=counter.generations * CREDITS_PER_REQUEST,
            sections=reports,
            midi=midi_source,
        )
        return RenderedStem(audio=audio, midi=midi, report=report.model_dump(mode="json"))

    def render_mix(
        self, spec: MusicSpec, *, reference: bytes | None = None
    ) -> tuple[AudioBuffer, StemReport]:
        """Whole-mix mode: the whole song in one request, from text (or audio-to-audio over the
        reference track), delivered as the model played it: nothing is stretched, shifted or
        transposed (there is no composed grid to conform to), only cut or padded to the asked length.
        Its tempo and key are measured with the analysis module and reported beside the asked ones."""
        check_whole_mix_length(spec)
        self.check_budget(spec)
        counter = _Counter()
        frames = stem_frames(spec)
        fields = self._fields(mix_prompt(spec), spec.seed, frames)
        files: dict[str, tuple[str, bytes, str]]
        if reference is not None:
            path = AUDIO_TO_AUDIO_PATH
            fields["strength"] = f"{self.strength if self.strength is not None else MIX_STRENGTH:g}"
            files = {"audio": ("reference.wav", self._reference_clip(reference), "audio/wav")}
        else:
            path = TEXT_TO_AUDIO_PATH
            files = {"none": ("", b"", "application/octet-stream")}
        clip = self._generate(path, fields, files, "mix", counter=counter, needed_s=frames / SAMPLE_RATE)
        audio = fit_length(clip, frames)
        report = StemReport(
            mode="mix",
            strength=float(fields["strength"]) if "strength" in fields else None,
            requests=counter.generations,
            attempts=counter.attempts,
            credits=counter.generations * CREDITS_PER_REQUEST,
            sections=[],
            stem_available=False,
            asked=AskedMusic(bpm=spec.bpm, key=spec.key, mode=spec.mode.value),
            measured=measure_music(audio),
        )
        return audio, report

    def _fields(self, prompt: str, seed: int, frames: int) -> dict[str, str]:
        """The documented form fields; the duration leaves room for a slow model's extra length."""
        duration_s = min(MAX_DURATION_S, float(ceil(frames / SAMPLE_RATE * REQUEST_HEADROOM + 0.5)))
        return {
            "prompt": prompt,
            "model": MODEL,
            "duration": f"{duration_s:g}",
            "seed": str(seed % 4_294_967_295),
            "steps": str(self.generation.steps),
            "cfg_scale": f"{self.generation.cfg_scale:g}",
            "output_format": "wav",
        }

    def _midi(
        self, audio: AudioBuffer, spec: MusicSpec, role: Role, guide: RenderedStem
    ) -> tuple[bytes | None, Literal["guide", "transcribed", "none"]]:
        if role in UNPITCHED_ROLES:
            return guide.midi, "guide" if guide.midi is not None else "none"
        if self.transcriber is None:
            return None, "none"
        midi = self.transcriber(audio, spec.bpm)
        return midi, "transcribed" if midi is not None else "none"

    def _generate(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes, str]],
        what: str,
        *,
        counter: _Counter,
        needed_s: float,
    ) -> AudioBuffer:
        body = self._post(path, fields, files, what, counter)
        counter.generations += 1
        audio, sample_rate = self._decode(body, needed_s)
        return to_stem_format(audio, sample_rate)

    def _reference_clip(self, reference: bytes) -> bytes:
        audio, sample_rate = decode_audio(reference, what="reference track")
        seconds = audio.shape[1] / sample_rate
        if seconds < MIN_REFERENCE_S:
            raise InvalidAudio(
                f"reference track is {seconds:.1f} s; Stable Audio needs at least {MIN_REFERENCE_S:g} s"
            )
        clip = to_stem_format(audio[:, : int(MAX_DURATION_S * sample_rate)], sample_rate)
        return encode_wav(clip, SAMPLE_RATE, subtype="PCM_16")

    def _decode(self, body: bytes, needed_s: float) -> tuple[AudioBuffer, int]:
        """The answer's audio; shorter than 90% of the section it must cover is a truncated answer."""
        try:
            audio, sample_rate = decode_audio(body, what="Stability AI response")
        except InvalidAudio as error:
            raise ProviderUnavailable(f"Stability AI returned audio that does not decode: {error}") from None
        got_s = audio.shape[1] / sample_rate
        if got_s < 0.9 * needed_s:
            raise ProviderUnavailable(
                f"Stability AI returned truncated audio: {got_s:.1f} s for a {needed_s:.1f} s section"
            )
        return audio, sample_rate

    def _post(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes, str]],
        what: str,
        counter: _Counter,
    ) -> bytes:
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "audio/*"}
        started = self.clock()
        last_error: AmpError | None = None
        with httpx.Client(
            base_url=self.base_url, transport=self.transport, timeout=self.generation.timeout_s
        ) as client:
            for attempt in range(1, self.retry.max_attempts + 1):
                self.pacer.wait()
                counter.attempts += 1
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
                    extra={"role": what, "attempt": attempt, "error": type(last_error).__name__},
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


def _section_report(section: Section, corrections: Corrections) -> SectionReport:
    return SectionReport(
        start_s=round(section.start_frame / SAMPLE_RATE, 3),
        end_s=round(section.end_frame / SAMPLE_RATE, 3),
        corrections=corrections,
    )


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
