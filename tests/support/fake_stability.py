"""A fake Stability AI server on a loopback port, for tests and benches: it speaks the documented
Stable Audio 2.5 REST contract (v2beta, multipart/form-data, `Authorization: Bearer`, `Accept:
audio/*`, JSON errors {id, name, errors[]}) and behaves like a generative model, so the provider's
conforming is tested against the faults a real model has rather than against a perfect echo.

What audio-to-audio returns: the init audio played 2-4% slower or faster (Rubber Band, pitch kept),
after a random lead-in of 50-450 ms, transposed by a semitone in about one request in four, with a
changed timbre (a random tilt EQ, saturation and a little noise, different per request so two
requests over the same guide never return the same samples), cut or padded to the requested
duration, after some latency. Text-to-audio returns a synthesised groove at the prompt's bpm, off by
the same drift. Errors on demand: `fail_next(status, times)`, a credits balance that answers 402
when spent, 401 for a wrong key, 400/422 for contract violations, 429 over the documented rate limit
(150 requests in 10 s).

Start it with `with FakeStability() as fake:` and point the provider at `fake.base_url`."""

import hashlib
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
from scipy import signal

from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_wav

TEXT_TO_AUDIO = "/v2beta/audio/stable-audio-2/text-to-audio"
AUDIO_TO_AUDIO = "/v2beta/audio/stable-audio-2/audio-to-audio"
MODELS = ("stable-audio-2", "stable-audio-2.5")
CREDITS_PER_GENERATION = 20.0
RATE_LIMIT = (150, 10.0)


@dataclass
class SeenRequest:
    path: str
    fields: dict[str, str]
    audio: bytes | None
    status: int


@dataclass
class Behaviour:
    drift: tuple[float, float] = (0.02, 0.04)
    lead_in_s: tuple[float, float] = (0.05, 0.45)
    pitch_shift_probability: float = 0.25
    latency_s: tuple[float, float] = (0.01, 0.05)


@dataclass(frozen=True)
class Answer:
    """What the fake "model" did to one init clip: the truth a conformer's time map is checked
    against (clip sample = lead_in_frames + guide sample x (1 + drift))."""

    drift: float
    lead_in_frames: int
    semitones: float


@dataclass
class FakeStability:
    api_key: str = "sk-fake-stability-key"
    credits: float = 10_000.0
    behaviour: Behaviour = field(default_factory=Behaviour)
    requests: list[SeenRequest] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    """Audio-to-audio answers in the order they were made (the truth, for benches and tests)."""
    _failures: deque[int] = field(default_factory=deque)
    _recent: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, status: int, times: int = 1) -> None:
        """The next `times` generation requests answer `status` with the documented error body."""
        with self._lock:
            self._failures.extend([status] * times)

    def __enter__(self) -> "FakeStability":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                status, headers, payload = fake.handle(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- the contract ---

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        lower = {name.lower(): value for name, value in headers.items()}
        fields, audio = _multipart(lower.get("content-type", ""), body)
        status, answer_headers, payload = self._answer(path, lower, fields, audio)
        with self._lock:
            self.requests.append(SeenRequest(path, fields or {}, audio, status))
        return status, answer_headers, payload

    def _answer(
        self, path: str, headers: dict[str, str], fields: dict[str, str] | None, audio: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        if path not in (TEXT_TO_AUDIO, AUDIO_TO_AUDIO):
            return _error(404, "not_found", f"no route {path}")
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "unauthorized", "missing or invalid API key")
        with self._lock:
            now = time.monotonic()
            while self._recent and now - self._recent[0] > RATE_LIMIT[1]:
                self._recent.popleft()
            self._recent.append(now)
            if len(self._recent) > RATE_LIMIT[0]:
                return _error(429, "rate_limit_exceeded", "more than 150 requests in 10 seconds")
            if self._failures:
                status = self._failures.popleft()
                return _error(status, _ERROR_NAMES.get(status, "error"), f"failure {status} on demand")
        if fields is None:
            return _error(400, "bad_request", "the body must be multipart/form-data")
        problems = _contract_problems(path, headers, fields, audio)
        if problems:
            return _error(400, "bad_request", *problems)
        with self._lock:
            if self.credits < CREDITS_PER_GENERATION:
                return _error(402, "payment_required", "your account has insufficient credits")
            self.credits -= CREDITS_PER_GENERATION
        seed = int(fields.get("seed", "0") or 0)
        digest = hashlib.sha256(f"{path}|{seed}|{fields['prompt']}|".encode() + (audio or b"")).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        time.sleep(float(rng.uniform(*self.behaviour.latency_s)))
        duration_s = float(fields.get("duration", "190"))
        if path == AUDIO_TO_AUDIO:
            assert audio is not None
            try:
                init, rate = decode_audio(audio, what="init audio")
            except Exception as error:  # the real API answers 400 for an undecodable file
                return _error(400, "bad_request", f"audio: {error}")
            strength = float(fields.get("strength", "1"))
            out = self.model_audio_to_audio(init, rate, strength, duration_s, rng)
        else:
            out = self.model_text_to_audio(fields["prompt"], duration_s, rng)
        return (
            200,
            {"content-type": "audio/wav", "finish-reason": "SUCCESS", "seed": str(seed)},
            encode_wav(out, SAMPLE_RATE, subtype="PCM_16"),
        )

    # --- the "model" ---

    def model_audio_to_audio(
        self, init: AudioBuffer, rate: int, strength: float, duration_s: float, rng: np.random.Generator
    ) -> AudioBuffer:
        import pedalboard

        if rate != SAMPLE_RATE:
            init = signal.resample_poly(init, SAMPLE_RATE, rate, axis=1).astype(np.float32)
        if init.shape[0] == 1:
            init = np.repeat(init, 2, axis=0)
        drift = float(rng.uniform(*self.behaviour.drift)) * float(rng.choice([-1.0, 1.0]))
        semitones = (
            float(rng.choice([-1.0, 1.0])) if rng.random() < self.behaviour.pitch_shift_probability else 0.0
        )
        mono = bool(np.array_equal(init[0], init[1]))  # a centred bass: stretch one channel
        played = pedalboard.time_stretch(
            np.ascontiguousarray(init[:1] if mono else init, dtype=np.float32),
            float(SAMPLE_RATE),
            stretch_factor=1.0 / (1.0 + drift),
            pitch_shift_in_semitones=semitones,
            high_quality=False,  # a third of the CPU; the model's artefacts are the point anyway
            # Rubber Band's short window: with the long one the drift alone moved single drum hits
            # 11-15 ms (2 of 12 drum stems: the answer resampled back by its exact drift and compared
            # with its init), an error inside the answer that no time map can undo and that a
            # model, which plays its hits rather than stretching them, does not make; 2.5 ms at most.
            use_long_fft_window=False,
        )
        played = np.asarray(played, dtype=np.float32)
        played = _new_timbre(np.repeat(played, 2, axis=0) if mono else played, strength, rng)
        lead_in = np.zeros((2, int(rng.uniform(*self.behaviour.lead_in_s) * SAMPLE_RATE)), np.float32)
        with self._lock:
            self.answers.append(Answer(drift, lead_in.shape[1], semitones))
        return _fit(np.concatenate([lead_in, played], axis=1), int(duration_s * SAMPLE_RATE))

    def model_text_to_audio(self, prompt: str, duration_s: float, rng: np.random.Generator) -> AudioBuffer:
        """A kick-and-chord groove at the prompt's bpm (120 if it names none), drifted."""
        match = re.search(r"(\d+(?:\.\d+)?)\s*bpm", prompt)
        bpm = float(match.group(1)) if match else 120.0
        drift = float(rng.uniform(*self.behaviour.drift)) * float(rng.choice([-1.0, 1.0]))
        beat_s = 60.0 / (bpm * (1.0 + drift))
        frames = int(duration_s * SAMPLE_RATE)
        t = np.arange(frames) / SAMPLE_RATE
        lead_in = float(rng.uniform(*self.behaviour.lead_in_s))
        phase = np.mod(t - lead_in, beat_s)
        kick = np.where(t >= lead_in, np.sin(2 * np.pi * 55.0 * phase) * np.exp(-phase * 18.0), 0.0)
        root = 220.0 * 2 ** (int(rng.integers(0, 12)) / 12)
        chord = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in (1.0, 1.26, 1.5)) / 3
        mono = (0.6 * kick + 0.2 * chord).astype(np.float32)
        return _new_timbre(np.stack([mono, mono]), 0.5, rng)


_ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    402: "payment_required",
    403: "content_moderation",
    413: "payload_too_large",
    422: "invalid_parameters",
    429: "rate_limit_exceeded",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


def _error(status: int, name: str, *errors: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps(
        {
            "id": hashlib.md5(name.encode(), usedforsecurity=False).hexdigest(),
            "name": name,
            "errors": list(errors),
        }
    )
    headers = {"content-type": "application/json"}
    if status == 429:
        headers["retry-after"] = "1"
    return status, headers, body.encode()


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str] | None, bytes | None]:
    """Form fields and the `audio` file part of a multipart/form-data body (None: not multipart).
    Split on the boundary as bytes (RFC 7578): the email package parses a 30 MB WAV part line by
    line, seconds per request, which made a 200 s song's test slow for no reason of the product's."""
    if not content_type.startswith("multipart/form-data"):
        return None, None
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        return None, None
    delimiter = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    audio: bytes | None = None
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, payload = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        payload = payload.removesuffix(b"\r\n")
        disposition = next(
            (
                line
                for line in head.decode("latin-1").split("\r\n")
                if line.lower().startswith("content-disposition")
            ),
            "",
        )
        name = re.search(r'\bname="([^"]*)"', disposition)
        if name is None:
            continue
        if re.search(r'\bfilename="', disposition):
            if name.group(1) == "audio" and payload:
                audio = payload
        else:
            fields[name.group(1)] = payload.decode()
    return fields, audio


def _contract_problems(
    path: str, headers: dict[str, str], fields: dict[str, str], audio: bytes | None
) -> list[str]:
    problems: list[str] = []
    if not headers.get("accept", "").startswith("audio/"):
        problems.append("accept: this fake answers audio/* only (the JSON base64 form is not served)")
    if not fields.get("prompt", "").strip():
        problems.append("prompt: cannot be empty")
    if fields.get("model", "stable-audio-2") not in MODELS:
        problems.append(f"model: must be one of {', '.join(MODELS)}")
    if fields.get("output_format", "mp3") not in ("mp3", "wav"):
        problems.append("output_format: must be mp3 or wav")
    if fields.get("output_format", "mp3") != "wav":
        problems.append("output_format: this fake encodes wav only")
    try:
        duration = float(fields.get("duration", "190"))
        if not 1.0 <= duration <= 190.0:
            problems.append("duration: must be between 1 and 190")
    except ValueError:
        problems.append("duration: must be a number")
    if path == AUDIO_TO_AUDIO:
        if audio is None:
            problems.append("audio: required for audio-to-audio")
        try:
            if not 0.0 <= float(fields.get("strength", "1")) <= 1.0:
                problems.append("strength: must be between 0 and 1")
        except ValueError:
            problems.append("strength: must be a number")
    return problems


def _new_timbre(audio: AudioBuffer, strength: float, rng: np.random.Generator) -> AudioBuffer:
    """A different 'instrument': a random tilt EQ, saturation and a noise floor, per request."""
    cutoff = float(rng.uniform(1500.0, 6000.0))
    sos = signal.butter(2, cutoff, "lowpass", fs=SAMPLE_RATE, output="sos")
    dull = signal.sosfilt(sos, audio, axis=1)
    tilt = float(rng.uniform(0.3, 0.7)) * strength
    coloured = (1.0 - tilt) * audio + tilt * dull
    drive = 1.0 + 3.0 * strength * float(rng.random())
    saturated = np.tanh(drive * coloured) / np.tanh(drive)
    noise = rng.normal(0.0, 10 ** (-45 / 20), size=audio.shape)
    return np.asarray(0.9 * saturated + noise, dtype=np.float32)


def _fit(audio: AudioBuffer, frames: int) -> AudioBuffer:
    if audio.shape[1] >= frames:
        return np.ascontiguousarray(audio[:, :frames], dtype=np.float32)
    return np.pad(audio, ((0, 0), (0, frames - audio.shape[1]))).astype(np.float32)
