"""WAV bytes in and out. Buffers are float32 arrays shaped (channels, frames), as in pedalboard."""

import io

import numpy as np
import numpy.typing as npt
import soundfile as sf

from amp.domain.errors import InvalidAudio

SAMPLE_RATE = 44_100
"""Every stem and mix AMP renders uses this rate."""

AudioBuffer = npt.NDArray[np.float32]

FLAC_LEVEL = 5
"""libFLAC's default level; see README "Work files" for the measured trade-off."""


_FULL_SCALE_24 = 1 << 23


def quantize_24(audio: AudioBuffer) -> npt.NDArray[np.int32]:
    """(channels, frames) float -> (frames, channels) int32 holding 24-bit samples in its top 24 bits.

    One rounding rule for every 24-bit file: libsndfile's own float conversion floors for WAV but
    rounds for FLAC, so the same buffer would decode 1 LSB apart. Here: round to nearest, clip to
    [-1, 1 - 2^-23] (what libsndfile's clipping does too), shift into the int32 libsndfile writes
    as PCM_24 without any further conversion. Decoding gives sample / 2^23 for either format."""
    if audio.ndim != 2:
        raise ValueError(f"expected (channels, frames), got shape {audio.shape}")
    scaled = np.rint(audio.T * np.float32(_FULL_SCALE_24))
    np.clip(scaled, -_FULL_SCALE_24, _FULL_SCALE_24 - 1, out=scaled)
    return np.ascontiguousarray(scaled.astype(np.int32) << 8)


def encode_wav(audio: AudioBuffer, sample_rate: int = SAMPLE_RATE, subtype: str = "PCM_24") -> bytes:
    """Encode (channels, frames) float audio as WAV. Deterministic: same samples, same bytes.
    PCM_24 goes through `quantize_24`, so it holds exactly the samples `encode_flac` holds."""
    if audio.ndim != 2:
        raise ValueError(f"expected (channels, frames), got shape {audio.shape}")
    data = quantize_24(audio) if subtype == "PCM_24" else np.ascontiguousarray(audio.T)
    buffer = io.BytesIO()
    sf.write(buffer, data, sample_rate, subtype=subtype, format="WAV")
    return buffer.getvalue()


def encode_flac(audio: AudioBuffer, sample_rate: int = SAMPLE_RATE, *, level: int = FLAC_LEVEL) -> bytes:
    """Encode (channels, frames) float audio as 24-bit FLAC at libFLAC `level` (0..8): the same
    samples as `encode_wav`'s PCM_24 (lossless over the 24-bit quantisation), in fewer bytes.
    Deterministic: libFLAC writes no timestamps, so the same samples give the same bytes."""
    if not 0 <= level <= 8:
        raise ValueError(f"FLAC levels are 0..8, got {level}")
    buffer = io.BytesIO()
    sf.write(
        buffer,
        quantize_24(audio),
        sample_rate,
        subtype="PCM_24",
        format="FLAC",
        compression_level=level / 8,
    )
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
