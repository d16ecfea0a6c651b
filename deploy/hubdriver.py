"""Drive a running JupyterHub the way its users' browsers do: over HTTP and WebSockets.

Used by tests/test_hub.py and deploy/load_test.py. Everything goes through the hub's
public address (the configurable-http-proxy): the hub's REST API with the course-admin
service token, and each user's own single-user server with a token the hub issued to
that user. Nothing here touches a user's files directly: a user's files are read,
written and executed only by that user's server, as that Unix user.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import websocket

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PROXY_LOCAL = REPO / ".cache" / "npm" / "node_modules" / ".bin" / "configurable-http-proxy"


def find_proxy() -> str | None:
    """configurable-http-proxy: $CONFIGURABLE_HTTP_PROXY, the Makefile's local install, or PATH."""
    import shutil

    for candidate in (os.environ.get("CONFIGURABLE_HTTP_PROXY"), str(PROXY_LOCAL), shutil.which("configurable-http-proxy")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def open_for_traversal(paths) -> list[tuple[Path, int]]:
    """Let every user pass through (o+x, not read) the folders above ``paths``.

    The course environment must be usable by every student. Here the pinned .venv is built
    on a Python installed under /root (pyenv), which is closed to other users; the test
    opens such folders for traversal only while it runs and restores their modes after.
    """
    changed = []
    for path in paths:
        path = Path(path).resolve()
        for folder in [path, *path.parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH and all(folder != c[0] for c in changed):
                os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)
                changed.append((folder, stat.S_IMODE(mode)))
    return changed


class HubError(RuntimeError):
    pass


@dataclass
class Hub:
    """A JupyterHub process started with deploy/jupyterhub_config.py."""

    course_file: Path
    workdir: Path
    proxy: str
    url: str = ""
    token: str = field(default_factory=lambda: secrets.token_hex(32))
    process: subprocess.Popen | None = None
    seen_pids: set = field(default_factory=set)

    def start(self, timeout: float = 120) -> "Hub":
        public, hub_port, api_port = free_ports(3)
        self.url = f"http://127.0.0.1:{public}"
        env = dict(os.environ,
                   DLCOURSE_COURSE=str(self.course_file),
                   DLCOURSE_HUB_URL=self.url,
                   DLCOURSE_HUB_PORT=str(hub_port),
                   DLCOURSE_PROXY_API_URL=f"http://127.0.0.1:{api_port}",
                   CONFIGURABLE_HTTP_PROXY=self.proxy,
                   DLCOURSE_HUB_ADMIN_TOKEN=self.token)
        env.pop("MPLBACKEND", None)
        env.setdefault("OMP_NUM_THREADS", "1")
        env.setdefault("MKL_NUM_THREADS", "1")
        self.log = open(self.workdir / "hub.log", "w")
        # The command of the instructor guide: jupyterhub -f deploy/jupyterhub_config.py
        self.command = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]
        self.process = subprocess.Popen(
            self.command,
            cwd=self.workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"the hub exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    self.track()
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise HubError(f"the hub did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 6000) -> str:
        try:
            return (self.workdir / "hub.log").read_text()[-n:]
        except OSError:
            return ""

    def track(self) -> None:
        """Remember every process the hub started (proxy, servers, kernels, terminals)."""
        try:
            hub = psutil.Process(self.process.pid)
            self.seen_pids |= {(p.pid, p.create_time()) for p in [hub, *hub.children(recursive=True)]}
        except psutil.NoSuchProcess:
            pass

    # --- the hub's REST API, as the course-admin service ---------------------------------
    def api(self, method: str, path: str, **kw) -> requests.Response:
        r = requests.request(method, f"{self.url}/hub/api{path}",
                             headers={"Authorization": f"token {self.token}"}, timeout=60, **kw)
        if r.status_code >= 400:
            raise HubError(f"{method} /hub/api{path}: {r.status_code} {r.text[:500]}")
        return r

    def user_token(self, name: str) -> str:
        return self.api("POST", f"/users/{name}/tokens",
                        json={"note": "dlcourse hub driver", "expires_in": 3600}).json()["token"]

    def spawn(self, name: str) -> None:
        self.api("POST", f"/users/{name}/server")

    def spawn_all(self, names: list[str]) -> float:
        """Ask for all these servers at once (one request each, in parallel); return the start time."""
        from concurrent.futures import ThreadPoolExecutor

        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(names)) as pool:
            list(pool.map(self.spawn, names))
        return t0

    def wait_ready(self, names: list[str], timeout: float = 240, since: float | None = None) -> dict[str, float]:
        """Seconds from ``since`` (default: now) until each server is ready (the hub says so)."""
        t0, ready = since or time.monotonic(), {}
        while len(ready) < len(names):
            if time.monotonic() - t0 > timeout:
                raise HubError(f"servers not ready after {timeout} s: {sorted(set(names) - set(ready))}\n{self.log_tail()}")
            for name in names:
                if name in ready:
                    continue
                model = self.api("GET", f"/users/{name}").json()
                server = (model.get("servers") or {}).get("")
                if server and server.get("ready"):
                    ready[name] = time.monotonic() - t0
                elif not server or not server.get("pending"):
                    if not server:
                        raise HubError(f"{name}'s server stopped while starting:\n{self.log_tail()}")
            time.sleep(0.25)
        self.track()
        return ready

    def stop_server(self, name: str, timeout: float = 60) -> None:
        self.api("DELETE", f"/users/{name}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.api("GET", f"/users/{name}").json().get("servers"):
                return
            time.sleep(0.25)
        raise HubError(f"{name}'s server did not stop within {timeout} s")

    def stop(self, timeout: float = 60) -> None:
        """Stop the hub (SIGTERM: it stops the servers it started and its proxy)."""
        if self.process and self.process.poll() is None:
            self.track()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if getattr(self, "log", None):
            self.log.close()

    def survivors(self) -> list[str]:
        """Processes the hub started that are still running."""
        alive = []
        for pid, created in self.seen_pids:
            try:
                p = psutil.Process(pid)
                if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{pid} {p.username()} {' '.join(p.cmdline())[:120]}")
            except psutil.NoSuchProcess:
                pass
        return alive

    def login(self, name: str, password: str) -> tuple[int, str, set]:
        """The hub's login form, as a browser submits it: (status, redirect target, cookie names)."""
        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=60)
        xsrf = session.cookies.get("_xsrf", "")
        r = session.post(f"{self.url}/hub/login", data={"username": name, "password": password, "_xsrf": xsrf},
                         allow_redirects=False, timeout=60)
        return r.status_code, r.headers.get("Location", ""), set(session.cookies.keys())

    def user(self, name: str, token: str | None = None) -> "UserServer":
        return UserServer(self, name, token or self.user_token(name))


@dataclass
class UserServer:
    """One user's single-user server, reached through the hub's proxy with that user's token."""

    hub: Hub
    name: str
    token: str

    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def request(self, method: str, path: str, ok=True, **kw) -> requests.Response:
        r = requests.request(method, f"{self.base}{path}", headers={"Authorization": f"token {self.token}"},
                             timeout=kw.pop("timeout", 300), allow_redirects=False, **kw)
        if ok and r.status_code >= 400:
            raise HubError(f"{self.name}: {method} {path}: {r.status_code} {r.text[:800]}")
        return r

    # --- files (the contents API: what JupyterLab's file browser and editor use) ----------
    def read_notebook(self, path: str) -> dict:
        return self.request("GET", f"/api/contents/{path}", params={"content": 1}).json()["content"]

    def write_notebook(self, path: str, nb: dict) -> None:
        self.request("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})

    def listdir(self, path: str = "") -> list[str]:
        return [item["name"] for item in self.request("GET", f"/api/contents/{path}").json()["content"]]

    def read_text(self, path: str) -> str:
        return self.request("GET", f"/api/contents/{path}", params={"content": 1, "format": "text", "type": "file"}).json()["content"]

    # --- nbgrader's Assignments tab (nbgrader's server extension) ---------------------------
    def assignments(self, action: str, course_id: str, assignment_id: str):
        return self.request("POST", f"/assignments/{action}",
                            json={"course_id": course_id, "assignment_id": assignment_id}).json()

    def assignment_list(self, course_id: str):
        return self.request("GET", "/assignments", params={"course_id": course_id}).json()

    # --- kernels ---------------------------------------------------------------------------
    def kernel(self, path: str | None = None, kernel_name: str = "python3") -> "Kernel":
        """A kernel of its own; with ``path``, a notebook session (kernel cwd = the notebook's folder)."""
        if path is None:
            model = self.request("POST", "/api/kernels", json={"name": kernel_name}).json()
            return Kernel(self, model["id"], None)
        model = self.request("POST", "/api/sessions", json={
            "path": path, "name": Path(path).name, "type": "notebook", "kernel": {"name": kernel_name}}).json()
        return Kernel(self, model["kernel"]["id"], model["id"])

    # --- terminals (JupyterLab's File > New > Terminal) --------------------------------------
    def terminal(self) -> "Terminal":
        return Terminal(self, self.request("POST", "/api/terminals").json()["name"])

    def websocket(self, path: str) -> websocket.WebSocket:
        url = self.base.replace("http://", "ws://", 1) + path
        return websocket.create_connection(url, header=[f"Authorization: token {self.token}"],
                                           suppress_origin=True, timeout=300)


class Kernel:
    def __init__(self, server: UserServer, kernel_id: str, session_id: str | None):
        self.server, self.id, self.session_id = server, kernel_id, session_id
        self.session = uuid.uuid4().hex
        self.ws = server.websocket(f"/api/kernels/{kernel_id}/channels?session_id={self.session}")

    def execute(self, code: str, timeout: float = 300) -> dict:
        """Run ``code``; return {'status', 'stdout', 'stderr', 'ename', 'evalue', 'result'}."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.server.name, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())},
            "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": False}}))
        out = {"status": None, "stdout": "", "stderr": "", "ename": None, "evalue": None, "result": None}
        idle = False
        deadline = time.monotonic() + timeout
        while not (idle and out["status"]):
            if time.monotonic() > deadline:
                raise HubError(f"{self.server.name}: kernel did not finish within {timeout} s: {code[:200]}")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out[content["name"]] += content["text"]
            elif kind == "execute_result":
                out["result"] = content["data"].get("text/plain")
            elif kind == "error":
                out["ename"], out["evalue"] = content["ename"], content["evalue"]
            elif kind == "execute_reply":
                out["status"] = content["status"]
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return out

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            if self.session_id:
                self.server.request("DELETE", f"/api/sessions/{self.session_id}")
            else:
                self.server.request("DELETE", f"/api/kernels/{self.id}")


class Terminal:
    def __init__(self, server: UserServer, name: str):
        self.server, self.name = server, name
        self.ws = server.websocket(f"/terminals/websocket/{name}")

    def run(self, command: str, timeout: float = 600) -> tuple[int, str]:
        """Type ``command`` and Enter; return (exit status, everything the terminal showed)."""
        tag = uuid.uuid4().hex[:8]
        self.ws.send(json.dumps(["stdin", f"{command}; echo __rc_{tag}=$?__\r"]))
        pattern = re.compile(rf"__rc_{tag}=(\d+)__")
        shown, deadline = "", time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg[0] == "stdout":
                shown += msg[1]
                match = pattern.search(shown)
                if match:
                    return int(match.group(1)), shown
        raise HubError(f"{self.server.name}: terminal command did not finish in {timeout} s: {command}\n{shown[-3000:]}")

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.server.request("DELETE", f"/api/terminals/{self.name}")


def user_processes(uid: int) -> list[psutil.Process]:
    procs = []
    for p in psutil.process_iter(["uids"]):
        try:
            if p.info["uids"] and p.info["uids"].real == uid:
                procs.append(p)
        except psutil.NoSuchProcess:
            pass
    return procs


def memory_mib(uid: int) -> dict[str, float]:
    """RSS and PSS (proportional set size: shared pages split among their users) of a user's
    running processes, in MiB, and the CPU seconds they have used so far."""
    rss = pss = cpu = 0.0
    n = 0
    for p in user_processes(uid):
        try:
            info = p.memory_full_info()
            times = p.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += info.pss
        cpu += times.user + times.system
        n += 1
    return {"rss": rss / 2**20, "pss": pss / 2**20, "cpu_s": cpu, "processes": n}
