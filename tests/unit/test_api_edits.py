"""POST /jobs/{id}/edits and GET /jobs/{id}/lineage through the API Lambda handler (local backend, a
recording launcher: nothing renders). The parent is a SUCCEEDED job written straight to the store."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from amp.api import dependencies
from amp.domain.job import Artifact, Job, JobOptions, JobStatus
from amp.domain.keys import published_key
from amp.lambda_context import LocalLambdaContext
from amp.prompt.parser import parse_prompt
from amp.services.jobs import JobService
from functions.api.app import lambda_handler
from tests.support.fakes import FakeLauncher
from tests.unit.test_api_handler import COGNITO_SUB, load_event

PROMPT = "dark techno at 130 bpm with a reese bass"


@pytest.fixture
def launcher() -> Iterator[FakeLauncher]:
    recording = FakeLauncher()
    dependencies.use_local_launcher(recording)
    yield recording
    dependencies.use_local_launcher(None)


def finished_job(
    service: JobService, *, owner: str = COGNITO_SUB, status: JobStatus = JobStatus.SUCCEEDED
) -> Job:
    """A 10 s job as publish leaves it: spec, rendered (source) stems and post-fader stems listed."""
    spec = parse_prompt(PROMPT, options=JobOptions(duration_s=10, seed=3))
    job = Job(owner=owner, prompt=PROMPT, options=JobOptions(duration_s=10, seed=3), spec=spec, status=status)
    artifacts = []
    for role in spec.roles():
        for kind, name in (("source_stem", f"source/{role.value}.wav"), ("stem", f"stems/{role.value}.wav")):
            key = published_key(owner, job.id, name)
            service.audio.put_bytes(key, b"RIFF....WAVE" + role.value.encode(), "audio/wav")
            artifacts.append(Artifact(kind=kind, key=key, role=role.value, content_type="audio/wav"))
    job = job.model_copy(update={"artifacts": artifacts})
    service.jobs.create(job)
    return job


def post_edit(job_id: str, body: Any, *, owner: str = COGNITO_SUB, key: str | None = None) -> tuple[int, Any]:
    event = load_event(
        "api_create_job.json",
        path=f"/jobs/{job_id}/edits",
        body=body,
        owner=owner,
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )
    response = lambda_handler(event, LocalLambdaContext())
    return response["statusCode"], json.loads(response["body"])


def get(path: str, *, owner: str = COGNITO_SUB) -> tuple[int, Any]:
    response = lambda_handler(load_event("api_get_job.json", path=path, owner=owner), LocalLambdaContext())
    return response["statusCode"], json.loads(response["body"])


def test_a_swap_queues_a_child_that_names_its_parent_and_leaves_the_parent_untouched(
    launcher: FakeLauncher,
) -> None:
    service = dependencies.job_service()
    parent = finished_job(service)
    before = service.jobs.get(parent.id)
    status, body = post_edit(parent.id, {"kind": "swap", "role": "bass", "instrument": "808"})
    assert status == 202, body
    assert body["parent_id"] == parent.id and body["edit"]["kind"] == "swap"
    assert body["status"] == "QUEUED" and body["prompt"] == PROMPT
    bass = [i for i in body["spec"]["instruments"] if i["role"] == "bass"]
    assert bass == [{"name": "808 bass", "role": "bass"}]
    assert parent.spec is not None and body["spec"]["seed"] == parent.spec.seed
    assert launcher.started == [body["id"]]
    assert service.jobs.get(parent.id) == before


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"kind": "swap", "role": "vocal-like"}, 400, "edit.role: the song has no vocal-like part"),
        ({"kind": "replace_bars", "start_bar": 4, "end_bar": 40}, 400, "bar 40 is outside it"),
        ({"kind": "add", "role": "bass"}, 400, "already has a bass part"),
        ({"kind": "swap", "role": "bass", "instrument": "theremin-banjo"}, 400, "edit.instrument"),
        ({"kind": "rewind"}, 422, "kind"),
        ({"kind": "extend", "bars": 0}, 422, "bars"),
    ],
)
def test_an_edit_the_song_cannot_take_is_a_4xx_naming_why_and_starts_nothing(
    launcher: FakeLauncher, body: dict[str, Any], status: int, words: str
) -> None:
    service = dependencies.job_service()
    parent = finished_job(service)
    answer, error = post_edit(parent.id, body)
    assert answer == status, error
    assert words in json.dumps(error["error"])
    assert launcher.started == []
    assert [job.id for job in service.list_jobs(COGNITO_SUB).jobs] == [parent.id]


def test_a_running_job_is_409_and_another_owners_job_is_404(launcher: FakeLauncher) -> None:
    service = dependencies.job_service()
    running = finished_job(service, status=JobStatus.GENERATING)
    status, body = post_edit(running.id, {"kind": "remaster", "master_preset": "club"})
    assert (status, body["error"]["code"]) == (409, "conflict")
    assert "only a SUCCEEDED job can be edited" in body["error"]["message"]
    theirs = finished_job(service, owner="mallory")
    status, body = post_edit(theirs.id, {"kind": "remaster", "master_preset": "club"})
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = post_edit("0", {"kind": "add", "role": "fx", "instrument": "strings"})
    assert (status, body["error"]["code"]) == (404, "not_found")  # not a job id at all: not a 500
    assert launcher.started == []


def test_a_parent_whose_rendered_stems_are_gone_is_409(launcher: FakeLauncher) -> None:
    service = dependencies.job_service()
    parent = finished_job(service)
    drums = parent.artifact("source_stem", "drums")
    assert drums is not None
    service.audio.delete_prefix(drums.key)
    status, body = post_edit(parent.id, {"kind": "swap", "role": "bass"})
    assert status == 409 and "drums" in body["error"]["message"] and "gone" in body["error"]["message"]
    status, body = post_edit(parent.id, {"kind": "variation"})  # renders everything: needs no file
    assert status == 202
    assert launcher.started == [body["id"]]


def test_the_same_idempotency_key_returns_the_first_child_and_another_body_is_refused(
    launcher: FakeLauncher,
) -> None:
    service = dependencies.job_service()
    parent = finished_job(service)
    first_status, first = post_edit(parent.id, {"kind": "variation", "roles": ["lead"]}, key="edit-1")
    again_status, again = post_edit(parent.id, {"kind": "variation", "roles": ["lead"]}, key="edit-1")
    assert (first_status, again_status) == (202, 202)
    assert again["id"] == first["id"] and again["spec"]["part_seeds"] == first["spec"]["part_seeds"]
    assert launcher.started == [first["id"]]
    status, body = post_edit(parent.id, {"kind": "variation", "roles": ["bass"]}, key="edit-1")
    assert (status, body["error"]["code"]) == (422, "idempotency_key_reused")


def test_lineage_lists_ancestors_root_first_and_descendants_owner_scoped(launcher: FakeLauncher) -> None:
    service = dependencies.job_service()
    root = finished_job(service)
    _, child = post_edit(root.id, {"kind": "swap", "role": "bass", "instrument": "808"})
    _, sibling = post_edit(root.id, {"kind": "remaster", "master_preset": "club"})
    service.jobs.update(
        child["id"],
        {
            "status": JobStatus.SUCCEEDED.value,
            "artifacts": [a.model_dump(mode="json") for a in root.artifacts],
        },
    )
    _, grandchild = post_edit(child["id"], {"kind": "transpose", "semitones": 2})
    assert grandchild["parent_id"] == child["id"]

    status, family = get(f"/jobs/{child['id']}/lineage")
    assert status == 200
    assert family["job"]["id"] == child["id"]
    assert [j["id"] for j in family["ancestors"]] == [root.id]
    assert [j["id"] for j in family["descendants"]] == [grandchild["id"]]
    status, family = get(f"/jobs/{root.id}/lineage")
    assert [j["id"] for j in family["descendants"]] == [child["id"], sibling["id"], grandchild["id"]]
    assert family["descendants"][2]["edit"] == {"kind": "transpose", "semitones": 2}
    status, _ = get(f"/jobs/{root.id}/lineage", owner="mallory")
    assert status == 404


def test_a_failed_edit_retries_as_the_same_edit_of_the_same_parent(launcher: FakeLauncher) -> None:
    service = dependencies.job_service()
    parent = finished_job(service)
    _, child = post_edit(parent.id, {"kind": "retempo", "bpm": 120})
    service.jobs.update(child["id"], {"status": JobStatus.FAILED.value})
    again = service.retry_job(COGNITO_SUB, child["id"])
    assert (again.parent_id, again.parent_job_id) == (parent.id, child["id"])
    assert again.edit is not None and again.edit.kind == "retempo"
    assert again.spec is not None and again.spec.model_dump(mode="json") == child["spec"]
    assert launcher.started == [child["id"], again.id]
