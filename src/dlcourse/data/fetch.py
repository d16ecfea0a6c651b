"""Optional downloads of larger data sets, verified by a pinned SHA-256 and cached.

Nothing in the book needs the network: every chapter runs on generated or bundled
data. Larger real data (pretrained vectors, bigger corpora) are offered through
:func:`fetch`, which

1. looks in the cache directory (``$DLCOURSE_DATA`` or ``~/.cache/dlcourse``) and
   returns the file at once if its SHA-256 matches the pinned value;
2. otherwise downloads it to a temporary file, hashing as it goes;
3. moves it into the cache only if the hash matches, and otherwise deletes it and
   raises :class:`ChecksumError`: a truncated or tampered file is never used;
4. when the download fails (offline, server down), raises :class:`DownloadError`
   saying where to put a copy obtained by other means.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "RemoteFile",
    "REGISTRY",
    "register",
    "default_cache_dir",
    "sha256sum",
    "fetch",
    "ChecksumError",
    "DownloadError",
]


class ChecksumError(ValueError):
    """A downloaded or cached file does not have the pinned SHA-256."""


class DownloadError(OSError):
    """A file could not be downloaded (no network, server error, bad URL)."""


@dataclass(frozen=True)
class RemoteFile:
    """Where a data file lives and what its bytes must hash to.

    Attributes
    ----------
    name: registry key, e.g. ``"glove-6b-100d"``.
    url: ``https://``, ``http://`` or ``file://`` address.
    sha256: 64 lowercase hex digits of the file's SHA-256.
    filename: name of the file in the cache directory.
    description: one line for readers: what it is, its licence, its size.
    """

    name: str
    url: str
    sha256: str
    filename: str
    description: str = ""

    def __post_init__(self) -> None:
        digest = self.sha256.lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(
                f"sha256 must be 64 hexadecimal digits; got {self.sha256!r} for {self.name!r}."
            )
        if not self.url.startswith(("https://", "http://", "file://")):
            raise ValueError(f"url must start with https://, http:// or file://; got {self.url!r}.")
        if not self.filename or "/" in self.filename or "\\" in self.filename:
            raise ValueError(f"filename must be a bare file name; got {self.filename!r}.")


#: Data sets known to :func:`fetch` by name. Chapters add entries with :func:`register`.
REGISTRY: dict[str, RemoteFile] = {}


def register(spec: RemoteFile) -> RemoteFile:
    """Add ``spec`` to :data:`REGISTRY` (replacing an entry of the same name) and return it."""
    if not isinstance(spec, RemoteFile):
        raise TypeError(f"spec must be a RemoteFile; got {type(spec).__name__}.")
    REGISTRY[spec.name] = spec
    return spec


def default_cache_dir() -> Path:
    """``$DLCOURSE_DATA`` if set, else ``~/.cache/dlcourse``."""
    env = os.environ.get("DLCOURSE_DATA")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "dlcourse"


def sha256sum(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes as 64 lowercase hex digits, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _resolve(name: str | RemoteFile) -> RemoteFile:
    if isinstance(name, RemoteFile):
        return name
    if not isinstance(name, str):
        raise TypeError(f"name must be a registered name (str) or a RemoteFile; got {type(name).__name__}.")
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY)) or "none registered yet"
        raise ValueError(f"name must be one of the registered data sets ({known}); got {name!r}.")
    return REGISTRY[name]


def fetch(
    name: str | RemoteFile,
    *,
    cache_dir: str | os.PathLike | None = None,
    force: bool = False,
    timeout: float = 60.0,
) -> Path:
    """Return the local path of a verified copy of data set ``name``, downloading it if needed.

    Parameters
    ----------
    name:
        A key of :data:`REGISTRY` or a :class:`RemoteFile`.
    cache_dir:
        Where files are kept; default :func:`default_cache_dir`.
    force:
        Download again even if a verified copy is cached.
    timeout:
        Seconds to wait for the server before giving up.

    Raises
    ------
    DownloadError
        The file is not cached and could not be downloaded; the message says where
        to place a copy by hand.
    ChecksumError
        The downloaded bytes do not match the pinned SHA-256; nothing is kept.
    """
    spec = _resolve(name)
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    target = folder / spec.filename
    expected = spec.sha256.lower()
    if target.exists() and not force:
        if sha256sum(target) == expected:
            return target
        target.unlink()  # a stale or damaged copy: replace it
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=folder)
    temp = Path(temp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                with urllib.request.urlopen(spec.url, timeout=timeout) as response:  # noqa: S310 - scheme checked
                    for chunk in iter(lambda: response.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                raise DownloadError(
                    f"could not download {spec.name!r} from {spec.url} ({reason}). If this machine "
                    f"is offline, download the file elsewhere and save it as {target}; fetch() "
                    "will verify its SHA-256 and use it. Every chapter of the book runs without it."
                ) from None
        actual = digest.hexdigest()
        if actual != expected:
            raise ChecksumError(
                f"the download of {spec.name!r} from {spec.url} has SHA-256 {actual}, but "
                f"{expected} was expected; the file is incomplete or not the one pinned, "
                "so it was deleted. Try again, or report the changed file upstream."
            )
        shutil.move(str(temp), target)
    finally:
        if temp.exists():
            temp.unlink()
    return target
