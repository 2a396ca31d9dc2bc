"""QA: measure the mastered mix, store the report on the job, draw its pictures, and tell the ASL
whether to publish, remaster (with adjusted settings) or give up.

Only hard checks (broken audio, broken or forbidden stems) decide `passed`, which is what the ASL's
QualityGate reads; advisory checks (spectral balance, tempo, key) are stored on the job's report with
their verdict and sentence and never fail the job."""

from concurrent.futures import Executor, Future, ThreadPoolExecutor

import numpy as np

from amp import plots
from amp.analysis import blas, features, levels
from amp.analysis.models import ReferenceFeatures, load_reference_features
from amp.analysis.spectrum import spectral_balance_db
from amp.audio_io import AudioBuffer, decode_audio
from amp.domain import keys
from amp.domain.job import Job, JobStatus
from amp.domain.qa import QACheck, QAReport
from amp.domain.spec import MusicSpec
from amp.domain.stage_io import QAInput, QAOutput, is_whole_mix
from amp.genres.qa_bounds import Ensemble
from amp.mastering.chain import reference_eq_gains_db
from amp.observability import logger
from amp.qa import checks, musical, structure
from amp.qa.report import build_report, next_mastering, should_remaster, summary
from amp.stages import whole_mix
from amp.stages.context import StageContext


def evaluate(
    mix: AudioBuffer,
    sample_rate: int,
    *,
    target_lufs: float,
    stems: dict[str, AudioBuffer],
    job: Job,
    payload: QAInput,
    reference: ReferenceFeatures | None = None,
    music: Future[features.MixMusic] | None = None,
    pool: Executor | None = None,
) -> QAReport:
    """Every check on one mix; storage-free apart from what is passed in. `music`: the mix's
    tempo/key/balance being computed on another thread (`run`); computed here when None. `pool`:
    where the form checks run beside the level and stem checks (here when None)."""
    form: Future[list[QACheck]] | None = None
    if job.spec is not None and pool is not None:
        form = pool.submit(_form_checks, job, mix, sample_rate, payload, stems)
    integrated = levels.integrated_lufs(mix, sample_rate)
    peak = levels.true_peak_dbtp(mix)
    results: list[QACheck] = [
        checks.loudness_check(integrated, target_lufs),
        checks.true_peak_check(peak),
        checks.clipping_check(mix),
        checks.silence_check(mix, sample_rate),
        checks.dc_offset_check(mix),
        checks.phase_check(mix),
    ]
    if is_whole_mix(payload.stems) and job.spec is not None:
        results.extend(whole_mix_checks(mix, sample_rate, job.spec))
        return build_report(
            results,
            integrated_lufs=integrated,
            true_peak_dbtp=peak,
            target_lufs=target_lufs,
            mastering=payload.mastering,
        )
    if stems:
        eq = None
        if reference is not None:
            premaster = np.sum(list(stems.values()), axis=0, dtype=np.float32)
            eq = reference_eq_gains_db(premaster, sample_rate, reference.spectral_balance_db)
        results.append(checks.stems_sum_check(mix, stems.values(), sample_rate, eq))
    roles = set(payload.mix.stem_keys) | {stem.role for stem in payload.stems}
    if job.spec is not None:
        expected = {role.value for role in job.spec.roles()} | {stem.role for stem in payload.stems}
        results.append(checks.stems_intact_check(stems, expected, mix.shape[1]))
        form_results = (
            form.result() if form is not None else _form_checks(job, mix, sample_rate, payload, stems)
        )
        heard = music.result() if music is not None else features.analyse_music(mix, sample_rate)
        duration_s = mix.shape[1] / sample_rate
        results.append(musical.tempo_check(job.spec, heard.tempo, roles, duration_s))
        results.append(musical.key_check(job.spec, heard.key))
        ensemble = Ensemble.of_spec(job.spec, roles or None)
        results.append(musical.spectral_balance_check(job.spec.genre, heard.balance_db, ensemble))
        results.extend(form_results)
    results.append(checks.excluded_roles_check(roles, job.spec.excluded_roles if job.spec else []))
    return build_report(
        results,
        integrated_lufs=integrated,
        true_peak_dbtp=peak,
        target_lufs=target_lufs,
        mastering=payload.mastering,
    )


def whole_mix_checks(mix: AudioBuffer, sample_rate: int, spec: MusicSpec) -> list[QACheck]:
    """A whole-mix job's advisory checks: tempo and key as measured in the mix against what was asked
    (the model is not held to our grid), spectral balance, and the stem checks marked not applicable."""
    mono = features.analysis_mono(mix, sample_rate)
    asked_roles = {role.value for role in spec.roles()}  # what the prompt asked the model to play
    duration_s = mix.shape[1] / sample_rate
    measured = [
        musical.tempo_check(spec, features.estimate_tempo(mono), asked_roles, duration_s),
        musical.key_check(spec, features.estimate_key(mono)),
    ]
    return [
        *(whole_mix.as_measured(check) for check in measured),
        musical.spectral_balance_check(spec.genre, spectral_balance_db(mix, sample_rate)),
        whole_mix.stems_not_applicable(),
    ]


def _form_checks(
    job: Job, mix: AudioBuffer, sample_rate: int, payload: QAInput, stems: dict[str, AudioBuffer]
) -> list[QACheck]:
    """The section plan's checks (downbeats, energy) of a job with a spec."""
    if job.spec is None:
        return []
    roles = set(payload.mix.stem_keys) | {stem.role for stem in payload.stems}
    procedural = job.options.provider == "procedural"  # its stems are the composer's score
    return structure.structure_checks(job.spec, mix, sample_rate, roles, stems, score_is_the_audio=procedural)


def run(payload: QAInput, ctx: StageContext) -> QAOutput:
    job = ctx.begin(payload.job_id, JobStatus.CHECKING, "qa", 0.9)
    mix, sample_rate = decode_audio(ctx.audio.get_bytes(payload.mix.mix_key), what="the mastered mix")
    # The mix-only analyses (tempo, key, balance, the pictures) run on a second thread beside the
    # stems' decode and the level and stem checks: numpy/scipy release the GIL for nearly all of it.
    # BLAS on one thread for the stage (set here, on the main thread: OpenBLAS ignores workers').
    with blas.one_thread(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-mix") as pool:
        music = pool.submit(features.analyse_music, mix, sample_rate) if job.spec is not None else None
        pictures = pool.submit(plots.draw, mix, sample_rate)
        stems = {
            role: decode_audio(ctx.audio.get_bytes(key), what=f"mixed stem {role!r}")[0]
            for role, key in payload.mix.stem_keys.items()
        }
        report = evaluate(
            mix,
            sample_rate,
            target_lufs=payload.mix.target_lufs,
            stems=stems,
            job=job,
            payload=payload,
            reference=load_reference_features(ctx.audio, job),
            music=music,
            pool=pool,
        )
        waveform, spectrogram = pictures.result()
    mastering_pass = payload.mix.mastering_pass
    ctx.audio.put_bytes(keys.waveform_key(job.owner, job.id, mastering_pass), waveform, "image/png")
    ctx.audio.put_bytes(keys.spectrogram_key(job.owner, job.id, mastering_pass), spectrogram, "image/png")
    ctx.jobs.set_qa(job.id, report)
    text = summary(report)
    logger.info("qa", extra={"job_id": job.id, "passed": report.passed, "summary": text})
    return QAOutput(
        passed=report.passed,
        remaster=should_remaster(report),
        next_mastering=next_mastering(report),
        summary=text,
    )
