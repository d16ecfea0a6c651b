"""tools/vendor_js.py extracts npm tarballs safely and re-verifies what it extracted."""
import io
import tarfile

import pytest

from tools import vendor_js


def _tarball(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo("package/es5/link")
            info.type = tarfile.SYMTYPE
            info.linkname = symlink
            tar.addfile(info)
    return buffer.getvalue()


def keep_all(inner: str) -> bool:
    return True


@pytest.mark.parametrize("evil", ["package/es5/input/../../../../../ESCAPED.txt",
                                  "package/../../ESCAPED.txt"])
def test_a_member_that_climbs_out_is_refused_and_nothing_escapes(tmp_path, evil):
    dest = tmp_path / "a" / "b" / "vendor"
    data = _tarball({"package/es5/ok.js": b"ok", evil: b"pwned"})
    with pytest.raises(SystemExit, match="refusing tarball member"):
        vendor_js.extract(data, dest, keep_all)
    assert not list(tmp_path.rglob("ESCAPED.txt"))
    assert not (tmp_path.parent / "ESCAPED.txt").exists()


def test_an_absolute_member_name_stays_inside(tmp_path):
    files = vendor_js.extract(_tarball({"/abs/x.js": b"x"}), tmp_path / "v", keep_all)
    assert all((tmp_path / "v").resolve() in f.parents for f in files)


def test_links_are_skipped_and_regular_files_extracted(tmp_path):
    data = _tarball({"package/es5/tex.js": b"mathjax"}, symlink="/etc/passwd")
    files = vendor_js.extract(data, tmp_path / "v", keep_all)
    assert [f.name for f in files] == ["tex.js"] and (tmp_path / "v" / "tex.js").read_bytes() == b"mathjax"
    assert not (tmp_path / "v" / "link").exists()


def test_the_manifest_catches_a_changed_or_missing_file(tmp_path):
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "a.js").write_bytes(b"original")
    import hashlib

    stamp = folder / ".version"
    stamp.write_text(f"x@1\n{hashlib.sha256(b'original').hexdigest()}  a.js\n")
    assert vendor_js._manifest_ok(stamp, "x@1")
    assert not vendor_js._manifest_ok(stamp, "x@2")
    (folder / "a.js").write_bytes(b"tampered")
    assert not vendor_js._manifest_ok(stamp, "x@1")
    (folder / "a.js").unlink()
    assert not vendor_js._manifest_ok(stamp, "x@1")
