"""A class on a real JupyterHub: nbgrader's whole exercise cycle, several users, end to end.

The test creates real Unix accounts (one instructor, three students), prepares the course
with deploy/setup_course.py and starts a real JupyterHub with deploy/jupyterhub_config.py
on 127.0.0.1 (random free ports) behind its real proxy, configurable-http-proxy. Every
step then goes through the hub's public address, as a class would:

* the hub's REST API (the course-admin service token) issues each user a token and
  starts each user's single-user server, which the hub runs as that Unix user;
* the instructor types nbgrader's commands into a terminal of their own server
  (the terminals API: JupyterLab's File > New > Terminal);
* each student uses nbgrader's Assignments tab (the assignment_list server extension:
  fetch, submit, fetch feedback), edits the notebook with the contents API (what
  JupyterLab's editor saves) and runs it in the course kernel (a notebook session and
  the kernel's WebSocket, as JupyterLab does).

Students: one hands in the reference answers (full points), one answers the first two
tasks (partial), one hands in the fetched notebook untouched (zero). The test asserts
the three scores, that the notebook ran in the course environment, that no student
can read another's work or the instructor's source (tried by each student's own
kernel, i.e. as that Unix user), that every process the hub started has stopped and
that every account is removed again, also when a step fails.

Needs root (it creates accounts) and configurable-http-proxy (the Makefile installs
it from the npm registry into .cache/npm); skipped with the reason otherwise.
"""
from __future__ import annotations

import csv
import io
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))

ASSIGNMENT = "ex00_how_to_use"
COURSE_ID = "dlcourse"
INSTRUCTOR_NB = ROOT / "notebooks" / "exercises" / "instructor" / f"{ASSIGNMENT}.ipynb"


def grading_plan(path: Path = INSTRUCTOR_NB) -> tuple[dict[str, str], dict[str, float]]:
    """{check cell: the answer cell before it}, {check cell: points}, from nbgrader's metadata."""
    answer_of, points, last_answer = {}, {}, None
    for cell in json.loads(path.read_text())["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            last_answer = meta["grade_id"]
        elif meta.get("grade") and meta.get("points"):
            answer_of[meta["grade_id"]], points[meta["grade_id"]] = last_answer, float(meta["points"])
    return answer_of, points


ANSWER_OF, POINTS = grading_plan()
MAX_SCORE = sum(POINTS.values())                               # ex00: 1 + 2 + 2 = 5
PARTIAL_TASKS = tuple(dict.fromkeys(ANSWER_OF.values()))[:2]   # the partial student answers tasks 1 and 2
PARTIAL_SCORE = sum(p for check, p in POINTS.items() if ANSWER_OF[check] in PARTIAL_TASKS)   # ex00: 3


def _why_skip() -> str | None:
    if os.geteuid() != 0:
        return "the hub test creates Unix accounts and runs the hub as root: run it as root (CI does)"
    for tool in ("useradd", "userdel"):
        if shutil.which(tool) is None:
            return f"{tool} is not available"
    try:
        import hubdriver  # noqa: F401
        import jupyterhub  # noqa: F401
    except ImportError as exc:
        return f"JupyterHub is not installed in this environment ({exc}): pip install -r requirements.txt"
    if hubdriver.find_proxy() is None:
        return ("configurable-http-proxy not found: `make test` installs it from the npm registry into "
                ".cache/npm (npm install --prefix .cache/npm configurable-http-proxy@4.6.3), or set "
                "CONFIGURABLE_HTTP_PROXY to its path")
    return None


pytestmark = [pytest.mark.hub, pytest.mark.timeout(900), pytest.mark.skipif(_why_skip() is not None, reason=str(_why_skip()))]


def answers() -> dict[str, str]:
    """The reference answers, by grade_id, as a student would type them (markers removed)."""
    nb = json.loads(INSTRUCTOR_NB.read_text())
    out = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out[meta["grade_id"]] = "\n".join(line for line in src.splitlines()
                                              if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)
    return out


def fill(nb: dict, grade_ids) -> dict:
    ref = answers()
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in grade_ids:
            cell["source"] = ref[gid]
    return nb


PROBE = """
import json, os
def probe(path, listing=False):
    try:
        if listing:
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        return "read"
    except PermissionError:
        return "denied"
    except FileNotFoundError:
        return "missing"
print(json.dumps({name: probe(p, p.endswith("/")) for name, p in TARGETS.items()}))
"""


@pytest.fixture(scope="module")
def cycle():
    import hubdriver as hd

    tag = secrets.token_hex(2)
    instructor = f"dlc-inst-{tag}"
    students = {"full": f"dlc-full-{tag}", "partial": f"dlc-part-{tag}", "blank": f"dlc-blank-{tag}"}
    work = Path(tempfile.mkdtemp(prefix="dlcourse-hub-", dir="/tmp"))
    os.chmod(work, 0o755)   # users' servers must reach <site> below it
    site = work / "site"
    course_file = work / "course.toml"
    course_file.write_text(
        f'course_id = "{COURSE_ID}"\ninstructor = "{instructor}"\n'
        f'students = {json.dumps(list(students.values()))}\nsite = "{site}"\nassignments = ["{ASSIGNMENT}"]\n')
    setup = [sys.executable, str(ROOT / "deploy" / "setup_course.py"), "--course", str(course_file)]
    ran: list[str] = []   # every command run, in the form the instructor guide writes it
    out: dict = {"timings": {}, "students": students, "instructor": instructor, "commands": ran}
    hub = hd.Hub(course_file, work, hd.find_proxy())
    users = [instructor, *students.values()]
    uids: dict[str, int] = {}
    t_all = time.monotonic()
    opened = []
    try:
        opened = hd.open_for_traversal([sys.base_prefix, Path(sys.executable).resolve().parent, sys.prefix, ROOT, work])
        out["opened_for_traversal"] = [str(folder) for folder, _ in opened]
        done = subprocess.run(setup + ["--create-accounts"], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        ran.append(guide_form(setup + ["--create-accounts"], course_file))
        uids = {u: pwd.getpwnam(u).pw_uid for u in users}
        out["home_modes"] = {u: oct(os.stat(pwd.getpwnam(u).pw_dir).st_mode & 0o777) for u in users}

        # students log in with their Unix password (PAM): the administrator sets it with chpasswd
        password = secrets.token_urlsafe(12)
        subprocess.run(["chpasswd"], input=f"{students['full']}:{password}\n", text=True, check=True)
        ran.append("chpasswd")

        t0 = time.monotonic()
        hub.start()
        out["timings"]["hub start"] = time.monotonic() - t0
        ran.append("DLCOURSE_COURSE=deploy/course.toml " + guide_form(hub.command, course_file))
        out["login"] = {"right password": hub.login(students["full"], password)[:2],
                        "wrong password": hub.login(students["full"], password + "x")[:2],
                        "not on the roster": hub.login("root", "x")[:2]}
        tokens = {u: hub.user_token(u) for u in users}
        t0 = hub.spawn_all(users)
        hub.wait_ready(users, since=t0)
        out["timings"]["4 servers ready"] = time.monotonic() - t0
        srv = {u: hub.user(u, tokens[u]) for u in users}
        out["books"] = {u: sorted(srv[u].listdir("dlcourse-book")) for u in users}

        # --- the instructor releases the exercise (a terminal on their server) -----------
        t0 = time.monotonic()
        term = srv[instructor].terminal()
        log = out["instructor_log"] = []

        def sh(command: str) -> str:
            rc, shown = term.run(command)
            log.append((command, rc))
            ran.append(command)
            assert rc == 0, f"instructor's `{command}` exited with {rc}:\n{shown[-4000:]}"
            return shown

        sh(f"cd ~/{COURSE_ID}")
        sh("nbgrader db student import students.csv")
        sh(f"nbgrader generate_assignment {ASSIGNMENT}")
        sh(f"nbgrader release_assignment {ASSIGNMENT}")
        out["timings"]["release"] = time.monotonic() - t0

        # --- students: fetch (Assignments tab), answer, run in the course kernel, submit -----
        t0 = time.monotonic()
        out["listed"], out["runs"], out["kernel_env"] = {}, {}, {}
        path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        for kind, s in students.items():
            listed = srv[s].assignment_list(COURSE_ID)
            out["listed"][kind] = [(a["assignment_id"], a["status"]) for a in listed["value"]]
            srv[s].assignments("fetch", COURSE_ID, ASSIGNMENT)
            nb = srv[s].read_notebook(path)
            if kind == "full":
                fill(nb, answers().keys())
            elif kind == "partial":
                fill(nb, PARTIAL_TASKS)
            srv[s].write_notebook(path, nb)
            kernel = srv[s].kernel(path)
            try:
                env = kernel.execute("import sys, os, dlcourse; print(sys.prefix, os.getuid(), os.getcwd())")
                out["kernel_env"][kind] = env["stdout"].split()
                run = {}
                for cell in nb["cells"]:
                    if cell["cell_type"] != "code":
                        continue
                    gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
                    src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                    result = kernel.execute(src)
                    if gid in POINTS:
                        run[gid] = result["ename"] or "passed"
                out["runs"][kind] = run
            finally:
                kernel.close()
            srv[s].assignments("submit", COURSE_ID, ASSIGNMENT)
        out["timings"]["students fetch, run, submit"] = time.monotonic() - t0

        # --- instructor: collect, autograde, feedback ---------------------------------------
        t0 = time.monotonic()
        sh(f"nbgrader collect {ASSIGNMENT}")
        sh(f"nbgrader autograde {ASSIGNMENT}")
        sh(f"nbgrader generate_feedback {ASSIGNMENT}")
        sh(f"nbgrader release_feedback {ASSIGNMENT}")
        sh("nbgrader export")
        term.close()
        out["grades"] = {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                         for row in csv.DictReader(io.StringIO(srv[instructor].read_text(f"{COURSE_ID}/grades.csv")))}
        out["timings"]["collect, autograde, feedback"] = time.monotonic() - t0

        # --- students fetch their feedback --------------------------------------------------
        out["feedback"] = {}
        for kind, s in students.items():
            srv[s].assignments("fetch_feedback", COURSE_ID, ASSIGNMENT)
            stamps = srv[s].listdir(f"{ASSIGNMENT}/feedback")
            html = srv[s].read_text(f"{ASSIGNMENT}/feedback/{stamps[0]}/{ASSIGNMENT}.html")
            m = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", html)
            out["feedback"][kind] = (float(m.group(1)), float(m.group(2))) if m else html[:300]

        # --- isolation: each student tries, in their own kernel, to read the others' work ----
        homes = {u: pwd.getpwnam(u).pw_dir for u in users}
        course_root = f"{homes[instructor]}/{COURSE_ID}"
        inbound = site / "exchange" / COURSE_ID / "inbound"
        submissions = {n.split("+")[0]: n for n in os.listdir(inbound)}
        out["submission_names"] = sorted(submissions.values())
        out["isolation"] = {}
        for kind, s in students.items():
            targets = {
                "instructor's source": f"{course_root}/source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                "instructor's course directory": f"{course_root}/",
                "gradebook": f"{course_root}/gradebook.db",
                "exchange inbound (listing)": f"{inbound}/",
                "exchange feedback (listing)": f"{inbound.parent / 'feedback'}/",
            }
            for other_kind, other in students.items():
                if other == s:
                    continue
                targets[f"{other_kind}'s home"] = f"{homes[other]}/"
                targets[f"{other_kind}'s notebook"] = f"{homes[other]}/{path}"
                targets[f"{other_kind}'s collected submission"] = f"{course_root}/submitted/{other}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
                targets[f"{other_kind}'s submission, name without its random part"] = (
                    f"{inbound}/{submissions[other].rsplit('+', 1)[0]}/{ASSIGNMENT}.ipynb")
                # nbgrader leaves the submitted file itself world-readable (the instructor must
                # read it); only the unlistable folder and the random name hide it: recorded,
                # not asserted (see the instructor guide)
                targets[f"{other_kind}'s submission, full exchange path"] = (
                    f"{inbound}/{submissions[other]}/{ASSIGNMENT}.ipynb")
            kernel = srv[s].kernel()
            try:
                res = kernel.execute(f"TARGETS = {targets!r}\n{PROBE}")
                assert res["status"] == "ok", res
                probed = json.loads(res["stdout"])
                # and the same through HTTP: the other users' servers, with this student's token
                for other in users:
                    if other != s:
                        code = requests.get(f"{hub.url}/user/{other}/api/contents/",
                                               headers={"Authorization": f"token {tokens[s]}"},
                                               allow_redirects=False, timeout=60).status_code
                        probed[f"HTTP to {other}'s server"] = code
                out["isolation"][kind] = probed
            finally:
                kernel.close()
        own = srv[students["full"]].kernel()
        try:
            res = own.execute(f"TARGETS = {{'own notebook': {homes[students['full']] + '/' + path!r}}}\n{PROBE}")
            out["own_read"] = json.loads(res["stdout"])
        finally:
            own.close()

        # --- stop everything through the hub --------------------------------------------------
        t0 = time.monotonic()
        for u in users:
            hub.stop_server(u)
        out["timings"]["stop servers"] = time.monotonic() - t0
    except BaseException:
        print("hub log (tail):\n" + hub.log_tail(8000))
        raise
    finally:
        hub.stop()
        time.sleep(1)
        out["survivors"] = hub.survivors()
        out["user_processes"] = {u: [p.pid for p in hd.user_processes(uid)] for u, uid in uids.items()}
        for u in out["user_processes"]:   # never leave anything behind, even on failure
            for p in hd.user_processes(uids[u]):
                p.kill()
        removed = subprocess.run(setup + ["--remove-accounts"], capture_output=True, text=True)
        ran.append(guide_form(setup + ["--remove-accounts"], course_file))
        out["remove"] = removed.stdout + removed.stderr
        for u in users:   # fallback when setup failed half-way
            try:
                pwd.getpwnam(u)
                subprocess.run(["userdel", "--remove", u], capture_output=True)
            except KeyError:
                pass
        out["accounts_left"] = [u for u in users if _exists(u)]
        out["timings"]["total"] = time.monotonic() - t_all
        out["hub_log"] = hub.log_tail(3000)
        shutil.rmtree(work, ignore_errors=True)
        for folder, mode in opened:
            os.chmod(folder, mode)
        print(json.dumps({k: v for k, v in out.items() if k != "hub_log"}, indent=1, default=str))
    return out


def guide_form(argv: list[str], course_file: Path) -> str:
    """A command as the instructor guide writes it: paths relative to the repository."""
    words = []
    for word in argv:
        if word == sys.executable:
            word = ".venv/bin/python"
        elif word == str(course_file):
            word = "deploy/course.toml"
        elif word.startswith(f"{ROOT}/"):
            word = word[len(str(ROOT)) + 1:]
        words.append(word)
    return " ".join(words)


def guide_hub_commands() -> list[str]:
    """The commands in the code blocks of the guide's hub section (comments dropped; of a
    pipeline the last command, the one that acts)."""
    text = (ROOT / "book" / "instructors.md").read_text()
    section = text.split("(instructors-hub)=", 1)[1]
    section = section[: section.index("\n## ", section.index("## ") + 3)]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line:
                commands.append(line.split("|")[-1].strip())
    return commands


# The sizing measurement is a separate script: the guide gives it with the numbers it printed.
MEASUREMENT = ".venv/bin/python deploy/load_test.py -n 10 --notebook 01_ml_foundations.ipynb"


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def test_every_user_gets_the_book_and_a_private_home(cycle):
    assert set(cycle["home_modes"].values()) == {"0o700"}
    for user, files in cycle["books"].items():
        assert "00_how_to_use.ipynb" in files and "exercises" in files, (user, files)
    # no instructor versions in anyone's copy of the book
    assert all("instructor" not in files for files in cycle["books"].values())


def test_students_log_in_with_their_unix_password(cycle):
    login = cycle["login"]
    status, location = login["right password"]
    assert status == 302 and "/hub/" in location, login
    assert login["wrong password"][0] == 403, login
    assert login["not on the roster"][0] == 403, login


def test_students_see_the_released_assignment(cycle):
    for kind, listed in cycle["listed"].items():
        assert (ASSIGNMENT, "released") in listed, (kind, listed)


def test_the_notebook_runs_in_the_course_kernel_as_the_student(cycle):
    for kind, (prefix, uid, cwd) in cycle["kernel_env"].items():
        assert Path(prefix) == Path(sys.prefix), (kind, prefix)
        assert int(uid) != 0
        assert cwd.endswith(f"/{ASSIGNMENT}")
    runs = cycle["runs"]
    assert set(runs["full"]) == set(POINTS) and set(runs["full"].values()) == {"passed"}, runs["full"]
    for check, answer in ANSWER_OF.items():
        assert (runs["partial"][check] == "passed") == (answer in PARTIAL_TASKS), runs["partial"]
    assert "passed" not in runs["blank"].values(), runs["blank"]


def test_autograde_gives_full_partial_and_zero(cycle):
    s, grades = cycle["students"], cycle["grades"]
    assert grades[s["full"]] == (MAX_SCORE, MAX_SCORE), grades
    assert grades[s["partial"]] == (PARTIAL_SCORE, MAX_SCORE), grades
    assert grades[s["blank"]] == (0.0, MAX_SCORE), grades


def test_each_student_fetches_their_own_feedback(cycle):
    fb = cycle["feedback"]
    assert fb == {"full": (MAX_SCORE, MAX_SCORE), "partial": (PARTIAL_SCORE, MAX_SCORE), "blank": (0.0, MAX_SCORE)}, fb


def test_no_student_can_read_another_students_work_or_the_instructors(cycle):
    assert cycle["own_read"] == {"own notebook": "read"}   # the probe can read what it should
    for kind, probed in cycle["isolation"].items():
        for target, result in probed.items():
            if target.endswith("full exchange path"):
                continue
            if target.startswith("HTTP"):
                assert result in (403, 404), (kind, target, result)
            else:
                assert result in ("denied", "missing"), (kind, target, result)
                if "name without" not in target:
                    assert result == "denied", (kind, target, result)
    # a submission's folder in the exchange ends in a random part (nbgrader: 9 random bytes),
    # and students cannot list the folder (checked above): nobody can find another's submission
    for name in cycle["submission_names"]:
        assert len(name.rsplit("+", 1)[1]) >= 12, name


def test_everything_the_hub_started_is_stopped_and_accounts_removed(cycle):
    assert cycle["survivors"] == [], cycle["survivors"]
    assert all(not pids for pids in cycle["user_processes"].values()), cycle["user_processes"]
    assert cycle["accounts_left"] == [], cycle["remove"]


def test_the_guide_lists_only_commands_this_test_runs(cycle):
    listed = guide_hub_commands()
    assert len(listed) >= 10, listed
    extra = [c for c in listed if c not in cycle["commands"] and c != MEASUREMENT]
    assert not extra, f"commands in the guide's hub section that the test does not run: {extra}\nran: {cycle['commands']}"
