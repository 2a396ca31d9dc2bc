"""The web player's MP3 preview of the final master.

Encoded once, by Publish, from the mix it publishes: encoding it in the mix stage cost ~2 s of LAME
on every mastering pass, including the passes QA sends back, on the mix stage's critical path."""

import io

import numpy as np
from pedalboard.io import AudioFile

from amp.audio_io import AudioBuffer, decode_audio
from amp.domain.errors import InvalidAudio
from amp.observability import logger

PREVIEW_KBPS = 320


def encode_mp3(audio: AudioBuffer, sample_rate: int, kbps: int = PREVIEW_KBPS) -> bytes:
    """CBR MP3 (LAME via pedalboard)."""
    buffer = io.BytesIO()
    with AudioFile(
        buffer, "w", samplerate=sample_rate, num_channels=audio.shape[0], format="mp3", quality=kbps
    ) as f:
        f.write(np.clip(audio, -1.0, 1.0))
    return buffer.getvalue()


def preview_mp3(mix_file: bytes) -> bytes | None:
    """The 320 kbps preview of a stored mastered mix (any format audio_io decodes), or None when
    the file does not decode: the preview is optional, the mix is published as it is either way."""
    try:
        audio, sample_rate = decode_audio(mix_file, what="the mastered mix")
    except InvalidAudio as error:
        logger.warning("no preview", extra={"reason": str(error)})
        return None
    return encode_mp3(audio, sample_rate)
