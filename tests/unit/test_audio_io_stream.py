"""Streamed WAV writing and block-wise decoding: what the mix stage uses to hold one stem at a time.
PCM_24 chunks are `encode_wav`'s bytes exactly; FLOAT keeps float32 samples bit for bit (beyond
full scale too: pre-bus stems are unbounded); `decode_audio`'s block-wise reading gives the samples
soundfile reads in one call."""

import io

import numpy as np
import pytest
import soundfile as sf

from amp.audio_io import decode_audio, encode_flac, encode_wav, quantize_24, wav_chunks
from amp.domain.errors import InvalidAudio


@pytest.mark.parametrize("frames", [1, 4_099, 70_001])
def test_pcm_24_chunks_are_the_bytes_libsndfile_writes(frames: int) -> None:
    """`encode_wav` writes PCM_24 through `wav_chunks`: the same bytes as libsndfile's own WAV writer
    given `quantize_24`'s samples, at any chunk size."""
    audio = (np.random.default_rng(frames).standard_normal((2, frames)) * 0.4).astype(np.float32)
    buffer = io.BytesIO()
    sf.write(buffer, quantize_24(audio), 44_100, subtype="PCM_24", format="WAV")
    assert b"".join(wav_chunks(audio, 44_100, "PCM_24", chunk_frames=4_096)) == buffer.getvalue()
    assert encode_wav(audio) == buffer.getvalue()


def test_float_chunks_keep_unbounded_float32_samples_exactly() -> None:
    audio = (np.random.default_rng(1).standard_normal((2, 50_000)) * 3.0).astype(np.float32)
    data = b"".join(wav_chunks(audio, 48_000, "FLOAT", chunk_frames=10_000))
    decoded, rate = decode_audio(data)
    assert rate == 48_000
    assert decoded.dtype == np.float32
    assert np.array_equal(decoded, audio)
    assert data == b"".join(wav_chunks(audio, 48_000, "FLOAT"))  # deterministic: no timestamp


@pytest.mark.parametrize("subtype", ["PCM_24", "FLOAT"])
def test_a_gain_curve_is_applied_chunk_by_chunk_without_touching_the_audio(subtype: str) -> None:
    """The mix stage writes post-fader stems as pre-bus stem x bus gain inside the writer: the bytes
    of writing the product, and the pre-bus stem left as it was."""
    rng = np.random.default_rng(7)
    audio = (rng.standard_normal((2, 70_001)) * 0.4).astype(np.float32)
    gain = rng.uniform(0.2, 1.0, 70_001).astype(np.float32)
    before = audio.copy()
    scaled = b"".join(wav_chunks(audio, 44_100, subtype, chunk_frames=4_096, gain=gain))
    assert scaled == b"".join(wav_chunks(audio * gain, 44_100, subtype))
    assert np.array_equal(audio, before)
    with pytest.raises(ValueError, match="gain of shape"):
        next(wav_chunks(audio, 44_100, subtype, gain=gain[:-1]))


@pytest.mark.parametrize("channels", [1, 2, 6])
def test_block_wise_decoding_gives_the_samples_of_one_whole_read(channels: int) -> None:
    audio = (np.random.default_rng(channels).standard_normal((channels, 100_000)) * 0.3).astype(np.float32)
    for data in (encode_wav(audio), encode_flac(audio)):
        whole, _ = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
        decoded, _ = decode_audio(data)
        assert decoded.flags.c_contiguous
        assert np.array_equal(decoded, whole.T)


def test_decoding_refuses_empty_unreadable_and_non_finite_files() -> None:
    with pytest.raises(InvalidAudio, match="empty"):
        decode_audio(b"", what="stem 'bass'")
    with pytest.raises(InvalidAudio, match="not a readable audio file"):
        decode_audio(b"RIFF not really", what="stem 'bass'")
    broken = np.zeros((2, 10), np.float32)
    broken[1, 3] = np.nan
    with pytest.raises(InvalidAudio, match="NaN"):
        decode_audio(b"".join(wav_chunks(broken, subtype="FLOAT")))
    with pytest.raises(ValueError, match="writes"):
        next(wav_chunks(broken, subtype="PCM_16"))
