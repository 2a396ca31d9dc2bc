"""The web player's MP3 preview of the final master.

Encoded once, by Publish, from the mix it publishes: encoding it in the mix stage cost ~2 s of LAME
on every mastering pass, including the passes QA sends back, on the mix stage's critical path."""

import io

import numpy as np
from pedalboard.io import AudioFile

from amp.audio_io import AudioBuffer, decode_audio

PREVIEW_KBPS = 320


def encode_mp3(audio: AudioBuffer, sample_rate: int, kbps: int = PREVIEW_KBPS) -> bytes:
    """CBR MP3 (LAME via pedalboard)."""
    buffer = io.BytesIO()
    with AudioFile(
        buffer, "w", samplerate=sample_rate, num_channels=audio.shape[0], format="mp3", quality=kbps
    ) as f:
        f.write(np.clip(audio, -1.0, 1.0))
    return buffer.getvalue()


def preview_mp3(mix_file: bytes) -> bytes:
    """The 320 kbps preview of a stored mastered mix (any format audio_io decodes)."""
    audio, sample_rate = decode_audio(mix_file, what="the mastered mix")
    return encode_mp3(audio, sample_rate)
