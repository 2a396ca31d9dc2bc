"""The generate function's SoundFont in the cloud: copied once per container from the audio bucket to
/tmp, then reused while the container stays warm.

Why not in the zip: the SoundFont (FluidR3_GM, 142 MiB) does not fit beside the layer in the 250 MiB
zip limit (the functions are at ~221 MiB). `scripts/upload_soundfont` puts it at the key the stack
passes as AMP_SOUNDFONT_KEY; the function may read that prefix only.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING

from amp.adapters.aws.errors import aws_errors
from amp.adapters.aws.s3_audio import default_s3_client
from amp.config import Settings
from amp.domain.errors import NotFound, SoundFontMissing

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


def provision_soundfont(settings: Settings, client: "S3Client | None" = None) -> Path | None:
    """Make `settings.soundfont` exist, downloading `settings.soundfont_key` when it does not yet.

    Returns the local path, or None when no key is configured (a local machine finds its own).
    The download goes to a temporary name and is renamed into place, so a container killed mid-copy
    never leaves a truncated SoundFont for its next invocation."""
    if not settings.soundfont_key:
        return None
    if settings.soundfont is None or settings.audio_bucket is None:
        raise SoundFontMissing("AMP_SOUNDFONT_KEY needs AMP_SOUNDFONT (the /tmp path) and AMP_AUDIO_BUCKET")
    target = settings.soundfont
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    s3 = client if client is not None else default_s3_client()
    try:
        with aws_errors(f"download s3://{settings.audio_bucket}/{settings.soundfont_key}"):
            s3.download_file(settings.audio_bucket, settings.soundfont_key, str(partial))
    except NotFound as error:
        partial.unlink(missing_ok=True)
        raise SoundFontMissing(
            f"no SoundFont at s3://{settings.audio_bucket}/{settings.soundfont_key}; upload it once with "
            "`scripts/upload_soundfont <AudioBucketName>` (README, Deploy)"
        ) from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target
