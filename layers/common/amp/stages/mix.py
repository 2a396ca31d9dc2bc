"""Mix and master: stems -> post-fader stems + the pre-master mix + a mastered 24-bit mix.

The first pass mixes and stores the pre-master mix and the post-fader stems; remaster passes (the
ASL's QA loop, `payload.mastering.adjustments`) load that pre-master and only re-run the master
chain: a remaster changes loudness and ceiling, never the balance of the stems. The MP3 preview is
encoded once by Publish from the final master (amp/mastering/preview.py)."""

import numpy as np
from scipy import signal

from amp.analysis.models import ReferenceFeatures, load_reference_features
from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_wav
from amp.domain import keys
from amp.domain.errors import InvalidAudio
from amp.domain.job import Job, JobStatus, MasterPreset
from amp.domain.qa import MasterAdjustments
from amp.domain.stage_io import MixInput, MixOutput, is_whole_mix
from amp.mastering.chain import MasterResult, master, reference_eq_gains_db
from amp.mastering.presets import preset_target, reference_target_lufs
from amp.mixing.mixer import mix_stems
from amp.observability import logger
from amp.stages import whole_mix
from amp.stages.context import StageContext

MIX_PASS = 1
"""The mix is made once: its post-fader stems live under the first pass, whichever pass mixed."""


def _load_stem(ctx: StageContext, key: str, role: str) -> AudioBuffer:
    audio, sample_rate = decode_audio(ctx.audio.get_bytes(key), what=f"stem {role!r} ({key})")
    if sample_rate != SAMPLE_RATE:
        audio = np.asarray(signal.resample_poly(audio, SAMPLE_RATE, sample_rate, axis=1), dtype=np.float32)
    return audio


def master_mix(
    premaster: AudioBuffer,
    sample_rate: int,
    preset: MasterPreset,
    adjustments: MasterAdjustments,
    reference: ReferenceFeatures | None = None,
) -> tuple[MasterResult, float]:
    """Master a pre-master mix to its preset (pulled toward a reference) plus QA's adjustments.

    Storage-free so bench/ and tests run the same path; returns the master and the target it was
    judged against (without the remaster offset: QA compares with the real target)."""
    target = preset_target(preset)
    target_lufs = reference_target_lufs(preset, reference.integrated_lufs if reference else None)
    eq = reference_eq_gains_db(premaster, sample_rate, reference.spectral_balance_db) if reference else None
    mastered = master(
        premaster,
        sample_rate,
        target_lufs=target_lufs + adjustments.loudness_offset_lu,
        ceiling_dbtp=target.ceiling_dbtp + adjustments.ceiling_offset_db,
        eq_gains_db=eq,
    )
    return mastered, target_lufs


def _mix(payload: MixInput, ctx: StageContext, job: Job) -> tuple[AudioBuffer, dict[str, str]]:
    """Mix the generated stems; store the post-fader stems and the pre-master mix."""
    stems = {stem.role: _load_stem(ctx, stem.stem_key, stem.role) for stem in payload.stems}
    if len(stems) != len(payload.stems):
        raise InvalidAudio("two stems claim the same role")
    mixed = mix_stems(stems, SAMPLE_RATE, job.spec.genre if job.spec else "")
    stem_keys: dict[str, str] = {}
    for role, audio in mixed.stems.items():
        key = keys.mixed_stem_key(job.owner, job.id, MIX_PASS, role)
        ctx.audio.put_bytes(key, encode_wav(audio, SAMPLE_RATE), "audio/wav")
        stem_keys[role] = key
    ctx.audio.put_bytes(
        keys.premaster_key(job.owner, job.id), encode_wav(mixed.mix, SAMPLE_RATE), "audio/wav"
    )
    logger.info("mixed", extra={"job_id": job.id, "ducked_roles": mixed.ducked_roles})
    return mixed.mix, stem_keys


def _stored_mix(payload: MixInput, ctx: StageContext, job: Job) -> tuple[AudioBuffer, dict[str, str]] | None:
    """The pre-master and post-fader stems an earlier pass stored, or None if any is missing (a
    pass 2 run on its own, or work files expired): then the stage mixes again."""
    premaster_key = keys.premaster_key(job.owner, job.id)
    stem_keys = {
        stem.role: keys.mixed_stem_key(job.owner, job.id, MIX_PASS, stem.role)
        for stem in payload.stems
        if not stem.whole_mix
    }
    if not all(ctx.audio.exists(key) for key in [premaster_key, *stem_keys.values()]):
        return None
    premaster, sample_rate = decode_audio(ctx.audio.get_bytes(premaster_key), what="the pre-master mix")
    if sample_rate != SAMPLE_RATE:
        return None
    return premaster, stem_keys


def run(payload: MixInput, ctx: StageContext) -> MixOutput:
    job = ctx.begin(payload.job_id, JobStatus.MIXING, "mix", 0.65)
    mastering_pass = payload.mastering.mastering_pass
    stored = _stored_mix(payload, ctx, job) if mastering_pass > 1 else None
    if stored is not None:
        premaster, stem_keys = stored
    elif is_whole_mix(payload.stems):  # no stems: the model's mix is mastered as it is
        premaster, stem_keys = whole_mix.premaster(ctx, job, payload.stems[0]), {}
    else:
        premaster, stem_keys = _mix(payload, ctx, job)

    ctx.jobs.set_progress(job.id, 0.75, status=JobStatus.MASTERING)
    mastered, target_lufs = master_mix(
        premaster,
        SAMPLE_RATE,
        job.options.master_preset,
        payload.mastering.adjustments,
        load_reference_features(ctx.audio, job),
    )
    mix_key = keys.mix_key(job.owner, job.id, mastering_pass)
    ctx.audio.put_bytes(mix_key, encode_wav(mastered.audio, SAMPLE_RATE), "audio/wav")
    logger.info(
        "mastered",
        extra={
            "job_id": job.id,
            "mastering_pass": mastering_pass,
            "mixed_this_pass": stored is None,
            "target_lufs": target_lufs,
            "integrated_lufs": round(mastered.integrated_lufs, 2),
            "true_peak_dbtp": round(mastered.true_peak_dbtp, 2),
            "reference_eq_db": mastered.eq_gains_db,
        },
    )
    return MixOutput(
        mix_key=mix_key, stem_keys=stem_keys, mastering_pass=mastering_pass, target_lufs=target_lufs
    )
