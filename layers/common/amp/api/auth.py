"""Who is calling. The handler trusts only `requestContext`, which the caller cannot forge: API Gateway
fills it from Cognito/IAM in the cloud, and `amp serve` fills it locally after checking the API key
(acting as the authorizer), so one rule serves both backends."""

import hashlib
import ipaddress
from collections.abc import Mapping
from typing import Any, Protocol

from amp.api.errors import Unauthenticated
from amp.domain.job import LOCAL_OWNER

MAX_OWNER_CHARS = 128


class ApiKeyLookup(Protocol):
    def owner_for(self, api_key: str) -> str | None: ...


def _short(identity: str) -> str:
    """Job.owner is at most 128 characters; long IAM ARNs are replaced by a stable digest."""
    if len(identity) <= MAX_OWNER_CHARS:
        return identity
    return "iam-" + hashlib.sha256(identity.encode()).hexdigest()


def owner_from_event(event: Mapping[str, Any]) -> str:
    """Cognito `claims.sub`, then a Lambda/local authorizer's `principalId`, then an IAM or Cognito
    identity-pool caller. No identity means 401: there is no anonymous owner in the handler."""
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    claims = authorizer.get("claims") or {}
    if isinstance(claims, Mapping) and claims.get("sub"):
        return _short(str(claims["sub"]))
    principal = authorizer.get("principalId")
    if principal:
        return _short(str(principal))
    identity = context.get("identity") or {}
    for field in ("cognitoIdentityId", "userArn"):
        if identity.get(field):
            return _short(str(identity[field]))
    raise Unauthenticated("Authentication required: send Authorization: Bearer <API key>.")


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class CrossSiteRequest(Exception):
    """A keyless request that a browser sent on behalf of another site (DNS rebinding or CSRF)."""


def _is_loopback_name(host: str) -> bool:
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1 : name.find("]")] if "]" in name else name[1:]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # any other name could be rebound to 127.0.0.1 by its owner


def check_same_machine(headers: Mapping[str, str]) -> None:
    """Keyless access is only for this machine's own pages: the Host must be a loopback name (a
    rebound DNS name is refused) and a browser's Origin, when sent, must be loopback too (another
    site's page cannot drive the API). `Origin: null` (sandboxed iframes, data: pages, some cross-site
    redirects) names no site at all, so it is treated as foreign: it could be anyone's page."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if not _is_loopback_name(lowered.get("host", "")):
        raise CrossSiteRequest("Keyless requests must use a loopback host name; send an API key otherwise.")
    origin = lowered.get("origin")
    if origin is not None and origin.strip().lower() == "null":
        raise CrossSiteRequest("Requests from an opaque origin (Origin: null) need an API key.")
    if origin:
        host = origin.split("://", 1)[-1].split("/", 1)[0]
        if not _is_loopback_name(host):
            raise CrossSiteRequest("Requests from other sites need an API key.")


def local_authorizer(
    headers: Mapping[str, str], keys: ApiKeyLookup, *, allow_anonymous: bool
) -> dict[str, str] | None:
    """What `amp serve` puts in requestContext.authorizer: the key's owner; the default local owner for
    keyless requests when bound to loopback; None (the handler answers 401) otherwise.

    Raises Unauthenticated for a key that is present but wrong, even on loopback, so a typo is not
    silently turned into the shared local owner; CrossSiteRequest for keyless requests from another
    site's page."""
    authorization = next((value for name, value in headers.items() if name.lower() == "authorization"), None)
    if authorization is None:
        if not allow_anonymous:
            return None
        check_same_machine(headers)
        return {"principalId": LOCAL_OWNER, "amp_auth": "loopback"}
    token = bearer_token(authorization)
    owner = keys.owner_for(token) if token else None
    if owner is None:
        raise Unauthenticated("The API key is not valid.")
    return {"principalId": owner, "amp_auth": "api_key"}
