"""Benchmarks for the book (``make bench``): notebook runtimes, from-scratch vs library speed, seeds, page weight.

Writes ``book/performance.md`` ("How fast is this book?") with the machine's
description and these tables:

1. every chapter and instructor exercise notebook executed in a fresh kernel, two at a time
   on two cores (``--jobs``), each kernel at one math thread: wall-clock and CPU seconds, the
   peak resident memory of the kernel process, and the whole book's wall-clock time
   (only in a full run; ``--ratios-only`` keeps the section of the last full run as it is);
2. the course's from-scratch code against the library that does the same job (RNN, LSTM,
   GRU and multi-head attention forward plus backward against ``torch.nn``; the NumPy
   convolutions against ``torch.nn.functional.conv2d``; TF-IDF against scikit-learn;
   skip-gram against gensim). Each figure is a ratio ours / library measured as at least
   seven *interleaved pairs* (ours, library, ours, library, ...) at one thread count, so a
   change in the machine's load hits both sides of a pair alike; the page gives the median
   ratio, its min-max range over the pairs, and how much the library's own times varied
   (the run's noise);
3. :func:`dlcourse.train.fit_seeds` (K = 5 seeds as one batched model) against five
   separate :func:`dlcourse.train.fit` runs, on the chapters' model sizes, also as pairs;
4. the built site's page weight per chapter (HTML, images, scripts and styles), from
   ``_build/html`` when it exists (``make book`` builds it);
5. the layers on a CUDA device, when there is one (skipped, and said so, without).

The targets of the performance issue are checked in the report (met / missed), not by
timed tests: timings depend on the machine. ``--quick`` runs tiny sizes and no notebooks
(the test suite uses it to prove the script works) and writes to ``--out``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools import nbtools  # noqa: E402

PAGE = nbtools.ROOT / "book" / "performance.md"
HTML = nbtools.ROOT / "_build" / "html"
BUDGET_S = nbtools.TARGET_S
TOTAL_BUDGET_S = nbtools.TOTAL_TARGET_S
PAIRS = 7
#: The clock of the comparisons: "cpu" (this process's processor time; at one thread it does not
#: count the time the process waited for a core while other programs ran) or "wall".
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
_clock = CLOCKS["cpu"]


# ------------------------------------------------------------------------ the machine
def machine() -> dict:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:  # pragma: no cover
        memory = "unknown"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def load_average() -> float | None:
    """The one-minute load average (runnable processes), or None where the OS has none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover
        return None


# ------------------------------------------------------------------------- notebooks
def run_notebook(path: Path, timeout: int = 600) -> tuple[float, float, float]:
    """Execute a notebook in a fresh kernel (outputs discarded): wall seconds, kernel CPU seconds, peak RSS MiB."""
    import psutil
    from nbclient import NotebookClient

    nb = nbtools.read(path)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    me = psutil.Process()
    peak = [0]
    cpu: dict[int, float] = {}  # pid -> last seen user + system seconds
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                    times = child.cpu_times()
                    cpu[child.pid] = times.user + times.system + times.children_user + times.children_system
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            stop.wait(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        elapsed = time.perf_counter() - start
        stop.set()
        watcher.join()
    return elapsed, sum(cpu.values()), peak[0] / 2**20


def _run_notebook_in_process(path: Path) -> tuple[float, float, float]:
    """:func:`run_notebook` in a child process whose kernel uses one math thread (for ``jobs`` > 1)."""
    import json
    import subprocess

    result = subprocess.run([sys.executable, __file__, "--one-notebook", str(path)], capture_output=True,
                            text=True, env={**os.environ, **nbtools.ONE_THREAD})
    if result.returncode != 0:
        raise RuntimeError(f"{path} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    seconds, cpu, mib = json.loads(result.stdout.strip().splitlines()[-1])
    return seconds, cpu, mib


def notebooks_table(jobs: int = 1) -> tuple[list[dict], float]:
    """Every executed notebook: its row, and the wall-clock seconds of the whole set.

    With ``jobs`` > 1 the notebooks run that many at a time, each kernel at one math thread.
    """
    from concurrent.futures import ThreadPoolExecutor

    paths = nbtools.executed_notebooks()
    start = time.perf_counter()
    if jobs == 1:
        results = map(run_notebook, paths)
    else:
        results = ThreadPoolExecutor(jobs).map(_run_notebook_in_process, paths)
    rows = []
    for path, (seconds, cpu, mib) in zip(paths, results):
        kind = "exercise" if "exercises" in path.parts else "chapter"
        rows.append({"notebook": str(path.relative_to(nbtools.ROOT)), "kind": kind, "seconds": seconds,
                     "cpu": cpu, "peak_mib": mib, "budget": BUDGET_S[kind]})
        print(f"{seconds:7.1f} s wall {cpu:7.1f} s cpu {mib:7.0f} MiB  {path.relative_to(nbtools.ROOT)}", flush=True)
    return rows, time.perf_counter() - start


# --------------------------------------------------------------- interleaved pairs
def _block_time(fn: Callable[[], object], reps: int) -> float:
    start = _clock()
    for _ in range(reps):
        fn()
    return (_clock() - start) / reps


def _reps(fn: Callable[[], object], block_s: float) -> int:
    """How many calls make one measurement of about ``block_s`` seconds (at least one)."""
    t = _block_time(fn, 1)
    return max(1, round(block_s / max(t, 1e-9)))


def interleaved(ours: Callable[[], object], library: Callable[[], object], pairs: int = PAIRS,
                block_s: float = 0.2) -> dict:
    """Time ``ours`` and ``library`` as ``pairs`` interleaved pairs; seconds per call and ratio statistics.

    Both are warmed up first. Each measurement is the mean time of a block of calls lasting
    about ``block_s``; pair ``i`` is (ours_i, library_i) measured back to back, and its ratio
    is ours_i / library_i. Returns the median ratio with its min and max, the median times,
    and the library's spread (max - min over its median), the run's noise.
    """
    ours(), library()  # warm-up: first calls allocate and build caches
    reps_ours, reps_lib = _reps(ours, block_s), _reps(library, block_s)
    t_ours, t_lib = [], []
    for _ in range(pairs):
        t_ours.append(_block_time(ours, reps_ours))
        t_lib.append(_block_time(library, reps_lib))
    ratios = [a / b for a, b in zip(t_ours, t_lib)]
    lib_median = statistics.median(t_lib)
    return {"ours_s": statistics.median(t_ours), "library_s": lib_median, "ratio": statistics.median(ratios),
            "ratio_min": min(ratios), "ratio_max": max(ratios), "pairs": pairs,
            "noise": (max(t_lib) - min(t_lib)) / lib_median,
            "ours_noise": (max(t_ours) - min(t_ours)) / statistics.median(t_ours)}


# ---------------------------------------------------------------------------- layers
def _fwd_bwd(module, *inputs):
    def step():
        for p in module.parameters():
            p.grad = None
        out = module(*inputs)
        out = out[0] if isinstance(out, tuple) else out
        out.sum().backward()
    return step


def layer_benchmarks(quick: bool = False, device: str = "cpu", pairs: int = PAIRS) -> list[dict]:
    import numpy as np
    import torch
    from torch import nn
    from torch.nn import functional as F

    from dlcourse import cnn
    from dlcourse.rnn import GRU, LSTM, RNN
    from dlcourse.transformer import MultiHeadAttention

    torch.manual_seed(0)
    block = 0.02 if quick else 0.2
    B, T, H = (4, 5, 16) if quick else (64, 50, 128)
    rows = []
    x = torch.randn(B, T, H, device=device)

    def row(what, size, ours, library, lib_name, target):
        r = interleaved(ours, library, pairs, block)
        r.update(what=what, size=size, library=lib_name, target=target, device=device)
        rows.append(r)
        print(f"{what}: ratio {r['ratio']:.2f} ({r['ratio_min']:.2f}-{r['ratio_max']:.2f}), "
              f"ours {r['ours_s'] * 1e3:.2f} ms, library {r['library_s'] * 1e3:.2f} ms", flush=True)

    for name, ours_cls, torch_cls, target in (("RNN", RNN, nn.RNN, 2.5), ("LSTM", LSTM, nn.LSTM, 1.5),
                                              ("GRU", GRU, nn.GRU, 2.5)):
        ref = torch_cls(H, H, batch_first=True).to(device)
        ours = ours_cls.from_torch(ref).to(device)
        row(f"{name} forward + backward", f"batch {B}, length {T}, width {H}", _fwd_bwd(ours, x), _fwd_bwd(ref, x),
            f"torch.nn.{name}", target)
    d, heads, L = (16, 2, 6) if quick else (128, 8, 64)
    q = torch.randn(B if quick else 32, L, d, device=device)
    ref = nn.MultiheadAttention(d, heads, batch_first=True).to(device)
    ours = MultiHeadAttention.from_torch(ref).to(device)
    row("multi-head self-attention forward + backward", f"batch {q.shape[0]}, length {L}, d_model {d}, {heads} heads",
        _fwd_bwd(ours, q, q, q), _fwd_bwd(ref, q, q, q), "torch.nn.MultiheadAttention", 1.5)
    if device == "cpu":
        n, c, k, hw = (2, 3, 4, 8) if quick else (16, 8, 16, 28)
        rng = np.random.default_rng(0)
        xs, ws, bs = rng.normal(size=(n, c, hw, hw)), rng.normal(size=(k, c, 3, 3)), rng.normal(size=k)
        xt, wt, bt = (torch.from_numpy(a) for a in (xs, ws, bs))
        size = f"{n} images {c}x{hw}x{hw}, {k} kernels 3x3, float64, forward"
        library = lambda: F.conv2d(xt, wt, bt, padding=1)  # noqa: E731
        row("convolution, NumPy loop (the definition)", size, lambda: cnn.conv2d_loop(xs, ws, bs, padding=1),
            library, "torch.nn.functional.conv2d", None)
        row("convolution, NumPy im2col", size, lambda: cnn.conv2d(xs, ws, bs, padding=1), library,
            "torch.nn.functional.conv2d", 10.0)
    return rows


def zipf_documents(n_docs: int, vocab: int, seed: int = 0) -> list[str]:
    import numpy as np

    rng = np.random.default_rng(seed)
    zipf = 1.0 / np.arange(1, vocab + 1)
    return [" ".join(f"w{i}" for i in rng.choice(vocab, size=rng.integers(20, 200), p=zipf / zipf.sum()))
            for _ in range(n_docs)]


def text_benchmarks(quick: bool = False, pairs: int = PAIRS) -> tuple[list[dict], dict]:
    """TF-IDF against scikit-learn (same tokenizer, then each its own) and skip-gram against gensim."""
    import logging

    from gensim.models import Word2Vec
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    from dlcourse.data import analogy_corpus
    from dlcourse.embeddings import train_word2vec
    from dlcourse.text import TfidfVectorizer, tokenize

    block = 0.02 if quick else 0.2
    n_docs, vocab = (50, 200) if quick else (2000, 5000)
    docs = zipf_documents(n_docs, vocab)
    size = f"{n_docs:,} Zipf-distributed documents over {vocab:,} words, fit + transform"
    rule = lambda s: tokenize(s, "rule")  # noqa: E731
    ours = lambda: TfidfVectorizer("rule", sparse_output=True).fit_transform(docs)  # noqa: E731
    same = lambda: SkTfidf(tokenizer=rule, token_pattern=None).fit_transform(docs)  # noqa: E731
    X, Y = ours(), same()
    assert abs(X - Y).max() <= 1e-12, "TF-IDF differs from scikit-learn's"
    rows = []
    for what, library, lib_name, target in (
            ("TF-IDF, same tokenizer (sparse output)", same, "sklearn TfidfVectorizer(tokenizer=rule)", 2.0),
            ("TF-IDF, each its default tokenizer (sparse output)", lambda: SkTfidf().fit_transform(docs),
             "sklearn TfidfVectorizer()", None)):
        r = interleaved(ours, library, pairs, block)
        r.update(what=what, size=size, library=lib_name, target=target, device="cpu")
        rows.append(r)
        print(f"{what}: ratio {r['ratio']:.2f} ({r['ratio_min']:.2f}-{r['ratio_max']:.2f})", flush=True)

    logging.getLogger("gensim").setLevel(logging.ERROR)
    sentences = analogy_corpus(n_sentences=300 if quick else 6000, seed=0).sentences
    words = sum(len(s) for s in sentences)
    epochs = 1 if quick else 5
    settings = dict(sg=1, vector_size=50, window=2, negative=5, min_count=1, epochs=epochs, seed=0)
    r = interleaved(lambda: train_word2vec(sentences, progress=False, **settings),
                    lambda: Word2Vec(sentences, workers=1, **settings), pairs, block_s=0.0)
    r.update(what="skip-gram with negative sampling, training",
             size=f"{words:,} words, {epochs} epoch{'s' if epochs > 1 else ''}, 50 dimensions, window 2, 5 negatives",
             library="gensim Word2Vec (1 worker)", target=None, device="cpu")
    rows.append(r)
    print(f"skip-gram: ratio {r['ratio']:.2f} ({r['ratio_min']:.2f}-{r['ratio_max']:.2f})", flush=True)
    w2v = {"words": words, "epochs": epochs, "ours_wps": words * epochs / r["ours_s"],
           "gensim_wps": words * epochs / r["library_s"]}
    return rows, w2v


# ----------------------------------------------------------------------------- seeds
def seed_benchmarks(quick: bool = False, pairs: int = 5, K: int = 5) -> list[dict]:
    """fit_seeds (K seeds, one batched model) against K separate fit runs, one epoch each."""
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    from dlcourse.rnn import GRU
    from dlcourse.train import fit, fit_seeds

    class SmallGRU(nn.Module):
        def __init__(self, rnn_class=GRU, hidden=32):
            super().__init__()
            self.rnn = rnn_class(2, hidden, batch_first=True)
            self.head = nn.Linear(hidden, 1)

        def forward(self, x):
            return self.head(self.rnn(x)[0][:, -1])

    n = 128 if quick else 1347
    n_seq, length = (64, 10) if quick else (512, 40)
    g = torch.Generator().manual_seed(0)
    cases = [
        ("MLP on digits", f"64-64-10, {n:,} images, batch 64",
         lambda: nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)),
         torch.randn(n, 64, generator=g), torch.randint(0, 10, (n,), generator=g), nn.CrossEntropyLoss(), None),
        ("small CNN on digits", f"conv 8 and 16 channels 3x3 on 8x8 images, {n:,} images, batch 64",
         lambda: nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                               nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(16 * 4 * 4, 10)),
         torch.randn(n, 1, 8, 8, generator=g), torch.randint(0, 10, (n,), generator=g), nn.CrossEntropyLoss(), None),
        ("small GRU (from scratch)", f"input 2, hidden 32, length {length}, {n_seq} sequences, batch 64",
         SmallGRU, torch.randn(n_seq, length, 2, generator=g), torch.randn(n_seq, 1, generator=g), nn.MSELoss(), None),
        ("small GRU, separate runs with torch.nn.GRU", "as above",
         SmallGRU, torch.randn(n_seq, length, 2, generator=g), torch.randn(n_seq, 1, generator=g), nn.MSELoss(),
         lambda: SmallGRU(nn.GRU)),
    ]
    opt = lambda p: torch.optim.Adam(p, lr=1e-3)  # noqa: E731
    rows = []
    for what, size, make, x, y, loss_fn, make_separate in cases:
        data = DataLoader(TensorDataset(x, y), batch_size=64)
        make_separate = make_separate or make

        def separate(make_separate=make_separate, data=data, loss_fn=loss_fn):
            for seed in range(K):
                torch.manual_seed(seed)
                model = make_separate()
                fit(model, data, loss_fn, opt(model.parameters()), epochs=1, progress=False)

        def batched(make=make, data=data, loss_fn=loss_fn):
            fit_seeds(make, range(K), data, loss_fn, opt, epochs=1)

        r = interleaved(batched, separate, pairs, block_s=0.0)  # ratio = batched / separate
        r.update(what=what, size=size, K=K, speedup=1 / r["ratio"], speedup_min=1 / r["ratio_max"],
                 speedup_max=1 / r["ratio_min"])
        rows.append(r)
        print(f"seeds {what}: speed-up {r['speedup']:.2f}x ({r['speedup_min']:.2f}-{r['speedup_max']:.2f})", flush=True)
    return rows


# ------------------------------------------------------------------------ page weight
_TAG = re.compile(r"<(img|script|link|source)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|href|rel)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _references(html: str) -> list[tuple[str, str]]:
    """(tag, local path) of every image, script and style sheet a page loads (not its links to pages)."""
    out = []
    for tag, attrs in _TAG.findall(html):
        found = {k.lower(): v for k, v in _ATTR.findall(attrs)}
        ref = found.get("src") or found.get("href")
        if not ref or (tag.lower() == "link" and "stylesheet" not in found.get("rel", "").lower()):
            continue
        ref = re.split(r"[?#]", ref, maxsplit=1)[0]
        if ref and "://" not in ref and not ref.startswith(("data:", "//", "mailto:")):
            out.append((tag.lower(), ref))
    return out


_FRAME = re.compile(r"""(?:\.\./)*_static/explorers/[\w.-]+\.png""")


def page_weight(html_dir: Path = HTML) -> dict | None:
    """Bytes each chapter page costs a reader: its HTML, its images, its scripts and styles.

    Files referenced by every chapter page (the theme's scripts and styles) are counted
    once, as *shared*; the rest belong to the chapter that references them. None if the
    site has not been built.
    """
    pages = sorted((html_dir / "notebooks").glob("[0-9][0-9]_*.html")) if html_dir.is_dir() else []
    if not pages:
        return None
    refs: dict[Path, dict[str, set[Path]]] = {}
    for page in pages:
        found: dict[str, set[Path]] = {"images": set(), "assets": set()}
        for tag, ref in _references(page.read_text(encoding="utf-8", errors="replace")):
            target = (page.parent / ref).resolve()
            if target.is_file():
                found["images" if tag in ("img", "source") else "assets"].add(target)
        refs[page] = found
    shared = set.intersection(*(r["assets"] for r in refs.values())) if len(refs) > 1 else set()
    rows = []
    for page, found in refs.items():
        html = page.stat().st_size
        images = sum(p.stat().st_size for p in found["images"])
        assets = sum(p.stat().st_size for p in found["assets"] - shared)
        # an explorer's frames: fetched by book/_static/explorers.js when the reader moves a control
        frames = {(page.parent / ref).resolve() for ref in _FRAME.findall(page.read_text(encoding="utf-8", errors="replace"))}
        frames = {f for f in frames if f.is_file()}
        rows.append({"page": page.stem, "html": html, "images": images, "n_images": len(found["images"]),
                     "assets": assets, "total": html + images + assets,
                     "frames": sum(f.stat().st_size for f in frames), "n_frames": len(frames)})
    explorer_dir = html_dir / "_static" / "explorers"
    site_frames = sum(f.stat().st_size for f in explorer_dir.glob("*")) if explorer_dir.is_dir() else 0
    return {"rows": rows, "shared": sum(p.stat().st_size for p in shared), "n_shared": len(shared),
            "site_frames": site_frames}


# ----------------------------------------------------------------------------- report
def _status(ratio: float, target: float | None) -> str:
    if target is None:
        return "(reported)"
    return "met" if ratio <= target else "**missed**"


def _ratio_cell(r: dict) -> str:
    return f"**{r['ratio']:.2f}x** ({r['ratio_min']:.2f}-{r['ratio_max']:.2f})"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f}" if seconds < 10 else f"{seconds * 1e3:,.0f}"


def _kib(n: int) -> str:
    return f"{n / 1024:,.0f}"


def notebook_section(notebooks: list[dict], whole_s: float | None = None, jobs: int = 1) -> list[str]:
    total = sum(r["seconds"] for r in notebooks)
    total_cpu = sum(r["cpu"] for r in notebooks)
    worst = max(notebooks, key=lambda r: r["seconds"] / r["budget"])
    over = [r for r in notebooks if r["seconds"] > r["budget"]]
    how = ("one at a time, as a student would run it" if jobs == 1 else
           f"{jobs} at a time on the {jobs} cores, each kernel at one math thread (as `make execute` runs them)")
    out = ["## Notebooks", "",
           f"Each notebook executed from top to bottom in a fresh kernel, {how};",
           "`make execute` does the same and stores the outputs. *CPU* is the kernel's",
           "processor time (user + system), which does not grow when other programs share the machine;",
           "*peak memory* is the largest resident memory of the kernel process during the run. The budget",
           "is the target for one notebook (a chapter is meant to run in about a minute).", "",
           "| Notebook | Seconds | CPU seconds | Budget (s) | Peak memory (MiB) |", "|---|---:|---:|---:|---:|"]
    for r in notebooks:
        flag = "" if r["seconds"] <= r["budget"] else " **over**"
        out.append(f"| `{r['notebook']}` | {r['seconds']:.1f}{flag} | {r['cpu']:.1f} | {r['budget']:.0f} | "
                   f"{r['peak_mib']:.0f} |")
    whole = total if whole_s is None else whole_s
    out += ["", f"**The whole book: {whole:.0f} s ({whole / 60:.1f} min)** from the first notebook's start to the "
            f"last one's end ({len(notebooks)} notebooks, {total_cpu:.0f} s of CPU, {total:.0f} s if run one "
            f"after the other); target at most {TOTAL_BUDGET_S // 60} min: "
            f"{'met' if whole <= TOTAL_BUDGET_S else '**missed**'}. "
            f"Notebooks over their budget: {len(over)}. Closest to its budget: `{worst['notebook']}` "
            f"({worst['seconds']:.0f} s of {worst['budget']:.0f} s).", ""]
    return out


def _kept_notebook_section(page: Path) -> list[str] | None:
    """The notebook section of the existing page (from the last full run), to keep in a ratios-only run."""
    if not page.exists():
        return None
    text = page.read_text(encoding="utf-8")
    match = re.search(r"^## Notebooks\n.*?(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    if not match:
        return None
    lines = [line for line in match.group(0).rstrip("\n").split("\n") if not line.startswith(KEPT_NOTE[:40])]
    body = lines[1:]
    while body and not body[0].strip():
        body.pop(0)
    return [lines[0], "", KEPT_NOTE, ""] + body + [""]


KEPT_NOTE = ("*These notebook times come from the last full `make bench`; the rest of this page from a later "
             "run that measured only the comparisons (`tools/bench.py --ratios-only`).*")


def render_page_weight(weight: dict | None) -> list[str]:
    out = ["## Page weight", ""]
    if weight:
        total = sum(r["total"] for r in weight["rows"])
        out += ["What a reader downloads for each chapter page of the built site (`_build/html`): the page's",
                "HTML (which includes the explorers' stored settings and tables), the images it shows, and the",
                "scripts and styles only it uses. The scripts and styles every page loads (the theme, MathJax,",
                "the explorers' script), cached by the browser after the first",
                f"page, come to {_kib(weight['shared'])} KiB ({weight['n_shared']} files); what MathJax and the "
                "widget manager fetch later, on demand, is not counted.", "",
                "| Page | HTML (KiB) | Images (KiB) | Own scripts and styles (KiB) | Total (KiB) "
                "| Explorer frames, on use (KiB) |",
                "|---|---:|---:|---:|---:|---:|"]
        for r in weight["rows"]:
            out.append(f"| `{r['page']}` | {_kib(r['html'])} | {_kib(r['images'])} ({r['n_images']}) | "
                       f"{_kib(r['assets'])} | {_kib(r['total'])} | {_kib(r.get('frames', 0))} "
                       f"({r.get('n_frames', 0)}) |")
        out += ["", f"All chapter pages together: {total / 2**20:.1f} MiB. The explorers' frames (pictures at "
                "each setting of their controls) load only when a reader moves a control; the whole site's "
                f"come to {weight.get('site_frames', 0) / 2**20:.1f} MiB.", ""]
    else:
        out += ["The site was not built when this page was generated (`make book` builds it into",
                "`_build/html`); `make bench` then reports each chapter page's weight here.", ""]
    return out


def render(info: dict, notebooks: list[dict] | list[str] | None, layers: list[dict], text_rows: list[dict],
           w2v: dict, seeds: list[dict], weight: dict | None, cuda_layers: list[dict] | None) -> str:
    all_rows = layers + text_rows
    noise = statistics.median(r["noise"] for r in all_rows)
    loads = [x for x in (info.get("load_before"), info.get("load_after")) if x is not None]
    load_text = (f"the one-minute load average was {loads[0]:.1f} before and {loads[-1]:.1f} after the "
                 f"measurements on {info['cores']} cores" if loads else "the load average is not available here")
    if loads and max(loads) > (info["cores"] or 1):
        load_text += (" (more runnable processes than cores: other programs shared the machine, so every time"
                      " below is slower than on an idle one; the ratios, measured in pairs, much less so)")
    out = ["# How fast is this book?", "",
           "<!-- Generated by tools/bench.py (`make bench`). Do not edit by hand. -->", "",
           "Every chapter is meant to run on a laptop CPU in about a minute, and every from-scratch",
           "implementation is meant to be written the way a professional would write it: the same",
           "algorithm as the library's, not a hundred times slower. This page measures both. It is",
           "regenerated by `make bench`; the numbers below come from the machine described here.", "",
           "## The machine", "",
           f"- CPU: {info['cpu']}, {info['cores']} cores; memory {info['memory']}; {info['os']}",
           f"- Python {info['python']}, PyTorch {info['torch']}; the comparisons ran at "
           f"{info['threads']} thread{'s' if info['threads'] != 1 else ''} for both sides (PyTorch and NumPy's BLAS)",
           f"- CUDA device: {info['cuda'] or 'none'}",
           f"- Measured on {info['date']}; {load_text}", ""]
    if isinstance(notebooks, list) and notebooks and isinstance(notebooks[0], str):
        out += notebooks  # kept verbatim from the last full run
    elif notebooks:
        out += notebook_section(notebooks, info.get("notebooks_wall"), info.get("notebook_jobs", 1))  # type: ignore[arg-type]
    else:
        out += ["## Notebooks", "", "Not measured yet: a full `make bench` times every notebook.", ""]
    out += ["## From scratch against the library", "",
            "Forward plus backward pass (forward only for the NumPy convolutions, which have no",
            "autograd) on the CPU. The from-scratch modules are loaded with the library module's weights",
            "(`from_torch`), so both compute the same numbers; the tests prove they agree. Each ratio",
            f"is ours / library, measured as {all_rows[0]['pairs']} interleaved pairs (ours, then the library, "
            "then ours again, ...), each time the mean of",
            "a block of calls lasting about 0.2 s: a change in the machine's load hits both halves of a",
            "pair. The table gives the median ratio and, in brackets, the smallest and largest of the",
            "pairs; *noise* is how much the library's own times varied across the pairs",
            "((max - min) / median). "
            + ("Times are the process's CPU time (user + system), which leaves out the time it waited "
               "for a core while other programs ran." if info.get("clock", "cpu") == "cpu" else
               "Times are wall-clock time."), "",
            f"**How noisy this run was:** the library's times varied by {noise:.0%} (median over the rows); "
            + ("ratios closer together than their ranges are not different." if noise > 0.1 else
               "the machine was quiet enough for the ratios to be read to about a tenth."), "",
            "| What | Size | Ours (ms) | Library | Library (ms) | Ratio (range) | Noise | Target | |",
            "|---|---|---:|---|---:|---:|---:|---:|---|"]
    for r in all_rows:
        target = f"≤ {r['target']}x" if r["target"] else "-"
        out.append(f"| {r['what']} | {r['size']} | {_ms(r['ours_s'])} | `{r['library']}` | {_ms(r['library_s'])} | "
                   f"{_ratio_cell(r)} | {r['noise']:.0%} | {target} | {_status(r['ratio'], r['target'])} |")
    out += ["", f"Skip-gram in words per second: ours {w2v['ours_wps']:,.0f}, gensim {w2v['gensim_wps']:,.0f} "
            f"({w2v['words']:,} words x {w2v['epochs']} epoch{'s' if w2v['epochs'] > 1 else ''} per training).", "",
            "- The recurrent layers run their time loop in Python, one small matrix product per step,",
            "  while `torch.nn` calls a fused C++ kernel for the whole sequence. Ours compute the input",
            "  projections of all steps in one product before the loop; the LSTM also runs each layer as",
            "  one autograd node with its backward pass written out by hand (`LSTMSequence`), so autograd",
            "  no longer records a dozen small operations per step.",
            "- Multi-head attention has no loop at all: heads are a tensor dimension, so ours and",
            "  PyTorch's run the same matrix products.",
            "- The NumPy loop is the definition of convolution, written for reading; im2col turns the",
            "  same computation into one matrix product, which is how libraries do it on CPUs.",
            "- TF-IDF counts each document with a `Counter` straight into a sparse (CSR) matrix and",
            "  weights only its non-zero entries, as scikit-learn does. With the same tokenizer both",
            "  return the same matrix (checked to 1e-12 before timing); with its own defaults scikit-learn",
            "  uses a simpler regular expression than our rule-based tokenizer, which is most of the",
            "  remaining time.",
            "- gensim's skip-gram inner loop is hand-written C that updates one pair at a time; ours draws",
            "  all pairs and negatives of an epoch with NumPy and updates batches of 1,024 pairs.", ""]
    out += ["## Several seeds as one model", "",
            "The book compares models over several seeds. `dlcourse.train.fit_seeds` trains K seeds of a",
            "small model as one batched model (`torch.func.stack_module_state` + `torch.func.vmap`); the",
            "tests prove it equal to K separate `fit` runs to 1e-6. One epoch with Adam, K = "
            f"{seeds[0]['K'] if seeds else 5}, as interleaved pairs (the batched run, then the K separate runs); "
            "the speed-up is the separate runs' time over the batched run's, median and (range).", "",
            "| Model | Size | K separate runs (s) | One batched run (s) | Speed-up (range) | Noise |",
            "|---|---|---:|---:|---:|---:|"]
    for r in seeds:
        out.append(f"| {r['what']} | {r['size']} | {r['library_s']:.2f} | {r['ours_s']:.2f} | "
                   f"**{r['speedup']:.1f}x** ({r['speedup_min']:.1f}-{r['speedup_max']:.1f}) | {r['noise']:.0%} |")
    out += ["", "On models this small most of the time is PyTorch's overhead per operation, not arithmetic,",
            "and the batched model pays it once for all K. `torch.nn.GRU` cannot be batched this way (its",
            "fused kernel has no `vmap` rule), so the batched GRU is the from-scratch `dlcourse.rnn.GRU`;",
            "the last row compares it with five separate runs of `torch.nn.GRU`.", ""]
    out += render_page_weight(weight)
    out += ["## On a GPU", ""]
    if cuda_layers:
        out += ["| What | Size | Ours (ms) | Library (ms) | Ratio (range) |", "|---|---|---:|---:|---:|"]
        out += [f"| {r['what']} | {r['size']} | {_ms(r['ours_s'])} | {_ms(r['library_s'])} | {_ratio_cell(r)} |"
                for r in cuda_layers]
    else:
        out += ["No CUDA device was present on the machine that produced this page, so the GPU",
                "measurements were skipped. Nothing in the book needs a GPU; on a machine with one,",
                "`make bench` adds this table by itself."]
    out.append("")
    return "\n".join(out)


def _update_page_weight(page: Path, weight: dict | None) -> int:
    """Replace the page-weight section of the existing page (after ``make book``)."""
    if weight is None:
        print("no built site: run `make book` first")
        return 1
    if not page.exists():
        print(f"{page} does not exist: run `make bench` once")
        return 1
    text = page.read_text(encoding="utf-8")
    section = "\n".join(render_page_weight(weight)) + "\n"
    new, count = re.subn(r"^## Page weight\n.*?(?=^## )", lambda _: section, text, flags=re.M | re.S)
    if count != 1:
        print(f"{page} has no page-weight section to replace")
        return 1
    page.write_text(new, encoding="utf-8")
    print(f"wrote the page weight into {page}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, no notebooks (for the tests)")
    parser.add_argument("--ratios-only", action="store_true",
                        help="skip the notebooks (minutes); keep the notebook section of the existing page")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both sides (default 1)")
    parser.add_argument("--pairs", type=int, default=PAIRS, help=f"interleaved pairs per ratio (default {PAIRS})")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default=None,
                        help="time the comparisons in process CPU time (default at one thread) or wall-clock "
                             "time (default with more threads, whose CPU times add up)")
    parser.add_argument("--html", type=Path, default=HTML, help="the built site, for the page weight")
    parser.add_argument("--page-weight-only", action="store_true",
                        help="measure only the built site's page weight; keep the rest of the existing page")
    parser.add_argument("--out", type=Path, default=PAGE, help="where to write the page")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="notebooks at a time, one math thread each when more than one (default: 2 on a "
                             "machine with two or more cores)")
    parser.add_argument("--one-notebook", type=Path, help=argparse.SUPPRESS)  # the child process of --jobs
    args = parser.parse_args(argv)
    if args.one_notebook:
        import json

        print(json.dumps(run_notebook(args.one_notebook)))
        return 0
    if args.jobs < 1:
        parser.error(f"--jobs must be a positive number of notebooks at a time; got {args.jobs}")
    if args.page_weight_only:
        return _update_page_weight(args.out, page_weight(args.html))
    import torch

    global _clock
    args.clock = args.clock or ("cpu" if args.threads == 1 else "wall")
    _clock = CLOCKS[args.clock]

    info = machine()
    info["notebook_jobs"] = args.jobs
    notebooks: list | None
    if args.quick:
        notebooks = None
    elif args.ratios_only:
        notebooks = _kept_notebook_section(args.out)
    else:
        notebooks, info["notebooks_wall"] = notebooks_table(args.jobs)
    torch.set_num_threads(args.threads)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=args.threads)  # NumPy's BLAS too: both sides at the same thread count
    info["threads"] = torch.get_num_threads()
    info["clock"] = args.clock
    info["load_before"] = load_average()
    layers = layer_benchmarks(args.quick, pairs=args.pairs)
    text_rows, w2v = text_benchmarks(args.quick, pairs=args.pairs)
    seeds = seed_benchmarks(args.quick, pairs=3 if args.quick else 5)
    cuda_layers = None
    if torch.cuda.is_available():  # kernels run asynchronously: wall-clock time, synchronised
        _clock = lambda: (torch.cuda.synchronize(), time.perf_counter())[1]  # noqa: E731
        cuda_layers = layer_benchmarks(args.quick, device="cuda", pairs=args.pairs)
    info["load_after"] = load_average()
    weight = page_weight(args.html)
    args.out.write_text(render(info, notebooks, layers, text_rows, w2v, seeds, weight, cuda_layers), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
