"""/files/<key>: local downloads behind FilesystemAudioStore's signed URLs (the local twin of a
presigned S3 GET). `amp serve` streams these itself, with Range support for audio seeking, instead
of passing megabytes of base64 through a Lambda-shaped event; this module holds the checks."""

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote

from amp.adapters.local.fs_audio import FilesystemAudioStore, safe_filename
from amp.domain.errors import InvalidInput, NotFound

FILES_PREFIX = "/files/"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

mimetypes.add_type("audio/wav", ".wav")
mimetypes.add_type("audio/midi", ".mid")
mimetypes.add_type("audio/mpeg", ".mp3")


class SignatureInvalid(Exception):
    """Missing, wrong or expired signature: answered 403 like S3 does."""


@dataclass(frozen=True)
class Download:
    path: Path
    size_bytes: int
    content_type: str
    content_disposition: str


def resolve_download(store: FilesystemAudioStore, url_path: str, query: str) -> Download:
    """Check the signature made by `download_url` and find the file; raises SignatureInvalid/NotFound."""
    if not url_path.startswith(FILES_PREFIX):
        raise NotFound("not a file URL")
    key = unquote(url_path[len(FILES_PREFIX) :])
    params = {name: values[0] for name, values in parse_qs(query).items() if values}
    expires = params.get("expires", "")
    signature = params.get("signature", "")
    if not expires or not signature or not store.verify_download(key, expires, signature):
        raise SignatureInvalid("the download link is invalid or has expired")
    path = store.path_for(key)
    name = safe_filename(params.get("filename") or key.rsplit("/", 1)[-1])
    content_type = content_type_for(key)
    disposition = "attachment" if "filename" in params else "inline"
    return Download(
        path=path,
        size_bytes=path.stat().st_size,
        content_type=content_type,
        content_disposition=f'{disposition}; filename="{name}"',
    )


def content_type_for(key: str) -> str:
    """The type of the stored object, from its signed key (which the server chose), never from the
    unsigned `filename` hint: `filename=evil.html` must not turn a download into a page."""
    return mimetypes.guess_type(key.rsplit("/", 1)[-1])[0] or "application/octet-stream"


def byte_range(header: str | None, size_bytes: int) -> tuple[int, int] | None:
    """The inclusive (start, end) of a single `Range: bytes=a-b` header, None for the whole file.
    Raises InvalidInput when unsatisfiable (answered 416)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None  # multi-range or malformed: RFC 9110 lets us send the whole file
    first, last = match.group(1), match.group(2)
    if not first:
        length = int(last)
        if length == 0:
            raise InvalidInput("empty suffix range")
        return max(0, size_bytes - length), size_bytes - 1
    start = int(first)
    end = min(int(last), size_bytes - 1) if last else size_bytes - 1
    if start >= size_bytes or end < start:
        raise InvalidInput("range not satisfiable")
    return start, end
