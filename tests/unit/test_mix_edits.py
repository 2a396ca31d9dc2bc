"""An edit's mix re-strips only what changed: every stem whose audio is the parent's and whose strip
signature is unchanged takes the parent's stored pre-bus stem; the swapped role (and, when the
drums change, the bass that ducks under them) goes through its channel strip again. The result
equals a fresh mix of the same stems, and the parent's files stay as they were."""

import numpy as np
import pytest

from amp.application import stage_context
from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, encode_wav
from amp.domain import keys
from amp.domain.edit import Edit, RemasterEdit, SwapEdit
from amp.domain.job import Job
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.domain.stage_io import GenerateOutput, MixInput, MixOutput, PublishInput
from amp.mixing import mixer
from amp.mixing.mixer import mix_stems
from amp.stages import mix, publish
from amp.stages.context import StageContext
from amp.stages.reuse import reuse_parent_stem
from tests.audio.signals import sine, song_stems

OWNER = "tester"
ROLES = ("drums", "bass", "chords", "lead")
SECONDS = 5.0
LSB = 2.0**-23


def _spec(genre: str) -> MusicSpec:
    return MusicSpec(
        genre=genre,
        bpm=120,
        key="A",
        mode=Mode.MINOR,
        duration_s=SECONDS,
        seed=1,
        instruments=[Instrument(name=role, role=Role(role)) for role in ROLES],
    )


def _put_stem(ctx: StageContext, job: Job, role: str, audio: AudioBuffer) -> GenerateOutput:
    key = keys.raw_stem_key(job.owner, job.id, role)
    ctx.audio.put_bytes(key, encode_wav(audio), "audio/wav")
    return GenerateOutput(role=role, stem_key=key)


def _finished_parent(ctx: StageContext, genre: str) -> tuple[Job, dict[str, AudioBuffer]]:
    job = Job(owner=OWNER, prompt="a test", spec=_spec(genre))
    ctx.jobs.create(job)
    stems = song_stems(seconds=SECONDS)
    outputs = [_put_stem(ctx, job, role, stems[role]) for role in ROLES]
    # What the parent's stems decode to (24-bit), i.e. what a child reusing them mixes.
    decoded = {o.role: decode_audio(ctx.audio.get_bytes(o.stem_key))[0] for o in outputs}
    out = mix.run(MixInput(job_id=job.id, stems=outputs), ctx)
    publish.run(PublishInput(job_id=job.id, mix=out, stems=outputs), ctx)
    return ctx.jobs.get(job.id), decoded


def _child_mix(
    ctx: StageContext, parent: Job, edit: Edit, new_stems: dict[str, AudioBuffer]
) -> tuple[Job, MixOutput]:
    assert parent.spec is not None
    child = Job(owner=OWNER, prompt=parent.prompt, spec=parent.spec, parent_id=parent.id, edit=edit)
    ctx.jobs.create(child)
    outputs = [
        _put_stem(ctx, child, role, new_stems[role])
        if role in new_stems
        else reuse_parent_stem(ctx, parent, child, Role(role))
        for role in ROLES
    ]
    return child, mix.run(MixInput(job_id=child.id, stems=outputs), ctx)


@pytest.fixture
def stripped(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The roles that go through a channel strip in the mix stage."""
    calls: list[str] = []
    original = mixer.channel_strip

    def recording(role: str, *args: object, **kwargs: object) -> AudioBuffer:
        calls.append(role)
        return original(role, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mix, "channel_strip", recording)
    return calls


def _decoded(ctx: StageContext, key: str) -> AudioBuffer:
    return decode_audio(ctx.audio.get_bytes(key))[0]


def _published(ctx: StageContext, job: Job) -> dict[str, bytes]:
    return {key: ctx.audio.get_bytes(key) for key in ctx.audio.list_keys(keys.job_prefix(job.owner, job.id))}


def _assert_equals_a_fresh_mix(
    ctx: StageContext, out: MixOutput, job: Job, stems: dict[str, AudioBuffer], genre: str
) -> None:
    fresh = mix_stems(stems, SAMPLE_RATE, genre)
    for role in ROLES:  # 24-bit files: within one LSB of the fresh float mix, plus float32 rounding
        assert np.max(np.abs(_decoded(ctx, out.stem_keys[role]) - fresh.stems[role])) <= 1.01 * LSB
    premaster = _decoded(ctx, keys.premaster_key(job.owner, job.id))
    assert np.max(np.abs(premaster - fresh.mix)) <= 1.01 * LSB


@pytest.mark.parametrize("genre", ["jazz", "techno"])
def test_a_bass_swap_strips_only_the_bass_and_equals_a_fresh_mix(genre: str, stripped: list[str]) -> None:
    ctx = stage_context()
    parent, stems = _finished_parent(ctx, genre)
    before = _published(ctx, parent)
    stripped.clear()
    new_bass = sine(41.2, SECONDS, amplitude=0.4)
    child, out = _child_mix(ctx, parent, SwapEdit(role=Role.BASS, instrument="808"), {"bass": new_bass})

    assert stripped == ["bass"]  # techno's bass ducks under the reused drums' stored pre-bus stem
    stems["bass"] = decode_audio(encode_wav(new_bass))[0]
    _assert_equals_a_fresh_mix(ctx, out, child, stems, genre)
    assert _published(ctx, parent) == before  # the parent is untouched
    assert ctx.jobs.get(parent.id).artifacts == parent.artifacts


def test_new_drums_re_strip_the_bass_that_ducks_under_them(stripped: list[str]) -> None:
    ctx = stage_context()
    parent, stems = _finished_parent(ctx, "techno")
    stripped.clear()
    new_drums = song_stems(bpm=128.0, seconds=SECONDS)["drums"]
    child, out = _child_mix(ctx, parent, SwapEdit(role=Role.DRUMS, seed=9), {"drums": new_drums})

    assert sorted(stripped) == ["bass", "drums"]  # chords and lead are reused
    stems["drums"] = decode_audio(encode_wav(new_drums))[0]
    _assert_equals_a_fresh_mix(ctx, out, child, stems, "techno")


def test_a_remaster_strips_nothing_and_gives_the_parents_post_fader_stems(stripped: list[str]) -> None:
    ctx = stage_context()
    parent, _ = _finished_parent(ctx, "techno")
    stripped.clear()
    _child, out = _child_mix(ctx, parent, RemasterEdit(master_preset="club"), {})

    assert stripped == []
    for role in ROLES:
        parent_stem = parent.artifact("stem", role)
        assert parent_stem is not None
        assert ctx.audio.get_bytes(out.stem_keys[role]) == ctx.audio.get_bytes(parent_stem.key)


def test_a_parent_without_stored_pre_bus_stems_is_stripped_in_full(stripped: list[str]) -> None:
    ctx = stage_context()
    parent, stems = _finished_parent(ctx, "techno")
    kept = [a for a in parent.artifacts if a.kind in ("prebus_stem", "strips")]
    assert len(kept) == len(ROLES) + 1
    for artifact in kept:  # a job mixed before pre-bus stems were kept, or their files expired
        ctx.audio.delete_prefix(artifact.key)
    stripped.clear()
    child, out = _child_mix(ctx, parent, SwapEdit(role=Role.LEAD, seed=5), {})

    assert sorted(stripped) == sorted(ROLES)
    _assert_equals_a_fresh_mix(ctx, out, child, stems, "techno")


def test_a_longer_stem_after_the_first_restarts_the_strips_at_its_length(stripped: list[str]) -> None:
    """Stems are padded to the longest; one at a time, a longer stem found late means stripping again
    at its length, so the stage still equals the whole-stems mix."""
    ctx = stage_context()
    job = Job(owner=OWNER, prompt="a test", spec=_spec("techno"))
    ctx.jobs.create(job)
    stems = song_stems(seconds=SECONDS)
    stems["lead"] = np.concatenate([stems["lead"], stems["lead"][:, :SAMPLE_RATE]], axis=1)
    outputs = [_put_stem(ctx, job, role, stems[role]) for role in ROLES]
    decoded = {o.role: decode_audio(ctx.audio.get_bytes(o.stem_key))[0] for o in outputs}
    stripped.clear()
    out = mix.run(MixInput(job_id=job.id, stems=outputs), ctx)

    # Strips run two at a time, so the lead is stripped before it is found too long; then all again.
    assert sorted(stripped) == sorted(ROLES * 2)
    _assert_equals_a_fresh_mix(ctx, out, job, decoded, "techno")
    assert _decoded(ctx, out.stem_keys["drums"]).shape[1] == round((SECONDS + 1) * SAMPLE_RATE)


def test_a_shorter_stem_stripped_before_the_length_was_known_is_stripped_again(stripped: list[str]) -> None:
    """A new job's first two strips start together, before the mix's length is known: the second
    one, shorter than the drums, is padded by stripping it again at the drums' length."""
    ctx = stage_context()
    job = Job(owner=OWNER, prompt="a test", spec=_spec("techno"))
    ctx.jobs.create(job)
    stems = song_stems(seconds=SECONDS)
    stems["bass"] = stems["bass"][:, : -SAMPLE_RATE // 2]
    outputs = [_put_stem(ctx, job, role, stems[role]) for role in ROLES]
    decoded = {o.role: decode_audio(ctx.audio.get_bytes(o.stem_key))[0] for o in outputs}
    stripped.clear()
    out = mix.run(MixInput(job_id=job.id, stems=outputs), ctx)

    assert sorted(stripped) == sorted([*ROLES, "bass"])
    _assert_equals_a_fresh_mix(ctx, out, job, decoded, "techno")


def test_strips_in_parallel_publish_the_same_bytes_as_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bus adds pre-bus stems in strip order whatever the number of workers, and the duck is
    applied after the strip: every work file is byte-identical to the one-worker mix."""
    ctx = stage_context()
    stems = song_stems(seconds=SECONDS)
    published = []
    for workers in (1, 2):
        monkeypatch.setattr(mix, "STRIP_WORKERS", workers)
        job = Job(owner=OWNER, prompt="a test", spec=_spec("techno"))
        ctx.jobs.create(job)
        outputs = [_put_stem(ctx, job, role, stems[role]) for role in ROLES]
        out = mix.run(MixInput(job_id=job.id, stems=outputs), ctx)
        work = [keys.prebus_stem_key(job.owner, job.id, role) for role in ROLES]
        work += [*out.stem_keys.values(), keys.premaster_key(job.owner, job.id), out.mix_key]
        published.append([ctx.audio.get_bytes(key) for key in work])
    assert published[0] == published[1]
