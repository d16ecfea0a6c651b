"""Generate the student versions of the exercise notebooks with nbgrader (``make student``).

For each instructor notebook ``notebooks/exercises/instructor/exNN_topic.ipynb``
this runs ``nbgrader generate_assignment`` in a temporary course directory (one
assignment per notebook, named after it) and writes the released notebook to
``notebooks/exercises/exNN_topic.ipynb``. nbgrader replaces each solution with a
stub, removes hidden tests, clears outputs and records checksums.

``--check`` writes nothing and exits 1 if a committed student version differs from
a freshly generated one (the test suite runs this).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

#: What a student finds in place of a solution: a sentence telling them what to do, not a
#: bare NotImplementedError (deploy/setup_course.py gives a class's hub the same stub).
CODE_STUB = (
    "# YOUR CODE HERE\n"
    "raise NotImplementedError(\n"
    '    "Replace this with your code, then run the check below it."\n'
    ")"
)
TEXT_STUB = "YOUR ANSWER HERE"

NBGRADER_CONFIG = (
    "c = get_config()\n"
    'c.CourseDirectory.course_id = "dlcourse"\n'
    "c.CourseDirectory.root = {root!r}\n"
    'c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"\n'
    f'c.ClearSolutions.code_stub = {{{{"python": {CODE_STUB!r}}}}}\n'
    f"c.ClearSolutions.text_stub = {TEXT_STUB!r}\n"
)


def student_path(instructor: Path) -> Path:
    return nbtools.EXERCISES / instructor.name


def generate(instructors: list[Path], workdir: Path) -> dict[Path, str]:
    """Run nbgrader on ``instructors``; return {student path: notebook text}."""
    root = workdir / "course"
    (root / "source").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(root)))
    for path in instructors:
        folder = root / "source" / path.stem
        folder.mkdir()
        shutil.copy(path, folder / path.name)
    # nbgrader runs helper commands (alembic) from PATH: put this environment's bin first.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", "--force", "--log-level=WARN"]
    for path in instructors:
        result = subprocess.run(command + [path.stem], cwd=root, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {path.stem} failed:\n{result.stdout}\n{result.stderr}")
    out = {}
    for path in instructors:
        released = root / "release" / path.stem / path.name
        nb = nbtools.read(released)
        nbtools.clean_metadata(nb)
        out[student_path(path)] = nbformat.writes(nb) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed versions, write nothing")
    parser.add_argument("paths", nargs="*", type=Path, help="instructor notebooks (default: all)")
    args = parser.parse_args(argv)
    instructors = [p.resolve() for p in args.paths] or nbtools.instructor_notebooks()
    with tempfile.TemporaryDirectory() as tmp:
        generated = generate(instructors, Path(tmp))
    stale = []
    for path, text in generated.items():
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(nbtools.ROOT)}")
    orphans = set() if args.paths else {p for p in nbtools.student_notebooks()} - set(generated)
    if args.check:
        for path in sorted(stale):
            print(f"out of date: {path.relative_to(nbtools.ROOT)} (run `make student`)")
        for path in sorted(orphans):
            print(f"no instructor version: {path.relative_to(nbtools.ROOT)}")
        return 1 if stale or orphans else 0
    for path in sorted(orphans):
        print(f"warning: {path.relative_to(nbtools.ROOT)} has no instructor version")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
