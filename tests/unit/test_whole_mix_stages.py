"""The stage edges of a Stability whole-mix job, stage by stage over the local adapters (no network):
ParsePrompt hands the Map one item, `mix`; MixAndMaster masters the clip as it is (no stem mixing,
no post-fader stems) and a remaster pass re-masters the stored clip; QA judges the mix alone;
Publish lists no stem, source stem, MIDI or section markers. The whole pipeline against the fake
server: tests/e2e/test_stability_whole_mix.py."""

import numpy as np

from amp.application import stage_context
from amp.audio_io import SAMPLE_RATE, decode_audio, encode_flac
from amp.domain import keys
from amp.domain.job import Job, JobOptions
from amp.domain.qa import MasterAdjustments
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.domain.stage_io import (
    WHOLE_MIX_ROLE,
    GenerateOutput,
    JobRef,
    MasteringSettings,
    MixInput,
    PublishInput,
    QAInput,
)
from amp.stages import mix, parse, publish, qa
from amp.stages.context import StageContext
from tests.audio.signals import song_stems

OWNER = "tester"
WHOLE_MIX = JobOptions(provider="stability", stability_mode="mix", duration_s=8, seed=1)


def _job(ctx: StageContext, *, with_spec: bool = True) -> Job:
    spec = MusicSpec(
        genre="techno", bpm=120, key="A", mode=Mode.MINOR, duration_s=8, seed=1,
        instruments=[Instrument(name=n, role=Role(n)) for n in ("drums", "bass", "chords")],
    )  # fmt: skip
    job = Job(
        owner=OWNER, prompt="dark techno at 120 bpm", spec=spec if with_spec else None, options=WHOLE_MIX
    )
    ctx.jobs.create(job)
    return job


def _clip(ctx: StageContext, job: Job) -> GenerateOutput:
    """What the generate stage stores for a whole-mix job: the model's song as one FLAC."""
    song = np.sum(list(song_stems(seconds=8.0).values()), axis=0, dtype=np.float32) * 0.5
    key = keys.raw_stem_key(job.owner, job.id, WHOLE_MIX_ROLE)
    ctx.audio.put_bytes(key, encode_flac(song), "audio/flac")
    return GenerateOutput(role=WHOLE_MIX_ROLE, stem_key=key, whole_mix=True, provider_report={"mode": "mix"})


def test_parse_hands_the_map_one_whole_mix_item_instead_of_the_stem_roles() -> None:
    ctx = stage_context()
    job = _job(ctx, with_spec=False)
    out = parse.run(JobRef(job_id=job.id), ctx)
    assert out.roles == [WHOLE_MIX_ROLE]
    assert ctx.jobs.get(job.id).spec is not None  # the spec is still parsed: the asked tempo and key


def test_the_clip_is_mastered_as_it_is_remastered_from_the_store_checked_and_published_without_stems() -> (
    None
):
    ctx = stage_context()
    job = _job(ctx)
    clip = _clip(ctx, job)
    first = mix.run(MixInput(job_id=job.id, stems=[clip]), ctx)
    assert first.stem_keys == {}
    raw, _ = decode_audio(ctx.audio.get_bytes(clip.stem_key))
    premaster, rate = decode_audio(ctx.audio.get_bytes(keys.premaster_key(job.owner, job.id)))
    assert rate == SAMPLE_RATE and np.max(np.abs(premaster - raw)) < 1e-4  # nothing was mixed into it

    ctx.audio.delete_prefix(
        clip.stem_key
    )  # a remaster pass must not need the clip again: it reads the pre-master
    assert not ctx.audio.exists(clip.stem_key)
    louder = MasteringSettings(mastering_pass=2, adjustments=MasterAdjustments(loudness_offset_lu=1.0))
    second = mix.run(MixInput(job_id=job.id, stems=[clip], mastering=louder), ctx)
    assert second.stem_keys == {} and second.mix_key != first.mix_key

    qa_out = qa.run(QAInput(job_id=job.id, mix=first, stems=[clip]), ctx)
    report = ctx.jobs.get(job.id).qa
    assert report is not None and qa_out.passed == report.passed
    names = [check.name for check in report.checks]
    assert names[:6] == [
        "integrated_loudness",
        "true_peak",
        "clipping",
        "silence",
        "dc_offset",
        "phase_correlation",
    ]
    assert set(names[6:]) == {"tempo", "key", "spectral_balance", "stems"}
    stems = next(check for check in report.checks if check.name == "stems")
    assert stems.threshold == "not applicable: whole-mix mode" and stems.advisory
    tempo = next(check for check in report.checks if check.name == "tempo")
    assert tempo.advisory and tempo.message.startswith("Measured in the model's whole mix (not conformed): ")

    publish.run(PublishInput(job_id=job.id, mix=first, stems=[clip]), ctx)
    done = ctx.jobs.get(job.id)
    assert {a.kind for a in done.artifacts} == {"mix", "preview", "waveform", "spectrogram", "report"}
    assert done.stem_reports == {WHOLE_MIX_ROLE: {"mode": "mix"}}
