"""WAV bytes in and out. Buffers are float32 arrays shaped (channels, frames), as in pedalboard."""

import io

import numpy as np
import numpy.typing as npt
import soundfile as sf

from amp.domain.errors import InvalidAudio

SAMPLE_RATE = 44_100
"""Every stem and mix AMP renders uses this rate."""

AudioBuffer = npt.NDArray[np.float32]


def encode_wav(audio: AudioBuffer, sample_rate: int = SAMPLE_RATE, subtype: str = "PCM_24") -> bytes:
    """Encode (channels, frames) float audio as WAV. Deterministic: same samples, same bytes."""
    if audio.ndim != 2:
        raise ValueError(f"expected (channels, frames), got shape {audio.shape}")
    buffer = io.BytesIO()
    sf.write(buffer, np.ascontiguousarray(audio.T), sample_rate, subtype=subtype, format="WAV")
    return buffer.getvalue()


def decode_audio(data: bytes, *, what: str = "audio") -> tuple[AudioBuffer, int]:
    """Decode any file soundfile reads into (channels, frames) float32; InvalidAudio says why not."""
    if not data:
        raise InvalidAudio(f"{what} is empty (0 bytes)")
    try:
        samples, sample_rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except sf.LibsndfileError as error:
        raise InvalidAudio(f"{what} is not a readable audio file ({error.error_string})") from error
    except (RuntimeError, TypeError, ValueError) as error:
        raise InvalidAudio(f"{what} is not a readable audio file ({error})") from error
    if samples.shape[0] == 0:
        raise InvalidAudio(f"{what} has no audio frames")
    if not np.all(np.isfinite(samples)):
        raise InvalidAudio(f"{what} contains NaN or infinite samples")
    return np.ascontiguousarray(samples.T), int(sample_rate)
