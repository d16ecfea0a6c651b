"""How big a hub does a class need? Start N student servers at once and measure (as root).

    python deploy/load_test.py -n 10 --notebook 01_ml_foundations.ipynb

Creates N temporary student accounts (and the course's instructor account, which is not
started), prepares the course with deploy/setup_course.py, starts JupyterHub with
deploy/jupyterhub_config.py on 127.0.0.1 behind configurable-http-proxy, and then,
through the hub's REST API:

1. asks for all N servers at once and measures the time until every one is ready;
2. measures each student's memory with the server idle: RSS and PSS (proportional set
   size: a page shared by k processes counts 1/k to each) summed over all of that
   student's processes;
3. runs a chapter notebook in every student's kernel at the same time (the student's own
   copy in ~/dlcourse-book, cell by cell through the kernel's WebSocket), measures the
   time until all have finished, the peak memory per student while it ran, and the
   memory with the kernel still open afterwards;

then stops everything and removes the accounts. Prints a table; --json writes the numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import hubdriver as hd  # noqa: E402


def run_notebook(server: hd.UserServer, path: str, errors: dict) -> None:
    nb = server.read_notebook(path)
    kernel = server.kernel(path)
    server.kernel_obj = kernel
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            result = kernel.execute(src, timeout=900)
            if result["ename"]:
                errors.setdefault(server.name, []).append(f"{result['ename']}: {result['evalue']}"[:200])


def measure(n: int, notebook: str, interval: float = 1.0) -> dict:
    if os.geteuid() != 0:
        sys.exit("run as root: it creates accounts and runs the hub as root")
    proxy = hd.find_proxy()
    if proxy is None:
        sys.exit("configurable-http-proxy not found (npm install --prefix .cache/npm configurable-http-proxy@4.6.3)")
    tag = secrets.token_hex(2)
    instructor = f"dlc-linst-{tag}"
    students = [f"dlc-load{i:02d}-{tag}" for i in range(n)]
    work = Path(tempfile.mkdtemp(prefix="dlcourse-load-", dir="/tmp"))
    os.chmod(work, 0o755)
    course_file = work / "course.toml"
    course_file.write_text(f'course_id = "dlcourse"\ninstructor = "{instructor}"\n'
                           f'students = {json.dumps(students)}\nsite = "{work / "site"}"\n'
                           'assignments = ["ex00_how_to_use"]\n')
    setup = [sys.executable, str(HERE / "setup_course.py"), "--course", str(course_file)]
    hub = hd.Hub(course_file, work, proxy)
    opened = []
    result = {"n": n, "notebook": notebook, "cpus": os.cpu_count(), "load_before": os.getloadavg()}
    try:
        opened = hd.open_for_traversal([sys.base_prefix, Path(sys.executable).resolve().parent,
                                        sys.prefix, HERE.parent, work])
        subprocess.run(setup + ["--create-accounts"], check=True, capture_output=True)
        uids = {s: pwd.getpwnam(s).pw_uid for s in students}
        hub.start()
        tokens = {s: hub.user_token(s) for s in students}

        t0 = hub.spawn_all(students)
        ready = hub.wait_ready(students, timeout=600, since=t0)
        result["all_ready_s"] = time.monotonic() - t0
        result["ready_s"] = ready
        time.sleep(5)
        result["idle"] = {s: hd.memory_mib(uids[s]) for s in students}

        servers = {s: hub.user(s, tokens[s]) for s in students}
        errors: dict = {}
        peak = {s: {"rss": 0.0, "pss": 0.0} for s in students}
        done = threading.Event()

        def sample():
            while not done.is_set():
                for s in students:
                    m = hd.memory_mib(uids[s])
                    for k in ("rss", "pss"):
                        peak[s][k] = max(peak[s][k], m[k])
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.monotonic()
        threads = [threading.Thread(target=run_notebook, args=(servers[s], f"dlcourse-book/{notebook}", errors))
                   for s in students]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result["notebook_all_done_s"] = time.monotonic() - t0
        done.set()
        sampler.join()
        result["peak_while_running"] = peak
        time.sleep(2)
        result["kernel_open"] = {s: hd.memory_mib(uids[s]) for s in students}
        result["load_after"] = os.getloadavg()
        result["notebook_errors"] = errors
        for s in students:
            kernel = getattr(servers[s], "kernel_obj", None)
            if kernel:
                kernel.close()
        for s in students:
            hub.stop_server(s)
    finally:
        hub.stop()
        time.sleep(1)
        result["survivors"] = hub.survivors()
        for s in [instructor, *students]:
            try:
                for p in hd.user_processes(pwd.getpwnam(s).pw_uid):
                    p.kill()
            except KeyError:
                pass
        subprocess.run(setup + ["--remove-accounts"], capture_output=True)
        import shutil
        shutil.rmtree(work, ignore_errors=True)
        for folder, mode in opened:
            os.chmod(folder, mode)
    return result


def summary(r: dict) -> str:
    def stats(table, key):
        values = [v[key] for v in table.values()]
        fmt = ".1f" if key == "cpu_s" else ".0f"
        return f"{statistics.mean(values):{fmt}} (min {min(values):{fmt}}, max {max(values):{fmt}})"

    lines = [
        f"{r['n']} student servers started at once on {r['cpus']} CPU cores:",
        f"  all ready after {r['all_ready_s']:.1f} s (first {min(r['ready_s'].values()):.1f} s)",
        f"  memory per student, server idle:          RSS {stats(r['idle'], 'rss')} MiB, PSS {stats(r['idle'], 'pss')} MiB",
        f"  {r['notebook']} in all {r['n']} kernels at once: all done after {r['notebook_all_done_s']:.1f} s",
        f"  memory per student, peak while it ran:    RSS {stats(r['peak_while_running'], 'rss')} MiB, "
        f"PSS {stats(r['peak_while_running'], 'pss')} MiB",
        f"  memory per student, kernel open after it: RSS {stats(r['kernel_open'], 'rss')} MiB, "
        f"PSS {stats(r['kernel_open'], 'pss')} MiB",
        f"  CPU seconds per student: server start {stats(r['idle'], 'cpu_s')}, "
        f"after the notebook {stats(r['kernel_open'], 'cpu_s')}",
        f"  machine load average (1 min) before {r['load_before'][0]:.1f}, after {r['load_after'][0]:.1f}",
        f"  notebook errors: {r['notebook_errors'] or 'none'}; processes left: {r['survivors'] or 'none'}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="number of student servers (default 10)")
    parser.add_argument("--notebook", default="01_ml_foundations.ipynb", help="chapter notebook to run in each kernel")
    parser.add_argument("--json", help="write the measurements here")
    args = parser.parse_args()
    # Ctrl-C or kill: still stop the hub, remove the accounts and restore folder modes.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    r = measure(args.n, args.notebook)
    print(summary(r))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))
    if r["survivors"] or r["notebook_errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
