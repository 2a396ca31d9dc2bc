"""Publish: copy the final files of a job from its work prefix to its job prefix, list them as
artifacts and mark the job SUCCEEDED — the only stage that makes files visible to clients."""

import contextlib
import json

from amp.domain import keys
from amp.domain.job import Artifact, ArtifactKind, Job, JobStatus
from amp.domain.stage_io import PublishInput, PublishOutput
from amp.domain.stems_zip import ZIPPED_KINDS, build_stems_zip
from amp.stages.context import StageContext

CONTENT_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".mid": "audio/midi",
    ".png": "image/png",
    ".json": "application/json",
    ".zip": "application/zip",
}


def run(payload: PublishInput, ctx: StageContext) -> PublishOutput:
    job = ctx.jobs.get(payload.job_id)
    if job.status is JobStatus.SUCCEEDED:  # a retried Publish after it already finished
        return PublishOutput(job_id=job.id, artifact_count=len(job.artifacts))
    job = ctx.begin(payload.job_id, JobStatus.CHECKING, "publish", 0.97)
    publisher = _Publisher(ctx, job)
    try:
        _copy_final_files(publisher, payload, job)
    except BaseException:
        # Died half way: take back what was copied, so a FAILED job has no half-published folder.
        # Best effort (the state machine must see the original error); a retry rewrites every file.
        with contextlib.suppress(Exception):
            ctx.audio.delete_prefix(keys.job_prefix(job.owner, job.id))
        raise
    # What a generative provider did per stem (credits, corrections, MIDI source) goes on the record.
    reports = {stem.role: stem.provider_report for stem in payload.stems if stem.provider_report}
    ctx.jobs.succeed(job.id, publisher.artifacts, stem_reports=reports)
    ctx.audio.delete_prefix(keys.work_prefix(job.owner, job.id))
    return PublishOutput(job_id=job.id, artifact_count=len(publisher.artifacts))


def _copy_final_files(publisher: "_Publisher", payload: PublishInput, job: Job) -> None:
    pass_number = payload.mix.mastering_pass
    publisher.copy(payload.mix.mix_key, "mix.wav", "mix")
    publisher.copy(keys.preview_key(job.owner, job.id, pass_number), "preview.mp3", "preview", optional=True)
    for role, stem_key in sorted(payload.mix.stem_keys.items()):
        publisher.copy(stem_key, f"stems/{role}.wav", "stem", role)
    for stem in sorted(payload.stems, key=lambda s: s.role):
        if stem.midi_key:
            publisher.copy(stem.midi_key, f"midi/{stem.role}.mid", "midi", stem.role)
    publisher.copy(
        keys.waveform_key(job.owner, job.id, pass_number), "waveform.png", "waveform", optional=True
    )
    publisher.copy(
        keys.spectrogram_key(job.owner, job.id, pass_number), "spectrogram.png", "spectrogram", optional=True
    )
    if job.qa is not None:
        publisher.put(json.dumps(job.qa.model_dump(mode="json"), indent=2).encode(), "qa.json", "report")
    publisher.put(build_stems_zip(job.id, publisher.zip_members), "stems.zip", "stems_zip")


class _Publisher:
    """Writes published files, listing each as an artifact and keeping the bytes of those the stems
    zip holds, so the zip is built without reading them back."""

    def __init__(self, ctx: StageContext, job: Job) -> None:
        self._ctx = ctx
        self._job = job
        self.artifacts: list[Artifact] = []
        self.zip_members: list[tuple[str, bytes]] = []

    def copy(
        self,
        source_key: str,
        name: str,
        kind: ArtifactKind,
        role: str | None = None,
        *,
        optional: bool = False,
    ) -> None:
        if optional and not self._ctx.audio.exists(source_key):
            return
        data = self._ctx.audio.get_bytes(source_key)
        self.put(data, name, kind, role)

    def put(self, data: bytes, name: str, kind: ArtifactKind, role: str | None = None) -> None:
        key = keys.published_key(self._job.owner, self._job.id, name)
        content_type = CONTENT_TYPES[name[name.rfind(".") :]]
        self._ctx.audio.put_bytes(key, data, content_type)
        self.artifacts.append(
            Artifact(kind=kind, key=key, role=role, content_type=content_type, size_bytes=len(data))
        )
        if kind in ZIPPED_KINDS:
            self.zip_members.append((name, data))
