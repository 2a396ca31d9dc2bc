"""Generate stage: render one role's stem (and its MIDI) for a job with the provider the job chose
(from the StageContext's registry). The ASL runs one per role, in parallel, so this sets the job's
progress for its role only and never reads other stems. The reference track's bytes are read only
for a provider that declares `uses_reference`.

An edit's child takes the stems its edit leaves alone from the parent (copied, not rendered:
`amp.stages.reuse`); a replace-bars edit renders the role and splices the new bars into the parent's
stem."""

import numpy as np

from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_flac
from amp.domain.edit import CROSSFADE_S, ReplaceBarsEdit, splices_parent
from amp.domain.errors import InvalidInput
from amp.domain.job import Job, JobStatus
from amp.domain.keys import raw_midi_key, raw_stem_key
from amp.domain.spec import MusicSpec, Role
from amp.domain.stage_io import WHOLE_MIX_ROLE, GenerateInput, GenerateOutput
from amp.observability import logger
from amp.providers.base import parse_role
from amp.stages import whole_mix
from amp.stages.context import StageContext
from amp.stages.reuse import edit_parent, parent_stem_key, reuse_parent_stem, reuses

PROGRESS_START = 0.15
PROGRESS_END = 0.6


def role_progress(role: Role) -> float:
    """Each role's stage progress, spread over the generate band in role order."""
    roles = list(Role)
    return PROGRESS_START + (PROGRESS_END - PROGRESS_START) * roles.index(role) / (len(roles) - 1)


def run(payload: GenerateInput, ctx: StageContext) -> GenerateOutput:
    if payload.role == WHOLE_MIX_ROLE:  # the one clip of a whole-mix job
        return whole_mix.generate(ctx, ctx.begin(payload.job_id, JobStatus.GENERATING, "generate", 0.3))
    role = parse_role(payload.role)
    job = ctx.begin(payload.job_id, JobStatus.GENERATING, "generate", role_progress(role))
    if job.spec is None:
        raise InvalidInput(f"job {job.id} has no spec; the parse stage must run before generate")
    parent = edit_parent(ctx, job)
    if parent is not None and reuses(parent, job, role):
        return reuse_parent_stem(ctx, parent, job, role)
    provider = ctx.providers(job.options.provider, job.options)
    reference = (
        ctx.audio.get_bytes(job.reference_key) if job.reference_key and provider.uses_reference else None
    )
    stem = provider.render_stem(job.spec, role, reference=reference)
    audio = stem.audio
    replaced = splices_parent(job.edit) if parent is not None and job.edit is not None else None
    if parent is not None and replaced is not None:
        audio = _spliced(ctx, parent, job.spec, role, audio, edit=replaced)

    stem_key = raw_stem_key(job.owner, job.id, role.value)
    ctx.audio.put_bytes(stem_key, encode_flac(audio), "audio/flac")
    midi_key: str | None = None
    if stem.midi is not None:
        midi_key = raw_midi_key(job.owner, job.id, role.value)
        ctx.audio.put_bytes(midi_key, stem.midi, "audio/midi")
    logger.info(
        "stem generated",
        extra={"role": role.value, "provider": provider.name, "frames": int(stem.audio.shape[1])},
    )
    return GenerateOutput(role=role.value, stem_key=stem_key, midi_key=midi_key, provider_report=stem.report)


def _spliced(
    ctx: StageContext, parent: Job, spec: MusicSpec, role: Role, new: AudioBuffer, *, edit: ReplaceBarsEdit
) -> AudioBuffer:
    """A replace-bars edit: the parent's stem with the new render inside the bars (where the score
    puts them, through its tempo map) and short crossfades just outside; every other sample is the
    parent's."""
    from amp.compose.rendition import bar_span_s

    old, _ = decode_audio(
        ctx.audio.get_bytes(parent_stem_key(parent, role)),
        what=f"the parent's {role} stem",
    )
    if old.shape != new.shape:
        raise InvalidInput(
            f"the parent's {role.value} stem is {old.shape[1]} frames, the new one {new.shape[1]}"
        )
    start_s, end_s = bar_span_s(spec, edit.start_bar - 1, edit.end_bar)
    return crossfade_splice(old, new, round(start_s * SAMPLE_RATE), round(end_s * SAMPLE_RATE))


def crossfade_splice(old: AudioBuffer, new: AudioBuffer, start: int, end: int) -> AudioBuffer:
    """`new` in frames start..end, `old` elsewhere, with linear CROSSFADE_S fades just outside the
    range; frames further away are `old`'s, bit for bit."""
    frames = old.shape[1]
    start, end = max(0, min(start, frames)), max(0, min(end, frames))
    fade = round(CROSSFADE_S * SAMPLE_RATE)
    out = old.copy()
    out[:, start:end] = new[:, start:end]
    low, high = max(0, start - fade), min(frames, end + fade)
    if start > low:
        rise = np.linspace(0.0, 1.0, start - low, endpoint=False, dtype=np.float32)
        out[:, low:start] = old[:, low:start] * (1.0 - rise) + new[:, low:start] * rise
    if high > end:
        fall = np.linspace(1.0, 0.0, high - end, endpoint=False, dtype=np.float32)
        out[:, end:high] = old[:, end:high] * (1.0 - fall) + new[:, end:high] * fall
    return out
