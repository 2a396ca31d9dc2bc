"""WAV bytes in and out. Buffers are float32 arrays shaped (channels, frames), as in pedalboard."""

import contextlib
import io
import os
import struct
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import soundfile as sf

from amp.domain.errors import InvalidAudio

SAMPLE_RATE = 44_100
"""Every stem and mix AMP renders uses this rate."""

AudioBuffer = npt.NDArray[np.float32]

FLAC_LEVEL = 4
"""libFLAC level 4: on the 180 s dnb job's 4 stems 1.2% more bytes than the default 5 and ~16% less
encode CPU (the generate stage's largest cost); see README "Work files" for the measured trade-off."""


_FULL_SCALE_24 = 1 << 23


def _check_shape(audio: AudioBuffer) -> None:
    if audio.ndim != 2:
        raise ValueError(f"expected (channels, frames), got shape {audio.shape}")


QUANTIZE_BLOCK_FRAMES = 1 << 16
"""Frames per quantising pass: 512 KiB of float32 stereo, kept in L2 for its four passes."""


def quantize_24(audio: AudioBuffer) -> npt.NDArray[np.int32]:
    """(channels, frames) float -> (frames, channels) int32 holding 24-bit samples in its top 24 bits.

    One rounding rule for every 24-bit file: libsndfile's own float conversion floors for WAV but
    rounds for FLAC, so the same buffer would decode 1 LSB apart. Here: round to nearest, clip to
    [-1, 1 - 2^-23] (what libsndfile's clipping does too), shift into the int32 libsndfile writes
    as PCM_24 without any further conversion. Decoding gives sample / 2^23 for either format.

    Block by block (QUANTIZE_BLOCK_FRAMES): scale, round and clip run on a contiguous
    (channels, block) float32 scratch that stays in cache, and the last pass scales by 2^8 while
    casting into the interleaved output, which is exact (an integer of at most 24 bits times a
    power of two) and equals shifting the int left by 8. The earlier whole-buffer version read the
    input transposed (strided) and made its four passes through memory: 91 -> 66 ms per 180 s
    stereo stem. 2 x 121 blocks per 180 s stem is few GIL hand-offs beside the FLAC encode's."""
    _check_shape(audio)
    channels, frames = audio.shape
    out = np.empty((frames, channels), dtype=np.int32)
    scratch = np.empty((channels, min(frames, QUANTIZE_BLOCK_FRAMES)), dtype=np.float32)
    for start in range(0, frames, QUANTIZE_BLOCK_FRAMES):
        end = min(frames, start + QUANTIZE_BLOCK_FRAMES)
        work = scratch[:, : end - start]
        np.multiply(audio[:, start:end], np.float32(_FULL_SCALE_24), out=work)
        np.rint(work, out=work)
        np.clip(work, -_FULL_SCALE_24, _FULL_SCALE_24 - 1, out=work)
        np.multiply(work.T, np.float32(1 << 8), out=out[start:end], casting="unsafe")
    return out


def _encode_flac_24(audio: AudioBuffer, sample_rate: int, **options: float) -> bytes:
    """`quantize_24`'s samples as a 24-bit FLAC, written by libsndfile into an anonymous in-memory
    file (Linux memfd) rather than a BytesIO: through a BytesIO each of libFLAC's ~2,000 frame
    writes per 180 s stem is a Python callback that must take the GIL, which the Map's other
    threads hold while they render (2 encodes beside a GIL-bound thread: 1.18 s -> 0.85 s wall).
    Same bytes either way (a test compares); BytesIO where memfd is missing."""
    samples = quantize_24(audio)
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is None:
        buffer = io.BytesIO()
        sf.write(buffer, samples, sample_rate, subtype="PCM_24", format="FLAC", **options)
        return buffer.getvalue()
    descriptor = memfd_create("amp-encode", os.MFD_CLOEXEC)
    try:
        with sf.SoundFile(
            descriptor,
            "w",
            sample_rate,
            samples.shape[1],
            "PCM_24",
            format="FLAC",
            closefd=False,
            **options,
        ) as out:
            out.write(samples)
        return os.pread(descriptor, os.lseek(descriptor, 0, os.SEEK_END), 0)
    finally:
        os.close(descriptor)


def encode_wav(audio: AudioBuffer, sample_rate: int = SAMPLE_RATE, subtype: str = "PCM_24") -> bytes:
    """Encode (channels, frames) float audio as WAV. Deterministic: same samples, same bytes.
    PCM_24 is quantised as `quantize_24` does, so it holds exactly the samples `encode_flac` holds;
    PCM_24 and FLOAT are written by `wav_chunks`, other subtypes by libsndfile."""
    _check_shape(audio)
    if subtype in _WAV_FORMATS:  # PCM_24 and float32: our own writer (deterministic, no PEAK chunk)
        return b"".join(wav_chunks(audio, sample_rate, subtype))
    buffer = io.BytesIO()
    sf.write(buffer, np.ascontiguousarray(audio.T), sample_rate, subtype=subtype, format="WAV")
    return buffer.getvalue()


def encode_flac(audio: AudioBuffer, sample_rate: int = SAMPLE_RATE, *, level: int = FLAC_LEVEL) -> bytes:
    """Encode (channels, frames) float audio as 24-bit FLAC at libFLAC `level` (0..8): the same
    samples as `encode_wav`'s PCM_24 (lossless over the 24-bit quantisation), in fewer bytes.
    Deterministic: libFLAC writes no timestamps, so the same samples give the same bytes."""
    if not 0 <= level <= 8:
        raise ValueError(f"FLAC levels are 0..8, got {level}")
    _check_shape(audio)
    return _encode_flac_24(audio, sample_rate, compression_level=level / 8)


def decode_audio(data: bytes, *, what: str = "audio") -> tuple[AudioBuffer, int]:
    """Decode any file soundfile reads into (channels, frames) float32; InvalidAudio says why not.

    WAV and FLAC are read in blocks straight into the (channels, frames) result: no full-length
    (frames, channels) intermediate, so a long stem costs its bytes plus one copy. Other formats
    (whose frame counts may be estimates) are read whole and transposed."""
    if not data:
        raise InvalidAudio(f"{what} is empty (0 bytes)")
    try:
        with _opened(data) as source:
            if source.format in ("WAV", "FLAC"):
                audio = _read_blocks(source)
            else:
                audio = np.ascontiguousarray(source.read(dtype="float32", always_2d=True).T)
            sample_rate = int(source.samplerate)
    except sf.LibsndfileError as error:
        raise InvalidAudio(f"{what} is not a readable audio file ({error.error_string})") from error
    except (RuntimeError, TypeError, ValueError) as error:
        raise InvalidAudio(f"{what} is not a readable audio file ({error})") from error
    if audio.shape[1] == 0:
        raise InvalidAudio(f"{what} has no audio frames")
    if not bool(np.isfinite(np.sum(audio, dtype=np.float64))):  # NaN and inf survive a sum
        raise InvalidAudio(f"{what} contains NaN or infinite samples")
    return audio, sample_rate


@contextlib.contextmanager
def _opened(data: bytes) -> Iterator[sf.SoundFile]:
    """The file as a SoundFile. A FLAC file is read from a memfd holding a copy of the bytes, for
    the reason `_encode_flac_24` writes into one: libsndfile decoding FLAC from a BytesIO calls back into
    Python (and waits for the GIL) for every small block it reads. Other formats are read in large
    blocks and stay on a BytesIO; so does everything where memfd is missing."""
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is None or not data.startswith(b"fLaC"):
        with sf.SoundFile(io.BytesIO(data)) as source:
            yield source
        return
    descriptor = memfd_create("amp-decode", os.MFD_CLOEXEC)
    try:
        with os.fdopen(descriptor, "wb", closefd=False) as out:
            out.write(data)
        os.lseek(descriptor, 0, os.SEEK_SET)
        with sf.SoundFile(descriptor, closefd=False) as source:
            yield source
    finally:
        os.close(descriptor)


def _read_blocks(source: sf.SoundFile) -> AudioBuffer:
    """Every frame of `source`, block by block, into one (channels, frames) float32 array."""
    out = np.empty((source.channels, source.frames), dtype=np.float32)
    block = np.empty((min(_STREAM_CHUNK_FRAMES, max(source.frames, 1)), source.channels), dtype=np.float32)
    start = 0
    while start < source.frames:
        read = source.read(out=block[: source.frames - start], dtype="float32", always_2d=True)
        if read.shape[0] == 0:
            break
        out[:, start : start + read.shape[0]] = read.T
        start += read.shape[0]
    return out if start == out.shape[1] else np.ascontiguousarray(out[:, :start])  # a truncated file


_STREAM_CHUNK_FRAMES = 1 << 16
_WAV_FORMATS = {"PCM_24": (1, 3), "FLOAT": (3, 4)}
"""subtype -> (WAVE format tag, bytes per sample) of what `wav_chunks` writes."""


def wav_chunks(
    audio: AudioBuffer,
    sample_rate: int = SAMPLE_RATE,
    subtype: str = "PCM_24",
    *,
    chunk_frames: int = _STREAM_CHUNK_FRAMES,
    gain: npt.NDArray[np.float32] | None = None,
) -> Iterator[bytes]:
    """The WAV file of (channels, frames) `audio` as chunks for `AudioStore.put_stream`: the header,
    then interleaved samples `chunk_frames` at a time, so a long stem is written without an
    interleaved copy, its encoded bytes and a BytesIO's growth all held at once.

    PCM_24 gives exactly `encode_wav`'s bytes (the canonical 44-byte header libsndfile writes, the
    samples through `quantize_24`). FLOAT is 32-bit IEEE float with a `fact` chunk: lossless for
    float32 buffers (unbounded, unquantised) and deterministic (libsndfile's own float WAV carries a
    PEAK chunk with a timestamp).

    `gain` (float32 per frame) writes `audio * gain` (the same float32 products, chunk by chunk)
    without a full-length scaled copy or a pass that changes `audio`: a post-fader stem is written
    straight from its pre-bus stem and the bus gain."""
    if audio.ndim != 2:
        raise ValueError(f"expected (channels, frames), got shape {audio.shape}")
    if subtype not in _WAV_FORMATS:
        raise ValueError(f"wav_chunks writes {sorted(_WAV_FORMATS)}, not {subtype!r}")
    tag, width = _WAV_FORMATS[subtype]
    channels, frames = audio.shape
    if gain is not None and gain.shape != (frames,):
        raise ValueError(f"gain of shape {gain.shape} for {frames} frames")
    data_bytes = frames * channels * width
    fmt = struct.pack(
        "<HHIIHH", tag, channels, sample_rate, sample_rate * channels * width, channels * width, width * 8
    )
    fact = b"" if tag == 1 else b"fact" + struct.pack("<II", 4, frames)
    riff_size = 4 + (8 + len(fmt)) + len(fact) + 8 + data_bytes
    yield (
        b"RIFF" + struct.pack("<I", riff_size) + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + fact
    )
    yield b"data" + struct.pack("<I", data_bytes)
    # Per-chunk scratch buffers (a chunk fits in cache): `quantize_24`'s steps in the same order,
    # in place, and the low three bytes of each little-endian int32 (the 24-bit sample) written.
    scaled = np.empty((min(chunk_frames, frames), channels), dtype=np.float32)
    whole = np.empty(scaled.shape, dtype="<i4")
    for start in range(0, frames, chunk_frames):
        block = audio[:, start : start + chunk_frames]
        if gain is not None:
            block = block * gain[start : start + chunk_frames]
        if tag == 1:
            n = block.shape[1]
            np.multiply(block.T, np.float32(_FULL_SCALE_24), out=scaled[:n])
            np.rint(scaled[:n], out=scaled[:n])
            np.clip(scaled[:n], -_FULL_SCALE_24, _FULL_SCALE_24 - 1, out=scaled[:n])
            np.copyto(whole[:n], scaled[:n], casting="unsafe")
            yield _pack_24(whole[:n].reshape(-1))
        else:
            yield np.ascontiguousarray(block.T, dtype="<f4").tobytes()


def _pack_24(samples: npt.NDArray[np.int32]) -> bytes:
    """The low three bytes of each little-endian int32 sample, packed: 24-bit PCM.

    Four samples (16 bytes) make three uint32 words (12 bytes), shifted and masked as whole
    columns: the same bytes as taking 3 of every 4 bytes through a strided uint8 view, which numpy
    copies one byte at a time: `wav_chunks` PCM_24 of a 180 s stereo file 0.26 -> 0.13 CPU-s."""
    whole = samples.size // 4 * 4
    words = samples[:whole].view("<u4").reshape(-1, 4)
    packed = np.empty((words.shape[0], 3), dtype="<u4")
    np.bitwise_and(words[:, 0], 0xFFFFFF, out=packed[:, 0])
    packed[:, 0] |= words[:, 1] << 24
    np.right_shift(words[:, 1], 8, out=packed[:, 1])
    packed[:, 1] &= 0xFFFF
    packed[:, 1] |= words[:, 2] << 16
    np.right_shift(words[:, 2], 16, out=packed[:, 2])
    packed[:, 2] &= 0xFF
    packed[:, 2] |= words[:, 3] << 8
    if whole == samples.size:
        return packed.tobytes()
    return packed.tobytes() + samples[whole:].view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
