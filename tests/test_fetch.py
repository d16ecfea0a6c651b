"""fetch() against a local HTTP server on 127.0.0.1 and file:// URLs: no outside network."""
import hashlib
import http.server
import socket
import threading
from pathlib import Path

import pytest

from dlcourse.data import REGISTRY, ChecksumError, DownloadError, RemoteFile, fetch, register, sha256sum

PAYLOAD = b"the quick brown fox jumps over the lazy dog\n" * 1000
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture()
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1 at a free port; count requests."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "corpus.txt").write_bytes(PAYLOAD)
    (www / "truncated.txt").write_bytes(PAYLOAD[:-10])
    hits = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(www), **kwargs)

        def log_message(self, *args):
            hits.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def test_download_verifies_and_caches(server, tmp_path):
    base, hits = server
    spec = RemoteFile("corpus", f"{base}/corpus.txt", DIGEST, "corpus.txt", "test corpus")
    cache = tmp_path / "cache"
    path = fetch(spec, cache_dir=cache)
    assert path == cache / "corpus.txt" and path.read_bytes() == PAYLOAD
    assert len(hits) == 1
    again = fetch(spec, cache_dir=cache)  # verified cache hit: no second request
    assert again == path and len(hits) == 1
    fetch(spec, cache_dir=cache, force=True)
    assert len(hits) == 2
    assert list(cache.iterdir()) == [path]  # no temporary files left behind


def test_corrupted_download_is_rejected_and_not_kept(server, tmp_path):
    base, _ = server
    spec = RemoteFile("corpus", f"{base}/truncated.txt", DIGEST, "corpus.txt")
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError, match="incomplete or not the one pinned, so it was deleted"):
        fetch(spec, cache_dir=cache)
    assert list(cache.iterdir()) == []


def test_damaged_cached_copy_is_replaced(server, tmp_path):
    base, hits = server
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "corpus.txt").write_bytes(b"tampered")
    spec = RemoteFile("corpus", f"{base}/corpus.txt", DIGEST, "corpus.txt")
    assert fetch(spec, cache_dir=cache).read_bytes() == PAYLOAD
    assert len(hits) == 1


def test_offline_message_says_where_to_put_the_file(tmp_path):
    with socket.socket() as s:  # a port with nothing listening: the connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    spec = RemoteFile("glove", f"http://127.0.0.1:{port}/glove.zip", "0" * 64, "glove.zip")
    with pytest.raises(DownloadError) as info:
        fetch(spec, cache_dir=tmp_path, timeout=5)
    message = str(info.value)
    assert "could not download 'glove'" in message
    assert str(tmp_path / "glove.zip") in message and "runs without it" in message
    assert list(tmp_path.iterdir()) == []


def test_file_url_and_registry(tmp_path):
    source = tmp_path / "src.txt"
    source.write_bytes(PAYLOAD)
    spec = register(RemoteFile("tiny-test-corpus", source.as_uri(), DIGEST, "tiny.txt"))
    try:
        assert REGISTRY["tiny-test-corpus"] is spec
        path = fetch("tiny-test-corpus", cache_dir=tmp_path / "cache")
        assert sha256sum(path) == DIGEST
    finally:
        REGISTRY.pop("tiny-test-corpus")


def test_default_cache_dir_from_environment(monkeypatch, tmp_path):
    from dlcourse.data import default_cache_dir

    monkeypatch.setenv("DLCOURSE_DATA", str(tmp_path / "data"))
    assert default_cache_dir() == tmp_path / "data"
    monkeypatch.delenv("DLCOURSE_DATA")
    assert default_cache_dir() == Path.home() / ".cache" / "dlcourse"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sha256": "abc"}, "sha256 must be 64 hexadecimal digits"),
        ({"url": "ftp://x/y"}, "url must start with"),
        ({"filename": "a/b.txt"}, "filename must be a bare file name"),
    ],
)
def test_remote_file_validation(kwargs, match):
    args = {"name": "x", "url": "https://example.org/x", "sha256": "0" * 64, "filename": "x.txt"} | kwargs
    with pytest.raises(ValueError, match=match):
        RemoteFile(**args)


def test_fetch_unknown_name():
    with pytest.raises(ValueError, match="name must be one of the registered data sets"):
        fetch("no-such-data")
    with pytest.raises(TypeError, match="name must be a registered name"):
        fetch(3)
