"""The cloud generate function finds its SoundFont: copied from the audio bucket to /tmp on the first
invocation of a container, reused while it stays warm; a missing object is a clear error."""

from pathlib import Path

import boto3
import pytest

from amp import config
from amp.adapters.aws.soundfont import provision_soundfont
from amp.application import stage_context
from amp.domain import keys
from amp.domain.errors import SoundFontMissing
from amp.domain.job import Job
from amp.domain.spec import Instrument, Mode, MusicSpec, Role
from amp.lambda_context import LocalLambdaContext
from amp.synth import soundfont
from functions.generate.app import lambda_handler
from tests.support.template_resources import TemplateResources

SOUNDFONT_KEY = "assets/soundfonts/FluidR3_GM.sf2"
OWNER = "tester"


@pytest.fixture
def cloud(moto_resources: TemplateResources, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Backend 'aws' as template.yaml configures the generate function, SoundFont under /tmp."""
    bucket = moto_resources.buckets["AudioBucket"]
    monkeypatch.setenv("AMP_BACKEND", "aws")
    monkeypatch.setenv("AMP_JOBS_TABLE", moto_resources.tables["JobsTable"])
    monkeypatch.setenv("AMP_AUDIO_BUCKET", bucket)
    monkeypatch.setenv("AMP_SOUNDFONT", str(tmp_path / "tmp" / "amp" / "soundfonts" / "FluidR3_GM.sf2"))
    monkeypatch.setenv("AMP_SOUNDFONT_KEY", SOUNDFONT_KEY)
    config.get_settings.cache_clear()
    return bucket


def test_the_generate_handler_downloads_the_soundfont_once_and_reuses_it_when_warm(cloud: str) -> None:
    local = Path(config.get_settings().soundfont or "")
    installed = next(path for path in config.soundfont_candidates() if path.is_file())  # this machine's
    s3 = boto3.client("s3")
    s3.upload_file(str(installed), cloud, SOUNDFONT_KEY)
    spec = MusicSpec(
        genre="classical",
        bpm=90.0,
        key="G",
        mode=Mode.MAJOR,
        duration_s=5.0,
        seed=2,
        instruments=[Instrument(name="cello", role=Role.LEAD)],
        excluded_roles=[r for r in Role if r is not Role.LEAD],
    )
    ctx = stage_context()
    job = Job(owner=OWNER, prompt="a cello", spec=spec)
    ctx.jobs.create(job)

    assert not local.exists()
    first = lambda_handler({"job_id": job.id, "role": "lead"}, LocalLambdaContext())
    assert local.stat().st_size == installed.stat().st_size
    assert soundfont.soundfont_path() == local
    s3.delete_object(Bucket=cloud, Key=SOUNDFONT_KEY)  # a warm container must not need the bucket again
    second = lambda_handler({"job_id": job.id, "role": "lead"}, LocalLambdaContext())
    assert first == second and first["stem_key"] == keys.raw_stem_key(OWNER, job.id, "lead")
    assert s3.head_object(Bucket=cloud, Key=first["stem_key"])["ContentLength"] > 100_000
    assert not list(local.parent.glob(".*.partial"))


def test_a_soundfont_missing_from_the_bucket_names_the_upload_step(cloud: str) -> None:
    with pytest.raises(SoundFontMissing, match="scripts/upload_soundfont"):
        provision_soundfont(config.get_settings())
    assert not list(Path(config.get_settings().soundfont or "").parent.glob("*"))


def test_without_a_key_nothing_is_downloaded() -> None:
    assert provision_soundfont(config.get_settings()) is None
