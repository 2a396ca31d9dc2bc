"""The one stems.zip builder writes a plain stored ZIP as chunks, readable by zipfile."""

import io
import zipfile

from amp.domain.stems_zip import build_stems_zip, iter_stems_zip, zip_folder

JOB_ID = "0123456789abcdef0123456789abcdef"
MEMBERS = [
    ("stems/bass.wav", b"RIFF" + bytes(range(256)) * 40),
    ("stems/drums.wav", b""),
    ("midi/bass.mid", b"MThd\x00\x00\x00\x06"),
    ("stems/chœur.wav", b"RIFFnon-ascii name"),
]


def test_zipfile_reads_every_member_back_with_its_crc_date_and_mode() -> None:
    data = build_stems_zip(JOB_ID, MEMBERS)
    folder = zip_folder(JOB_ID)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every CRC matches
        assert archive.namelist() == [f"{folder}/{name}" for name, _ in MEMBERS]
        for (name, content), info in zip(MEMBERS, archive.infolist(), strict=True):
            assert archive.read(info) == content
            assert info.compress_type == zipfile.ZIP_STORED
            assert info.date_time == (2020, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644, name


def test_chunks_join_to_the_archive_and_the_same_members_give_the_same_bytes() -> None:
    chunks = list(iter_stems_zip(JOB_ID, iter(MEMBERS)))
    assert len(chunks) == 2 * len(MEMBERS) + 1  # header and data per member, then the directory
    assert b"".join(chunks) == build_stems_zip(JOB_ID, MEMBERS) == build_stems_zip(JOB_ID, list(MEMBERS))
    assert build_stems_zip(JOB_ID, MEMBERS[:1]) != build_stems_zip(JOB_ID, MEMBERS[:2])


def test_an_archive_without_members_is_an_empty_zip() -> None:
    with zipfile.ZipFile(io.BytesIO(build_stems_zip(JOB_ID, []))) as archive:
        assert archive.namelist() == []
