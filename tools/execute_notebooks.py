"""Execute notebooks in place and store their outputs (``make execute``).

Usage::

    python tools/execute_notebooks.py                 # every chapter and instructor exercise
    python tools/execute_notebooks.py notebooks/00_how_to_use.ipynb

Each notebook runs in a fresh kernel of the current environment, from its own
folder, with widget state stored (so the HTML book can show the widgets' last
state), without per-cell timing metadata, and with personal metadata removed.
The wall-clock time of each notebook is printed and checked against the budget:
90 s for a chapter, 45 s for an exercise on the reference 2-core CPU; the exit status
is 1 when any notebook is over budget (its outputs are still stored). The kernel is
always this interpreter's own (the pinned environment), never another installed one.

``--jobs N`` runs N notebooks at a time, each in its own process whose kernel uses one
math thread (the default on a machine with at least two cores is 2: the whole book on
two cores in about half the time of one after the other).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402


def budget(path: Path) -> float:
    return nbtools.HARD_BUDGET_S[nbtools.notebook_kind(path)]


def pinned_kernel():
    """A kernel manager whose python3 kernel is this interpreter (the pinned .venv).

    Without this, a ``python3`` kernelspec installed elsewhere on the machine (a system
    Jupyter, another venv) could run the notebook with other package versions.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    specs = KernelSpecManager()
    specs.kernel_dirs = []  # ignore installed kernelspecs: only the native kernel of sys.executable
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    argv0 = manager.kernel_spec.argv[0]
    if Path(argv0).resolve() != Path(sys.executable).resolve():
        raise SystemExit(f"the python3 kernel would run {argv0}, not this environment's {sys.executable}")
    return manager


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbtools.read(path)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    # The kernel inherits the environment: a non-interactive MPLBACKEND (Agg, as the test
    # run sets) would make plt.show() draw nothing, and the book would lose its figures.
    os.environ.pop("MPLBACKEND", None)
    manager = pinned_kernel()
    client = NotebookClient(
        nb,
        km=manager,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,
    )
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        # nbclient leaves a kernel it was given running: stop it, so that it does not
        # outlive this tool (and so that /usr/bin/time counts its CPU time).
        if manager.has_kernel:
            manager.shutdown_kernel(now=False)
    elapsed = time.perf_counter() - start
    nbtools.clean_metadata(nb)
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
    return elapsed


def execute_in_process(path: Path, timeout: int = 600) -> float:
    """Execute one notebook in a child process whose kernel uses one math thread (for --jobs)."""
    result = subprocess.run([sys.executable, __file__, "--jobs", "1", "--timeout", str(timeout), str(path)],
                            env={**os.environ, **nbtools.ONE_THREAD}, capture_output=True, text=True)
    if result.returncode not in (0, 1):  # 1 = over budget, reported by the caller
        raise RuntimeError(f"executing {path} failed:\n{result.stdout}{result.stderr}")
    return float(result.stdout.split()[0])  # the child's own report: "  12.3 s  path"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all executed ones)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks at a time, one math thread each when more than one (default: 2 "
                             "on a machine with two or more cores)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive number of notebooks at a time; got {args.jobs}")
    paths = [p.resolve() for p in args.paths] or nbtools.executed_notebooks()
    over = []
    start = time.perf_counter()
    if args.jobs == 1 or len(paths) == 1:
        times = (execute(path, args.timeout) for path in paths)
    else:
        pool = ThreadPoolExecutor(args.jobs)
        times = pool.map(lambda p: execute_in_process(p, args.timeout), paths)
    for path, elapsed in zip(paths, times):
        limit = budget(path)
        flag = "" if elapsed <= limit else f"  OVER BUDGET ({limit:.0f} s)"
        print(f"{elapsed:7.1f} s  {path.relative_to(nbtools.ROOT)}{flag}", flush=True)
        if elapsed > limit:
            over.append(path)
    if len(paths) > 1:
        print(f"{time.perf_counter() - start:7.1f} s  all {len(paths)} notebooks, {args.jobs} at a time", flush=True)
    if over:
        print(f"{len(over)} notebook(s) over budget on this machine (the budget is for an idle 2-core CPU); "
              "outputs were stored, but make them faster before committing.")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
