"""One request model for every way in: JobRequest's rules (the API body, a manifest line and the CLI
flags all refuse the same values), and `amp generate --reference` going through the upload checks."""

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amp.api.models import CreateJobRequest
from amp.application import get_application, stage_context
from amp.audio_io import encode_wav
from amp.batch.manifest import parse_line
from amp.cli import generate_cmd
from amp.cli.main import main
from amp.domain.errors import InvalidAudio, InvalidInput
from amp.domain.job import MASTER_PRESETS, Job, JobOptions, JobRequest
from amp.domain.spec import SEED_LIMIT, Instrument, Mode, MusicSpec, Role
from amp.domain.stage_io import GenerateInput
from amp.providers.base import RenderedStem
from amp.services.jobs import UnsupportedUploadType, UploadTooLarge
from amp.stages import generate


def test_the_api_body_is_the_shared_request_plus_the_reference_upload() -> None:
    assert issubclass(CreateJobRequest, JobRequest)
    assert set(CreateJobRequest.model_fields) - set(JobRequest.model_fields) == {"reference_upload_id"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"prompt": "x", "seed": SEED_LIMIT}, "seed"),
        ({"prompt": "x", "seed": -1}, "seed"),
        ({"prompt": "x", "duration_s": 4.9}, "duration_s"),
        ({"prompt": "x", "master_preset": "loud"}, "master_preset"),
        ({"prompt": "x", "provider": "suno"}, "provider"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"prompt": "x", "duraton_s": 30}, "duraton_s"),
    ],
)
def test_every_entry_point_refuses_the_same_values(values: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput, match=f"^{field}: "):
        JobRequest.from_values(values)
    line = parse_line(1, __import__("json").dumps(values).encode())
    assert line.request is None and line.error is not None and line.error.startswith(f"{field}: ")
    with pytest.raises(ValueError, match=field):
        CreateJobRequest.model_validate(values)


def test_the_largest_seed_and_every_preset_are_accepted() -> None:
    for preset in MASTER_PRESETS:
        request = JobRequest.from_values({"prompt": "x", "seed": SEED_LIMIT - 1, "master_preset": preset})
        assert request.options("streaming").master_preset == preset
    assert JobRequest(prompt="x").options("club").master_preset == "club"


def test_a_blank_prompt_is_a_bad_request_not_a_malformed_one() -> None:
    request = JobRequest(prompt=" \n\t ")  # the schema accepts it ...
    with pytest.raises(InvalidInput, match="prompt is empty"):  # ... the rule refuses it
        request.cleaned_prompt()
    assert JobRequest(prompt="  lo-fi  ").cleaned_prompt() == "lo-fi"


def _args(**changes: Any) -> argparse.Namespace:
    values: dict[str, Any] = {
        "prompt": "techno",
        "duration": None,
        "seed": None,
        "master": "streaming",
        "provider": "procedural",
        "bpm": None,
        "key": None,
        "genre": None,
        "stability_strength": None,
        "stability_mode": None,
    }
    values.update(changes)
    return argparse.Namespace(**values)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seed": SEED_LIMIT}, "--seed 4294967296 is out of range"),
        ({"duration": 601.0}, "--duration 601 is out of range"),
        ({"bpm": 500.0}, "--bpm 500 is out of range"),
        ({"prompt": "x" * 2001}, "the prompt: String should have at most 2000 characters"),
    ],
)
def test_cli_flags_are_checked_by_the_request_model_and_named_as_flags(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        generate_cmd.request_from_args(_args(**changes))


def test_cli_flags_become_the_request() -> None:
    request = generate_cmd.request_from_args(_args(seed=3, duration=20.0, master="club", bpm=128.0, key="F#"))
    assert (request.seed, request.duration_s, request.master_preset) == (3, 20.0, "club")
    assert (request.overrides.bpm, request.overrides.key) == (128.0, "F#")


def _wav(seconds: float = 1.0) -> bytes:
    return encode_wav(np.full((2, int(44_100 * seconds)), 0.1, dtype=np.float32))


def test_a_reference_file_is_stored_through_the_upload_checks(tmp_path: Path) -> None:
    path = tmp_path / "My Reference.WAV"
    path.write_bytes(_wav())
    service = get_application().job_service
    upload_id = generate_cmd._store_reference(service, path)
    [key] = service.audio.list_keys(f"uploads/local/{upload_id}")
    assert key == f"uploads/local/{upload_id}.wav"
    assert service.audio.get_bytes(key) == path.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("flac-named.wav", "flac", InvalidAudio, "is not audio/wav audio"),
        ("song.txt", "wav", UnsupportedUploadType, r"\.txt is not an accepted reference type"),
        ("empty.wav", "", InvalidAudio, "empty"),
    ],
)
def test_a_reference_the_upload_checks_refuse_is_not_stored(
    tmp_path: Path, name: str, content: str, error: type[Exception], message: str
) -> None:
    path = tmp_path / name
    if content == "flac":
        import soundfile as sf

        sf.write(path, np.zeros((44_100, 2), dtype=np.float32) + 0.1, 44_100, format="FLAC")
    else:
        path.write_bytes(_wav() if content == "wav" else b"")
    service = get_application().job_service
    with pytest.raises(error, match=message):
        generate_cmd._store_reference(service, path)
    assert service.audio.list_keys("uploads/") == []


def test_an_oversized_reference_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.wav"
    path.write_bytes(_wav())
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before the size check"))
    monkeypatch.setattr("amp.services.jobs.MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(UploadTooLarge):
        generate_cmd._store_reference(get_application().job_service, path)


def test_amp_generate_with_a_refused_reference_exits_2_and_creates_no_job(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import soundfile as sf

    fake = tmp_path / "really-flac.wav"
    sf.write(fake, np.zeros((44_100, 2), dtype=np.float32) + 0.1, 44_100, format="FLAC")
    assert main(["generate", "techno", "--reference", str(fake), "--out", str(tmp_path / "out")]) == 2
    assert "is not audio/wav audio" in capsys.readouterr().err
    assert get_application().jobs.list_by_owner("local", limit=5).jobs == []
    assert not (tmp_path / "out").exists()


class ReferenceReader:
    """A provider that records what reference it was handed."""

    name = "recorder"

    def __init__(self, uses_reference: bool) -> None:
        self.uses_reference = uses_reference
        self.seen: list[bytes | None] = []

    def render_stem(self, spec: MusicSpec, role: Role, *, reference: bytes | None = None) -> RenderedStem:
        self.seen.append(reference)
        return RenderedStem(audio=np.zeros((2, round(spec.duration_s * 44_100)), dtype=np.float32), midi=None)


@pytest.mark.parametrize("uses_reference", [True, False])
def test_the_reference_reaches_only_a_provider_that_declares_it_uses_one(uses_reference: bool) -> None:
    provider = ReferenceReader(uses_reference)
    ctx = replace(stage_context(), providers=lambda name, options=None: provider)
    reference = _wav(2.0)
    ctx.audio.put_bytes("uploads/tester/ref.wav", reference, "audio/wav")
    spec = MusicSpec(
        genre="house",
        bpm=124,
        key="A",
        mode=Mode.MINOR,
        duration_s=5,
        seed=1,
        instruments=[Instrument(name="drums", role=Role.DRUMS)],
    )
    job = Job(owner="tester", prompt="house", spec=spec, reference_key="uploads/tester/ref.wav")
    ctx.jobs.create(job)
    generate.run(GenerateInput(job_id=job.id, role="drums"), ctx)
    assert provider.seen == [reference if uses_reference else None]


def test_the_shipped_providers_declare_their_reference_use() -> None:
    from amp.providers.procedural import ProceduralProvider
    from amp.providers.registry import provider_for
    from amp.providers.stability import StabilityProvider

    assert ProceduralProvider.uses_reference is False
    # Guided Stability stems start from the composed stems (the reference shaped their spec); the
    # whole-mix mode sends the reference track itself as init audio.
    assert StabilityProvider(api_key="k").uses_reference is False
    assert StabilityProvider(api_key="k", mode="mix").uses_reference is True
    mix = JobOptions(provider="stability", stability_mode="mix")
    assert provider_for("stability", stability_key=lambda: "sk-x", options=mix).uses_reference is True
    with pytest.raises(InvalidInput, match="unknown provider 'suno'"):
        provider_for("suno")
