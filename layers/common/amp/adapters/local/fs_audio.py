"""AudioStore on the local filesystem. Every write goes to a temp file in the target directory, is
fsynced and then renamed over the key, so a crash leaves the old object or the new one, never half.
Objects are never changed in place, so a copy is a hard link renamed over its key the same way."""

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from amp.domain.errors import Conflict, InvalidInput, NotFound

MAX_URL_EXPIRY_S = 900
TEMP_PREFIX = ".amp-tmp-"
SIGNING_KEY_NAME = "url-signing.key"
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9._/-]+$")
_PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9._/-]*$")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")


def validate_key(key: str) -> str:
    """Keys are relative slash paths of safe characters, so none can escape the store's root."""
    if not _KEY_PATTERN.fullmatch(key) or key.startswith("/") or key.endswith("/"):
        raise InvalidInput(f"invalid store key {key!r}: use relative paths of [A-Za-z0-9._/-]")
    for part in key.split("/"):
        if part in ("", ".", "..") or part.startswith(TEMP_PREFIX):
            raise InvalidInput(f"invalid store key {key!r}: empty, '.', '..' or reserved path segment")
    return key


def validate_prefix(prefix: str) -> str:
    """Like keys, but may be empty or end with '/'."""
    if not _PREFIX_PATTERN.fullmatch(prefix) or prefix.startswith("/"):
        raise InvalidInput(f"invalid store prefix {prefix!r}: use relative paths of [A-Za-z0-9._/-]")
    if any(part in (".", "..") for part in prefix.split("/")):
        raise InvalidInput(f"invalid store prefix {prefix!r}: '.' and '..' segments are not allowed")
    return prefix


def check_url_expiry(expires_s: int) -> None:
    if not 1 <= expires_s <= MAX_URL_EXPIRY_S:
        raise InvalidInput(f"download URLs expire within 1..{MAX_URL_EXPIRY_S} s, got {expires_s}")


def safe_filename(filename: str) -> str:
    """A download name that cannot break a Content-Disposition header."""
    cleaned = _FILENAME_UNSAFE.sub("_", filename).strip(" .")
    return cleaned or "download"


class FilesystemAudioStore:
    """Keys map to files under root. Download URLs are HMAC-signed routes of the local server, with a
    secret kept next to the root (root/../url-signing.key, created once, mode 0600)."""

    def __init__(self, root: Path | str, url_base: str = "/files") -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.url_base = url_base.rstrip("/")
        self._signing_key: bytes | None = None

    def path_for(self, key: str) -> Path:
        """The file behind a key, for streaming it; raises NotFound when there is none."""
        path = self.root / validate_key(key)
        if not path.is_file():
            raise NotFound(f"no object at key {key}")
        return path

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self._write_atomically(key, lambda out: out.write(data))

    def put_stream(self, key: str, chunks: Iterable[bytes], content_type: str) -> int:
        written = 0

        def write(out: BinaryIO) -> None:
            nonlocal written
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)

        self._write_atomically(key, write)
        return written

    def get_bytes(self, key: str) -> bytes:
        return self.path_for(key).read_bytes()

    def exists(self, key: str) -> bool:
        return (self.root / validate_key(key)).is_file()

    def size_bytes(self, key: str) -> int:
        return self.path_for(key).stat().st_size

    def copy(self, source_key: str, destination_key: str) -> None:
        """A hard link: every write makes a new file and renames it over its key (nothing is ever
        changed in place), so a copy may share the source's inode. Linked under a temp name and
        renamed over the destination, it is atomic like a write, durable once the directory is
        synced (the data was fsynced when the source was written), and O(1) whatever the size:
        Publish's ~340 MB for a 180 s job cost ~4.8 s as fsynced byte copies. Where a link cannot
        be made (another filesystem, no link support, too many links) the bytes are copied."""
        source = self.path_for(source_key)
        target = self._parent_ready(destination_key)
        temp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            os.link(source, temp)
        except FileNotFoundError as error:  # deleted since path_for looked
            raise NotFound(f"no object at key {source_key}") from error
        except OSError:
            with source.open("rb") as data:
                self._write_atomically(destination_key, lambda out: shutil.copyfileobj(data, out))
            return
        _commit(temp, target, destination_key)

    def list_keys(self, prefix: str) -> list[str]:
        return sorted(key for key, _ in self._files_under(validate_prefix(prefix)))

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidInput("refusing to delete the whole store: give a non-empty prefix")
        deleted = 0
        for _, path in list(self._files_under(prefix)):
            with contextlib.suppress(FileNotFoundError):  # a concurrent delete got there first
                path.unlink()
                deleted += 1
        self._prune_empty_dirs(self._search_root(prefix))
        return deleted

    def download_url(self, key: str, *, expires_s: int = 900, filename: str | None = None) -> str:
        """`{url_base}/{key}?expires=<unix>&signature=<hex>`; the filename, if any, is a hint only and
        is not signed (it only names the caller's own download)."""
        validate_key(key)
        check_url_expiry(expires_s)
        expires = int(time.time()) + expires_s
        url = f"{self.url_base}/{quote(key, safe='/')}?expires={expires}&signature={self._sign(key, expires)}"
        if filename:
            url += f"&filename={quote(safe_filename(filename), safe='')}"
        return url

    def verify_download(self, key: str, expires: int | str, signature: str) -> bool:
        """True when the signature was made by download_url for this key and has not expired."""
        try:
            validate_key(key)
            expires_at = int(expires)
        except (InvalidInput, ValueError):
            return False
        if expires_at < time.time():
            return False
        return hmac.compare_digest(self._sign(key, expires_at), signature)

    def _sign(self, key: str, expires: int) -> str:
        message = f"{key}\n{expires}".encode()
        return hmac.new(self._secret(), message, hashlib.sha256).hexdigest()

    def _secret(self) -> bytes:
        if self._signing_key is None:
            self._signing_key = _load_or_create_secret(self.root.parent / SIGNING_KEY_NAME)
        return self._signing_key

    def _parent_ready(self, key: str) -> Path:
        """The file behind a key to be written, its directory created."""
        target = self.root / validate_key(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as error:
            raise Conflict(f"cannot store {key}: a parent path is an object") from error
        return target

    def _write_atomically(self, key: str, write: Callable[[BinaryIO], object]) -> None:
        target = self._parent_ready(key)
        descriptor, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(descriptor, "wb") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        _commit(Path(temp_name), target, key)

    def _search_root(self, prefix: str) -> Path:
        """The deepest directory every key with this prefix lives under."""
        directory, _, _ = prefix.rpartition("/")
        return self.root / directory if directory else self.root

    def _files_under(self, prefix: str) -> Iterator[tuple[str, Path]]:
        base = self._search_root(prefix)
        if not base.is_dir():
            return
        for directory, _, names in os.walk(base):
            for name in names:
                if name.startswith(TEMP_PREFIX):
                    continue
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key, path

    def _prune_empty_dirs(self, base: Path) -> None:
        if not base.is_dir():
            return
        for directory, _, _ in sorted(os.walk(base), key=lambda entry: len(entry[0]), reverse=True):
            path = Path(directory)
            if path != self.root:
                with contextlib.suppress(OSError):  # not empty, or removed concurrently
                    path.rmdir()


def _commit(temp: Path, target: Path, key: str) -> None:
    """Rename a finished temp file over `target` (atomic: readers see the old object or the new one)
    and sync the directory; the temp file never outlives the call."""
    try:
        os.replace(temp, target)
    except IsADirectoryError as error:
        raise Conflict(f"cannot store {key}: it is a prefix of other objects") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _load_or_create_secret(path: Path) -> bytes:
    """Created once per data dir; a concurrent creator loses the os.link race and reads the winner's."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)  # mode 0600
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(secrets.token_bytes(32))
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temp_name, path)
        finally:
            os.unlink(temp_name)
    secret = path.read_bytes()
    if len(secret) < 32:
        raise InvalidInput(f"URL signing key {path} is truncated; delete it to have a new one made")
    return secret
