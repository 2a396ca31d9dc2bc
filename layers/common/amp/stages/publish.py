"""Publish: copy the final files of a job from its work prefix to its job prefix, list them as
artifacts and mark the job SUCCEEDED — the only stage that makes files visible to clients.

Every file is already in its published format (the mix stage writes the 24-bit WAV mix and stems
users download), so publishing is store-side copies: on S3 a CopyObject (the bytes never pass through
the Lambda), locally a hard link (objects are immutable); QA has encoded the MP3 preview.
No stems.zip is stored here: it would be a second copy of every stem; the API builds it on first
download (`JobService.stems_zip_url`) and the CLI writes it into its out folder."""

import contextlib
import json

from amp.compose.markers import sections_json
from amp.domain import keys
from amp.domain.errors import NotFound
from amp.domain.job import Artifact, ArtifactKind, Job, JobStatus
from amp.domain.stage_io import PublishInput, PublishOutput
from amp.stages.context import StageContext

CONTENT_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
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
    # Encoded by QA from this pass's master (amp/mastering/preview.py). Optional: a mix LAME could
    # not take has none, and the job is published without it.
    publisher.copy(keys.preview_key(job.owner, job.id, pass_number), "preview.mp3", "preview", optional=True)
    for role, stem_key in sorted(payload.mix.stem_keys.items()):
        publisher.copy(stem_key, f"stems/{role}.wav", "stem", role)
    for stem in sorted(payload.stems, key=lambda s: s.role):
        if stem.whole_mix:  # the model's raw clip: the song itself, not a stem an edit could reuse
            continue
        # The rendered stem, kept for edits (optional: an edit that would reuse a missing one is refused)
        extension = stem.stem_key[stem.stem_key.rfind(".") :]
        publisher.copy(
            stem.stem_key, f"source/{stem.role}{extension}", "source_stem", stem.role, optional=True
        )
        if stem.midi_key:
            publisher.copy(stem.midi_key, f"midi/{stem.role}.mid", "midi", stem.role)
    # The pre-bus stems and their strip signatures (stages/mix.py), kept for edits: an edit of this
    # job re-strips only the stems that changed. Optional: a job mixed before they existed.
    for role in sorted(payload.mix.stem_keys):
        publisher.copy(
            keys.prebus_stem_key(job.owner, job.id, role),
            f"prebus/{role}.wav",
            "prebus_stem",
            role,
            optional=True,
        )
    publisher.copy(keys.prebus_manifest_key(job.owner, job.id), "prebus/strips.json", "strips", optional=True)
    publisher.copy(
        keys.waveform_key(job.owner, job.id, pass_number), "waveform.png", "waveform", optional=True
    )
    publisher.copy(
        keys.spectrogram_key(job.owner, job.id, pass_number), "spectrogram.png", "spectrogram", optional=True
    )
    if job.qa is not None:
        publisher.put(json.dumps(job.qa.model_dump(mode="json"), indent=2).encode(), "qa.json", "report")
    # The section list with start times (issue 16): markers for the web app. A whole-mix song is the
    # model's own form, not the composer's sections, so it has none.
    if job.spec is not None and not job.options.whole_mix:
        publisher.put(sections_json(job.spec), "sections.json", "sections")


class _Publisher:
    """Copies or writes published files, listing each as an artifact with its size."""

    def __init__(self, ctx: StageContext, job: Job) -> None:
        self._ctx = ctx
        self._job = job
        self.artifacts: list[Artifact] = []

    def copy(
        self,
        source_key: str,
        name: str,
        kind: ArtifactKind,
        role: str | None = None,
        *,
        optional: bool = False,
    ) -> None:
        try:
            size = self._ctx.audio.size_bytes(source_key)
        except NotFound:
            if optional:
                return
            raise
        key = keys.published_key(self._job.owner, self._job.id, name)
        self._ctx.audio.copy(source_key, key)
        self._list(key, name, kind, role, size)

    def put(self, data: bytes, name: str, kind: ArtifactKind, role: str | None = None) -> None:
        """Write a derived file (the report, the section list)."""
        key = keys.published_key(self._job.owner, self._job.id, name)
        self._ctx.audio.put_bytes(key, data, _content_type(name))
        self._list(key, name, kind, role, len(data))

    def _list(self, key: str, name: str, kind: ArtifactKind, role: str | None, size: int) -> None:
        artifact = Artifact(kind=kind, key=key, role=role, content_type=_content_type(name), size_bytes=size)
        self.artifacts.append(artifact)


def _content_type(name: str) -> str:
    return CONTENT_TYPES[name[name.rfind(".") :]]
