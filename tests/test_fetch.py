"""fetch() against a local HTTP server on 127.0.0.1 and file:// URLs: no outside network."""
import hashlib
import http.server
import socket
import threading
import time
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
        ({"filename": ".."}, "filename must be a bare file name"),
        ({"filename": "."}, "filename must be a bare file name"),
        ({"filename": ".hidden"}, "filename must be a bare file name"),
        ({"filename": "a\x00b"}, "filename must be a bare file name"),
        ({"name": "../x"}, "name must start with a letter or digit"),
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


@pytest.mark.parametrize("field, value", [("name", 3), ("sha256", None), ("url", b"https://x"), ("filename", None)])
def test_remote_file_types(field, value):
    args = {"name": "x", "url": "https://example.org/x", "sha256": "0" * 64, "filename": "x.txt"} | {field: value}
    with pytest.raises(TypeError, match=f"{field} must be a string"):
        RemoteFile(**args)


def test_fetch_argument_types(tmp_path):
    spec = RemoteFile("x", "https://example.org/x", "0" * 64, "x.txt")
    with pytest.raises(TypeError, match="force must be True or False; got 'no'"):
        fetch(spec, cache_dir=tmp_path, force="no")
    for bad in (0, -1, float("nan"), float("inf"), "5"):
        with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
            fetch(spec, cache_dir=tmp_path, timeout=bad)
    with pytest.raises(TypeError, match="path must be a file name"):
        sha256sum(0)  # a descriptor: refused rather than closed behind the caller's back


# --- hostile servers and caches ------------------------------------------------------

def _raw_server(respond):
    """A TCP server on 127.0.0.1 whose handler ``respond(conn)`` writes any bytes at all."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()

    def serve():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    respond(conn, stop)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}/data.bin", lambda: (stop.set(), thread.join(5), sock.close())


def _garbage_status(conn, stop):
    conn.sendall(b"HTTP/1.1 whatever\r\n\r\nnot http")


def _broken_chunks(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nbroken")


def _short_body(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + PAYLOAD[:500])


def _server_error(conn, stop):
    conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")


def _trickle(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    while not stop.is_set():
        conn.sendall(b"x")
        time.sleep(0.05)


def _outside(tmp_path, cache):
    """Every file under tmp_path that is not in the cache folder."""
    return sorted(p for p in tmp_path.rglob("*") if cache not in p.parents and p != cache)


@pytest.mark.parametrize("respond", [_garbage_status, _broken_chunks, _short_body, _server_error, _trickle],
                         ids=lambda f: f.__name__)
def test_hostile_responses_give_a_download_error_and_leave_nothing(respond, tmp_path):
    url, stop = _raw_server(respond)
    cache = tmp_path / "cache"
    before = _outside(tmp_path, cache)
    spec = RemoteFile("hostile", url, DIGEST, "data.bin")
    start = time.monotonic()
    try:
        with pytest.raises((DownloadError, ChecksumError)) as info:
            fetch(spec, cache_dir=cache, timeout=2, deadline=1.5)
    finally:
        stop()
    assert time.monotonic() - start < 10  # a trickling server cannot hold fetch() past its deadline
    assert "could not download 'hostile'" in str(info.value) or "pinned SHA-256" in str(info.value)
    assert list(cache.iterdir()) == []  # no partial file kept
    assert _outside(tmp_path, cache) == before


def test_a_symlink_or_folder_in_place_of_the_file_is_refused(server, tmp_path):
    base, hits = server
    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    cache.mkdir()
    elsewhere.mkdir()
    spec = RemoteFile("corpus", f"{base}/corpus.txt", DIGEST, "corpus.txt")
    (cache / "corpus.txt").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(DownloadError, match="not a plain file"):
        fetch(spec, cache_dir=cache, force=True)
    assert list(elsewhere.iterdir()) == [] and hits == []
    (cache / "corpus.txt").unlink()
    (cache / "corpus.txt").mkdir()
    with pytest.raises(DownloadError, match="not a plain file"):
        fetch(spec, cache_dir=cache)


def test_a_file_as_cache_folder_is_a_download_error(tmp_path):
    (tmp_path / "file").write_text("x")
    spec = RemoteFile("x", "https://example.org/x", "0" * 64, "x.txt")
    with pytest.raises(DownloadError, match="cache folder .* cannot be used"):
        fetch(spec, cache_dir=tmp_path / "file")
    with pytest.raises(DownloadError, match="cache folder .* cannot be used"):
        fetch(spec, cache_dir=tmp_path / "file" / "sub")


def test_cached_files_are_readable_by_the_class_and_stale_partials_are_swept(server, tmp_path):
    import os
    import stat

    base, _ = server
    cache = tmp_path / "cache"
    cache.mkdir()
    stale, fresh = cache / "tmpkilled", cache / "tmprunning"
    stale.write_bytes(b"partial")
    fresh.write_bytes(b"partial")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    old_umask = os.umask(0o022)
    try:
        path = fetch(RemoteFile("corpus", f"{base}/corpus.txt", DIGEST, "corpus.txt"), cache_dir=cache)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not stale.exists() and fresh.exists()  # a download in progress elsewhere is left alone


def _race(args):
    url, cache = args
    from dlcourse.data import RemoteFile as RF
    from dlcourse.data import fetch as f

    return f(RF("corpus", url, DIGEST, "corpus.txt"), cache_dir=cache).read_bytes() == PAYLOAD


def test_processes_racing_over_a_stale_copy_all_get_the_verified_file(server, tmp_path):
    import multiprocessing

    base, _ = server
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "corpus.txt").write_bytes(b"stale copy")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_race, [(f"{base}/corpus.txt", str(cache))] * 8)
    assert all(results)
    assert (cache / "corpus.txt").read_bytes() == PAYLOAD
    assert [p.name for p in cache.iterdir()] == ["corpus.txt"]
