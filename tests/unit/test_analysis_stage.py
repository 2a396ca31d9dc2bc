"""The analyze stage over the local adapters: features stored as JSON, spec gaps filled from the
reference (stated values kept), and a precise InvalidAudio for a file that is not audio."""

from pathlib import Path

import numpy as np
import pytest

from amp.analysis.models import ReferenceFeatures
from amp.application import stage_context
from amp.audio_io import encode_wav
from amp.domain import keys
from amp.domain.errors import InvalidAudio, InvalidInput
from amp.domain.job import Job, JobStatus
from amp.domain.spec import Mode, MusicSpec, Provenance
from amp.domain.stage_io import JobRef
from amp.stages import analyze
from amp.stages.context import StageContext
from tests.audio.signals import song_stems

OWNER = "tester"


def _job(ctx: StageContext, reference: bytes | None, stated_bpm: bool = False) -> Job:
    spec = MusicSpec(
        genre="house",
        bpm=128,
        key="C",
        mode=Mode.MAJOR,
        duration_s=30,
        seed=1,
        provenance={
            "bpm": Provenance.STATED if stated_bpm else Provenance.DEFAULTED,
            "key": Provenance.DEFAULTED,
            "mode": Provenance.DEFAULTED,
        },
    )
    reference_key = None
    if reference is not None:
        reference_key = keys.reference_upload_key(OWNER, "up1", ".wav")
        ctx.audio.put_bytes(reference_key, reference, "audio/wav")
    job = Job(owner=OWNER, prompt="like my reference", spec=spec, reference_key=reference_key)
    ctx.jobs.create(job)
    return job


def _reference_wav(bpm: float = 100.0) -> bytes:
    stems = song_stems(bpm=bpm, seconds=12.0)
    return encode_wav(np.sum(list(stems.values()), axis=0) * np.float32(0.5))


def test_features_are_stored_and_fill_the_spec_tempo() -> None:
    ctx = stage_context()
    job = _job(ctx, _reference_wav(100.0))
    out = analyze.run(JobRef(job_id=job.id), ctx)

    assert out.features_key == keys.reference_features_key(OWNER, job.id)
    features = ReferenceFeatures.model_validate_json(ctx.audio.get_bytes(out.features_key))
    assert features.bpm == pytest.approx(100.0, rel=0.02)
    assert features.duration_s == pytest.approx(12.0)
    after = ctx.jobs.get(job.id)
    assert after.status == JobStatus.ANALYZING
    assert after.spec is not None
    assert after.spec.bpm == pytest.approx(100.0, rel=0.02)
    assert after.spec.provenance["bpm"] == Provenance.REFERENCE


def test_stated_tempo_wins_over_the_reference() -> None:
    ctx = stage_context()
    job = _job(ctx, _reference_wav(100.0), stated_bpm=True)
    analyze.run(JobRef(job_id=job.id), ctx)
    after = ctx.jobs.get(job.id)
    assert after.spec is not None and after.spec.bpm == 128


def test_text_file_reference_fails_with_a_precise_reason() -> None:
    ctx = stage_context()
    job = _job(ctx, b"these are my lyrics, not a song\n")
    with pytest.raises(InvalidAudio, match="text file"):
        analyze.run(JobRef(job_id=job.id), ctx)


def test_job_without_reference_is_refused() -> None:
    ctx = stage_context()
    job = _job(ctx, None)
    with pytest.raises(InvalidInput, match="no reference"):
        analyze.run(JobRef(job_id=job.id), ctx)


FAULTS = Path(__file__).resolve().parents[1] / "audio" / "faults"
USABLE = {
    "truncated.wav", "square_full_scale.wav", "eight_channel.wav", "rate_8k.wav", "rate_192k.flac",
    "tone_440hz_-6dbfs.aiff", "tone_440hz_-6dbfs.ogg", "tone_440hz_-6dbfs.mp3",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(path.name for path in FAULTS.iterdir()))
def test_every_fault_corpus_file_gives_features_or_a_specific_error(name: str) -> None:
    ctx = stage_context()
    job = _job(ctx, (FAULTS / name).read_bytes())
    if name in USABLE:
        out = analyze.run(JobRef(job_id=job.id), ctx)
        features = ReferenceFeatures.model_validate_json(ctx.audio.get_bytes(out.features_key))
        assert features.duration_s >= 1.0
        assert features.integrated_lufs > -70.0
    else:
        with pytest.raises(InvalidAudio, match=r"the reference track (is|has|contains|looks)"):
            analyze.run(JobRef(job_id=job.id), ctx)
