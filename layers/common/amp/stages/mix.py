"""Mix and master: stems -> pre-bus stems -> post-fader stems + the pre-master mix + a mastered
24-bit mix.

The first pass strips the stems in order (memory: the bus, and per strip worker one stem and its
temporaries, whatever the number of stems): decode -> channel strip -> store the pre-bus stem
(float32 WAV) -> add it to the bus -> keep it in memory (up to KEPT_PREBUS_BYTES in all) or free
it. Up to STRIP_WORKERS stems are decoded and stripped at once, ahead of the bus (`_strip_all`).
The bus step then computes one gain curve (glue x trim), and each post-fader stem is its pre-bus
stem (kept, or read back from its stored file) times that curve, multiplied inside the 24-bit
writer one chunk at a time; the pre-master is the bus times the same curve. An edit takes its
parent's stored pre-bus stem for every role whose strip signature (its audio, settings, the song's
length and, for a ducked role, the drums it ducks under) is unchanged, instead of decoding and
stripping it again (`_StripPlan`).

Remaster passes (the ASL's QA loop, `payload.mastering.adjustments`) load the stored pre-master and
only re-run the master chain: a remaster changes loudness and ceiling, never the balance of the
stems. QA encodes each pass's MP3 preview from its master (amp/mastering/preview.py).

Work files are stored on a second thread (`_Writer`): a pre-bus stem is written while the next stem
is decoded and stripped, and the post-fader stems and the pre-master while the mix is mastered.
Decoding, encoding, numpy's large-array ufuncs, sosfilt and file writes release the GIL, so on two
cores the writes mostly leave the critical path; at most one write is in flight."""

import math
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ValidationError
from scipy import signal

from amp.analysis.models import ReferenceFeatures, load_reference_features
from amp.audio_io import SAMPLE_RATE, AudioBuffer, decode_audio, wav_chunks
from amp.domain import keys
from amp.domain.errors import InvalidAudio, NotFound
from amp.domain.job import Job, JobStatus, MasterPreset
from amp.domain.qa import MasterAdjustments
from amp.domain.spec import Role
from amp.domain.stage_io import MixInput, MixOutput, is_whole_mix
from amp.mastering.chain import MasterResult, master, reference_eq_gains_db
from amp.mastering.presets import preset_target, reference_target_lufs
from amp.mixing.dynamics import FloatArray
from amp.mixing.mixer import (
    DUCK_SOURCE_ROLE,
    DUCKED_ROLES,
    MixBus,
    apply_duck,
    channel_strip,
    duck_from_drums,
    duck_signature,
    sidechain_active,
    strip_order,
    strip_signature,
)
from amp.observability import logger
from amp.stages import whole_mix
from amp.stages.context import StageContext
from amp.stages.reuse import edit_parent, reuses

MIX_PASS = 1
"""The mix is made once: its post-fader stems live under the first pass, whichever pass mixed."""
KEPT_PREBUS_BYTES = 512 * 1024 * 1024
"""A short song's pre-bus stems up to this many bytes in all (five 180 s stems are 318 MB) stay in
memory for the bus step and the post-fader writes instead of being read back from their stored
files; the rest are read back. Its overlapped master's peak plus these stays under the 600 s
song's master peak (bench/long_song.py)."""
STRIP_WORKERS = 2
"""Strips run ahead of the bus for songs up to OVERLAP_MASTER_MAX_S (`_short_song`)."""
OVERLAP_MASTER_MAX_S = 300.0
"""Songs up to this long master while their post-fader stems are written (a second thread); longer
ones wait for the writes first. The master chain is the stage's memory peak (~1.8 GB for 600 s
against a 2,304 MB function), and the writes would add a pre-bus stem and the gain curve
(12 bytes per frame: 320 MB at 600 s) on top of it; at 300 s the overlapped peak stays under the
strips' and the master's own peak at 600 s."""


def _load_stem(ctx: StageContext, key: str, role: str) -> AudioBuffer:
    audio, sample_rate = decode_audio(ctx.audio.get_bytes(key), what=f"stem {role!r} ({key})")
    if sample_rate != SAMPLE_RATE:
        audio = np.asarray(signal.resample_poly(audio, SAMPLE_RATE, sample_rate, axis=1), dtype=np.float32)
    return audio


def master_mix(
    premaster: AudioBuffer,
    sample_rate: int,
    preset: MasterPreset,
    adjustments: MasterAdjustments,
    reference: ReferenceFeatures | None = None,
) -> tuple[MasterResult, float]:
    """Master a pre-master mix to its preset (pulled toward a reference) plus QA's adjustments.

    Storage-free so bench/ and tests run the same path; returns the master and the target it was
    judged against (without the remaster offset: QA compares with the real target)."""
    target = preset_target(preset)
    target_lufs = reference_target_lufs(preset, reference.integrated_lufs if reference else None)
    eq = reference_eq_gains_db(premaster, sample_rate, reference.spectral_balance_db) if reference else None
    mastered = master(
        premaster,
        sample_rate,
        target_lufs=target_lufs + adjustments.loudness_offset_lu,
        ceiling_dbtp=target.ceiling_dbtp + adjustments.ceiling_offset_db,
        eq_gains_db=eq,
    )
    return mastered, target_lufs


class StripRecord(BaseModel):
    """One pre-bus stem in the manifest: its strip signature and its source stem's length."""

    signature: dict[str, Any]
    source_frames: int


class StripManifest(BaseModel):
    """`keys.prebus_manifest_key`: what each stored pre-bus stem is a function of."""

    roles: dict[str, StripRecord]


_OWN_SOURCE = "self/"
"""How a manifest names the audio its own job rendered: tokens are `<job id>/<role>` in memory, but
stored relative to the manifest's job, so two jobs of the same request publish the same bytes."""


def _manifest_bytes(manifest: StripManifest, job: Job) -> bytes:
    return manifest.model_dump_json().replace(f'"{job.id}/', f'"{_OWN_SOURCE}').encode()


def _load_manifest(ctx: StageContext, key: str, owner: Job) -> StripManifest | None:
    """`owner`'s stored manifest, its own tokens resolved to its id."""
    try:
        text = ctx.audio.get_bytes(key).decode().replace(f'"{_OWN_SOURCE}', f'"{owner.id}/')
        return StripManifest.model_validate_json(text)
    except (NotFound, ValidationError, UnicodeDecodeError):
        return None


@dataclass
class _StripPlan:
    """Which pre-bus stems an edit takes from its parent.

    A role's pre-bus stem is reused when (1) the edit reuses the role's rendered stem (the same
    bytes: `stages.reuse.reuses`), so its `source` token is the parent's, and (2) its strip
    signature equals the parent's: same role settings, same song length, same duck (a ducked role
    re-strips when the drums are re-rendered or removed, or the sidechain is turned off). Anything
    else, or a parent without stored pre-bus stems, is stripped here."""

    job: Job
    parent: Job | None = None
    parent_manifest: StripManifest | None = None
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_job(cls, ctx: StageContext, job: Job, roles: list[str]) -> "_StripPlan":
        parent = edit_parent(ctx, job)
        plan = cls(job=job, parent=parent)
        manifest = parent.artifact("strips") if parent is not None else None
        if parent is not None and manifest is not None:
            plan.parent_manifest = _load_manifest(ctx, manifest.key, parent)
        for role in roles:
            plan.sources[role] = plan._source(role)
        return plan

    def _source(self, role: str) -> str:
        """The token of the role's audio: the job that rendered these bytes, and the role."""
        inherited = self.parent_manifest.roles.get(role) if self.parent_manifest else None
        known_role = role in {member.value for member in Role}
        if (
            self.parent is not None
            and inherited is not None
            and known_role
            and reuses(self.parent, self.job, Role(role))
        ):
            return str(inherited.signature["source"])
        return f"{self.job.id}/{role}"

    def known_frames(self) -> int:
        """The longest stem known without decoding: those whose audio is the parent's."""
        if self.parent_manifest is None:
            return 0
        return max(
            (
                record.source_frames
                for role, record in self.parent_manifest.roles.items()
                if self.sources.get(role) == record.signature["source"]
            ),
            default=0,
        )

    def same_bus(self, manifest: StripManifest) -> bool:
        """Whether this mix sums exactly the parent's pre-bus stems, in the parent's order (a float32
        sum depends on it): then the bus step gives the parent's post-fader stems bit for bit (a
        remaster), and they are copied instead of written again."""
        parent = self.parent_manifest
        return parent is not None and list(parent.roles.items()) == list(manifest.roles.items())

    def reusable(self, role: str, signature: dict[str, Any]) -> bool:
        record = self.parent_manifest.roles.get(role) if self.parent_manifest else None
        return record is not None and record.signature == signature


class _LongerStem(Exception):
    """A stem is longer than the mix length chosen so far: start again at this length."""

    def __init__(self, frames: int) -> None:
        self.frames = frames


def _put_wav(
    ctx: StageContext, key: str, audio: AudioBuffer, subtype: str, gain: npt.NDArray[np.float32] | None = None
) -> int:
    return ctx.audio.put_stream(key, wav_chunks(audio, SAMPLE_RATE, subtype, gain=gain), "audio/wav")


class _Writer:
    """One background thread that stores work files while the stage computes the next result.

    `submit` first waits for the write before it (re-raising its error), so at most one write is
    in flight and holds its audio; `wait` (and leaving the `with`) waits for the last one. An error
    in the stage itself still waits for the write in flight before it propagates, so no thread
    outlives the stage."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mix-write")
        self._pending: Future[None] | None = None

    def submit(self, work: Callable[[], None]) -> None:
        self.wait()
        self._pending = self._pool.submit(work)

    def put_wav(self, ctx: StageContext, key: str, audio: AudioBuffer, subtype: str) -> None:
        """Store `audio` as a WAV in the background: the caller must not change it afterwards."""

        def work() -> None:
            _put_wav(ctx, key, audio, subtype)

        self.submit(work)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> "_Writer":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                self.wait()
        finally:
            self._pool.shutdown(wait=True)


def _load_prebus(ctx: StageContext, key: str, role: str) -> AudioBuffer:
    audio, _ = decode_audio(ctx.audio.get_bytes(key), what=f"pre-bus stem {role!r} ({key})")
    return audio


@dataclass
class _Strip:
    """One role's pre-bus stem as a strip worker left it."""

    prebus: AudioBuffer
    source_frames: int
    stripped: bool
    """Stripped here from its stem (False: the parent's stored pre-bus stem, copied and loaded)."""
    duck_db: FloatArray | None = None
    """The duck source's detector curve, when a ducked role is stripped at this length."""


def _short_song(job: Job) -> bool:
    """Songs up to OVERLAP_MASTER_MAX_S strip STRIP_WORKERS stems at once (decoding, sosfilt and
    numpy's large ufuncs release the GIL, so two strips take ~0.55x the time of one after the other
    on two cores) and keep their pre-bus stems in memory (KEPT_PREBUS_BYTES). Longer songs strip one
    stem at a time and read the pre-bus stems back, so their peak stays the master's
    (bench/long_song.py): each worker holds a decoded stem and its pre-bus stem."""
    duration = job.spec.duration_s if job.spec is not None else math.inf
    return duration <= OVERLAP_MASTER_MAX_S


def _strip_all(
    payload: MixInput,
    ctx: StageContext,
    job: Job,
    plan: _StripPlan,
    frames: int,
    *,
    writer: _Writer,
    workers: int = 1,
    kept: dict[str, AudioBuffer] | None = None,
) -> tuple[MixBus, StripManifest, list[str], list[str]]:
    """Every stem through its strip (or the parent's stored pre-bus stem) into one bus.
    Returns the bus, the manifest, the ducked roles and the roles stripped here; `kept` receives
    the pre-bus stems that fit in KEPT_PREBUS_BYTES, in strip order.

    `workers` strips run ahead of the bus, in strip order; the bus adds their pre-bus stems in that
    order (a float32 sum depends on it), so the result is the same for any number of workers. A
    ducked role is stripped without its duck and ducked here once the drums' curve is known (the
    same samples as ducking inside the strip). A stem stripped before the mix's length was known
    (the first strips of a new job start together) and shorter than the mix is stripped again at
    the mix's length."""
    genre = job.spec.genre if job.spec else ""
    stems = {stem.role: stem for stem in payload.stems}
    sidechain = sidechain_active(genre, stems)
    order = strip_order(stems)
    ducked_roles = sorted(DUCKED_ROLES & stems.keys()) if sidechain else []

    def signature(role: str, at_frames: int) -> dict[str, Any]:
        duck = None
        if role in ducked_roles:
            drums = strip_signature(DUCK_SOURCE_ROLE, plan.sources[DUCK_SOURCE_ROLE], at_frames, SAMPLE_RATE)
            duck = duck_signature(drums)
        return strip_signature(role, plan.sources[role], at_frames, SAMPLE_RATE, duck)

    def prepare(role: str, at_frames: int) -> _Strip:
        """The role's pre-bus stem at `at_frames` (or its own length, if longer), not yet ducked."""
        prebus_key = keys.prebus_stem_key(job.owner, job.id, role)
        stored = plan.parent.artifact("prebus_stem", role) if plan.parent else None
        if (
            stored is not None
            and plan.reusable(role, signature(role, at_frames))
            and ctx.audio.exists(stored.key)
        ):
            assert plan.parent_manifest is not None
            ctx.audio.copy(stored.key, prebus_key)
            strip = _Strip(
                _load_prebus(ctx, prebus_key, role), plan.parent_manifest.roles[role].source_frames, False
            )
        else:
            audio = _load_stem(ctx, stems[role].stem_key, role)
            length = max(at_frames, audio.shape[1])
            strip = _Strip(channel_strip(role, audio, length, SAMPLE_RATE), audio.shape[1], True)
            del audio
        length = strip.prebus.shape[1]
        if role == DUCK_SOURCE_ROLE and any(not plan.reusable(r, signature(r, length)) for r in ducked_roles):
            strip.duck_db = duck_from_drums(strip.prebus, SAMPLE_RATE)
        return strip

    bus: MixBus | None = None
    records: dict[str, StripRecord] = {}
    duck_db: FloatArray | None = None
    ducked: list[str] = []
    stripped: list[str] = []
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mix-strip")
    try:
        # One strip queued beyond the workers: a worker that finishes while the bus waits for an
        # earlier, slower strip (the drums, which also compute the duck) starts the next at once.
        ahead = workers + 1 if workers > 1 else 1
        pending = {role: pool.submit(prepare, role, frames) for role in order[:ahead]}
        for index, role in enumerate(order):
            strip = pending.pop(role).result()
            if index + ahead < len(order):  # at most `ahead` strips submitted and not added (memory)
                later = order[index + ahead]
                pending[later] = pool.submit(prepare, later, max(frames, strip.prebus.shape[1]))
            if strip.source_frames > frames:
                if bus is not None:
                    raise _LongerStem(strip.source_frames)
                frames = strip.source_frames
            if strip.prebus.shape[1] != frames:  # stripped before the mix's length was known
                strip = prepare(role, frames)
            if strip.duck_db is not None:
                duck_db = strip.duck_db
            if role in ducked_roles:
                ducked.append(role)
                if strip.stripped and duck_db is not None:
                    apply_duck(strip.prebus, duck_db, SAMPLE_RATE)
            if strip.stripped:
                prebus_key = keys.prebus_stem_key(job.owner, job.id, role)
                writer.put_wav(ctx, prebus_key, strip.prebus, "FLOAT")  # read-only from here on
                stripped.append(role)
            if bus is None:
                bus = MixBus(frames, SAMPLE_RATE)
            bus.add(role, strip.prebus)
            if (
                kept is not None
                and sum(a.nbytes for a in kept.values()) + strip.prebus.nbytes <= KEPT_PREBUS_BYTES
            ):
                kept[role] = strip.prebus
            records[role] = StripRecord(signature=signature(role, frames), source_frames=strip.source_frames)
            del strip
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    assert bus is not None  # MixInput has at least one stem
    return bus, StripManifest(roles=records), ducked, stripped


def _mix(
    payload: MixInput, ctx: StageContext, job: Job, writer: _Writer
) -> tuple[AudioBuffer, dict[str, str]]:
    """Mix the generated stems one at a time; store the pre-bus stems (and their manifest), the
    post-fader stems and the pre-master mix. The post-fader stems and the pre-master are left
    being written on `writer`'s thread while the caller masters the returned pre-master."""
    roles = [stem.role for stem in payload.stems]
    if len(set(roles)) != len(roles):
        raise InvalidAudio("two stems claim the same role")
    plan = _StripPlan.for_job(ctx, job, roles)
    frames = plan.known_frames()
    short = _short_song(job)
    kept: dict[str, AudioBuffer] = {}
    while True:
        try:
            bus, manifest, ducked, stripped = _strip_all(
                payload,
                ctx,
                job,
                plan,
                frames,
                writer=writer,
                workers=STRIP_WORKERS if short else 1,
                kept=kept if short else None,
            )
            break
        except _LongerStem as longer:  # a stem outgrew the length the others were padded to
            frames = longer.frames
            kept.clear()
    if any(role not in kept for role in roles):
        writer.wait()  # the bus step reads the stored pre-bus stems not kept in memory back
    ctx.audio.put_bytes(
        keys.prebus_manifest_key(job.owner, job.id), _manifest_bytes(manifest, job), "application/json"
    )

    def prebus(role: str) -> AudioBuffer:
        if role in kept:
            return kept[role]
        return _load_prebus(ctx, keys.prebus_stem_key(job.owner, job.id, role), role)

    gain = bus.finish(prebus)
    same_bus = not stripped and plan.same_bus(manifest)
    stem_keys = {role: keys.mixed_stem_key(job.owner, job.id, MIX_PASS, role) for role in roles}

    def store_post_fader() -> None:
        for role, key in stem_keys.items():
            parent_stem = plan.parent.artifact("stem", role) if same_bus and plan.parent else None
            if parent_stem is not None and ctx.audio.exists(parent_stem.key):
                ctx.audio.copy(parent_stem.key, key)  # the same bus from the same pre-bus stems
                kept.pop(role, None)
                continue
            audio = prebus(role)
            kept.pop(role, None)  # freed once written
            _put_wav(ctx, key, audio, "PCM_24", gain=gain.gain)
            del audio
        _put_wav(ctx, keys.premaster_key(job.owner, job.id), gain.mix, "PCM_24")

    writer.submit(store_post_fader)  # gain.mix is only read from here on (the master copies it)
    logger.info(
        "mixed",
        extra={
            "job_id": job.id,
            "ducked_roles": ducked,
            "stripped_roles": stripped,
            "reused_strips": [role for role in roles if role not in stripped],
        },
    )
    return gain.mix, stem_keys


def _stored_mix(payload: MixInput, ctx: StageContext, job: Job) -> tuple[AudioBuffer, dict[str, str]] | None:
    """The pre-master and post-fader stems an earlier pass stored, or None if any is missing (a
    pass 2 run on its own, or work files expired): then the stage mixes again."""
    premaster_key = keys.premaster_key(job.owner, job.id)
    stem_keys = {
        stem.role: keys.mixed_stem_key(job.owner, job.id, MIX_PASS, stem.role)
        for stem in payload.stems
        if not stem.whole_mix
    }
    if not all(ctx.audio.exists(key) for key in [premaster_key, *stem_keys.values()]):
        return None
    premaster, sample_rate = decode_audio(ctx.audio.get_bytes(premaster_key), what="the pre-master mix")
    if sample_rate != SAMPLE_RATE:
        return None
    return premaster, stem_keys


def run(payload: MixInput, ctx: StageContext) -> MixOutput:
    job = ctx.begin(payload.job_id, JobStatus.MIXING, "mix", 0.65)
    mastering_pass = payload.mastering.mastering_pass
    stored = _stored_mix(payload, ctx, job) if mastering_pass > 1 else None
    with _Writer() as writer:
        if stored is not None:
            premaster, stem_keys = stored
        elif is_whole_mix(payload.stems):  # no stems: the model's mix is mastered as it is
            premaster, stem_keys = whole_mix.premaster(ctx, job, payload.stems[0]), {}
        else:
            premaster, stem_keys = _mix(payload, ctx, job, writer)
            if premaster.shape[1] > OVERLAP_MASTER_MAX_S * SAMPLE_RATE:
                writer.wait()  # memory: the post-fader writes' stem and gain, then the master's peak

        ctx.jobs.set_progress(job.id, 0.75, status=JobStatus.MASTERING)
        mastered, target_lufs = master_mix(
            premaster,
            SAMPLE_RATE,
            job.options.master_preset,
            payload.mastering.adjustments,
            load_reference_features(ctx.audio, job),
        )
        mix_key = keys.mix_key(job.owner, job.id, mastering_pass)
        _put_wav(ctx, mix_key, mastered.audio, "PCM_24")
    logger.info(
        "mastered",
        extra={
            "job_id": job.id,
            "mastering_pass": mastering_pass,
            "mixed_this_pass": stored is None,
            "target_lufs": target_lufs,
            "integrated_lufs": round(mastered.integrated_lufs, 2),
            "true_peak_dbtp": round(mastered.true_peak_dbtp, 2),
            "reference_eq_db": mastered.eq_gains_db,
        },
    )
    return MixOutput(
        mix_key=mix_key, stem_keys=stem_keys, mastering_pass=mastering_pass, target_lufs=target_lufs
    )
