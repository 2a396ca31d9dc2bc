"""Absolute URLs for links in responses (status_url, local downloads, local uploads), built from the
request so they work behind API Gateway's stage path, a custom domain, or `amp serve` on any port."""

import re
from collections.abc import Mapping
from typing import Any

_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def base_url(event: Mapping[str, Any]) -> str:
    """`https://{id}.execute-api.{region}.amazonaws.com/{stage}` in the cloud, `http://127.0.0.1:8000`
    locally, '' (relative links) when the Host header is missing or malformed."""
    headers = {str(name).lower(): str(value) for name, value in (event.get("headers") or {}).items()}
    context = event.get("requestContext") or {}
    host = headers.get("host") or str(context.get("domainName") or "")
    if not host or not _HOST.match(host):
        return ""
    proto = headers.get("x-forwarded-proto", "https").split(",")[0].strip()
    if proto not in ("http", "https"):
        proto = "https"
    stage = str(context.get("stage") or "")
    prefix = f"/{stage}" if stage and host.split(":")[0].endswith(".amazonaws.com") else ""
    return f"{proto}://{host}{prefix}"


def absolute(event: Mapping[str, Any], url: str) -> str:
    """Presigned S3 URLs are already absolute; local '/files/...' routes get this server's base."""
    if url.startswith(("http://", "https://")):
        return url
    return base_url(event) + url
