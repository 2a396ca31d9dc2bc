"""The generate stage over the local adapters: one role's stem and MIDI written under the job's work
prefix, exact length, deterministic by seed, excluded roles refused."""

import io
from typing import Any

import mido
import numpy as np
import pytest
import soundfile as sf

from amp.application import stage_context
from amp.audio_io import SAMPLE_RATE, decode_audio
from amp.domain import keys
from amp.domain.errors import InvalidInput, JobCancelled
from amp.domain.job import Job, JobStatus
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.domain.stage_io import GenerateInput
from amp.stages import generate
from amp.stages.context import StageContext

OWNER = "tester"


def _spec(seed: int = 7, **changes: object) -> MusicSpec:
    values: dict[str, object] = {
        "genre": "house",
        "bpm": 124.0,
        "key": "A",
        "mode": Mode.MINOR,
        "duration_s": 6.0,
        "seed": seed,
        "instruments": [
            Instrument(name=r.value, role=r) for r in (Role.DRUMS, Role.BASS, Role.CHORDS, Role.LEAD)
        ],
    }
    values.update(changes)
    return MusicSpec.model_validate(values)


def _job(ctx: StageContext, spec: MusicSpec | None) -> Job:
    job = Job(owner=OWNER, prompt="deep house in A minor", spec=spec)
    ctx.jobs.create(job)
    return job


def test_generate_writes_24_bit_stereo_stem_of_exact_length_and_midi() -> None:
    ctx = stage_context()
    job = _job(ctx, _spec())
    out = generate.run(GenerateInput(job_id=job.id, role="bass"), ctx)
    assert out.stem_key == keys.raw_stem_key(OWNER, job.id, "bass")
    assert out.midi_key == keys.raw_midi_key(OWNER, job.id, "bass")
    data = ctx.audio.get_bytes(out.stem_key)
    info = sf.info(io.BytesIO(data))
    assert (info.samplerate, info.channels, info.subtype) == (SAMPLE_RATE, 2, "PCM_24")
    assert info.frames == round(6.0 * SAMPLE_RATE)
    audio, _ = decode_audio(data)
    assert np.all(np.isfinite(audio)) and float(np.abs(audio).max()) < 1.0
    assert float(np.sqrt(np.mean(audio**2))) > 0.01
    midi = mido.MidiFile(file=io.BytesIO(ctx.audio.get_bytes(out.midi_key)))
    assert any(m.type == "note_on" for m in midi.tracks[1])
    record = ctx.jobs.get(job.id)
    assert record.status is JobStatus.GENERATING and record.stage == "generate"
    assert generate.PROGRESS_START <= record.progress <= generate.PROGRESS_END


def test_same_seed_gives_byte_identical_stems_and_a_new_seed_changes_them() -> None:
    ctx = stage_context()
    first = _job(ctx, _spec(seed=11))
    second = _job(ctx, _spec(seed=11))
    third = _job(ctx, _spec(seed=12))
    stems = [
        ctx.audio.get_bytes(generate.run(GenerateInput(job_id=j.id, role="drums"), ctx).stem_key)
        for j in (first, second, third)
    ]
    assert stems[0] == stems[1]
    assert stems[0] != stems[2]


def test_all_stems_of_a_job_have_equal_length_in_three_four() -> None:
    ctx = stage_context()
    spec = _spec(time_signature="3/4", genre="waltz", bpm=150.0, duration_s=5.3)
    job = _job(ctx, spec)
    lengths = {
        sf.info(
            io.BytesIO(ctx.audio.get_bytes(generate.run(GenerateInput(job_id=job.id, role=r), ctx).stem_key))
        ).frames
        for r in ("drums", "bass", "chords", "lead")
    }
    assert lengths == {round(5.3 * SAMPLE_RATE)}


def test_excluded_role_is_refused_with_invalid_input() -> None:
    ctx = stage_context()
    job = _job(ctx, _spec(excluded_roles=[Role.LEAD]))
    with pytest.raises(InvalidInput, match="excluded"):
        generate.run(GenerateInput(job_id=job.id, role="lead"), ctx)
    assert not ctx.audio.exists(keys.raw_stem_key(OWNER, job.id, "lead"))


def test_job_without_spec_and_unknown_role_are_invalid_input() -> None:
    ctx = stage_context()
    job = _job(ctx, None)
    with pytest.raises(InvalidInput, match="no spec"):
        generate.run(GenerateInput(job_id=job.id, role="bass"), ctx)
    job = _job(ctx, _spec())
    with pytest.raises(InvalidInput, match="unknown role"):
        generate.run(GenerateInput(job_id=job.id, role="kazoo"), ctx)


def test_cancelled_job_is_not_generated() -> None:
    ctx = stage_context()
    job = _job(ctx, _spec())
    ctx.jobs.update(job.id, {"status": JobStatus.CANCELLED.value})
    with pytest.raises(JobCancelled):
        generate.run(GenerateInput(job_id=job.id, role="bass"), ctx)
    assert not ctx.audio.exists(keys.raw_stem_key(OWNER, job.id, "bass"))


def test_stems_are_byte_identical_across_processes_whatever_else_the_process_rendered() -> None:
    """Each stem renders in its own Lambda: a fresh process (other hash seed, cold caches, another
    role rendered first) must produce the same bytes as this one."""
    import hashlib
    import os
    import subprocess
    import sys

    from amp.audio_io import encode_wav
    from amp.providers.procedural import ProceduralProvider

    spec = _spec(seed=21, duration_s=5.0, genre="drum and bass", bpm=174.0)
    here = hashlib.sha256(encode_wav(ProceduralProvider().render_stem(spec, Role.CHORDS).audio)).hexdigest()
    script = (
        "import hashlib, sys\n"
        "from amp.audio_io import encode_wav\n"
        "from amp.domain.spec import MusicSpec, Role\n"
        "from amp.providers.procedural import ProceduralProvider\n"
        "spec = MusicSpec.model_validate_json(sys.argv[1])\n"
        "provider = ProceduralProvider()\n"
        "provider.render_stem(spec, Role.BASS)\n"
        "print(hashlib.sha256(encode_wav(provider.render_stem(spec, Role.CHORDS).audio)).hexdigest())\n"
    )
    import amp

    # The child imports this tree's amp (not whatever the venv has installed) so both encode alike.
    package_root = os.path.dirname(os.path.dirname(amp.__file__))
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": package_root}
    there = subprocess.run(
        [sys.executable, "-c", script, spec.model_dump_json()],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    assert there == here


def test_stability_jobs_render_guided_through_the_api_with_drum_midi_from_the_guide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import httpx

    from amp.audio_io import encode_wav
    from amp.domain.job import JobOptions
    from amp.providers import stability
    from amp.providers.stability import AUDIO_TO_AUDIO_PATH, StabilityProvider

    seen: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        tone = np.tile(
            np.sin(np.arange(8 * 44_100) / 44_100 * 2 * np.pi * 110).astype(np.float32) * 0.3, (2, 1)
        )
        return httpx.Response(
            200, content=encode_wav(tone, 44_100, "PCM_16"), headers={"content-type": "audio/wav"}
        )

    def offline(api_key: str, **settings: Any) -> StabilityProvider:
        return StabilityProvider(
            api_key=api_key, transport=httpx.MockTransport(api), sleep=lambda s: None, **settings
        )

    monkeypatch.setenv("STABILITY_API_KEY", "sk-stage-test")
    monkeypatch.setattr(stability, "StabilityProvider", offline)
    ctx = stage_context()
    reference_key = "uploads/tester/ref.wav"
    ctx.audio.put_bytes(
        reference_key, encode_wav(np.zeros((2, 7 * 44_100), dtype=np.float32) + 0.1), "audio/wav"
    )
    job = Job(
        owner=OWNER,
        prompt="dnb",
        spec=_spec(),
        reference_key=reference_key,
        options=JobOptions(provider="stability"),
    )
    ctx.jobs.create(job)
    out = generate.run(GenerateInput(job_id=job.id, role="drums"), ctx)
    assert seen == [AUDIO_TO_AUDIO_PATH] and out.midi_key is not None
    assert out.provider_report is not None and out.provider_report["midi"] == "guide"
    audio, _ = decode_audio(ctx.audio.get_bytes(out.stem_key))
    assert audio.shape == (2, round(6.0 * SAMPLE_RATE))
