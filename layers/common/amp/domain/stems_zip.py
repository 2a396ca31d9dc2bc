"""The one stems.zip: every stem WAV and MIDI file of a job in one download.

Nothing stores it at publish (it would be a second full copy of every stem): the API builds it from
the published artifacts on the first download and caches it for a while (`keys.stems_zip_cache_key`),
and `amp generate` builds it into its out folder. Both call `build_stems_zip` with the members
`stems_zip_members` names, so the archive is the same either way."""

import io
import zipfile
from collections.abc import Iterable

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


def build_stems_zip(job_id: str, members: Iterable[tuple[str, bytes]]) -> bytes:
    """The archive of (name, data) members under `zip_folder(job_id)/`; stored, not deflated (WAV
    barely compresses and storing keeps building it cheap)."""
    buffer = io.BytesIO()
    folder = zip_folder(job_id)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(f"{folder}/{name}", date_time=_FIXED_DATE), data)
    return buffer.getvalue()
