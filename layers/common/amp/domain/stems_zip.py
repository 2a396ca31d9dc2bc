"""The one stems.zip: every stem WAV and MIDI file of a job in one download.

Nothing stores it at publish (it would be a second full copy of every stem): the API builds it from
the published artifacts on the first download and caches it for a while (`keys.stems_zip_cache_key`),
and `amp generate` builds it into its out folder. Both call `build_stems_zip` with the members
`stems_zip_members` names, so the archive is the same either way."""

import struct
import zlib
from collections.abc import Iterable, Iterator

from amp.domain.job import Artifact, ArtifactKind, Job
from amp.domain.keys import job_prefix

ZIPPED_KINDS: frozenset[ArtifactKind] = frozenset({"stem", "midi"})
"""Artifact kinds the archive holds."""

_FIXED_DATE = (2020, 1, 1, 0, 0, 0)
"""Every member gets this timestamp, so one seed gives a byte-identical archive."""


def zip_folder(job_id: str) -> str:
    """The folder every member sits in, so unpacking never scatters files into the current one."""
    return f"amp-{job_id[:8]}"


def stems_zip_members(job: Job) -> list[tuple[str, Artifact]]:
    """The published stems and MIDI of a job, in artifact order, each with its name inside the job's
    published folder (`stems/bass.wav`, `midi/bass.mid`)."""
    prefix = job_prefix(job.owner, job.id)
    return [
        (artifact.key.removeprefix(prefix), artifact)
        for artifact in job.artifacts
        if artifact.kind in ZIPPED_KINDS
    ]


def iter_stems_zip(job_id: str, members: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """The archive of (name, data) members under `zip_folder(job_id)/`, as chunks in file order, so
    a caller can upload it while it is built and hold one member at a time (a 300 s job's stems
    are ~0.7 GB: more than the API function's memory if the archive were built in it whole).

    Stored, not deflated (WAV barely compresses and storing keeps building it cheap): each member's
    CRC and size are known before its header is written, so no seeking and no data descriptors;
    every member carries `_FIXED_DATE`, so the same members give the same bytes. Plain ZIP (no
    ZIP64): a member or the archive at 4 GiB or more is refused."""
    folder = zip_folder(job_id)
    date_time = _dos_date_time(_FIXED_DATE)
    central: list[bytes] = []
    offset = 0
    for name, data in members:
        encoded = f"{folder}/{name}".encode()
        flags = 0 if encoded.isascii() else _UTF8_FLAG
        crc = zlib.crc32(data)
        if len(data) >= _ZIP32_LIMIT or offset >= _ZIP32_LIMIT:
            raise ValueError(f"stems.zip member {name} does not fit a plain ZIP (4 GiB)")
        fields = struct.pack("<HHHHHIII", _VERSION, flags, 0, *date_time, crc, len(data), len(data))
        header = struct.pack("<I", _LOCAL_SIGNATURE) + fields + struct.pack("<HH", len(encoded), 0)
        yield header + encoded
        yield data
        central.append(
            struct.pack("<IH", _CENTRAL_SIGNATURE, _MADE_BY_UNIX)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, _FILE_MODE << 16, offset)
            + encoded
        )
        offset += len(header) + len(encoded) + len(data)
    directory = b"".join(central)
    if offset + len(directory) >= _ZIP32_LIMIT or len(central) >= 0xFFFF:
        raise ValueError("stems.zip does not fit a plain ZIP (4 GiB, 65,535 members)")
    yield directory + struct.pack(
        "<IHHHHIIH", _END_SIGNATURE, 0, 0, len(central), len(central), len(directory), offset, 0
    )


def build_stems_zip(job_id: str, members: Iterable[tuple[str, bytes]]) -> bytes:
    """`iter_stems_zip` in one piece (the CLI's out folder, small archives)."""
    return b"".join(iter_stems_zip(job_id, members))


def _dos_date_time(moment: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = moment
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


_LOCAL_SIGNATURE = 0x04034B50
_CENTRAL_SIGNATURE = 0x02014B50
_END_SIGNATURE = 0x06054B50
_VERSION = 20
"""2.0: stored members in folders."""
_MADE_BY_UNIX = (3 << 8) | _VERSION
_FILE_MODE = 0o100644
"""A regular file, rw-r--r--, so unzip on Unix gives ordinary permissions."""
_UTF8_FLAG = 0x0800
_ZIP32_LIMIT = 0xFFFFFFFF
