"""QA's pass over the delivered (post-fader) stems, one stem at a time.

The stage decodes a stem, hands it to `StemScan.add` and frees it: the scan keeps only what the
checks need of the stems together (their running sum, for stems_sum_to_mix and the reference EQ, and
the mono sum of the rhythm stems, for the downbeat check's fallback) and one `StemCheck` per stem.
So QA holds the mix, two accumulators and one stem, however many stems the song has.

For an edit, a stem whose stored file is byte-identical to the one its parent's QA measured (same
SHA-256) takes the parent's `StemCheck` (`carried_from` = the parent's id) instead of being measured
again. Why byte identity and not "the same rendered stem": a post-fader stem is the rendered stem
through its channel strip times the bus's glue and headroom-trim gain, one curve shared by every
stem and computed from their sum, so swapping, adding or removing any part changes the level (and
peak, and so the silence and clipping verdicts) of every other post-fader stem too. The only figure
that survives that gain is finiteness, which decode already guarantees for a stored 24-bit file. A
remaster-only edit re-mixes the parent's very stems and writes the same bytes: all its stems carry.
The stem is still decoded and added to the running sum either way: stems_sum_to_mix and the other
mix-level checks always run on the job's own master."""

import hashlib
from dataclasses import dataclass, field

import numpy as np

from amp.audio_io import AudioBuffer
from amp.domain.qa import QAReport, StemCheck
from amp.qa.checks import measure_stem
from amp.qa.structure import RHYTHM_ROLES


def file_sha256(data: bytes) -> str:
    """The digest a carried-over result is tied to (hardware SHA: ~30 ms for a 180 s 24-bit stem)."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class StemScan:
    """The stems as QA reads them, one at a time, into a running sum."""

    mix_frames: int
    channels: int = 2
    checks: list[StemCheck] = field(default_factory=list)
    total: AudioBuffer | None = None
    """Running sum of the stems, (channels, mix_frames) float32; only `frames` are valid."""
    rhythm_mono: AudioBuffer | None = None
    """Running sum of the drum and percussion stems' mid signal (1, mix_frames)."""
    frames: int = 0
    """Frames every stem read so far covers (the shortest, at most the mix's)."""

    def add(self, role: str, audio: AudioBuffer, result: StemCheck) -> None:
        """Fold one stem into the sums and keep its result; the caller frees `audio` after."""
        self.checks.append(result)
        frames = min(self.mix_frames, int(audio.shape[-1]))
        self.frames = frames if len(self.checks) == 1 else min(self.frames, frames)
        if self.total is None:
            self.total = np.zeros((max(self.channels, audio.shape[0]), self.mix_frames), dtype=np.float32)
        self.total[:, :frames] += audio[:, :frames]
        if role in RHYTHM_ROLES:
            if self.rhythm_mono is None:
                self.rhythm_mono = np.zeros((1, self.mix_frames), dtype=np.float32)
            self.rhythm_mono[0, :frames] += audio[:, :frames].mean(axis=0, dtype=np.float32)

    def release(self) -> None:
        """Drop the sums once the checks that read them have run (the per-stem results stay)."""
        self.total = None
        self.rhythm_mono = None

    @property
    def count(self) -> int:
        return len(self.checks)

    def stem_sum(self) -> AudioBuffer | None:
        """The stems' sum over the frames they all cover (a view, no copy)."""
        return None if self.total is None else self.total[:, : self.frames]

    def rhythm_stems(self) -> dict[str, AudioBuffer]:
        """The rhythm stems' mono sum, in the shape the downbeat check's `stems` takes (it sums the
        rhythm roles it is given and reads their mid signal: the same sum, already made)."""
        if self.rhythm_mono is None:
            return {}
        return {"drums": self.rhythm_mono[:, : self.frames]}

    @classmethod
    def of_buffers(cls, stems: dict[str, AudioBuffer], mix_frames: int, channels: int = 2) -> "StemScan":
        """A scan of stems already in memory (bench/ and tests call `evaluate` with them)."""
        scan = cls(mix_frames=mix_frames, channels=channels)
        for role, audio in stems.items():
            scan.add(role, audio, measure_stem(role, audio))
        return scan


def parent_stem_checks(parent_report: QAReport | None) -> dict[str, StemCheck]:
    """The parent's measured stems by role, for `stem_check`."""
    return {stem.role: stem for stem in parent_report.stems} if parent_report is not None else {}


def stem_check(
    role: str,
    audio: AudioBuffer,
    sha256: str,
    *,
    parent_id: str | None = None,
    parent: StemCheck | None = None,
    rendered_in: str | None = None,
) -> StemCheck:
    """The parent's result for a byte-identical stem file (carried over), else a fresh measurement."""
    if parent is not None and parent_id is not None and sha256 and parent.sha256 == sha256:
        return parent.model_copy(update={"carried_from": parent_id, "rendered_in": rendered_in})
    measured = measure_stem(role, audio, sha256)
    return measured.model_copy(update={"rendered_in": rendered_in})
