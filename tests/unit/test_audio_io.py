"""Work files: 24-bit FLAC holds exactly the samples a 24-bit WAV holds, deterministically."""

import io

import numpy as np
import pytest
import soundfile as sf

from amp.audio_io import SAMPLE_RATE, decode_audio, encode_flac, encode_wav, quantize_24
from amp.domain.errors import InvalidAudio


def _signal() -> np.ndarray:
    rng = np.random.default_rng(3)
    audio = (rng.standard_normal((2, SAMPLE_RATE)) * 0.3).astype(np.float32)
    audio[:, :4] = [[1.42, -1.5, 1.0, -1.0], [0.999999, -0.999999, 2.0**-24, -(2.0**-24)]]
    return audio


def test_flac_and_wav_decode_to_the_same_24_bit_samples_at_every_level() -> None:
    audio = _signal()
    wav, _ = decode_audio(encode_wav(audio))
    for level in (0, 5, 8):
        data = encode_flac(audio, level=level)
        assert sf.info(io.BytesIO(data)).subtype == "PCM_24"
        flac, rate = decode_audio(data)
        assert rate == SAMPLE_RATE
        assert np.array_equal(flac, wav), level
    assert np.max(np.abs(wav - audio.clip(-1, 1 - 2.0**-23))) <= 2.0**-24  # rounded, not floored


def test_quantize_24_rounds_to_nearest_and_clips_to_full_scale() -> None:
    steps = np.array([[0.4, 0.6, -0.4, -0.6, 2.0**23, -(2.0**23) - 5]], dtype=np.float32) / 2.0**23
    assert (quantize_24(steps)[:, 0] >> 8).tolist() == [0, 1, 0, -1, 2**23 - 1, -(2**23)]


def test_flac_is_deterministic_smaller_than_wav_and_refuses_bad_levels() -> None:
    audio = _signal()
    assert encode_flac(audio) == encode_flac(audio.copy())
    assert len(encode_flac(audio)) < len(encode_wav(audio))
    with pytest.raises(ValueError, match=r"0\.\.8"):
        encode_flac(audio, level=9)
    with pytest.raises(ValueError, match="channels, frames"):
        encode_flac(audio[0])


def test_memfd_and_bytesio_encodes_are_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoders write into a Linux memfd (no Python callback per libFLAC frame); where there is
    none they fall back to a BytesIO, and either way the file is the same."""
    audio = _signal()
    via_memfd = (encode_flac(audio), encode_flac(audio, level=0), encode_wav(audio))
    decoded = [decode_audio(data)[0] for data in via_memfd]
    with pytest.raises(InvalidAudio, match="not a readable audio file"):
        decode_audio(b"RIFF" + bytes(60))
    monkeypatch.delattr("os.memfd_create", raising=False)
    assert (encode_flac(audio), encode_flac(audio, level=0), encode_wav(audio)) == via_memfd
    assert all(
        np.array_equal(decode_audio(data)[0], samples)
        for data, samples in zip(via_memfd, decoded, strict=True)
    )
    assert np.array_equal(decoded[0], decoded[2])
    with pytest.raises(InvalidAudio, match="not a readable audio file"):
        decode_audio(b"RIFF" + bytes(60))


def test_quantize_24_equals_the_plain_formula_and_leaves_its_input_alone() -> None:
    audio = _signal() * np.float32(1.3)
    before = audio.copy()
    plain = (
        np.clip(np.rint(audio.T.astype(np.float64) * 2.0**23), -(2.0**23), 2.0**23 - 1).astype(np.int32) << 8
    )
    assert np.array_equal(quantize_24(audio), plain)
    assert np.array_equal(audio, before)
    assert quantize_24(audio).flags.c_contiguous
