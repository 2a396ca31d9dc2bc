"""The web player's MP3 preview of the final master.

Encoded by QA on its own thread beside the pass's analyses and pictures (amp/stages/qa.py), from the
mix QA has decoded anyway: LAME's ~2 CPU-s per 180 s was most of Publish, serial on the job's
critical path, and made Publish a 1.8 GB function for decoding the master. Publish now only copies
the final pass's file. A pass QA sends back wastes its preview, as it wastes its pictures.

LAME through `lameenc` (LGPL, a 0.4 MB self-contained wheel) rather than pedalboard's writer:
pedalboard exposes no encoder speed, and its fixed setting is LAME's -q 3 (measured: the same error
spectrum as lameenc at quality 3). LAME's default, -q 5, leaves out the slow Huffman-table search
and amplified noise shaping: ~30% less CPU, with the error within 0.5 dB of -q 3 in every band of a
dense 180 s mix. -q 7 would halve the CPU again but drops noise shaping: 6-8 dB more error between
250 Hz and 2 kHz, where ears are keenest (README, "MP3 preview")"""

import lameenc
import numpy as np

from amp.audio_io import AudioBuffer
from amp.domain.errors import InvalidAudio

PREVIEW_KBPS = 320
# LAME's -q: 0 slowest/best .. 9 fastest; see the module docstring.
PREVIEW_LAME_QUALITY = 5
PCM_CHUNK_FRAMES = 1 << 16


def encode_mp3(
    audio: AudioBuffer, sample_rate: int, kbps: int = PREVIEW_KBPS, quality: int = PREVIEW_LAME_QUALITY
) -> bytes:
    """CBR MP3 of a mono or stereo float buffer (channels first). LAME releases the GIL while it
    encodes, so QA's analyses run beside it."""
    channels = audio.shape[0]
    if channels not in (1, 2):
        raise InvalidAudio(f"an MP3 preview holds 1 or 2 channels, not {channels}")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(channels)
    encoder.set_quality(quality)
    # lameenc takes interleaved 16-bit PCM; LAME's own input stage would quantise to its float
    # format anyway, and 16-bit rounding noise (-98 dBFS) sits far below the MP3's own. Converted
    # and fed PCM_CHUNK_FRAMES at a time: LAME buffers its input, so the bytes are those of one
    # call (a test compares), without four whole-song temporaries (~0.5 GB at 600 s) at QA's peak.
    encoded = bytearray()
    for start in range(0, audio.shape[1], PCM_CHUNK_FRAMES):
        block = audio[:, start : start + PCM_CHUNK_FRAMES]
        pcm = np.rint(np.clip(block.T, -1.0, 1.0) * np.float32(32767.0)).astype("<i2")
        encoded += encoder.encode(pcm.tobytes())
    encoded += encoder.flush()
    return bytes(encoded)
