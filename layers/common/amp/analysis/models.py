"""What reference analysis finds, as stored JSON (keys.reference_features_key). No librosa import,
so the mix stage can read a reference's loudness and spectral balance for matching."""

from typing import Literal

from pydantic import BaseModel, Field

from amp.domain import keys
from amp.domain.errors import NotFound
from amp.domain.job import Job
from amp.domain.ports import AudioStore


class ReferenceFeatures(BaseModel):
    duration_s: float = Field(ge=0.0)
    sample_rate: int = Field(gt=0)
    channels: int = Field(gt=0)
    source_format: str = Field(description="Container/codec the file was decoded from, e.g. 'WAV', 'MP3'.")
    bpm: float | None = Field(default=None, description="Tempo in beats per minute; None if no pulse.")
    bpm_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    beat_times_s: list[float] = Field(default_factory=list, description="The beat grid (seconds).")
    time_signature: str | None = Field(default=None, description="'4/4' or '3/4' when it can tell.")
    key: str | None = None
    mode: Literal["major", "minor"] | None = None
    key_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float
    crest_factor_db: float
    spectral_balance_db: dict[str, float]
    stereo_width: float
    phase_correlation: float
    onset_density_per_s: float = Field(default=0.0, ge=0.0)


def load_reference_features(audio: AudioStore, job: Job) -> ReferenceFeatures | None:
    """The stored features of the job's reference, or None without a reference (or before analysis
    stored them). Mix reads them to match the reference; QA to rebuild the same master EQ."""
    if not job.reference_key:
        return None
    try:
        raw = audio.get_bytes(keys.reference_features_key(job.owner, job.id))
    except NotFound:
        return None
    return ReferenceFeatures.model_validate_json(raw)
