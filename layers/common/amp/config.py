"""One typed settings model, read from the environment on first use (never at import time), and the
environment each kind of Lambda handler needs, checked when the process first serves (cold start)."""

import ipaddress
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from amp.domain.errors import AmpError, InvalidInput
from amp.domain.job import MasterPreset


def default_data_dir() -> Path:
    """Per-user data dir (XDG), so jobs survive across runs and checkouts."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "amp"


def is_loopback(host: str) -> bool:
    """A loopback host: only there may `amp serve` map keyless requests to the local owner, and only
    there may the Stability base URL be plain http (nobody else can reach or read it)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    backend: Literal["local", "aws"] = "local"
    data_dir: Path = Field(default_factory=default_data_dir)
    jobs_table: str | None = None
    idempotency_table: str | None = None
    audio_bucket: str | None = None
    state_machine_arn: str | None = None
    parser: Literal["rules", "bedrock"] = "rules"
    bedrock_model_id: str = "anthropic.claude-3-5-haiku-20241022-v1:0"
    stability_api_key_secret: str | None = Field(
        default=None, description="Secrets Manager secret name or SSM parameter holding the Stability key."
    )
    stability_base_url: str = Field(
        default="https://api.stability.ai",
        description="Stability AI API root: a proxy, gateway or test server; http:// only on loopback.",
    )
    stability_max_credits: float | None = Field(
        default=None, gt=0, description="Per-job Stability AI budget; a job estimated over it is refused."
    )
    default_master_preset: MasterPreset = "streaming"
    presigned_url_expiry_s: int = Field(default=900, ge=60, le=900)
    # --- SoundFont (sampled instruments): the file, and in the cloud its key in the audio bucket ---
    soundfont: Path | None = Field(
        default=None, description="The General MIDI SoundFont (.sf2/.sf3); unset: the known Debian paths."
    )
    soundfont_key: str | None = Field(
        default=None,
        description="Audio-bucket key the generate function copies to `soundfont` at cold start (cloud).",
    )

    @field_validator("stability_base_url")
    @classmethod
    def _base_url_is_https_or_loopback(cls, value: str) -> str:
        """The key travels in every request: plain http only where it cannot leave the machine."""
        url = urlsplit(value)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("must be an http(s) URL such as https://api.stability.ai")
        if url.scheme == "http" and not is_loopback(url.hostname):
            raise ValueError("plain http:// is accepted only for loopback addresses; use https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _aws_needs_resources(self) -> "Settings":
        if self.backend == "aws":
            missing = [name for name in ("jobs_table", "audio_bucket") if not getattr(self, name)]
            if missing:
                raise ValueError(f"backend 'aws' needs {', '.join('AMP_' + m.upper() for m in missing)}")
        return self


_ENV_NAMES = {
    "backend": "AMP_BACKEND",
    "data_dir": "AMP_DATA_DIR",
    "jobs_table": "AMP_JOBS_TABLE",
    "idempotency_table": "AMP_IDEMPOTENCY_TABLE",
    "audio_bucket": "AMP_AUDIO_BUCKET",
    "state_machine_arn": "AMP_STATE_MACHINE_ARN",
    "parser": "AMP_PARSER",
    "bedrock_model_id": "AMP_BEDROCK_MODEL_ID",
    "stability_api_key_secret": "AMP_STABILITY_API_KEY_SECRET",  # nosec B105: a variable name
    "stability_base_url": "AMP_STABILITY_BASE_URL",
    "stability_max_credits": "AMP_STABILITY_MAX_CREDITS",
    "default_master_preset": "AMP_DEFAULT_MASTER_PRESET",
    "presigned_url_expiry_s": "AMP_PRESIGNED_URL_EXPIRY_S",
    "soundfont": "AMP_SOUNDFONT",
    "soundfont_key": "AMP_SOUNDFONT_KEY",
}


KNOWN_SOUNDFONTS: tuple[str, ...] = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",  # Debian fluid-soundfont-gm
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/sounds/sf3/MuseScore_General.sf3",  # Debian musescore-general-soundfont(-small)
    "/usr/share/sounds/sf3/default-GM.sf3",
    "/usr/share/soundfonts/FluidR3_GM.sf2",  # Fedora, Arch
    "/usr/share/soundfonts/default.sf2",
)
"""Where distributions install a General MIDI SoundFont, tried in order when AMP_SOUNDFONT is unset."""


def soundfont_candidates() -> tuple[Path, ...]:
    return tuple(Path(path) for path in KNOWN_SOUNDFONTS)


def settings_from_env(environ: Mapping[str, str]) -> Settings:
    values = {field: environ[name] for field, name in _ENV_NAMES.items() if environ.get(name)}
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{_ENV_NAMES.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else 'settings'}: {e['msg']}"
            for e in error.errors()
        )
        raise InvalidInput(f"invalid AMP settings: {problems}") from error


@cache
def get_settings() -> Settings:
    return settings_from_env(os.environ)


class MisconfiguredHandler(AmpError):
    """A Lambda handler's environment lacks a variable it needs, or holds a malformed one: the
    deployment's fault, not the caller's (the API answers 500 and logs the reason)."""


HandlerKind = Literal["stage", "api", "batch"]

_TableName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{3,255}$")]
_BucketName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
_StateMachineArn = Annotated[
    str, Field(pattern=r"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$")
]


class StageEnvironment(BaseModel):
    """Every handler in the cloud (template.yaml's Globals): the job table and the audio bucket."""

    model_config = ConfigDict(extra="ignore")

    AMP_JOBS_TABLE: _TableName
    AMP_AUDIO_BUCKET: _BucketName


class ApiEnvironment(StageEnvironment):
    """The API starts executions and keeps Idempotency-Key records."""

    AMP_STATE_MACHINE_ARN: _StateMachineArn
    AMP_IDEMPOTENCY_TABLE: _TableName


class BatchEnvironment(StageEnvironment):
    """The batch function starts one execution per manifest line."""

    AMP_STATE_MACHINE_ARN: _StateMachineArn


HANDLER_ENVIRONMENTS: dict[HandlerKind, type[StageEnvironment]] = {
    "stage": StageEnvironment,
    "api": ApiEnvironment,
    "batch": BatchEnvironment,
}


def check_handler_environment(kind: HandlerKind, environ: Mapping[str, str]) -> Settings:
    """The settings, once the environment is known to hold what a `kind` handler needs (the
    powertools-cookbook way: one pydantic model per handler, validated before the first event, so a
    bad deployment fails at once naming the variable instead of half-way through a job). The local
    backend needs nothing: every resource has a local default."""
    try:
        settings = settings_from_env(environ)
    except InvalidInput as error:
        raise MisconfiguredHandler(f"the {kind} handler cannot start: {error}") from None
    if settings.backend != "aws":
        return settings
    values = {name: value for name, value in environ.items() if name.startswith("AMP_") and value}
    try:
        HANDLER_ENVIRONMENTS[kind].model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: "
            + ("not set" if e["type"] == "missing" else f"{e['msg']}")
            for e in error.errors(include_input=False, include_url=False)
        )
        raise MisconfiguredHandler(f"the {kind} handler cannot start: {problems}") from None
    return settings
