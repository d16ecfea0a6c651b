"""JupyterHub for a course running this book, on one machine (run the hub as root).

    jupyterhub -f deploy/jupyterhub_config.py

The course (instructor, students, shared folders) comes from deploy/course.toml or the
file named by DLCOURSE_COURSE; run deploy/setup_course.py once before. Each user logs
in with their Unix password (PAM) and gets their own single-user Jupyter server,
started by the hub as that Unix user (LocalProcessSpawner), in the environment the hub
itself runs in: the book's pinned requirements plus ``dlcourse`` (the "course
environment"). nbgrader's extensions are part of it: students see an Assignments tab
(fetch, submit, fetch feedback), the instructor runs ``nbgrader`` in a terminal.

Settings that a machine or a test changes, from the environment:

    DLCOURSE_HUB_URL         public address (default http://127.0.0.1:8000)
    DLCOURSE_HUB_PORT        the hub's internal port (default 8081)
    DLCOURSE_PROXY_API_URL   the proxy's REST API (default http://127.0.0.1:8001)
    CONFIGURABLE_HTTP_PROXY  the proxy program (default: the Makefile's project-local
                             .cache/npm install, else configurable-http-proxy on PATH)
    DLCOURSE_HUB_ADMIN_TOKEN if set: the token of a "course-admin" service that may
                             create users' tokens and start/stop their servers (what the
                             integration test and deploy/load_test.py use); never give
                             it to students.
"""
import os
import pwd
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from setup_course import load_course  # noqa: E402

c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)
course = load_course()
site = Path(course["site"])
env_bin = Path(sys.executable).parent  # the course environment (where jupyterhub runs)

# --- network: everything on localhost unless the machine says otherwise ---------------
c.JupyterHub.bind_url = os.environ.get("DLCOURSE_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("DLCOURSE_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = os.environ.get("DLCOURSE_PROXY_API_URL", "http://127.0.0.1:8001")
proxy = (os.environ.get("CONFIGURABLE_HTTP_PROXY")
         or next((str(p) for p in [HERE.parent / ".cache/npm/node_modules/.bin/configurable-http-proxy"] if p.exists()), None)
         or shutil.which("configurable-http-proxy") or "configurable-http-proxy")
c.ConfigurableHTTPProxy.command = [proxy]
c.ConfigurableHTTPProxy.pid_file = str(site / "hub" / "proxy.pid")

# --- the hub's own state ---------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{site / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(site / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server

# --- who may log in: the roster, nobody is a hub admin (an admin can open any server) --
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {course["instructor"], *course["students"]}
c.Authenticator.admin_users = set()

# --- each user's server: their Unix account, their home, the course environment ----------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(env_bin / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    # the course environment first: kernels, `nbgrader` in a terminal, nbgrader's helpers
    "PATH": os.pathsep.join([str(env_bin), "/usr/local/bin", "/usr/bin", "/bin"]),
    # nbgrader_config.py with the course id and the exchange, read by every server
    "JUPYTER_CONFIG_PATH": str(site / "jupyter"),
}
c.Spawner.env_keep = ["LANG", "LC_ALL", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONHASHSEED"]
# Many servers starting at once on a small machine take a while: wait up to 2 minutes.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def give_the_book(spawner):
    """First start: a private, writable copy of the book's notebooks in ~/dlcourse-book."""
    user = pwd.getpwnam(spawner.user.name)
    dest = Path(user.pw_dir) / "dlcourse-book"
    if dest.exists() or not (site / "book").exists():
        return
    shutil.copytree(site / "book", dest)
    for dirpath, _dirnames, filenames in os.walk(dest):
        os.chown(dirpath, user.pw_uid, user.pw_gid)
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), user.pw_uid, user.pw_gid)
            os.chmod(os.path.join(dirpath, name), 0o644)


c.Spawner.pre_spawn_hook = give_the_book

# --- the course-admin service (tests, load measurement, scripted administration) -------
if os.environ.get("DLCOURSE_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services = [{"name": "course-admin", "api_token": os.environ["DLCOURSE_HUB_ADMIN_TOKEN"]}]
    c.JupyterHub.load_roles = [{
        "name": "course-admin",
        "description": "create users' tokens, start and stop their servers",
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
        "services": ["course-admin"],
    }]
