"""Generate stage: render one role's stem (and its MIDI) for a job with the provider the job chose
(from the StageContext's registry). The ASL runs one per role, in parallel, so this sets the job's
progress for its role only and never reads other stems. The reference track's bytes are read only
for a provider that declares `uses_reference`."""

from amp.audio_io import encode_wav
from amp.domain.errors import InvalidInput
from amp.domain.job import JobStatus
from amp.domain.keys import raw_midi_key, raw_stem_key
from amp.domain.spec import Role
from amp.domain.stage_io import GenerateInput, GenerateOutput
from amp.observability import logger
from amp.providers.base import parse_role
from amp.stages.context import StageContext

PROGRESS_START = 0.15
PROGRESS_END = 0.6


def role_progress(role: Role) -> float:
    """Each role's stage progress, spread over the generate band in role order."""
    roles = list(Role)
    return PROGRESS_START + (PROGRESS_END - PROGRESS_START) * roles.index(role) / (len(roles) - 1)


def run(payload: GenerateInput, ctx: StageContext) -> GenerateOutput:
    role = parse_role(payload.role)
    job = ctx.begin(payload.job_id, JobStatus.GENERATING, "generate", role_progress(role))
    if job.spec is None:
        raise InvalidInput(f"job {job.id} has no spec; the parse stage must run before generate")
    provider = ctx.providers(job.options.provider, job.options)
    reference = (
        ctx.audio.get_bytes(job.reference_key) if job.reference_key and provider.uses_reference else None
    )
    stem = provider.render_stem(job.spec, role, reference=reference)

    stem_key = raw_stem_key(job.owner, job.id, role.value)
    ctx.audio.put_bytes(stem_key, encode_wav(stem.audio), "audio/wav")
    midi_key: str | None = None
    if stem.midi is not None:
        midi_key = raw_midi_key(job.owner, job.id, role.value)
        ctx.audio.put_bytes(midi_key, stem.midi, "audio/midi")
    logger.info(
        "stem generated",
        extra={"role": role.value, "provider": provider.name, "frames": int(stem.audio.shape[1])},
    )
    return GenerateOutput(role=role.value, stem_key=stem_key, midi_key=midi_key, provider_report=stem.report)
