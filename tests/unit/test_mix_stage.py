"""The mix stage end to end over the local adapters: stems in the store -> post-fader stems, a
mastered 24-bit mix on target, the job moved through MIXING/MASTERING, and remaster passes that re-master the stored pre-master without re-mixing."""

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from amp.analysis import levels
from amp.analysis.models import ReferenceFeatures
from amp.application import stage_context
from amp.audio_io import SAMPLE_RATE, decode_audio, encode_wav
from amp.domain import keys
from amp.domain.errors import InvalidAudio, JobCancelled
from amp.domain.job import Job, JobOptions, JobStatus, MasterPreset
from amp.domain.qa import MasterAdjustments
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.domain.stage_io import GenerateOutput, MasteringSettings, MixInput
from amp.mixing.mixer import mix_stems
from amp.stages import mix
from amp.stages.context import StageContext
from tests.audio.signals import song_stems

OWNER = "tester"


def _job(ctx: StageContext, preset: MasterPreset = "streaming", genre: str = "techno") -> Job:
    spec = MusicSpec(
        genre=genre,
        bpm=120,
        key="A",
        mode=Mode.MINOR,
        duration_s=8,
        seed=1,
        instruments=[Instrument(name=n, role=Role(n)) for n in ("drums", "bass", "chords", "lead")],
    )
    job = Job(owner=OWNER, prompt="a test", spec=spec, options=JobOptions(master_preset=preset))
    ctx.jobs.create(job)
    return job


def _payload(ctx: StageContext, job: Job, mastering: MasteringSettings | None = None) -> MixInput:
    outputs = []
    for role, audio in song_stems(seconds=8.0).items():
        key = keys.raw_stem_key(job.owner, job.id, role)
        ctx.audio.put_bytes(key, encode_wav(audio), "audio/wav")
        outputs.append(GenerateOutput(role=role, stem_key=key))
    return MixInput(job_id=job.id, stems=outputs, mastering=mastering or MasteringSettings())


@pytest.mark.parametrize(
    ("preset", "target_lufs"), [("streaming", -14.0), ("club", -9.0), ("broadcast", -23.0)]
)
def test_mix_masters_to_preset_loudness_under_true_peak_ceiling(
    preset: MasterPreset, target_lufs: float
) -> None:
    ctx = stage_context()
    job = _job(ctx, preset)
    out = mix.run(_payload(ctx, job), ctx)

    assert out.target_lufs == target_lufs
    assert out.mix_key == keys.mix_key(OWNER, job.id, 1)
    audio, rate = decode_audio(ctx.audio.get_bytes(out.mix_key))
    assert rate == SAMPLE_RATE
    assert abs(levels.integrated_lufs(audio, rate) - target_lufs) <= 0.5
    assert levels.true_peak_dbtp(audio) <= -1.0
    assert sf.info(io.BytesIO(ctx.audio.get_bytes(out.mix_key))).subtype == "PCM_24"


def test_post_fader_stems_are_24_bit_and_sum_to_the_premaster_mix() -> None:
    ctx = stage_context()
    job = _job(ctx)
    out = mix.run(_payload(ctx, job), ctx)

    assert set(out.stem_keys) == {"drums", "bass", "chords", "lead"}
    stems = []
    for role, key in out.stem_keys.items():
        assert key == keys.mixed_stem_key(OWNER, job.id, 1, role)
        assert sf.info(io.BytesIO(ctx.audio.get_bytes(key))).subtype == "PCM_24"
        stems.append(decode_audio(ctx.audio.get_bytes(key))[0])
    stem_sum = np.sum(stems, axis=0)
    raw = {
        role: decode_audio(ctx.audio.get_bytes(keys.raw_stem_key(OWNER, job.id, role)))[0]
        for role in out.stem_keys
    }
    premaster = mix_stems(raw, SAMPLE_RATE, "techno").mix
    # 24-bit quantisation of four stems: at most 4 * 2^-24 per sample.
    assert np.max(np.abs(stem_sum - premaster)) < 4 * 2.0**-23


def test_remaster_pass_applies_the_adjustments_and_writes_under_its_pass() -> None:
    ctx = stage_context()
    job = _job(ctx)
    settings = MasteringSettings(
        mastering_pass=2, adjustments=MasterAdjustments(loudness_offset_lu=-2.0, ceiling_offset_db=-1.0)
    )
    out = mix.run(_payload(ctx, job, settings), ctx)
    assert out.mastering_pass == 2
    assert out.mix_key == keys.mix_key(OWNER, job.id, 2)
    assert out.target_lufs == -14.0  # QA judges against the real target, not the offset one
    audio, rate = decode_audio(ctx.audio.get_bytes(out.mix_key))
    assert abs(levels.integrated_lufs(audio, rate) - -16.0) <= 0.5
    assert levels.true_peak_dbtp(audio) <= -2.0


def test_a_remaster_pass_re_masters_the_stored_premaster_without_re_mixing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = stage_context()
    job = _job(ctx)
    payload = _payload(ctx, job)
    first = mix.run(payload, ctx)
    premaster, _ = decode_audio(ctx.audio.get_bytes(keys.premaster_key(OWNER, job.id)))
    stem_sum = np.sum([decode_audio(ctx.audio.get_bytes(k))[0] for k in first.stem_keys.values()], axis=0)
    assert np.max(np.abs(stem_sum - premaster)) < 5 * 2.0**-23  # the stored pre-master is the stem sum

    def no_mixing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a remaster pass must not re-mix the stems")

    monkeypatch.setattr(mix, "channel_strip", no_mixing)
    monkeypatch.setattr(mix, "MixBus", no_mixing)
    settings = MasteringSettings(
        mastering_pass=2, adjustments=MasterAdjustments(loudness_offset_lu=-2.0, ceiling_offset_db=-1.0)
    )
    second = mix.run(payload.model_copy(update={"mastering": settings}), ctx)
    assert second.stem_keys == first.stem_keys  # the same post-fader stems, not a second copy
    assert second.mix_key == keys.mix_key(OWNER, job.id, 2)
    audio, rate = decode_audio(ctx.audio.get_bytes(second.mix_key))
    assert abs(levels.integrated_lufs(audio, rate) - -16.0) <= 0.5
    assert levels.true_peak_dbtp(audio) <= -2.0
    assert not ctx.audio.exists(keys.mixed_stem_key(OWNER, job.id, 2, "bass"))


def test_mix_moves_the_job_to_mastering() -> None:
    ctx = stage_context()
    job = _job(ctx)
    mix.run(_payload(ctx, job), ctx)
    after = ctx.jobs.get(job.id)
    assert after.status == JobStatus.MASTERING
    assert after.stage == "mix"
    assert after.progress == pytest.approx(0.75)


def test_silent_stems_fail_with_invalid_audio() -> None:
    ctx = stage_context()
    job = _job(ctx)
    key = keys.raw_stem_key(job.owner, job.id, "pad")
    ctx.audio.put_bytes(key, encode_wav(np.zeros((2, SAMPLE_RATE), dtype=np.float32)), "audio/wav")
    with pytest.raises(InvalidAudio, match="silent"):
        mix.run(MixInput(job_id=job.id, stems=[GenerateOutput(role="pad", stem_key=key)]), ctx)


def test_cancelled_job_is_not_mixed() -> None:
    ctx = stage_context()
    job = _job(ctx)
    payload = _payload(ctx, job)
    ctx.jobs.update(job.id, {"status": JobStatus.CANCELLED.value}, allow_terminal=True)
    with pytest.raises(JobCancelled):
        mix.run(payload, ctx)
    assert not ctx.audio.exists(keys.mix_key(OWNER, job.id, 1))


def _features_json(integrated_lufs: float) -> bytes:
    features = ReferenceFeatures(
        duration_s=30.0, sample_rate=44_100, channels=2, source_format="WAV", bpm=120.0,
        integrated_lufs=integrated_lufs, loudness_range_lu=4.0, true_peak_dbtp=-0.5, crest_factor_db=9.0,
        spectral_balance_db={"low": -2.0, "low_mid": -7.0, "mid": -9.0, "high": -10.0},
        stereo_width=0.4, phase_correlation=0.8,
    )  # fmt: skip
    return features.model_dump_json().encode()


def test_a_loud_reference_pulls_the_target_within_the_presets_swing() -> None:
    ctx = stage_context()
    job = _job(ctx)
    reference_key = keys.reference_upload_key(OWNER, "ref", ".wav")
    ctx.jobs.update(job.id, {"reference_key": reference_key})
    ctx.audio.put_bytes(keys.reference_features_key(OWNER, job.id), _features_json(-8.0), "application/json")
    out = mix.run(_payload(ctx, job), ctx)
    assert out.target_lufs == -12.0  # streaming -14 pulled toward -8, at most 2 LU
    audio, rate = decode_audio(ctx.audio.get_bytes(out.mix_key))
    assert levels.integrated_lufs(audio, rate) == pytest.approx(-12.0, abs=0.5)


def test_missing_reference_features_fall_back_to_the_preset() -> None:
    ctx = stage_context()
    job = _job(ctx)
    ctx.jobs.update(job.id, {"reference_key": keys.reference_upload_key(OWNER, "ref", ".wav")})
    assert mix.run(_payload(ctx, job), ctx).target_lufs == -14.0


def test_the_mix_stage_never_imports_librosa_or_matplotlib() -> None:
    """mix is a zip-packaged Lambda: librosa (~350 MB with llvmlite) and matplotlib must stay out."""
    code = (
        "import sys, numpy as np\n"
        "from amp.stages import mix\n"
        "from amp.mixing.mixer import mix_stems\n"
        "from tests.audio.signals import song_stems\n"
        "mixed = mix_stems(song_stems(seconds=1.0), 44100, 'techno')\n"
        "mix.master_mix(mixed.mix, 44100, 'streaming', mix.MasterAdjustments())\n"
        "print(sorted(m for m in ('librosa', 'numba', 'matplotlib') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{root / 'layers' / 'common'}{os.pathsep}{root}"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_post_fader_stem_that_fails_to_write_fails_the_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """The post-fader stems are written on a second thread beside the master: an error there is the
    stage's error (raised after the master), not lost with the thread."""
    ctx = stage_context()
    job = _job(ctx)
    payload = _payload(ctx, job)
    put_stream = ctx.audio.put_stream
    failing = keys.mixed_stem_key(OWNER, job.id, 1, "bass")

    def put_or_fail(key: str, *args: object, **kwargs: object) -> int:
        if key == failing:
            raise OSError("disk full")
        return put_stream(key, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ctx.audio, "put_stream", put_or_fail)
    with pytest.raises(OSError, match="disk full"):
        mix.run(payload, ctx)
