"""Faults in the real pipeline (the real ASL, real stages, SQLite + filesystem): a stage that keeps
failing, one that times out, one killed mid-write, and tasks Step Functions runs again after they
already wrote their output. The job must end FAILED with its stage and reason, or SUCCEEDED with
exactly one whole set of files; never with a partial file listed or published.

(tests/e2e/test_local_pipeline.py already covers a non-retryable raise, throttling and cancelling.)"""

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from amp.domain.errors import ProviderUnavailable
from amp.domain.job import JobStatus
from amp.orchestration.asl import ExecutionStatus, StatesError
from amp.orchestration.local_pipeline import run_job_locally
from amp.stages.mark_failed import _PLAIN_REASONS
from tests.support.reliability import (
    STATE_MACHINE_ENV,
    asl_with_timeout,
    context,
    create_job,
    digests,
    job_files,
    qa_that_passes,
    real,
)

pytestmark = pytest.mark.slow


def test_a_stage_failing_transiently_every_time_is_retried_per_policy_then_fails_the_job() -> None:
    """MixAndMaster retries ProviderUnavailable 3 times (2 s x 2^n, FULL jitter), then MarkFailed."""
    job = create_job()
    mix = real("mix")
    calls: list[int] = []

    def unavailable(payload: Any) -> Any:
        calls.append(1)
        mix(payload)  # writes its pass under work/, then the "store" fails
        raise ProviderUnavailable("the audio store answered 503 (reliability test)")

    sleeps: list[float] = []
    result = run_job_locally(job.id, handlers={"mix": unavailable}, sleep=sleeps.append)

    assert result.status is ExecutionStatus.FAILED
    assert len(calls) == 4  # the first attempt + MaxAttempts 3
    assert len(sleeps) == 3
    assert all(0.0 <= slept <= ceiling for slept, ceiling in zip(sleeps, (2.0, 4.0, 8.0), strict=True))
    final = context().jobs.get(job.id)
    assert final.status is JobStatus.FAILED and final.error is not None
    assert (final.error.stage, final.error.error_type) == ("mix", "ProviderUnavailable")
    assert "503" in final.error.reason
    published, _ = job_files(final)
    assert final.artifacts == [] and published == []


def test_a_stage_past_its_timeout_fails_the_job_and_its_late_writes_publish_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GenerateStem with TimeoutSeconds 2: States.Timeout is not retried, so the Map fails into
    MarkFailed. The handler goes on in the background (a thread cannot be killed, nor can a Lambda
    be stopped by Step Functions) and writes after the job ended: the job must stay as it was."""
    monkeypatch.setenv(STATE_MACHINE_ENV, str(asl_with_timeout(tmp_path, "GenerateStem", 2)))
    job = create_job()
    generate = real("generate")
    lock = threading.Lock()
    running: list[str] = []
    late: list[str] = []

    def hangs_after_writing(payload: Any) -> Any:
        with lock:
            running.append(payload["role"])
        try:
            output = generate(payload)
            time.sleep(3.0)  # stuck after its write, e.g. on a provider call that never answers
            try:  # then it writes again, long after the state machine gave up on it
                generate(payload)
                outcome = "wrote"
            except Exception as error:  # recorded and asserted below
                outcome = type(error).__name__
            with lock:
                late.append(outcome)
            return output
        finally:
            with lock:
                running.remove(payload["role"])

    result = run_job_locally(job.id, handlers={"generate": hangs_after_writing, "qa": qa_that_passes})
    assert result.status is ExecutionStatus.FAILED
    final = context().jobs.get(job.id)
    assert final.status is JobStatus.FAILED and final.error is not None
    assert (final.error.stage, final.error.error_type) == ("generate", "States.Timeout")
    assert "2 s" in final.error.reason

    deadline = time.monotonic() + 120
    while running:  # every abandoned handler runs to its end
        assert time.monotonic() < deadline, f"handlers still running: {running}"
        time.sleep(0.1)
    assert late and set(late) == {"JobCancelled"}, late  # the stage refuses to work for a finished job
    settled = context().jobs.get(job.id)
    assert settled.status is JobStatus.FAILED and settled.artifacts == []
    assert settled.error == final.error
    published, _ = job_files(settled)
    assert published == []


def test_a_stage_killed_mid_write_fails_the_job_and_no_partial_file_is_listed() -> None:
    """The generate function dies (Lambda.Unknown: crash / out of memory) after tearing its stem in
    half and leaving an interrupted temp file: FAILED with a plain reason, nothing published, and
    the store never lists the temp file."""
    job = create_job()
    generate = real("generate")

    def killed_mid_write(payload: Any) -> Any:
        output = generate(payload)
        audio = context().audio
        whole = audio.get_bytes(output["stem_key"])
        audio.put_bytes(output["stem_key"], whole[: len(whole) // 2], "audio/wav")
        stem_path = Path(context().settings.data_dir) / "audio" / output["stem_key"]
        (stem_path.parent / f".amp-tmp-killed-{payload['role']}").write_bytes(whole[:1000])
        raise StatesError("Lambda.Unknown")

    result = run_job_locally(job.id, handlers={"generate": killed_mid_write})
    assert result.status is ExecutionStatus.FAILED
    final = context().jobs.get(job.id)
    assert final.status is JobStatus.FAILED and final.error is not None
    assert (final.error.stage, final.error.error_type) == ("generate", "Lambda.Unknown")
    assert final.error.reason == _PLAIN_REASONS["Lambda.Unknown"]
    published, work = job_files(final)
    assert final.artifacts == [] and published == []
    assert work and not any(".amp-tmp-" in key for key in work)


def test_a_generate_retried_after_a_torn_write_rewrites_the_whole_stem() -> None:
    """The first attempt writes its stem, then tears it and fails with a retryable Lambda error; the
    retry rewrites it whole, and the job publishes the same bytes the first render made."""
    job = create_job()
    generate = real("generate")
    first_bytes: dict[str, bytes] = {}
    lock = threading.Lock()

    def torn_once(payload: Any) -> Any:
        output = generate(payload)
        with lock:
            first_attempt = payload["role"] not in first_bytes
            if first_attempt:
                first_bytes[payload["role"]] = context().audio.get_bytes(output["stem_key"])
        if first_attempt:
            whole = first_bytes[payload["role"]]
            context().audio.put_bytes(output["stem_key"], whole[: len(whole) // 2], "audio/wav")
            raise StatesError("Lambda.ServiceException", '{"errorMessage": "sandbox lost"}')
        return output

    mix = real("mix")
    read_by_mix: dict[str, bytes] = {}

    def recording_mix(payload: Any) -> Any:
        for stem in payload["stems"]:
            read_by_mix[stem["role"]] = context().audio.get_bytes(stem["stem_key"])
        return mix(payload)

    sleeps: list[float] = []
    result = run_job_locally(
        job.id,
        handlers={"generate": torn_once, "mix": recording_mix, "qa": qa_that_passes},
        sleep=sleeps.append,
    )
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    assert len(sleeps) == len(first_bytes) and all(0.0 <= s <= 2.0 for s in sleeps)
    assert read_by_mix == first_bytes  # the mix read whole stems, byte for byte the first render
    final = context().jobs.get(job.id)
    assert final.status is JobStatus.SUCCEEDED
    published, work = job_files(final)
    assert sorted(a.key for a in final.artifacts) == published and work == []


def test_tasks_run_twice_with_the_same_input_leave_one_set_of_identical_files() -> None:
    """Step Functions runs a task at least once: a Lambda that finished but whose result was lost is
    invoked again with the same input. Each stage runs twice here; the second run must give the
    same output and the same bytes, and publish one set of files."""
    job = create_job()
    twice: dict[str, list[tuple[Any, dict[str, str]]]] = {}
    lock = threading.Lock()

    def run_twice(stage: str) -> Any:
        handler = real(stage)

        def invoke(payload: Any) -> Any:
            runs = []
            for _ in range(2):
                output = handler(payload)
                snapshot = _stage_files(stage, output, job)
                runs.append((output, snapshot))
            with lock:
                twice.setdefault(stage, []).extend(runs)
            return runs[-1][0]

        return invoke

    handlers = {stage: run_twice(stage) for stage in ("parse", "generate", "mix", "publish")}

    def qa_twice(payload: Any) -> Any:
        first, second = qa_that_passes(payload), qa_that_passes(payload)
        assert first == second
        return second

    result = run_job_locally(job.id, handlers={**handlers, "qa": qa_twice})
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    for stage, runs in twice.items():
        for first, second in zip(runs[0::2], runs[1::2], strict=True):
            assert first[0] == second[0], f"{stage} answered differently the second time"
            assert first[1] == second[1], f"{stage} wrote different bytes the second time"
    final = context().jobs.get(job.id)
    assert final.status is JobStatus.SUCCEEDED
    published, work = job_files(final)
    assert sorted(a.key for a in final.artifacts) == published and work == []
    assert all(a.size_bytes == len(context().audio.get_bytes(a.key)) for a in final.artifacts)


def _stage_files(stage: str, output: Any, job: Any) -> dict[str, str]:
    """The digests of what one stage run wrote (its own keys only: Map siblings write in parallel)."""
    audio = context().audio
    if stage == "generate":
        keys = [output["stem_key"], *([output["midi_key"]] if output.get("midi_key") else [])]
        return {key: digests(audio, key)[key] for key in keys}
    if stage == "mix":
        return {key: digests(audio, key)[key] for key in [output["mix_key"], *output["stem_keys"].values()]}
    if stage == "publish":
        published, _ = job_files(job)
        return {key: digests(audio, key)[key] for key in published}
    return {}


def test_a_publish_killed_half_way_leaves_no_published_file_on_the_failed_job() -> None:
    """Publish copies file after file into jobs/; dying half way (not retried: an OSError) must not
    leave a FAILED job with a half-published folder that a guessed or old URL could still reach."""
    job = create_job()
    publish = real("publish")
    audio = context().audio
    original_put, original_copy = audio.put_bytes, audio.copy
    puts: list[str] = []  # every write: publish copies work files store-side and puts qa.json

    def dies_on_third_put(key: str, data: bytes, content_type: str) -> None:
        puts.append(key)
        if len(puts) == 3:
            raise OSError(28, "No space left on device")
        original_put(key, data, content_type)

    def dies_on_third_copy(source_key: str, key: str) -> None:
        puts.append(key)
        if len(puts) == 3:
            raise OSError(28, "No space left on device")
        original_copy(source_key, key)

    def publish_killed(payload: Any) -> Any:
        audio.put_bytes = dies_on_third_put  # type: ignore[method-assign]
        audio.copy = dies_on_third_copy  # type: ignore[method-assign]
        try:
            return publish(payload)
        finally:
            audio.put_bytes, audio.copy = original_put, original_copy  # type: ignore[method-assign]

    result = run_job_locally(job.id, handlers={"publish": publish_killed, "qa": qa_that_passes})
    assert result.status is ExecutionStatus.FAILED
    final = context().jobs.get(job.id)
    assert final.status is JobStatus.FAILED and final.error is not None
    assert final.error.stage == "publish" and "No space left" in final.error.reason
    assert len(puts) == 3
    published, _ = job_files(final)
    assert final.artifacts == [] and published == []


def test_a_publish_retried_after_dying_half_way_lists_exactly_the_files_it_published() -> None:
    """The store answers 503 on Publish's third write (retryable): the state machine runs Publish
    again, and the SUCCEEDED job lists exactly the files under its prefix, each whole."""
    job = create_job()
    publish = real("publish")
    audio = context().audio
    original_put, original_copy = audio.put_bytes, audio.copy
    puts: list[str] = []  # every write: publish copies work files store-side and puts qa.json

    def unavailable_on_third_put(key: str, data: bytes, content_type: str) -> None:
        puts.append(key)
        if len(puts) == 3:
            raise ProviderUnavailable("the audio store answered 503 (reliability test)")
        original_put(key, data, content_type)

    def unavailable_on_third_copy(source_key: str, key: str) -> None:
        puts.append(key)
        if len(puts) == 3:
            raise ProviderUnavailable("the audio store answered 503 (reliability test)")
        original_copy(source_key, key)

    def publish_with_flaky_store(payload: Any) -> Any:
        audio.put_bytes = unavailable_on_third_put  # type: ignore[method-assign]
        audio.copy = unavailable_on_third_copy  # type: ignore[method-assign]
        try:
            return publish(payload)
        finally:
            audio.put_bytes, audio.copy = original_put, original_copy  # type: ignore[method-assign]

    sleeps: list[float] = []
    result = run_job_locally(
        job.id, handlers={"publish": publish_with_flaky_store, "qa": qa_that_passes}, sleep=sleeps.append
    )
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    assert len(sleeps) == 1 and 0.0 <= sleeps[0] <= 2.0
    final = context().jobs.get(job.id)
    assert final.status is JobStatus.SUCCEEDED
    published, work = job_files(final)
    assert sorted(a.key for a in final.artifacts) == published and work == []
    assert all(a.size_bytes == len(audio.get_bytes(a.key)) for a in final.artifacts)
    assert len(puts) > 3  # the second run wrote everything again
