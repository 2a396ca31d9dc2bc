"""QA: measure the mastered mix, store the report on the job, draw its pictures, and tell the ASL
whether to publish, remaster (with adjusted settings) or give up.

Only hard checks (broken audio, broken or forbidden stems) decide `passed`, which is what the ASL's
QualityGate reads; advisory checks (spectral balance, tempo, key) are stored on the job's report with
their verdict and sentence and never fail the job."""

from concurrent.futures import Future, ThreadPoolExecutor

from amp import plots
from amp.analysis import blas, features, levels
from amp.analysis.models import ReferenceFeatures, load_reference_features
from amp.audio_io import AudioBuffer, decode_audio
from amp.domain import keys
from amp.domain.errors import InvalidAudio, InvalidInput, NotFound
from amp.domain.job import Job, JobStatus
from amp.domain.qa import QACheck, QAReport, StemCheck
from amp.domain.spec import MusicSpec, Role
from amp.domain.stage_io import QAInput, QAOutput, is_whole_mix
from amp.genres.qa_bounds import Ensemble
from amp.mastering.chain import reference_eq_gains_db
from amp.mastering.preview import encode_mp3
from amp.observability import logger
from amp.qa import checks, musical, structure
from amp.qa.report import build_report, next_mastering, should_remaster, summary
from amp.qa.stems import StemScan, file_sha256, parent_stem_checks, stem_check
from amp.stages import whole_mix
from amp.stages.context import StageContext
from amp.stages.reuse import edit_parent, reuses


def evaluate(
    mix: AudioBuffer,
    sample_rate: int,
    *,
    target_lufs: float,
    stems: dict[str, AudioBuffer],
    job: Job,
    payload: QAInput,
    reference: ReferenceFeatures | None = None,
) -> QAReport:
    """Every check on one mix with its stems in memory; storage-free apart from what is passed in."""
    scan = StemScan.of_buffers(stems, mix.shape[1], mix.shape[0])
    return evaluate_scan(
        mix, sample_rate, target_lufs=target_lufs, scan=scan, job=job, payload=payload, reference=reference
    )


def evaluate_scan(
    mix: AudioBuffer,
    sample_rate: int,
    *,
    target_lufs: float,
    scan: StemScan,
    job: Job,
    payload: QAInput,
    reference: ReferenceFeatures | None = None,
    music: Future[features.MixMusic] | None = None,
) -> QAReport:
    """Every check on one mix, with the stems as a scan (`amp.qa.stems`): their per-stem results and
    running sums, not the stems themselves. The checks that read the sums run first and the sums are
    then released (`scan.release()`), so the mix-level analyses' own buffers do not come on top.
    `music`: the mix's tempo/key/balance being computed on another thread (`run`); here when None."""
    whole = is_whole_mix(payload.stems)
    roles = set(payload.mix.stem_keys) | {stem.role for stem in payload.stems}
    procedural = job.options.provider == "procedural"  # its stems are the composer's score
    stems_sum: list[QACheck] = []
    stem_sum = scan.stem_sum()
    if stem_sum is not None:
        eq = None
        if reference is not None:
            eq = reference_eq_gains_db(stem_sum, sample_rate, reference.spectral_balance_db)
        stems_sum.append(checks.summed_stems_check(mix, stem_sum, scan.count, sample_rate, eq))
    del stem_sum
    form: list[QACheck] = []
    if job.spec is not None and not whole:
        form = structure.structure_checks(
            job.spec, mix, sample_rate, roles, scan.rhythm_stems(), score_is_the_audio=procedural
        )
    scan.release()

    integrated = levels.integrated_lufs(mix, sample_rate)
    peak = levels.true_peak_dbtp(mix)
    results: list[QACheck] = [
        checks.loudness_check(integrated, target_lufs),
        checks.true_peak_check(peak),
        checks.clipping_check(mix),
        checks.silence_check(mix, sample_rate),
        checks.dc_offset_check(mix),
        checks.phase_check(mix),
        *stems_sum,
    ]
    if whole and job.spec is not None:
        heard = music.result() if music is not None else features.analyse_music(mix, sample_rate)
        results.extend(whole_mix_checks(job.spec, heard, mix.shape[1] / sample_rate))
        return build_report(
            results,
            integrated_lufs=integrated,
            true_peak_dbtp=peak,
            target_lufs=target_lufs,
            mastering=payload.mastering,
        )
    if job.spec is not None:
        expected = {role.value for role in job.spec.roles()} | {stem.role for stem in payload.stems}
        results.append(checks.stems_intact_of(scan.checks, expected, mix.shape[1]))
        heard = music.result() if music is not None else features.analyse_music(mix, sample_rate)
        duration_s = mix.shape[1] / sample_rate
        results.append(musical.tempo_check(job.spec, heard.tempo, roles, duration_s))
        results.append(musical.key_check(job.spec, heard.key))
        ensemble = Ensemble.of_spec(job.spec, roles or None)
        results.append(musical.spectral_balance_check(job.spec.genre, heard.balance_db, ensemble))
        results.extend(form)
    results.append(checks.excluded_roles_check(roles, job.spec.excluded_roles if job.spec else []))
    return build_report(
        results,
        integrated_lufs=integrated,
        true_peak_dbtp=peak,
        target_lufs=target_lufs,
        mastering=payload.mastering,
        stems=sorted(scan.checks, key=lambda stem: stem.role),
    )


def whole_mix_checks(spec: MusicSpec, heard: features.MixMusic, duration_s: float) -> list[QACheck]:
    """A whole-mix job's advisory checks on what the mix analysis heard (`features.analyse_music`,
    the same analysis as any mix): tempo and key against what was asked (the model is not held to
    our grid), spectral balance, and the stem checks marked not applicable."""
    asked_roles = {role.value for role in spec.roles()}  # what the prompt asked the model to play
    measured = [
        musical.tempo_check(spec, heard.tempo, asked_roles, duration_s),
        musical.key_check(spec, heard.key),
    ]
    return [
        *(whole_mix.as_measured(check) for check in measured),
        musical.spectral_balance_check(spec.genre, heard.balance_db),
        whole_mix.stems_not_applicable(),
    ]


def scan_stems(ctx: StageContext, job: Job, payload: QAInput, mix: AudioBuffer) -> StemScan:
    """Read the post-fader stems one at a time into a `StemScan`: decode, measure (or carry the
    parent's result for a byte-identical file), add to the sums, free. QA's peak memory is then the
    mix, the sums and one stem, not every stem."""
    parent = _parent_of(ctx, job)
    parents = parent_stem_checks(parent.qa) if parent is not None else {}
    scan = StemScan(mix_frames=mix.shape[1], channels=mix.shape[0])
    for role, key in payload.mix.stem_keys.items():
        data = ctx.audio.get_bytes(key)
        digest = file_sha256(data)
        audio, _ = decode_audio(data, what=f"mixed stem {role!r}")
        del data
        result = stem_check(
            role,
            audio,
            digest,
            parent_id=parent.id if parent is not None else None,
            parent=parents.get(role),
            rendered_in=_rendered_in(parent, parents.get(role), job, role),
        )
        scan.add(role, audio, result)
        del audio
    carried = [stem.role for stem in scan.checks if stem.carried_from is not None]
    if parent is not None:
        logger.info("qa stems", extra={"job_id": job.id, "parent_id": parent.id, "carried": carried})
    return scan


def _parent_of(ctx: StageContext, job: Job) -> Job | None:
    """An edit's parent, for carrying results over; None when the job is no edit or the parent is
    gone by now (deleted while the child ran): then every stem is measured, which is never wrong."""
    try:
        return edit_parent(ctx, job)
    except (NotFound, InvalidInput):
        return None


def _rendered_in(parent: Job | None, parent_stem: StemCheck | None, job: Job, role: str) -> str | None:
    """Which job rendered this role's stem: the parent's renderer when the edit reused the parent's
    rendered stem (`amp.stages.reuse`), else None (this job: a report names no job id of its own, so
    two jobs of the same request publish the same qa.json)."""
    if parent is None or parent.spec is None or job.edit is None:
        return None
    try:
        reused = reuses(parent, job, Role(role))
    except ValueError:  # not a stem role the edit rules know: rendered here
        return None
    if not reused:
        return None
    return (parent_stem.rendered_in if parent_stem is not None else None) or parent.id


def run(payload: QAInput, ctx: StageContext) -> QAOutput:
    job = ctx.begin(payload.job_id, JobStatus.CHECKING, "qa", 0.9)
    mix, sample_rate = decode_audio(ctx.audio.get_bytes(payload.mix.mix_key), what="the mastered mix")
    # The mix-only analyses (tempo, key, balance, the pictures) run on a second thread beside the
    # stems' streamed scan and the level and stem checks: numpy/scipy release the GIL for nearly all
    # of it. BLAS on one thread for the stage (set here, on the main thread: OpenBLAS ignores workers').
    # The pass's MP3 preview is encoded on a third (LAME releases the GIL), first, being the longest.
    with (
        blas.one_thread(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-mix") as pool,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-preview") as encoder,
    ):
        preview = encoder.submit(encode_mp3, mix, sample_rate)
        music = pool.submit(features.analyse_music, mix, sample_rate) if job.spec is not None else None
        pictures = pool.submit(plots.draw, mix, sample_rate)
        scan = scan_stems(ctx, job, payload, mix)
        report = evaluate_scan(
            mix,
            sample_rate,
            target_lufs=payload.mix.target_lufs,
            scan=scan,
            job=job,
            payload=payload,
            reference=load_reference_features(ctx.audio, job),
            music=music,
        )
        waveform, spectrogram = pictures.result()
        encoded = _preview(preview)
    mastering_pass = payload.mix.mastering_pass
    ctx.audio.put_bytes(keys.waveform_key(job.owner, job.id, mastering_pass), waveform, "image/png")
    ctx.audio.put_bytes(keys.spectrogram_key(job.owner, job.id, mastering_pass), spectrogram, "image/png")
    if encoded is not None:
        ctx.audio.put_bytes(keys.preview_key(job.owner, job.id, mastering_pass), encoded, "audio/mpeg")
    ctx.jobs.set_qa(job.id, report)
    text = summary(report)
    logger.info("qa", extra={"job_id": job.id, "passed": report.passed, "summary": text})
    return QAOutput(
        passed=report.passed,
        remaster=should_remaster(report),
        next_mastering=next_mastering(report),
        summary=text,
    )


def _preview(encoding: Future[bytes]) -> bytes | None:
    """The preview is optional: a mix LAME cannot take (more than two channels) is published
    without one, never failed for it."""
    try:
        return encoding.result()
    except InvalidAudio as error:
        logger.warning("no preview", extra={"reason": str(error)})
        return None
