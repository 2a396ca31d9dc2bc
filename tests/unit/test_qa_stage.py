"""The QA stage over the local adapters: a good master passes and publishes; a master off target asks
for a remaster with settings that fix it; pictures and the report land in the store and on the job."""

import io

import numpy as np
import pytest
import soundfile as sf
from pedalboard.io import AudioFile

from amp.analysis.models import ReferenceFeatures
from amp.application import stage_context
from amp.audio_io import SAMPLE_RATE, decode_audio, encode_wav
from amp.domain import keys
from amp.domain.job import Job, JobStatus
from amp.domain.qa import MasterAdjustments, Severity
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.domain.stage_io import (
    MAX_MASTERING_PASSES,
    GenerateOutput,
    MasteringSettings,
    MixInput,
    MixOutput,
    PublishInput,
    QAInput,
)
from amp.stages import mix, publish, qa
from amp.stages.context import StageContext
from tests.audio.signals import song_stems

OWNER = "tester"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _job(ctx: StageContext, excluded: list[Role] | None = None, bpm: float = 120) -> Job:
    spec = MusicSpec(
        genre="house",
        bpm=bpm,
        key="A",
        mode=Mode.MINOR,
        duration_s=8,
        seed=1,
        instruments=[Instrument(name=n, role=Role(n)) for n in ("drums", "bass", "chords", "lead")],
        excluded_roles=excluded or [],
    )
    job = Job(owner=OWNER, prompt="a test", spec=spec)
    ctx.jobs.create(job)
    return job


def _mixed(
    ctx: StageContext, job: Job, mastering: MasteringSettings | None = None, seconds: float = 8.0
) -> QAInput:
    outputs = []
    for role, audio in song_stems(seconds=seconds).items():
        key = keys.raw_stem_key(job.owner, job.id, role)
        ctx.audio.put_bytes(key, encode_wav(audio), "audio/wav")
        outputs.append(GenerateOutput(role=role, stem_key=key))
    settings = mastering or MasteringSettings()
    out = mix.run(MixInput(job_id=job.id, stems=outputs, mastering=settings), ctx)
    return QAInput(job_id=job.id, mix=out, stems=outputs, mastering=settings)


def test_good_master_passes_every_check_and_stores_the_report() -> None:
    ctx = stage_context()
    job = _job(ctx)
    payload = _mixed(ctx, job)
    out = qa.run(payload, ctx)

    stored = ctx.jobs.get(job.id).qa
    assert stored is not None
    assert out.passed, out.summary
    assert not out.remaster
    assert out.summary == f"all {len(stored.checks)} checks passed"
    names = {check.name for check in stored.checks}
    assert {
        "integrated_loudness",
        "true_peak",
        "clipping",
        "silence",
        "dc_offset",
        "phase_correlation",
    } <= names
    assert {"stems_sum_to_mix", "excluded_roles_absent"} <= names
    assert stored.integrated_lufs is not None and abs(stored.integrated_lufs - -14.0) <= 0.5
    assert stored.true_peak_dbtp is not None and stored.true_peak_dbtp <= -1.0
    for check in stored.checks:
        assert check.message and check.threshold
    for key in (keys.waveform_key(OWNER, job.id, 1), keys.spectrogram_key(OWNER, job.id, 1)):
        assert ctx.audio.get_bytes(key).startswith(PNG_MAGIC)


def _mp3_error_db(data: bytes, master: np.ndarray) -> float:
    """The decoded preview against the master it was encoded from, LAME's encoder delay removed."""
    with AudioFile(io.BytesIO(data)) as f:
        decoded = f.read(f.frames)
    window = master[0, SAMPLE_RATE : 2 * SAMPLE_RATE]
    lag = int(
        np.argmax([np.dot(window, decoded[0, SAMPLE_RATE + d : 2 * SAMPLE_RATE + d]) for d in range(3000)])
    )
    n = min(master.shape[1], decoded.shape[1] - lag) - SAMPLE_RATE // 2
    error = decoded[:, lag : lag + n] - master[:, :n]
    return float(10 * np.log10(np.sum(error**2) / np.sum(master[:, :n] ** 2)))


def test_qa_encodes_each_pass_preview_a_320_kbps_mp3_of_that_master() -> None:
    ctx = stage_context()
    job = _job(ctx)
    first = _mixed(ctx, job, MasteringSettings(adjustments=MasterAdjustments(loudness_offset_lu=-3.0)))
    out = qa.run(first, ctx)
    second = _mixed(ctx, job, out.next_mastering)
    qa.run(second, ctx)
    for payload in (first, second):
        data = ctx.audio.get_bytes(keys.preview_key(OWNER, job.id, payload.mix.mastering_pass))
        info = sf.info(io.BytesIO(data))
        master, _ = decode_audio(ctx.audio.get_bytes(payload.mix.mix_key))
        assert info.format == "MP3"
        assert 300 <= len(data) * 8 / info.duration / 1000 <= 340
        assert abs(info.duration - master.shape[1] / SAMPLE_RATE) < 0.1
        assert _mp3_error_db(data, master) < -20.0
    # Each pass's preview is of its own master (3 LU apart), not a copy of the first.
    first_preview = ctx.audio.get_bytes(keys.preview_key(OWNER, job.id, 1))
    second_master, _ = decode_audio(ctx.audio.get_bytes(second.mix.mix_key))
    assert _mp3_error_db(first_preview, second_master) > -12.0


def test_publish_lists_the_final_pass_preview_after_the_mix() -> None:
    ctx = stage_context()
    job = _job(ctx)
    first = _mixed(ctx, job, MasteringSettings(adjustments=MasterAdjustments(loudness_offset_lu=-3.0)))
    second = _mixed(ctx, job, qa.run(first, ctx).next_mastering)
    qa.run(second, ctx)
    final_preview = ctx.audio.get_bytes(keys.preview_key(OWNER, job.id, 2))
    publish.run(PublishInput(job_id=job.id, mix=second.mix, stems=second.stems), ctx)

    artifacts = ctx.jobs.get(job.id).artifacts
    assert [a.kind for a in artifacts[:2]] == ["mix", "preview"]
    assert artifacts[1].content_type == "audio/mpeg"
    assert ctx.audio.get_bytes(artifacts[1].key) == final_preview


def test_a_mix_without_a_preview_is_published_without_one() -> None:
    """The preview is optional (a mix LAME cannot take has none): Publish succeeds without it."""
    ctx = stage_context()
    job = _job(ctx)
    payload = _mixed(ctx, job)
    publish.run(PublishInput(job_id=job.id, mix=payload.mix, stems=payload.stems), ctx)
    final = ctx.jobs.get(job.id)
    assert final.status is JobStatus.SUCCEEDED
    assert "preview" not in {a.kind for a in final.artifacts}
    assert "mix" in {a.kind for a in final.artifacts}


def test_too_quiet_master_asks_for_a_louder_remaster() -> None:
    ctx = stage_context()
    job = _job(ctx)
    payload = _mixed(ctx, job, MasteringSettings(adjustments=MasterAdjustments(loudness_offset_lu=-3.0)))
    out = qa.run(payload, ctx)

    assert not out.passed
    assert out.remaster
    assert out.next_mastering.mastering_pass == 2
    assert out.next_mastering.adjustments.loudness_offset_lu == pytest.approx(0.0, abs=0.3)
    assert "integrated_loudness" in out.summary

    # The loop closes: mastering again with QA's settings passes.
    second = _mixed(ctx, job, out.next_mastering)
    assert qa.run(second, ctx).passed


def test_hot_peaks_on_the_last_pass_fail_without_remaster() -> None:
    ctx = stage_context()
    job = _job(ctx)
    rng = np.random.default_rng(3)
    hot = np.clip(rng.standard_normal((2, SAMPLE_RATE * 4)) * 0.5, -1.0, 1.0).astype(np.float32)
    mix_key = keys.mix_key(OWNER, job.id, MAX_MASTERING_PASSES)
    ctx.audio.put_bytes(mix_key, encode_wav(hot), "audio/wav")
    last = MasteringSettings(mastering_pass=MAX_MASTERING_PASSES)
    payload = QAInput(
        job_id=job.id,
        mix=MixOutput(mix_key=mix_key, stem_keys={}, mastering_pass=MAX_MASTERING_PASSES, target_lufs=-14.0),
        mastering=last,
    )
    out = qa.run(payload, ctx)
    assert not out.passed
    assert not out.remaster
    assert "true_peak" in out.summary and "clipping" in out.summary
    assert out.next_mastering.mastering_pass == MAX_MASTERING_PASSES
    assert out.next_mastering.adjustments.ceiling_offset_db < 0


def test_excluded_role_in_the_mix_fails_and_is_not_remasterable() -> None:
    ctx = stage_context()
    job = _job(ctx, excluded=[Role.LEAD])
    out = qa.run(_mixed(ctx, job), ctx)
    assert not out.passed
    assert not out.remaster
    assert "excluded_roles_absent" in out.summary


def test_a_reference_matched_master_still_sums_from_its_stems() -> None:
    """The reference EQ tilts the master by up to 3 dB per band; QA replays it, so the stems-sum
    check tells EQ colour from a missing stem."""
    ctx = stage_context()
    job = _job(ctx)
    ctx.jobs.update(job.id, {"reference_key": keys.reference_upload_key(OWNER, "ref", ".wav")})
    bright = ReferenceFeatures(
        duration_s=30.0, sample_rate=44_100, channels=2, source_format="WAV", integrated_lufs=-14.0,
        loudness_range_lu=4.0, true_peak_dbtp=-1.0, crest_factor_db=9.0, stereo_width=0.4, phase_correlation=0.8,
        spectral_balance_db={"low": -9.0, "low_mid": -6.0, "mid": -4.0, "high": -3.0},
    )  # fmt: skip
    ctx.audio.put_bytes(
        keys.reference_features_key(OWNER, job.id), bright.model_dump_json().encode(), "application/json"
    )
    out = qa.run(_mixed(ctx, job), ctx)
    stored = ctx.jobs.get(job.id).qa
    assert stored is not None
    residual = next(check for check in stored.checks if check.name == "stems_sum_to_mix")
    assert residual.passed, residual.message
    assert out.passed, out.summary


def test_an_advisory_note_is_stored_and_reported_but_the_job_passes() -> None:
    """The loop plays at 120 bpm; a spec asking for 100 bpm is a tempo note, not a lost song."""
    ctx = stage_context()
    job = _job(ctx, bpm=100)
    out = qa.run(_mixed(ctx, job, seconds=16.0), ctx)
    stored = ctx.jobs.get(job.id).qa
    assert stored is not None
    assert out.passed and stored.passed, out.summary
    assert not out.remaster
    tempo = next(check for check in stored.checks if check.name == "tempo")
    assert not tempo.passed and tempo.severity is Severity.ADVISORY
    assert [check.name for check in stored.advisory_notes()] == ["tempo"]
    assert "1 advisory note: tempo" in out.summary
    intact = next(check for check in stored.checks if check.name == "stems_intact")
    assert intact.passed and intact.severity is Severity.HARD


def test_a_silent_stem_is_a_broken_stem_that_fails_without_remaster() -> None:
    ctx = stage_context()
    job = _job(ctx)
    payload = _mixed(ctx, job)
    lead_key = payload.mix.stem_keys["lead"]
    frames = decode_audio(ctx.audio.get_bytes(lead_key))[0].shape[1]
    ctx.audio.put_bytes(lead_key, encode_wav(np.zeros((2, frames), np.float32)), "audio/wav")
    out = qa.run(payload, ctx)
    assert not out.passed and not out.remaster
    assert "stems_intact" in out.summary and "lead is silent throughout" in out.summary


def test_streamed_stems_give_the_report_of_the_stems_held_at_once() -> None:
    """The stage reads one stem at a time into running sums; every check comes out as it does with
    all stems decoded together (`evaluate`, what bench/ calls)."""
    ctx = stage_context()
    job = _job(ctx)
    payload = _mixed(ctx, job)
    qa.run(payload, ctx)
    streamed = ctx.jobs.get(job.id).qa
    assert streamed is not None

    mix_audio, rate = decode_audio(ctx.audio.get_bytes(payload.mix.mix_key))
    stems = {role: decode_audio(ctx.audio.get_bytes(key))[0] for role, key in payload.mix.stem_keys.items()}
    at_once = qa.evaluate(mix_audio, rate, target_lufs=-14.0, stems=stems, job=job, payload=payload)
    assert [(c.name, c.value, c.passed) for c in streamed.checks] == [
        (c.name, c.value, c.passed) for c in at_once.checks
    ]
    assert [s.role for s in streamed.stems] == sorted(stems)
    assert [s.model_dump(exclude={"sha256", "rendered_in"}) for s in streamed.stems] == [
        s.model_dump(exclude={"sha256", "rendered_in"}) for s in at_once.stems
    ]
    assert all(len(s.sha256) == 64 and s.rendered_in is None for s in streamed.stems)


def test_an_edit_whose_parent_is_gone_measures_every_stem_itself() -> None:
    """Carrying over saves a measurement: a parent deleted while its child ran costs that
    measurement, never the job."""
    from amp.domain.edit import RemasterEdit

    ctx = stage_context()
    parent = _job(ctx)
    qa.run(_mixed(ctx, parent), ctx)
    assert ctx.jobs.get(parent.id).qa is not None
    child = Job(
        owner=OWNER,
        prompt="a test",
        spec=parent.spec,
        parent_id=parent.id,
        edit=RemasterEdit(master_preset="streaming"),
    )
    ctx.jobs.create(child)
    payload = _mixed(ctx, child)
    qa.run(payload, ctx)  # the same stems mixed again: the same files, carried over
    carried = ctx.jobs.get(child.id).qa
    assert carried is not None and {s.carried_from for s in carried.stems} == {parent.id}
    ctx.jobs.delete(parent.id)
    out = qa.run(payload, ctx)
    report = ctx.jobs.get(child.id).qa
    assert out.passed, out.summary
    assert report is not None and report.stems and report.carried_stems() == []
