"""Analyze the reference track: decode it, extract its features, store them for mastering to match,
and let them fill the spec's gaps (stated text and overrides still win).

Container-image Lambda: extract_features imports librosa (lazily)."""

from amp.analysis.decode import decode_any
from amp.analysis.features import MIN_PULSE_CLARITY, extract_features
from amp.analysis.models import ReferenceFeatures
from amp.domain import keys
from amp.domain.errors import InvalidInput
from amp.domain.job import JobStatus
from amp.domain.spec import MusicSpec
from amp.domain.stage_io import AnalyzeOutput, JobRef
from amp.observability import logger
from amp.prompt import apply_reference
from amp.stages.context import StageContext

MIN_TEMPO_CONFIDENCE = MIN_PULSE_CLARITY
MIN_KEY_CONFIDENCE = 0.15
"""Below these the analysis is a guess: the spec keeps its own (inferred/defaulted) value."""


def spec_with_reference(spec: MusicSpec, features: ReferenceFeatures) -> MusicSpec:
    confident_key = features.key is not None and features.key_confidence >= MIN_KEY_CONFIDENCE
    return apply_reference(
        spec,
        bpm=features.bpm
        if features.bpm is not None and features.bpm_confidence >= MIN_TEMPO_CONFIDENCE
        else None,
        key=features.key if confident_key else None,
        mode=features.mode if confident_key else None,
        time_signature=features.time_signature,
    )


def run(payload: JobRef, ctx: StageContext) -> AnalyzeOutput:
    job = ctx.begin(payload.job_id, JobStatus.ANALYZING, "analyze", 0.12)
    if not job.reference_key:
        raise InvalidInput(f"job {job.id} has no reference track to analyze")
    decoded = decode_any(ctx.audio.get_bytes(job.reference_key), what="the reference track")
    features = extract_features(decoded)
    features_key = keys.reference_features_key(job.owner, job.id)
    ctx.audio.put_bytes(features_key, features.model_dump_json(indent=2).encode(), "application/json")
    if job.spec is not None and job.edit is None:  # an edit keeps its parent's spec; it only masters
        spec = spec_with_reference(job.spec, features)
        ctx.jobs.set_spec(job.id, spec)
    logger.info(
        "reference analyzed",
        extra={
            "job_id": job.id,
            "bpm": features.bpm,
            "key": features.key,
            "mode": features.mode,
            "time_signature": features.time_signature,
            "integrated_lufs": features.integrated_lufs,
        },
    )
    return AnalyzeOutput(job_id=job.id, features_key=features_key)
