"""The MP3 preview (amp/mastering/preview.py): LAME through lameenc at 320 kbps CBR."""

import io

import numpy as np
import pytest
import soundfile as sf
from pedalboard.io import AudioFile

from amp.domain.errors import InvalidAudio
from amp.mastering.preview import encode_mp3

SR = 44100


def _music(seconds: float = 4.0) -> np.ndarray:
    """Two detuned chords with a noise bed: enough spectrum for LAME to allocate bits across."""
    t = np.arange(int(SR * seconds)) / SR
    rng = np.random.default_rng(7)
    left = sum(0.12 * np.sin(2 * np.pi * f * t) for f in (110.0, 220.0, 277.2, 329.6, 1760.0))
    right = sum(0.12 * np.sin(2 * np.pi * f * 1.003 * t) for f in (146.8, 293.7, 370.0, 440.0))
    bed = 0.02 * rng.standard_normal((2, t.size))
    return (np.stack([left, right]) + bed).astype(np.float32)


def _decode(data: bytes) -> np.ndarray:
    with AudioFile(io.BytesIO(data)) as f:
        return f.read(f.frames)


def _aligned_error_db(original: np.ndarray, decoded: np.ndarray) -> float:
    """Error energy relative to the signal after removing LAME's encoder delay."""
    window = original[0, SR : 2 * SR]
    lags = [float(np.dot(window, decoded[0, SR + lag : 2 * SR + lag])) for lag in range(3000)]
    lag = int(np.argmax(lags))
    n = min(original.shape[1], decoded.shape[1] - lag) - SR // 2
    error = decoded[:, lag : lag + n] - original[:, :n]
    return float(10 * np.log10(np.sum(error**2) / np.sum(original[:, :n] ** 2)))


def test_stereo_preview_is_a_320_kbps_mp3_that_sounds_like_its_source() -> None:
    audio = _music()
    data = encode_mp3(audio, SR)
    info = sf.info(io.BytesIO(data))
    assert (info.format, info.channels, info.samplerate) == ("MP3", 2, SR)
    assert 300 <= len(data) * 8 / info.duration / 1000 <= 340
    decoded = _decode(data)
    # A broken channel order, sample format or rate would leave the error near 0 dB or above.
    assert _aligned_error_db(audio, decoded) < -25.0


def test_mono_preview_is_mono() -> None:
    data = encode_mp3(_music()[:1], SR)
    assert sf.info(io.BytesIO(data)).channels == 1
    assert _aligned_error_db(_music()[:1], _decode(data)) < -25.0


def test_overs_are_clipped_not_wrapped() -> None:
    """Float samples past full scale must clip: a cast without clipping wraps int16 to the other rail."""
    loud = np.clip(_music() * 4.0, -1.5, 1.5).astype(np.float32)
    decoded = _decode(encode_mp3(loud, SR))
    assert _aligned_error_db(np.clip(loud, -1.0, 1.0), decoded) < -15.0


def test_more_than_two_channels_is_refused() -> None:
    with pytest.raises(InvalidAudio, match="1 or 2 channels"):
        encode_mp3(np.zeros((3, SR), dtype=np.float32), SR)


def test_the_preview_is_deterministic() -> None:
    audio = _music(2.0)
    assert encode_mp3(audio, SR) == encode_mp3(audio, SR)


def test_feeding_lame_a_chunk_at_a_time_gives_the_bytes_of_one_call() -> None:
    """Chunks that do not divide the song (nor LAME's 1,152-sample frames), and clipped peaks."""
    import lameenc

    from amp.mastering import preview

    audio = _music(5.0) * np.float32(3.0)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(preview.PREVIEW_KBPS)
    encoder.set_in_sample_rate(SR)
    encoder.set_channels(2)
    encoder.set_quality(preview.PREVIEW_LAME_QUALITY)
    pcm = np.rint(np.clip(audio.T, -1.0, 1.0) * np.float32(32767.0)).astype("<i2")
    whole = bytes(encoder.encode(pcm.tobytes()) + encoder.flush())
    assert audio.shape[1] > preview.PCM_CHUNK_FRAMES * 3
    assert encode_mp3(audio, SR) == whole
