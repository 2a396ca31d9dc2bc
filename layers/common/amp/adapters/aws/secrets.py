"""The Stability AI key: from the environment locally, from Secrets Manager or SSM Parameter Store
(via powertools Parameters, cached for 5 minutes) in the cloud. The key never reaches logs or errors."""

import json
import os
from collections.abc import Mapping

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.exceptions import ClientError

from amp.config import Settings
from amp.domain.errors import ProviderRejected, ProviderUnavailable

ENV_KEY = "STABILITY_API_KEY"
CACHE_S = 300
_PERMANENT_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "ParameterNotFound",
        "AccessDeniedException",
        "AccessDenied",
        "DecryptionFailure",
        "InvalidKeyId",
    }
)
_JSON_FIELDS = ("api_key", "apiKey", ENV_KEY, "key")


def is_ssm_name(name: str) -> bool:
    """SSM parameter names are paths ('/amp/stability-key') or 'ssm:'-prefixed; others are secrets."""
    return name.startswith(("/", "ssm:"))


def _extract(value: object, name: str) -> str:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                raise ProviderRejected(f"secret {name!r} looks like JSON but does not parse") from error
        else:
            value = text
    if isinstance(value, dict):
        value = next((value[field] for field in _JSON_FIELDS if value.get(field)), "")
    if not isinstance(value, str) or not value:
        raise ProviderRejected(
            f"secret {name!r} holds no Stability API key (expected a string or "
            f"JSON with one of {', '.join(_JSON_FIELDS)})"
        )
    return value


def fetch_secret_value(name: str) -> object:
    """Read the named secret or parameter; failures become domain errors without the value."""
    try:
        if is_ssm_name(name):
            return parameters.get_parameter(name.removeprefix("ssm:"), decrypt=True, max_age=CACHE_S)
        return parameters.get_secret(name, max_age=CACHE_S)
    except GetParameterError as error:
        cause = error.__cause__ or error.__context__
        code = str(cause.response.get("Error", {}).get("Code", "")) if isinstance(cause, ClientError) else ""
        if code in _PERMANENT_CODES:
            raise ProviderRejected(f"cannot read Stability key from {name!r}: {code}") from None
        raise ProviderUnavailable(
            f"cannot read Stability key from {name!r} right now ({code or 'error'})"
        ) from None


def stability_api_key(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The key from AMP_STABILITY_API_KEY_SECRET when set, else from STABILITY_API_KEY."""
    if settings.stability_api_key_secret:
        return _extract(
            fetch_secret_value(settings.stability_api_key_secret), settings.stability_api_key_secret
        )
    key = (environ if environ is not None else os.environ).get(ENV_KEY, "").strip()
    if not key:
        raise ProviderRejected(
            f"the Stability AI provider needs an API key: set {ENV_KEY} or AMP_STABILITY_API_KEY_SECRET"
        )
    return key
