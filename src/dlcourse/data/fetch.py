"""Optional downloads of larger data sets, verified by a pinned SHA-256 and cached.

Nothing in the book needs the network: every chapter runs on generated or bundled
data. Larger real data (pretrained vectors, bigger corpora) are offered through
:func:`fetch`, built on `pooch <https://www.fatiando.org/pooch/>`_ (the downloader
SciPy and scikit-image use), which

1. returns a cached copy (``$DLCOURSE_DATA`` or ``~/.cache/dlcourse``) at once if its
   SHA-256 matches the pinned value;
2. otherwise downloads into a temporary file inside the cache folder, checks the
   hash, and only then moves the file into place (atomically): a truncated or
   tampered file is never returned or kept.

This module adds the book's registry, its messages, and the guards a shared class
cache needs: every failure is a :class:`DownloadError` or :class:`ChecksumError`
with a sentence saying what to do; a download has a total deadline as well as a
per-read timeout; file names cannot leave the cache (``..``, separators, symbolic
links are refused); cached files are readable by other users of a shared cache
(mode 0644 minus the umask); temporary files left by a killed download are removed
after a day.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

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

#: A registry name or cache file name: starts with a letter or digit; letters, digits, ``. _ -``.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,199}")
#: Temporary files of a download (pooch names them ``tmp...``) older than this are stale.
STALE_SECONDS = 24 * 3600


class ChecksumError(ValueError):
    """A downloaded or cached file does not have the pinned SHA-256."""


class DownloadError(OSError):
    """A file could not be downloaded or stored (no network, server error, unusable cache)."""


def _check_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string; got {type(value).__name__} ({value!r:.60}).")
    return value


@dataclass(frozen=True)
class RemoteFile:
    """Where a data file lives and what its bytes must hash to.

    Attributes
    ----------
    name: registry key, e.g. ``"glove-6b-100d"`` (letters, digits, ``. _ -``).
    url: ``https://``, ``http://`` or ``file://`` address.
    sha256: 64 hexadecimal digits of the file's SHA-256.
    filename: name of the file in the cache directory: a bare name such as
        ``"glove.6B.zip"`` (no folders, not ``.`` or ``..``, not hidden).
    description: one line for readers: what it is, its licence, its size.
    """

    name: str
    url: str
    sha256: str
    filename: str
    description: str = ""

    def __post_init__(self) -> None:
        for field in ("name", "url", "sha256", "filename", "description"):
            _check_str(getattr(self, field), field)
        if not _SAFE_NAME.fullmatch(self.name):
            raise ValueError(
                f"name must start with a letter or digit and contain only letters, digits, '.', '_' "
                f"or '-'; got {self.name!r}. Use a name like 'glove-6b-100d'."
            )
        digest = self.sha256.lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"sha256 must be 64 hexadecimal digits; got {self.sha256!r} for {self.name!r}.")
        if not self.url.startswith(("https://", "http://", "file://")):
            raise ValueError(f"url must start with https://, http:// or file://; got {self.url!r}.")
        if not _SAFE_NAME.fullmatch(self.filename) or set(self.filename) == {"."}:
            raise ValueError(
                f"filename must be a bare file name inside the cache (letters, digits, '.', '_', '-', "
                f"not starting with '.'); got {self.filename!r}. Use a name like 'glove.6B.zip'."
            )


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
    """SHA-256 of a file's bytes as 64 lowercase hex digits, read in chunks.

    ``path`` is a file name (an open descriptor is refused: this function would
    otherwise close the caller's descriptor).
    """
    if isinstance(path, (int, bool)) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (str or os.PathLike); got {type(path).__name__}.")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or not 1 <= chunk_size <= 1 << 30:
        raise ValueError(f"chunk_size must be an int in 1..2**30 (bytes read at a time, held in memory); got {chunk_size!r}.")
    if not os.fspath(path):
        raise ValueError("path must name a file; got ''.")
    if os.path.isdir(path):
        raise ValueError(f"path must name a file; got the folder {os.fspath(path)!r}.")
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


def _positive(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive number of seconds; got {value!r}.")
    return float(value)


def _downloader(spec: RemoteFile, target: Path, timeout: float, deadline: float) -> Callable[..., None]:
    """A pooch downloader with a per-read timeout, a total deadline and the book's messages."""

    def fail(reason: object) -> DownloadError:
        return DownloadError(
            f"could not download {spec.name!r} from {spec.url} ({reason}). If this machine is "
            f"offline, download the file elsewhere and save it as {target}; fetch() will verify "
            "its SHA-256 and use it. Every chapter of the book runs without it."
        )

    def download(url: str, output_file: str, pooch: object = None, check_only: bool = False) -> None:
        start = time.monotonic()

        def chunks() -> Any:
            if url.startswith("file://"):
                source = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
                with open(source, "rb") as handle:
                    yield from iter(lambda: handle.read(1 << 20), b"")
                return
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - scheme checked
                # read1: return what one read brings, so a trickling server cannot hold
                # a call past the deadline (read(n) would wait for all n bytes).
                yield from iter(lambda: response.read1(1 << 16), b"")

        try:
            with open(output_file, "wb") as out:
                for chunk in chunks():
                    out.write(chunk)
                    if time.monotonic() - start > deadline:
                        raise fail(f"no complete file within the deadline of {deadline:g} s")
        except DownloadError:
            raise
        except Exception as exc:  # requests, http.client and OS errors alike: one clear message
            raise fail(f"{type(exc).__name__}: {exc}") from None

    return download


def _clean_stale(folder: Path) -> None:
    """Remove temporary files a killed download left in ``folder`` more than a day ago."""
    now = time.time()
    for path in folder.glob("tmp*"):
        try:
            if path.is_file() and not path.is_symlink() and now - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()
        except OSError:
            pass  # another process removed it, or it is not ours to remove


def fetch(
    name: str | RemoteFile,
    *,
    cache_dir: str | os.PathLike | None = None,
    force: bool = False,
    timeout: float = 60.0,
    deadline: float = 3600.0,
) -> Path:
    """Return the local path of a verified copy of data set ``name``, downloading it if needed.

    Parameters
    ----------
    name:
        A key of :data:`REGISTRY` or a :class:`RemoteFile`.
    cache_dir:
        Where files are kept; default :func:`default_cache_dir`.
    force:
        ``True`` to download again even if a verified copy is cached.
    timeout:
        Seconds to wait for each response from the server.
    deadline:
        Seconds the whole download may take.

    Raises
    ------
    DownloadError
        The file is not cached and could not be downloaded, or the cache cannot be
        used; the message says what to do.
    ChecksumError
        The downloaded bytes do not match the pinned SHA-256; nothing is kept.

    Example
    -------
    >>> import tempfile, pathlib, hashlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "src.txt").write_bytes(b"hello")
    5
    >>> spec = RemoteFile("hello", (folder / "src.txt").as_uri(), hashlib.sha256(b"hello").hexdigest(), "hello.txt")
    >>> fetch(spec, cache_dir=folder / "cache").read_bytes()
    b'hello'
    """
    import pooch

    spec = _resolve(name)
    if not isinstance(force, bool):
        raise TypeError(f"force must be True or False; got {force!r}.")
    timeout = _positive(timeout, "timeout")
    deadline = _positive(deadline, "deadline")
    if cache_dir is not None and not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be a folder name (str or os.PathLike); got {type(cache_dir).__name__}.")
    if cache_dir is not None and not os.fspath(cache_dir):
        raise ValueError("cache_dir must name a folder; got ''. Pass '.' for the current folder, or None for the default.")
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        folder = folder.resolve(strict=True)
        if not folder.is_dir():
            raise NotADirectoryError(str(folder))
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(f"no write permission in {folder}")
    except OSError as exc:
        raise DownloadError(
            f"the cache folder {folder} cannot be used ({type(exc).__name__}: {exc}). Pass "
            "cache_dir= a writable folder, or set DLCOURSE_DATA to one."
        ) from None
    target = folder / spec.filename
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise DownloadError(
            f"{target} exists but is not a plain file (a folder or a symbolic link); fetch() "
            "writes only plain files inside its cache. Remove it and try again."
        )
    _clean_stale(folder)
    if force and target.exists():
        try:
            target.unlink()
        except FileNotFoundError:
            pass  # another process replaced it at the same moment
    pooch.get_logger().setLevel("WARNING")
    try:
        path = Path(
            pooch.retrieve(
                spec.url,
                known_hash=f"sha256:{spec.sha256.lower()}",
                fname=spec.filename,
                path=folder,
                downloader=_downloader(spec, target, timeout, deadline),
                progressbar=False,
            )
        )
    except DownloadError:
        raise
    except ValueError as exc:
        if "hash" not in str(exc).lower():
            raise
        raise ChecksumError(
            f"the download of {spec.name!r} from {spec.url} does not have the pinned SHA-256 "
            f"{spec.sha256.lower()}; the file is incomplete or not the one pinned, so it was "
            "deleted. Try again, or report the changed file upstream."
        ) from None
    except OSError as exc:
        raise DownloadError(f"could not store {spec.name!r} in {folder} ({type(exc).__name__}: {exc}).") from None
    if path.parent.resolve() != folder or path.is_symlink():
        raise DownloadError(f"refusing {path}: it is not a plain file inside the cache {folder}.")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(path, 0o644 & ~umask)  # readable by the class when the cache is shared
    except OSError:
        pass  # a file owned by another user of a shared cache keeps its mode
    return path
