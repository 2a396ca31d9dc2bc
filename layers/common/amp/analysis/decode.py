"""Decode any audio a user may upload (WAV, FLAC, OGG, MP3, AIFF via soundfile; other codecs such as
AAC/M4A via an ffmpeg subprocess) with limits and a precise reason for every refusal.

numpy/soundfile only (ffmpeg is optional: without it only soundfile's formats are read)."""

import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np
import soundfile as sf

from amp.audio_io import AudioBuffer
from amp.domain.errors import InvalidAudio

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DURATION_S = 600.0
MIN_DURATION_S = 1.0
"""Shorter than a second has no tempo, key or loudness range worth reporting."""
SILENT_PEAK = 10 ** (-90 / 20)
FFMPEG_TIMEOUT_S = 120.0

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"RIFF", 0, "WAV"),
    (b"RF64", 0, "WAV"),
    (b"fLaC", 0, "FLAC"),
    (b"OggS", 0, "OGG"),
    (b"FORM", 0, "AIFF"),
    (b"ID3", 0, "MP3"),
    (b"ftyp", 4, "MP4"),
    (b"\x30\x26\xb2\x75", 0, "ASF"),
)


@dataclass(frozen=True)
class DecodedAudio:
    audio: AudioBuffer
    """(channels, frames) float32 at the file's own rate and channel count."""
    sample_rate: int
    source_format: str

    @property
    def duration_s(self) -> float:
        return float(self.audio.shape[1] / self.sample_rate)


def sniff_format(data: bytes) -> str | None:
    """The container named by the file's first bytes, or None when no audio signature matches."""
    for magic, offset, name in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return name
    if len(data) >= 2 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0:
        return "MP3" if (data[1] & 0x06) != 0 else "AAC"
    return None


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(byte >= 0x20 or byte in b"\t\r\n\f" for byte in head)


_OBJECT_REPR = re.compile(r"<[^<>]* at 0x[0-9a-fA-F]+>")


def _reason(error: BaseException) -> str:
    """The decoder's complaint as words for a person: libsndfile's own message without the Python
    object it was opening ("Error opening <_io.BytesIO object at 0x...>: ..." names no file of theirs)."""
    text = getattr(error, "error_string", None) or str(error)
    text = _OBJECT_REPR.sub("the file", str(text))
    text = re.sub(r"^Error opening the file: ", "", text).strip().rstrip(".")
    if not text:
        return "the decoder gave no reason"
    return text[0].lower() + text[1:]


def _decode_with_soundfile(data: bytes, what: str) -> tuple[AudioBuffer, int, str]:
    info = sf.info(io.BytesIO(data))
    if info.samplerate <= 0:
        raise InvalidAudio(f"{what} declares an invalid sample rate ({info.samplerate})")
    if info.frames > 0 and info.frames / info.samplerate > MAX_DURATION_S:
        raise InvalidAudio(
            f"{what} is {info.frames / info.samplerate / 60:.1f} minutes long; the limit is "
            f"{MAX_DURATION_S / 60:.0f} minutes"
        )
    samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    return np.ascontiguousarray(samples.T), int(rate), str(info.format)


def _decode_with_ffmpeg(data: bytes, what: str) -> tuple[AudioBuffer, int, str]:
    """Codecs libsndfile lacks (AAC, ALAC, WMA...): ffprobe for the layout, ffmpeg to raw float."""
    ffmpeg, ffprobe = shutil.which("ffmpeg"), shutil.which("ffprobe")
    if ffmpeg is None or ffprobe is None:
        raise InvalidAudio(f"{what} needs ffmpeg to decode and ffmpeg is not installed")
    entries = "stream=sample_rate,channels,codec_name"
    probe_argv = [ffprobe, "-v", "error", "-select_streams", "a:0", "-show_entries", entries, "-of", "json"]
    probe = subprocess.run(  # nosec B603: ffmpeg from PATH, fixed argv, data on stdin, timeout
        [*probe_argv, "-i", "pipe:0"], input=data, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False
    )
    streams = json.loads(probe.stdout or b"{}").get("streams", []) if probe.returncode == 0 else []
    if not streams:
        raise InvalidAudio(f"{what} has no audio stream ffmpeg can read")
    rate, channels = int(streams[0]["sample_rate"]), int(streams[0]["channels"])
    limit = str(MAX_DURATION_S + 1)
    decode_argv = [ffmpeg, "-v", "error", "-i", "pipe:0", "-t", limit, "-f", "f32le", "-acodec", "pcm_f32le"]
    decoded = subprocess.run(  # nosec B603: as above
        [*decode_argv, "pipe:1"], input=data, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False
    )
    if decoded.returncode != 0 or not decoded.stdout:
        reason = decoded.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no samples"]
        raise InvalidAudio(f"{what} could not be decoded: {reason[0]}")
    flat = np.frombuffer(decoded.stdout, dtype="<f4")
    usable = flat.size - flat.size % channels
    audio = np.ascontiguousarray(flat[:usable].reshape(-1, channels).T, dtype=np.float32)
    return audio, rate, str(streams[0].get("codec_name", "ffmpeg")).upper()


def decode_any(data: bytes, *, what: str = "the audio file") -> DecodedAudio:
    """Decode `data`; InvalidAudio names what is wrong (empty, too big, text, corrupt, silent, NaN...)."""
    if not data:
        raise InvalidAudio(f"{what} is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidAudio(
            f"{what} is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB"
        )
    container = sniff_format(data)
    if container is None and _looks_like_text(data):
        raise InvalidAudio(f"{what} is a text file, not audio")
    try:
        audio, rate, source_format = _decode_with_soundfile(data, what)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
        if container in {"MP4", "ASF", "AAC"}:
            audio, rate, source_format = _decode_with_ffmpeg(data, what)
        elif container is None:
            raise InvalidAudio(
                f"{what} is not a recognised audio format ({len(data)} bytes, no audio header)"
            ) from error
        else:
            raise InvalidAudio(
                f"{what} looks like {container} but is corrupt or truncated ({_reason(error)})"
            ) from error
    return _checked(audio, rate, source_format, what)


def _checked(audio: AudioBuffer, rate: int, source_format: str, what: str) -> DecodedAudio:
    if audio.shape[1] == 0:
        raise InvalidAudio(f"{what} has a valid header but no audio frames")
    if not np.all(np.isfinite(audio)):
        bad = int(np.count_nonzero(~np.isfinite(audio)))
        raise InvalidAudio(f"{what} contains {bad} NaN or infinite samples")
    duration_s = audio.shape[1] / rate
    if duration_s > MAX_DURATION_S:
        raise InvalidAudio(
            f"{what} is {duration_s / 60:.1f} minutes long; the limit is {MAX_DURATION_S / 60:.0f} minutes"
        )
    if duration_s < MIN_DURATION_S:
        raise InvalidAudio(
            f"{what} is only {audio.shape[1]} frames ({duration_s * 1000:.1f} ms) long; at least "
            f"{MIN_DURATION_S:.0f} s is needed"
        )
    if float(np.max(np.abs(audio))) < SILENT_PEAK:
        raise InvalidAudio(f"{what} is silent (every sample is below -90 dBFS)")
    return DecodedAudio(audio=audio, sample_rate=rate, source_format=source_format)
