"""Prepare a machine for a course on JupyterHub with nbgrader's exchange (run as root).

    python deploy/setup_course.py [--course deploy/course.toml] [--create-accounts]
    python deploy/setup_course.py [--course ...] --remove-accounts

What it does, each step idempotent (safe to re-run after editing the roster):

1. with --create-accounts, a local Unix account (``useradd --create-home``) for the
   instructor and every student that does not exist yet;
2. every roster home directory mode 0700, so no user can read another's files;
3. ``<site>/exchange`` mode 1777 (nbgrader's exchange; nbgrader itself makes the
   course's ``inbound`` folder write-only for students);
4. ``<site>/jupyter/nbgrader_config.py``: course id, exchange root, the book's stub text,
   and ``jupyter_server_config.py`` (terminals keep the course environment on PATH);
   the hub points every single-user server at this folder (JUPYTER_CONFIG_PATH);
5. ``<site>/book``: a read-only copy of the book's chapter notebooks and student
   exercises (never ``notebooks/exercises/instructor``);
6. ``~<instructor>/<course_id>``: the course directory (mode 0700, owned by the
   instructor) with its own ``nbgrader_config.py``, ``students.csv`` (the roster, for
   ``nbgrader db student import``) and ``source/exNN_*/`` holding the instructor
   versions of the assignments named in the course file.

--shared-only does steps 3-5 only (what deploy/Dockerfile runs for the Kubernetes image,
where accounts and the course directory live in the users' pods and volumes).

--remove-accounts deletes the roster's accounts and their home directories
(``userdel --remove``): the end of a course, or of the integration test.
"""
from __future__ import annotations

import argparse
import os
import pwd
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
from tools.make_student import CODE_STUB, TEXT_STUB  # noqa: E402 - the book's one definition of the stubs

NOTEBOOKS = REPO / "notebooks"

GLOBAL_CONFIG = """\
# Written by deploy/setup_course.py: read by nbgrader in every user's server.
c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = False
# The book's stubs (tools/make_student.py defines them).
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}
# Every exercise runs in under a minute; allow slow, crowded machines five.
c.ExecutePreprocessor.timeout = 300
c.Execute.timeout = 300
"""

SERVER_CONFIG = """\
# Written by deploy/setup_course.py: read by every user's Jupyter server.
c = get_config()
# Terminals run a plain interactive bash, not a login shell: a login shell reads
# /etc/profile, which resets PATH and would hide the course environment (nbgrader, python).
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}
"""

COURSE_CONFIG = """\
# Written by deploy/setup_course.py: the instructor's course directory.
c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
"""


def load_course(path: str | os.PathLike | None = None) -> dict:
    """The course file (``DLCOURSE_COURSE`` or deploy/course.toml), with defaults filled in."""
    path = Path(path or os.environ.get("DLCOURSE_COURSE") or HERE / "course.toml")
    with open(path, "rb") as fh:
        course = tomllib.load(fh)
    course.setdefault("course_id", "dlcourse")
    course.setdefault("site", "/srv/dlcourse")
    course.setdefault("assignments", [])
    course["students"] = list(course.get("students", []))
    course["path"] = str(path)
    return course


def roster(course: dict) -> list[str]:
    return [course["instructor"], *course["students"]]


def exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def course_dir(course: dict) -> Path:
    return Path(pwd.getpwnam(course["instructor"]).pw_dir) / course["course_id"]


def chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def book_files() -> list[Path]:
    """The notebooks every user gets: chapters and student exercises, no instructor versions."""
    files = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "exercises").glob("*.ipynb"))
    return [f for f in files if "instructor" not in f.relative_to(NOTEBOOKS).parts]


def shared_files(course: dict) -> Path:
    """Steps 3-5: the exchange, the shared configuration and the book (no accounts needed)."""
    site = Path(course["site"])
    site.mkdir(parents=True, exist_ok=True)
    os.chmod(site, 0o755)
    exchange = site / "exchange"
    exchange.mkdir(exist_ok=True)
    os.chmod(exchange, 0o1777)
    (site / "hub").mkdir(exist_ok=True)
    os.chmod(site / "hub", 0o700)

    config = site / "jupyter"
    config.mkdir(exist_ok=True)
    os.chmod(config, 0o755)
    (config / "nbgrader_config.py").write_text(
        GLOBAL_CONFIG.format(course_id=course["course_id"], exchange=str(exchange),
                             code_stub=CODE_STUB, text_stub=TEXT_STUB))
    (config / "jupyter_server_config.py").write_text(SERVER_CONFIG)
    for name in ("nbgrader_config.py", "jupyter_server_config.py"):
        os.chmod(config / name, 0o644)

    book = site / "book"
    if book.exists():
        shutil.rmtree(book)
    (book / "exercises").mkdir(parents=True)
    for src in book_files():
        dest = book / src.relative_to(NOTEBOOKS)
        shutil.copy(src, dest)
        os.chmod(dest, 0o644)
    for folder in (book, book / "exercises"):
        os.chmod(folder, 0o755)
    return site


def setup(course: dict, create_accounts: bool = False) -> None:
    for user in roster(course):
        if not exists(user):
            if not create_accounts:
                sys.exit(f"no account {user!r}: create it, or re-run with --create-accounts")
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", user], check=True)
        os.chmod(pwd.getpwnam(user).pw_dir, 0o700)

    site = shared_files(course)

    inst = pwd.getpwnam(course["instructor"])
    root = course_dir(course)
    names = course["assignments"] or sorted(p.stem for p in (NOTEBOOKS / "exercises" / "instructor").glob("ex*.ipynb"))
    for name in names:
        src = NOTEBOOKS / "exercises" / "instructor" / f"{name}.ipynb"
        if not src.exists():
            sys.exit(f"no instructor notebook {src}")
        (root / "source" / name).mkdir(parents=True, exist_ok=True)
        shutil.copy(src, root / "source" / name / src.name)
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(COURSE_CONFIG.format(root=str(root)))
    # the roster for the gradebook: `nbgrader db student import students.csv`
    (root / "students.csv").write_text("id\n" + "".join(f"{s}\n" for s in course["students"]))
    chown_tree(root, inst.pw_uid, inst.pw_gid)
    os.chmod(root, 0o700)
    print(f"course {course['course_id']!r}: {len(course['students'])} students, instructor "
          f"{course['instructor']!r}, course directory {root}, exchange {site / 'exchange'}, "
          f"{len(book_files())} notebooks in {site / 'book'}")


def remove_accounts(course: dict) -> None:
    for user in roster(course):
        if exists(user):
            subprocess.run(["userdel", "--remove", user], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if exists(user):
                sys.exit(f"could not remove account {user!r} (processes still running as it?)")
    print(f"removed the accounts of {', '.join(roster(course))}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", help="course file (default: $DLCOURSE_COURSE or deploy/course.toml)")
    parser.add_argument("--create-accounts", action="store_true", help="create missing Unix accounts")
    parser.add_argument("--remove-accounts", action="store_true", help="delete the roster's accounts and homes")
    parser.add_argument("--shared-only", action="store_true",
                        help="only the exchange, <site>/jupyter and <site>/book (building a container image)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("run as root: it creates accounts, the exchange and the instructor's course directory")
    course = load_course(args.course)
    if args.remove_accounts:
        remove_accounts(course)
    elif args.shared_only:
        site = shared_files(course)
        print(f"wrote {site / 'jupyter'} and {len(book_files())} notebooks in {site / 'book'}")
    else:
        setup(course, create_accounts=args.create_accounts)


if __name__ == "__main__":
    main()
