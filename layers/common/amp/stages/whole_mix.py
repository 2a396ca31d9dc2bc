"""The stage edges of a Stability whole-mix job (`stability_mode` "mix"): the model makes the whole
song in one request, so the job has a mix and no stems.

The state machine is the same one: ParsePrompt hands GenerateStems one item, WHOLE_MIX_ROLE, instead
of the stem roles; GenerateStem renders it here (`generate`) and returns it marked `whole_mix`;
MixAndMaster masters that clip as it is, with no stem mixing (`premaster`); QualityCheck judges the
mix alone (`amp.stages.qa`: hard loudness / peak / clipping / silence / DC / phase checks, advisory
tempo and key against what was asked, the stem checks "not applicable: whole-mix mode"); Publish
publishes the mix, preview, plots and report and no stems or MIDI. The job record's
`stem_reports["mix"]` says what the request cost and the tempo and key measured in the returned
audio beside the asked ones."""

from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_flac, encode_wav
from amp.domain import keys
from amp.domain.errors import InvalidInput
from amp.domain.job import Job
from amp.domain.qa import QACheck, Severity
from amp.domain.stage_io import WHOLE_MIX_ROLE, GenerateOutput
from amp.observability import logger
from amp.stages.context import StageContext

NOT_APPLICABLE = "not applicable: whole-mix mode"


def generate(ctx: StageContext, job: Job) -> GenerateOutput:
    """The whole song in one request (the provider checks its length and the budget first)."""
    from amp.providers.stability import StabilityProvider

    if job.spec is None:
        raise InvalidInput(f"job {job.id} has no spec; the parse stage must run before generate")
    if not job.options.whole_mix:
        raise InvalidInput(f"job {job.id} is not a whole-mix job; it has stem roles to render")
    provider = ctx.providers(job.options.provider, job.options)
    if not isinstance(provider, StabilityProvider):
        raise InvalidInput(f"provider {provider.name!r} has no whole-mix mode")
    reference = ctx.audio.get_bytes(job.reference_key) if job.reference_key else None
    audio, report = provider.render_mix(job.spec, reference=reference)
    key = keys.raw_stem_key(job.owner, job.id, WHOLE_MIX_ROLE)
    ctx.audio.put_bytes(key, encode_flac(audio), "audio/flac")
    logger.info(
        "whole mix generated",
        extra={"frames": int(audio.shape[1]), "measured": report.measured and report.measured.model_dump()},
    )
    return GenerateOutput(
        role=WHOLE_MIX_ROLE, stem_key=key, provider_report=report.model_dump(mode="json"), whole_mix=True
    )


def premaster(ctx: StageContext, job: Job, clip: GenerateOutput) -> AudioBuffer:
    """The model's mix is the pre-master: nothing to balance. Stored where the mix stage keeps its
    pre-master, so a remaster pass reads it back like any other."""
    audio, sample_rate = decode_audio(ctx.audio.get_bytes(clip.stem_key), what="the whole-mix clip")
    if sample_rate != SAMPLE_RATE:
        raise InvalidInput(f"the whole-mix clip is at {sample_rate} Hz, not {SAMPLE_RATE}")
    ctx.audio.put_bytes(keys.premaster_key(job.owner, job.id), encode_wav(audio, SAMPLE_RATE), "audio/wav")
    return audio


def as_measured(check: QACheck) -> QACheck:
    """A tempo or key check of the model's song: the value is what was measured, the threshold what
    was asked; nothing conformed it, so the message says so."""
    return check.model_copy(
        update={"message": f"Measured in the model's whole mix (not conformed): {check.message}"}
    )


def stems_not_applicable() -> QACheck:
    """What QA says in place of its stem checks (sum, intact, excluded roles, downbeats per stem)."""
    return QACheck(
        name="stems",
        threshold=NOT_APPLICABLE,
        passed=True,
        message="Not applicable: whole-mix mode (one request made the whole song; there are no stems "
        "to check, and the excluded roles cannot be told apart in the mix).",
        severity=Severity.ADVISORY,
    )
