"""The fault corpus (tests/audio/faults, from make_fixtures.py): every file ends in a specific
InvalidAudio reason or a correct decode, never a crash; plus the size/length limits and the ffmpeg
path for codecs libsndfile lacks."""

import io
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from amp.analysis import levels
from amp.analysis.decode import MAX_FILE_BYTES, decode_any, sniff_format
from amp.audio_io import encode_wav
from amp.domain.errors import InvalidAudio
from tests.audio.signals import sine

FAULTS = Path(__file__).resolve().parents[1] / "audio" / "faults"


def _read(name: str) -> bytes:
    return (FAULTS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("zero_length.wav", r"is empty \(0 bytes\)"),
        ("wrong_header.wav", r"looks like WAV but is corrupt or truncated"),
        ("one_sample.wav", r"only 1 frames .* at least 1 s"),
        ("all_zero.wav", r"is silent"),
        ("nan_float.wav", r"contains 10 NaN or infinite samples"),
        ("text.wav", r"is a text file, not audio"),
    ],
)
def test_faulty_files_fail_with_a_precise_reason(name: str, reason: str) -> None:
    with pytest.raises(InvalidAudio, match=reason):
        decode_any(_read(name), what=name)


def test_truncated_wav_decodes_the_audio_that_is_there() -> None:
    decoded = decode_any(_read("truncated.wav"))
    assert decoded.sample_rate == 22_050
    assert decoded.duration_s == pytest.approx(1.0, abs=0.01)  # the header promised 2 s


def test_full_scale_square_decodes_and_measures_over_the_ceiling() -> None:
    decoded = decode_any(_read("square_full_scale.wav"))
    assert levels.sample_peak_dbfs(decoded.audio) == pytest.approx(0.0, abs=0.01)
    assert levels.true_peak_dbtp(decoded.audio) > 0.0  # Gibbs overshoot between the samples
    assert levels.count_clipped_samples(decoded.audio) > 1000


@pytest.mark.parametrize(
    ("name", "rate", "channels", "source_format"),
    [
        ("eight_channel.wav", 11_025, 8, "WAV"),
        ("rate_8k.wav", 8_000, 1, "WAV"),
        ("rate_192k.flac", 192_000, 1, "FLAC"),
        ("tone_440hz_-6dbfs.aiff", 22_050, 1, "AIFF"),
        ("tone_440hz_-6dbfs.ogg", 22_050, 1, "OGG"),
        ("tone_440hz_-6dbfs.mp3", 22_050, 1, "MP3"),
    ],
)
def test_any_rate_layout_and_container_decodes(
    name: str, rate: int, channels: int, source_format: str
) -> None:
    decoded = decode_any(_read(name))
    assert (decoded.sample_rate, decoded.audio.shape[0], decoded.source_format) == (
        rate,
        channels,
        source_format,
    )
    assert decoded.audio.dtype == np.float32
    assert levels.integrated_lufs(decoded.audio, rate) > -40.0


def test_sniffing_names_containers_by_signature() -> None:
    assert sniff_format(_read("rate_192k.flac")) == "FLAC"
    assert sniff_format(_read("tone_440hz_-6dbfs.aiff")) == "AIFF"
    assert sniff_format(_read("text.wav")) is None


def test_random_bytes_are_not_audio() -> None:
    noise = np.random.default_rng(5).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with pytest.raises(InvalidAudio, match="not a recognised audio format"):
        decode_any(b"\x00\x01" + noise)


def test_files_over_50_mb_are_refused_before_decoding() -> None:
    with pytest.raises(InvalidAudio, match=r"the limit is 50 MB"):
        decode_any(b"RIFF" + bytes(MAX_FILE_BYTES))


def test_audio_over_10_minutes_is_refused_from_the_header() -> None:
    buffer = io.BytesIO()
    sf.write(buffer, np.zeros(8_000 * 601, dtype=np.float32), 8_000, subtype="PCM_U8", format="WAV")
    with pytest.raises(InvalidAudio, match=r"10.0 minutes long; the limit is 10 minutes"):
        decode_any(buffer.getvalue())


def test_aac_in_mp4_goes_through_ffmpeg(tmp_path: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg is not None, "ffmpeg is a Debian dependency (scripts/setup installs it)"
    source = tmp_path / "tone.wav"
    tone = sine(440.0, 2.0, amplitude=0.5)
    source.write_bytes(encode_wav(tone, 44_100, subtype="PCM_16"))
    target = tmp_path / "tone.m4a"
    subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(source), "-c:a", "aac", "-b:a", "96k", str(target)], check=True
    )
    decoded = decode_any(target.read_bytes())
    assert decoded.source_format == "AAC"
    assert decoded.sample_rate == 44_100
    assert decoded.audio.shape[0] == 2
    assert decoded.duration_s == pytest.approx(2.0, abs=0.1)
    expected_lufs = levels.integrated_lufs(tone, 44_100)
    assert levels.integrated_lufs(decoded.audio, 44_100) == pytest.approx(expected_lufs, abs=0.3)


def _wav_header(data_bytes: int) -> bytes:
    fmt = struct.pack("<IHHIIHH", 16, 1, 2, 44_100, 44_100 * 4, 4, 16)
    return (
        b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVEfmt " + fmt + b"data" + struct.pack("<I", data_bytes)
    )


@pytest.mark.parametrize(
    "data",
    [
        b"RIFF" + bytes(40),
        _wav_header(0xFFFFFFF0),  # a header claiming 4 GB of samples and nothing after it
        _wav_header(0xFFFFFFF0) + bytes(1000),
        b"fLaC" + bytes(40),
        b"OggS" + bytes(50),
        b"FORM" + bytes(60),
        b"ID3" + bytes(100),
    ],
    ids=["riff-garbage", "wav-4gb-empty", "wav-4gb-short", "flac", "ogg", "aiff", "mp3"],
)
def test_refusal_reasons_are_sentences_without_python_object_reprs(data: bytes) -> None:
    with pytest.raises(InvalidAudio) as refused:
        decode_any(data, what="your reference track")
    reason = str(refused.value)
    assert reason.startswith("your reference track ")
    assert "0x" not in reason and "<" not in reason and "object at" not in reason, reason
