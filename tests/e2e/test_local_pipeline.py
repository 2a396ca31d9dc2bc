"""The real `statemachine/pipeline.asl.json` run in-process: first with scripted handlers (the routing of
every ASL path), then with the real stages over SQLite + filesystem (a short job end to end)."""

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amp.domain.errors import InvalidInput, ProviderThrottled
from amp.domain.job import Job, JobOptions, JobStatus
from amp.domain.stage_io import ParseOutput
from amp.orchestration import local_pipeline
from amp.orchestration.asl import ExecutionStatus
from amp.orchestration.local_pipeline import (
    StateMachineNotFound,
    UnknownPlaceholder,
    build_state_machine,
    load_definition,
    placeholders,
    run_job_locally,
    stage_handlers,
    stage_substitutions,
    substitute,
)

JOB_ID = "0" * 31 + "1"
Handler = Callable[[Any], Any]


class Script:
    """Scripted stand-ins for every stage, recording the payload each one got."""

    def __init__(self, *, roles: list[str] | None = None, has_reference: bool = False) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.roles = roles or ["drums", "bass"]
        self.has_reference = has_reference
        self.qa_results: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def record(self, stage: str, payload: Any) -> None:
        with self.lock:
            self.calls.append((stage, payload))

    def stages(self, stage: str) -> list[Any]:
        return [payload for name, payload in self.calls if name == stage]

    def handlers(self, **overrides: Handler) -> dict[str, Handler]:
        def parse(p: Any) -> Any:
            self.record("parse", p)
            output = ParseOutput(job_id=p["job_id"], has_reference=self.has_reference, roles=self.roles)
            return output.model_dump(mode="json")

        def analyze(p: Any) -> Any:
            self.record("analyze", p)
            return {"job_id": p["job_id"], "features_key": "work/x/features.json"}

        def generate(p: Any) -> Any:
            self.record("generate", p)
            return {"role": p["role"], "stem_key": f"work/{p['role']}.wav", "midi_key": None}

        def mix(p: Any) -> Any:
            self.record("mix", p)
            number = p["mastering"]["mastering_pass"]
            return {
                "mix_key": f"work/pass-{number}/mix.wav",
                "stem_keys": {s["role"]: s["stem_key"] for s in p["stems"]},
                "mastering_pass": number,
                "target_lufs": -14.0,
            }

        def qa(p: Any) -> Any:
            self.record("qa", p)
            if self.qa_results:
                return self.qa_results.pop(0)
            return qa_output(passed=True, next_pass=p["mastering"]["mastering_pass"])

        def publish(p: Any) -> Any:
            self.record("publish", p)
            return {"job_id": p["job_id"], "artifact_count": 3}

        def mark_failed(p: Any) -> Any:
            self.record("mark_failed", p)
            return {"job_id": p["job_id"], "status": "FAILED"}

        handlers: dict[str, Handler] = {
            "parse": parse,
            "analyze": analyze,
            "generate": generate,
            "mix": mix,
            "qa": qa,
            "publish": publish,
            "mark_failed": mark_failed,
        }
        handlers.update(overrides)
        return handlers


def qa_output(*, passed: bool, next_pass: int, remaster: bool = False) -> dict[str, Any]:
    return {
        "passed": passed,
        "remaster": remaster,
        "next_mastering": {"mastering_pass": next_pass, "adjustments": {}},
        "summary": "ok" if passed else "integrated loudness -16.2 LUFS, target -14",
    }


def entered(result: Any) -> list[str]:
    return [state for state, event in result.history if event.endswith("StateEntered")]


def no_sleep(sleeps: list[float]) -> Callable[[float], None]:
    return sleeps.append


# -- the ASL's paths, with scripted stages ---------------------------------------------------------


def test_happy_path_visits_each_stage_once_and_hands_keys_along() -> None:
    script = Script(roles=["drums", "bass", "chords", "lead"])
    result = run_job_locally(JOB_ID, handlers=script.handlers())
    assert result.status is ExecutionStatus.SUCCEEDED
    assert entered(result) == [
        "ParsePrompt",
        "HasReference",
        "GenerateStems",
        *["GenerateStem"] * 4,
        "FirstMasteringPass",
        "MixAndMaster",
        "QualityCheck",
        "QualityGate",
        "Publish",
        "Done",
    ]
    assert sorted(p["role"] for p in script.stages("generate")) == ["bass", "chords", "drums", "lead"]
    assert all(p["job_id"] == JOB_ID for p in script.stages("generate"))
    (mix,) = script.stages("mix")
    assert [s["role"] for s in mix["stems"]] == ["drums", "bass", "chords", "lead"]
    assert mix["mastering"] == {"mastering_pass": 1, "adjustments": {}}
    (publish,) = script.stages("publish")
    assert publish["mix"]["mix_key"] == "work/pass-1/mix.wav"
    assert result.output["published"] == {"job_id": JOB_ID, "artifact_count": 3}
    assert result.execution_id.endswith(f":{JOB_ID}")


def test_a_reference_track_adds_the_analysis_stage() -> None:
    script = Script(has_reference=True)
    result = run_job_locally(JOB_ID, handlers=script.handlers())
    assert result.status is ExecutionStatus.SUCCEEDED
    assert entered(result)[:3] == ["ParsePrompt", "HasReference", "AnalyzeReference"]
    assert script.stages("analyze") == [{"job_id": JOB_ID}]


def test_qa_remaster_runs_another_mix_pass_with_the_new_settings() -> None:
    script = Script()
    script.qa_results = [qa_output(passed=False, remaster=True, next_pass=2)]
    result = run_job_locally(JOB_ID, handlers=script.handlers())
    assert result.status is ExecutionStatus.SUCCEEDED
    assert [p["mastering"]["mastering_pass"] for p in script.stages("mix")] == [1, 2]
    assert script.stages("publish")[0]["mix"]["mastering_pass"] == 2


def test_qa_that_never_passes_stops_after_three_passes_and_marks_the_job_failed() -> None:
    script = Script()
    script.qa_results = [
        qa_output(passed=False, remaster=True, next_pass=2),
        qa_output(passed=False, remaster=True, next_pass=3),
        qa_output(passed=False, remaster=False, next_pass=3),
    ]
    result = run_job_locally(JOB_ID, handlers=script.handlers())
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "JobFailed")
    assert len(script.stages("mix")) == 3
    assert "QualityRejected" in entered(result)
    (marked,) = script.stages("mark_failed")
    assert marked["error"] == {
        "Error": "QualityCheckFailed",
        "Cause": "integrated loudness -16.2 LUFS, target -14",
    }


def test_a_stage_error_goes_to_mark_failed_with_lambda_style_error() -> None:
    script = Script()

    def broken_mix(p: Any) -> Any:
        raise InvalidInput("stem drums is silent")

    result = run_job_locally(JOB_ID, handlers=script.handlers(mix=broken_mix))
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "JobFailed")
    (marked,) = script.stages("mark_failed")
    assert marked["error"]["Error"] == "InvalidInput"
    assert json.loads(marked["error"]["Cause"])["errorMessage"] == "stem drums is silent"
    assert script.stages("qa") == []


def test_throttled_generation_is_retried_with_jittered_backoff_then_succeeds() -> None:
    script = Script(roles=["drums"])
    plain = script.handlers()["generate"]
    failures = [ProviderThrottled("429"), ProviderThrottled("429")]

    def throttled(p: Any) -> Any:
        if failures:
            raise failures.pop(0)
        return plain(p)

    sleeps: list[float] = []
    result = run_job_locally(JOB_ID, handlers=script.handlers(generate=throttled), sleep=sleeps.append)
    assert result.status is ExecutionStatus.SUCCEEDED
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 10 and 0 <= sleeps[1] <= 20
    assert [event for state, event in result.history if state == "GenerateStem"].count("TaskScheduled") == 3


def test_throttling_beyond_the_retry_budget_marks_the_job_failed() -> None:
    script = Script(roles=["drums"])

    def always_throttled(p: Any) -> Any:
        raise ProviderThrottled("429 again")

    sleeps: list[float] = []
    result = run_job_locally(JOB_ID, handlers=script.handlers(generate=always_throttled), sleep=sleeps.append)
    assert result.status is ExecutionStatus.FAILED
    assert len(sleeps) == 4
    assert script.stages("mark_failed")[0]["error"]["Error"] == "ProviderThrottled"


def test_a_failing_mark_failed_is_retried_then_fails_the_execution_with_its_error() -> None:
    script = Script()

    def broken(p: Any) -> Any:
        raise InvalidInput("bad")

    def store_down(p: Any) -> Any:
        raise RuntimeError("store down")

    sleeps: list[float] = []
    result = run_job_locally(
        JOB_ID, handlers=script.handlers(parse=broken, mark_failed=store_down), sleep=sleeps.append
    )
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "RuntimeError")
    assert sleeps == [2.0, 4.0, 8.0, 16.0, 32.0]


def test_stopping_ends_the_execution_aborted_before_the_next_stage() -> None:
    script = Script()
    stop = threading.Event()

    def parse_then_stop(p: Any) -> Any:
        stop.set()
        return script.handlers()["parse"](p)

    result = run_job_locally(JOB_ID, handlers=script.handlers(parse=parse_then_stop), should_stop=stop.is_set)
    assert result.status is ExecutionStatus.ABORTED
    assert script.stages("generate") == []
    assert script.stages("mark_failed") == []


# -- loading the file ------------------------------------------------------------------------------


def test_every_placeholder_of_the_file_is_a_stage_function() -> None:
    assert placeholders(load_definition()) == set(stage_substitutions())


def test_an_unknown_placeholder_is_refused() -> None:
    definition = load_definition()
    definition["States"]["ParsePrompt"]["Resource"] = "${TypoFunctionArn}"
    with pytest.raises(UnknownPlaceholder, match="TypoFunctionArn"):
        substitute(definition, stage_substitutions())


def test_state_machine_file_comes_from_the_environment_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    custom = tmp_path / "machine.json"
    custom.write_text(json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}))
    monkeypatch.setenv(local_pipeline.STATE_MACHINE_ENV, str(custom))
    result = run_job_locally(JOB_ID)
    assert result.status is ExecutionStatus.SUCCEEDED
    assert result.output == {"job_id": JOB_ID}

    monkeypatch.setenv(local_pipeline.STATE_MACHINE_ENV, str(tmp_path / "absent.json"))
    with pytest.raises(StateMachineNotFound, match=r"absent\.json"):
        load_definition()


def test_overriding_an_unknown_stage_is_refused() -> None:
    with pytest.raises(KeyError, match="mastr"):
        build_state_machine({"mastr": lambda p: p})


# -- the real stages over SQLite + filesystem ------------------------------------------------------


def create_job(
    prompt: str = "Dark techno at 128 bpm in A minor", *, seed: int = 7, duration_s: float = 6.0
) -> Job:
    from amp.application import stage_context

    job = Job(owner="e2e-user", prompt=prompt, options=JobOptions(duration_s=duration_s, seed=seed))
    stage_context().jobs.create(job)
    return job


def stored(job_id: str) -> Job:
    from amp.application import stage_context

    return stage_context().jobs.get(job_id)


def real(stage: str) -> Handler:
    """The handler run_job_locally would use, so a test can wrap it."""
    return stage_handlers()[stage]


@pytest.mark.slow
def test_short_track_runs_every_real_stage_and_succeeds_with_artifacts() -> None:
    job = create_job()
    statuses: list[str] = []
    watching = threading.Lock()

    def watch(state: str, event: str) -> None:
        # Map iterations call this from several threads: read and record under one lock, or a thread
        # holding an older read could append it after a newer one.
        with watching:
            status = stored(job.id).status.value
            if not statuses or statuses[-1] != status:
                statuses.append(status)

    result = run_job_locally(job.id, on_state=watch)
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    final = stored(job.id)
    assert final.status is JobStatus.SUCCEEDED
    assert final.progress == 1.0
    assert statuses == ["QUEUED", "PARSING", "GENERATING", "MASTERING", "CHECKING", "SUCCEEDED"]
    kinds = {artifact.kind for artifact in final.artifacts}
    assert {"mix", "stem"} <= kinds
    assert len([a for a in final.artifacts if a.kind == "stem"]) >= 4
    assert final.qa is not None and final.qa.passed
    from amp.application import stage_context

    audio = stage_context().audio
    assert all(audio.exists(artifact.key) for artifact in final.artifacts)
    assert audio.list_keys(f"work/{final.owner}/{final.id}/") == []


@pytest.mark.slow
def test_a_stage_that_raises_leaves_the_job_failed_with_stage_and_reason() -> None:
    job = create_job()

    def invalid(p: Any) -> Any:
        from amp.application import stage_context

        stage_context().begin(p["job_id"], JobStatus.MIXING, "mix", 0.7)
        raise InvalidInput("the mix bus refused a silent stem")

    result = run_job_locally(job.id, handlers={"mix": invalid})
    assert (result.status, result.error) == (ExecutionStatus.FAILED, "JobFailed")
    final = stored(job.id)
    assert final.status is JobStatus.FAILED
    assert final.error is not None
    assert (final.error.stage, final.error.error_type) == ("mix", "InvalidInput")
    assert final.error.reason == "the mix bus refused a silent stem"
    assert not final.artifacts


@pytest.mark.slow
def test_throttled_real_generation_is_retried_and_the_job_succeeds() -> None:
    job = create_job()
    generate = real("generate")
    throttled = {"calls": 0}
    lock = threading.Lock()

    def twice_throttled(p: Any) -> Any:
        with lock:
            throttled["calls"] += 1
            first_two = throttled["calls"] <= 2
        if first_two:
            raise ProviderThrottled("HTTP 429 from the provider")
        return generate(p)

    sleeps: list[float] = []
    result = run_job_locally(job.id, handlers={"generate": twice_throttled}, sleep=sleeps.append)
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    assert len(sleeps) == 2
    assert stored(job.id).status is JobStatus.SUCCEEDED


@pytest.mark.slow
def test_a_qa_failure_remasters_and_the_second_pass_passes() -> None:
    job = create_job()
    qa = real("qa")
    passes: list[int] = []

    def fail_first_pass(p: Any) -> Any:
        output = qa(p)
        passes.append(p["mastering"]["mastering_pass"])
        if len(passes) == 1:
            output = {
                **output,
                "passed": False,
                "remaster": True,
                "next_mastering": {
                    "mastering_pass": 2,
                    "adjustments": output["next_mastering"]["adjustments"],
                },
                "summary": "forced failure on pass 1",
            }
        return output

    result = run_job_locally(job.id, handlers={"qa": fail_first_pass})
    assert result.status is ExecutionStatus.SUCCEEDED, (result.error, result.cause)
    assert passes == [1, 2]
    assert result.output["mix"]["mastering_pass"] == 2
    final = stored(job.id)
    assert final.status is JobStatus.SUCCEEDED
    assert any(a.kind == "mix" for a in final.artifacts)


@pytest.mark.slow
def test_cancelling_during_generation_aborts_and_the_job_stays_cancelled() -> None:
    from amp.application import stage_context

    job = create_job()
    jobs = stage_context().jobs

    def cancel_at_mix(state: str, event: str) -> None:
        if (state, event) == ("GenerateStems", "MapStateSucceeded"):
            jobs.update(job.id, {"status": JobStatus.CANCELLED.value})

    result = run_job_locally(
        job.id,
        on_state=cancel_at_mix,
        should_stop=lambda: jobs.get(job.id).status is JobStatus.CANCELLED,
    )
    assert result.status is ExecutionStatus.ABORTED
    assert "MixAndMaster" not in entered(result)
    final = stored(job.id)
    assert final.status is JobStatus.CANCELLED
    assert final.error is None and not final.artifacts
