"""The machinery of the generic bad-input test (issue 29): mutate, run, classify.

A :class:`Case` is one public callable of :mod:`dlcourse` with a small, valid
baseline call. :func:`mutations` derives, from each baseline argument's value, a
catalogue of bad values (None, a string, an object, complex, NaN/inf, empty,
wrong rank, wrong shape, wrong dtype, torch/numpy swapped, negative, zero,
huge); :func:`run_all` calls the callable once per mutation, one argument at a
time, in a child process under a CPU-time limit and a memory limit, and
classifies each result:

* ``clear``  - a TypeError/ValueError/IndexError/KeyError (or one of the
  package's own error classes) raised from inside :mod:`dlcourse` whose message
  names the argument;
* ``raw``    - any other exception (wrong class, raised deep inside NumPy or
  PyTorch, or a message that does not name the argument);
* ``silent`` - a bad value accepted without a whitelisted reason;
* ``legit``  - accepted, and the answer is legitimate (an equivalent value gave
  the baseline's answer, NaN propagated visibly, a huge size computed in time,
  or a whitelisted one-line reason);
* ``hang``   - the call ran past its time limit.

``python tests/bad_input_engine.py --report FILE`` writes the per-module list
of raw, silent and hanging calls.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import multiprocessing as mp
import os
import pkgutil
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

CLASSES = ("clear", "raw", "silent", "legit", "hang")
CPU_LIMIT_S = 3.0  # CPU seconds one call may use (a baseline call takes milliseconds)
WALL_LIMIT_S = 30.0  # backstop for a call blocked without using CPU
MEMORY_HEADROOM = 3 * 1024**3  # bytes of address space a call may add (10**12 elements fail fast)
HUGE = 10**12
# a huge number of these is a request for that much work, not a size to bound: not probed
WORK_ARGS = frozenset({"epochs", "max_epochs", "steps", "length", "max_iter"})
# 0 (and for NEG_OK a negative value) is a valid setting of arguments with these names
ZERO_OK = frozenset({
    "tol", "eps", "threshold", "rtol", "atol", "init_std", "weight_decay", "dropout", "dropout_p", "noise",
    "min_delta", "zero_division", "length_penalty", "const", "baseline", "burn_in", "d", "padding", "pad", "seed",
    "axis", "pad_id", "power", "sample", "temperature_offset", "lineno", "spike", "low", "value",
})
NEG_OK = frozenset({"baseline", "const", "length_penalty", "axis", "slope", "low", "value"})


@dataclass
class Case:
    """One public callable and a valid baseline call of it.

    Args:
        qual: dotted path below ``dlcourse`` (``"metrics.mse"``); for a method,
            ``"linear.LinearRegression.fit"`` together with ``make``.
        args: builds the baseline keyword arguments (fresh objects each call).
        make: builds the instance whose method ``qual`` names.
        ok: ``{(arg, mutation): reason}`` - mutations legitimately accepted;
            ``arg`` or ``mutation`` may be ``"*"``.
        text: arguments that are free text (any string, "" included, is valid).
        anyshape: arguments of elementwise functions (any shape or rank is valid).
        freewidth: arrays whose last axis has no fixed size (image width, sequence length).
        index: integer arrays/tensors of indices (out-of-range probes apply).
        fixed: arguments not mutated (the object under test is elsewhere).
        aliases: other words a clear message may use for an argument.
        reuse: build the instance once per worker (methods that do not mutate it).
    """

    qual: str
    args: Callable[[], dict[str, Any]]
    make: Callable[[], Any] | None = None
    ok: dict[tuple[str, str], str] = field(default_factory=dict)
    text: tuple[str, ...] = ()
    anyshape: tuple[str, ...] = ()
    freewidth: tuple[str, ...] = ()
    index: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reuse: bool = False
    target: Callable[..., Any] | None = None  # called instead of the dlcourse path (planted faults, fit wrappers)
    signature: Callable[..., Any] | None = None  # whose signature gives defaults and optional arguments

    @property
    def module(self) -> str:
        return module_of(self.qual)


def module_of(qual: str) -> str:
    """The subpackage a callable belongs to (top-level helpers count as ``core``)."""
    return qual.split(".")[0] if "." in qual else "core"


@dataclass
class Mutation:
    arg: str
    label: str
    make: Callable[[], Any]
    expect: str  # reject | equiv | huge | nan | lenient
    shown: str


@dataclass
class Result:
    case: str
    arg: str
    label: str
    shown: str
    cls: str
    detail: str


# --------------------------------------------------------------------------- targets


def resolve(case: Case, instance: Any = None) -> Callable[..., Any]:
    """The callable a case calls (a method of ``instance`` when ``case.make`` is set)."""
    if case.target is not None:
        return case.target
    parts = case.qual.split(".")
    if case.make is not None:
        return getattr(instance if instance is not None else case.make(), parts[-1])
    obj: Any = importlib.import_module("dlcourse")
    path = "dlcourse"
    for p in parts:
        path += "." + p
        if not hasattr(obj, p):
            importlib.import_module(path)
        obj = getattr(obj, p)
    return obj


def defaults_of(case: Case) -> dict[str, Any]:
    try:
        target = case.signature if case.signature is not None else resolve(case)
        sig = inspect.signature(target)
    except (TypeError, ValueError, LookupError, AttributeError):
        return {}
    out: dict[str, Any] = {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}
    # an argument annotated "X | None" (or Optional) takes None by contract
    out["__optional__"] = {
        k for k, p in sig.parameters.items()
        if re.search(r"\bNone\b|Optional", str(p.annotation)) and p.annotation is not inspect.Parameter.empty
    }
    return out


# --------------------------------------------------------------------------- catalogue


def _short(value: Any) -> str:
    text = " ".join(repr(value).split())  # one line (arrays print over several)
    return text if len(text) <= 40 else text[:37] + "..."


def mutations(case: Case, baseline: dict[str, Any], defaults: dict[str, Any]) -> list[Mutation]:
    """The bad values tried for each argument, chosen by the baseline value's kind."""
    import numpy as np
    import torch

    out: list[Mutation] = []
    for name, value in baseline.items():
        if name in case.fixed:
            continue
        default = defaults.get(name, inspect.Parameter.empty)
        cat: list[tuple[str, Any, str]] = []  # label, value or zero-arg factory, expect

        def add(label: str, make: Any, expect: str = "reject", cat: list[tuple[str, Any, str]] = cat) -> None:
            cat.append((label, make, expect))

        optional = name in defaults.get("__optional__", ())
        if default is not None and not optional and value is not None and not isinstance(value, bool):
            add("none", None)  # (None for a flag reads as "off": not probed)
        if value is None:
            add("str", "abc")
            add("object", object)
        elif isinstance(value, bool):
            add("str", "no")
        elif isinstance(value, (int, np.integer)):
            v = int(value)
            add("str", str(v))
            add("object", object)
            add("bool", True)
            add("float", v + 0.5)
            add("complex", complex(v, 1))
            add("nan", math.nan)
            if v >= 0 and name not in NEG_OK:
                add("neg", -1)
            if v > 0 and default != 0 and name not in ZERO_OK:
                add("zero", 0)
            if name not in WORK_ARGS:
                add("huge", HUGE, "huge")
        elif isinstance(value, (float, np.floating)):
            f = float(value)
            add("str", str(f))
            add("object", object)
            add("complex", complex(f, 1))
            add("nan", math.nan)
            add("inf", math.inf)
            if f > 0 and name not in NEG_OK:
                add("neg", -1.0)
            if f > 0 and default != 0 and name not in ZERO_OK:
                add("zero", 0.0)
        elif isinstance(value, str):
            add("int", 3)
            add("object", object)
            if name not in case.text:
                add("empty", "", "empty")
                add("unknown", "zzz-unknown")
        elif isinstance(value, np.ndarray):
            cat.extend(_array_catalogue(name, value, case, _paired(name, value, baseline)))
        elif isinstance(value, torch.Tensor):
            cat.extend(_tensor_catalogue(name, value, case, _paired(name, value, baseline)))
        elif isinstance(value, (list, tuple)):
            add("str", "abc")
            add("object", object)
            if len(value) > 0:
                add("empty", type(value)(), "empty")
                bad_elem = 7 if value and isinstance(value[0], str) else "x"
                add("elem", lambda value=value, bad_elem=bad_elem: type(value)([bad_elem, *value[1:]]))
                add("elem_none", lambda value=value: type(value)([None, *value[1:]]))
        elif isinstance(value, dict):
            add("str", "abc")
            add("object", object)
            if value:
                add("empty", {}, "empty")
        else:  # models, callables, dataclasses, dtypes
            add("str", "abc")
            add("object", object)
        for label, make, expect in cat:
            if case.ok.get((name, label), "").startswith("SKIP"):  # "SKIP: reason" - not probed
                continue
            factory = make if callable(make) and not isinstance(make, type) else (lambda make=make: make)
            if make is object:
                factory = object
            shown = "object()" if make is object else _short(make() if callable(make) and make is not object else make)
            out.append(Mutation(name, label, factory, expect, shown))
    return out


def _array_catalogue(name: str, value: Any, case: Case, paired: bool) -> Iterator[tuple[str, Any, str]]:
    import numpy as np
    import torch

    yield "str", "abc", "reject"
    yield "object", object, "reject"
    yield "objdtype", lambda: np.full(value.shape, "a", dtype=object), "reject"
    yield "swap", lambda: torch.as_tensor(value.copy()), "equiv"
    yield "list", lambda: value.tolist(), "equiv"
    if value.dtype.kind in "fi":
        yield "complex", lambda: value.astype(complex) + 1j, "reject"
    if value.dtype.kind == "f" and value.size:
        yield "nan", lambda: _poke(value.copy(), np.nan), "nan"
        # saturating functions map inf to a finite limit (sigmoid(inf) = 1): not wrong for elementwise ones
        yield "inf", lambda: _poke(value.copy(), np.inf), "lenient" if name in case.anyshape else "nan"
    if value.dtype.kind == "i" and value.size:
        yield "frac", lambda: value + 0.5, "reject"
        if name in case.index:
            yield "oob", lambda: _poke(value.copy(), 10**6), "reject"
            yield "negidx", lambda: _poke(value.copy(), -1), "reject"
    yield from _shape_catalogue(name, value, case, paired)


def _tensor_catalogue(name: str, value: Any, case: Case, paired: bool) -> Iterator[tuple[str, Any, str]]:
    import torch

    yield "str", "abc", "reject"
    yield "object", object, "reject"
    yield "swap", lambda: value.detach().clone().numpy(), "equiv"
    if value.dtype.is_floating_point:
        yield "float64", lambda: value.detach().clone().double(), "equiv"
        yield "complex", lambda: value.detach().clone().to(torch.complex64), "reject"
        if value.numel():
            yield "nan", lambda: _poke(value.detach().clone(), float("nan")), "nan"
        yield "intdtype", lambda: value.detach().clone().long(), "lenient"
    elif value.dtype == torch.bool:
        yield "intdtype", lambda: value.clone().long(), "lenient"
    else:
        yield "floatdtype", lambda: value.clone().float() + 0.5, "reject"
        if name in case.index and value.numel():
            yield "oob", lambda: _poke(value.clone(), 10**6), "reject"
            yield "negidx", lambda: _poke(value.clone(), -1), "reject"
    yield from _shape_catalogue(name, value, case, paired)


def _shape_catalogue(name: str, value: Any, case: Case, paired: bool) -> Iterator[tuple[str, Any, str]]:
    """Empty, wrong rank, one sample fewer (when another argument has as many), one feature fewer."""
    free = name in case.anyshape
    if value.ndim and value.shape[0]:
        yield "empty", lambda: value[:0], "legit" if free else "empty"
    if free:
        return
    yield "rank", lambda: value[None], "reject"
    if value.ndim and value.shape[0] > 1 and paired:
        # one item more than its partner (one fewer could make a batch of 1, which broadcasts)
        yield "shape", lambda: value[[*range(value.shape[0]), 0]], "reject"
    if value.ndim >= 2 and value.shape[-1] > 1:
        yield "width", lambda: value[..., :-1], "lenient" if name in case.freewidth else "reject"


def _length(v: Any) -> int | None:
    import numpy as np
    import torch

    if isinstance(v, (np.ndarray, torch.Tensor)):
        return int(v.shape[0]) if v.ndim else None
    if isinstance(v, (list, tuple)):
        return len(v)
    return None


def _paired(name: str, value: Any, baseline: dict[str, Any]) -> bool:
    """Whether another argument has as many items as ``value`` (so one item fewer is a mismatch)."""
    n = _length(value)
    return n is not None and any(k != name and _length(v) == n for k, v in baseline.items())


def _poke(a: Any, v: Any) -> Any:
    a.reshape(-1)[0] = v
    return a


# --------------------------------------------------------------------------- classify

_OWN_ERRORS: tuple[type, ...] = ()


def _own_errors() -> tuple[type, ...]:
    global _OWN_ERRORS
    if not _OWN_ERRORS:
        from dlcourse.data import ChecksumError, DownloadError
        from dlcourse.exercises import CheckAuthorError, ExerciseError

        _OWN_ERRORS = (ChecksumError, DownloadError, ExerciseError, CheckAuthorError)
    return _OWN_ERRORS


CLEAR_TYPES = (TypeError, ValueError, IndexError, KeyError)


def names_argument(message: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(w)}(?![A-Za-z0-9_])", message) for w in words)


def classify_exception(exc: BaseException, words: tuple[str, ...]) -> tuple[str, str]:
    """``("clear" | "raw", detail)`` for an exception raised by a mutated call."""
    msg = f"{type(exc).__name__}: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)
    where = frames[-1].filename if frames else ""
    inside = os.sep + "dlcourse" + os.sep in where
    origin = "" if inside else f" [raised in {os.path.basename(where) or '?'}]"
    clear_type = isinstance(exc, CLEAR_TYPES + _own_errors())
    if clear_type and inside and names_argument(str(exc), words):
        return "clear", msg
    return "raw", msg + origin


def same(a: Any, b: Any) -> bool:
    """Whether two results agree (arrays/tensors numerically; objects by type and fields)."""
    import numpy as np
    import torch

    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    if isinstance(b, torch.Tensor):
        b = b.detach().cpu().numpy()
    if isinstance(a, torch.nn.Module) or isinstance(b, torch.nn.Module):
        return type(a) is type(b)
    if isinstance(a, (np.ndarray, np.generic, float, int)) and isinstance(b, (np.ndarray, np.generic, float, int)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fciub" and b.dtype.kind in "fciub":
            return bool(np.allclose(a, b, rtol=1e-4, atol=1e-6, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, np.ndarray) or isinstance(b, (list, tuple)) and isinstance(
            a, np.ndarray):
        try:
            return same(np.asarray(a), np.asarray(b))
        except (TypeError, ValueError):
            return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b) and not isinstance(a, type):
        return type(a) is type(b) and same(vars(a), vars(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, (str, bytes, bool, type(None))):
        return a == b
    if hasattr(a, "__dict__") and not isinstance(a, type):
        ka = {k: v for k, v in vars(a).items() if not k.startswith("_")}
        kb = {k: v for k, v in vars(b).items() if not k.startswith("_")}
        return same(ka, kb)
    if type(a).__eq__ is object.__eq__:
        return True  # an opaque object (e.g. a statsmodels result): its type matched
    try:
        return bool(a == b)
    except Exception:
        return True


def _first_array(r: Any) -> Any:
    import numpy as np
    import torch

    if isinstance(r, torch.Tensor):
        return r.detach().cpu().numpy()
    if isinstance(r, np.ndarray):
        return r
    if isinstance(r, (list, tuple)) and r:
        return _first_array(r[0])
    if isinstance(r, dict) and r:
        return _first_array(next(iter(r.values())))
    return None


def _batched(result: Any, baseline: Any) -> bool:
    """Whether ``result`` is the baseline's answer with an extra leading axis of size 1."""
    a, b = _first_array(result), _first_array(baseline)
    return a is not None and b is not None and a.shape == (1, *b.shape) and same(a[0], b)


def has_empty(r: Any) -> bool:
    import numpy as np
    import torch

    if isinstance(r, (np.ndarray, torch.Tensor)):
        return int(np.prod(r.shape)) == 0
    if isinstance(r, (list, tuple, str, dict)):
        if len(r) == 0:
            return True
        items = r.values() if isinstance(r, dict) else r
        return not isinstance(r, str) and any(has_empty(x) for x in items)
    return False


def has_nonfinite(r: Any) -> bool:
    import numpy as np
    import torch

    if isinstance(r, torch.Tensor):
        return bool((~torch.isfinite(r.detach().float())).any()) if r.is_floating_point() else False
    if isinstance(r, (float, np.floating)):
        return not math.isfinite(float(r))
    if isinstance(r, np.ndarray) and r.dtype.kind == "f":
        return bool((~np.isfinite(r)).any())
    if isinstance(r, (list, tuple)):
        return any(has_nonfinite(x) for x in r)
    if isinstance(r, dict):
        return any(has_nonfinite(x) for x in r.values())
    if dataclasses.is_dataclass(r) and not isinstance(r, type):
        return has_nonfinite(vars(r))
    return False


def judge_accepted(case: Case, mut: Mutation, result: Any, baseline_result: Any) -> tuple[str, str]:
    for key in ((mut.arg, mut.label), (mut.arg, "*"), ("*", mut.label)):
        if key in case.ok:
            return "legit", "whitelisted: " + case.ok[key]
    if mut.expect in ("huge", "lenient", "legit"):
        return "legit", f"accepted ({mut.expect})"
    if mut.expect == "equiv":
        if same(result, baseline_result):
            return "legit", "accepted: same answer as the baseline"
        return "silent", f"accepted, answer differs from the baseline: {_short(result)}"
    if mut.label == "rank" and _batched(result, baseline_result):
        return "legit", "accepted: a leading axis of 1 is treated as a batch axis (the answer gains it too)"
    if mut.expect == "empty" and has_empty(result):
        return "legit", "accepted: an empty input gave an empty answer"
    if mut.expect == "nan" and has_nonfinite(result):
        return "legit", "accepted: NaN/inf propagated visibly"
    return "silent", f"accepted, returned {_short(result)}"


# --------------------------------------------------------------------------- worker


def _seed() -> None:
    import random

    import numpy as np
    import torch

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(False)


def run_one(case: Case, mut: Mutation | None, cache: dict[str, Any]) -> tuple[str, str]:
    """Run the baseline (``mut`` None) or one mutation in this process."""
    key = case.qual
    if case.reuse and key + "#inst" in cache:
        instance = cache[key + "#inst"]
    else:
        _seed()
        instance = case.make() if case.make is not None else None
        if case.reuse:
            cache[key + "#inst"] = instance
    target = resolve(case, instance)
    kwargs = case.args()
    if mut is not None:
        kwargs[mut.arg] = mut.make()
    _seed()
    try:
        result = target(**kwargs)
    except BaseException as exc:  # noqa: BLE001 - every escape is classified
        if isinstance(exc, KeyboardInterrupt):
            raise
        if mut is None:
            return "baseline-error", f"{type(exc).__name__}: {exc}"
        words = (mut.arg, *case.aliases.get(mut.arg, ()))
        return classify_exception(exc, words)
    finally:
        _close_figures()
    if mut is None:
        cache[key] = result
        return "baseline-ok", ""
    return judge_accepted(case, mut, result, cache.get(key))


def _close_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _worker(conn: Any, cases_module: str, attr: str = "CASES", scratch: str | None = None) -> None:
    import resource
    import tempfile
    import warnings

    warnings.simplefilter("ignore")
    os.environ.setdefault("MPLBACKEND", "Agg")
    scratch = scratch or tempfile.mkdtemp(prefix="dlcourse-badinput-")
    os.chdir(scratch)  # a mutated path ("" or ".") writes here, not in the repo
    tempfile.tempdir = scratch  # and the cases' temporary files too; the pool removes it
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    import torch

    torch.set_num_threads(1)
    mod = importlib.import_module(cases_module)
    cases: list[Case] = getattr(mod, attr)
    with open(f"/proc/{os.getpid()}/statm") as fh:
        vm = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = vm + MEMORY_HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cache: dict[str, Any] = {}
    muts: dict[str, list[Mutation]] = {}
    conn.send("ready")
    while True:
        task = conn.recv()
        if task is None:
            return
        ci, mi = task
        case = cases[ci]
        try:
            if mi < 0:
                cls, detail = run_one(case, None, cache)
            else:
                if case.qual not in muts:
                    muts[case.qual] = mutations(case, case.args(), defaults_of(case))
                cls, detail = run_one(case, muts[case.qual][mi], cache)
        except BaseException as exc:  # noqa: BLE001 - a broken case must not kill the sweep
            cls, detail = "baseline-error", f"harness: {type(exc).__name__}: {exc}"
        conn.send((cls, detail[:300]))


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class Pool:
    """One child process at a time; a hanging call is killed and a new child started."""

    def __init__(self, cases_module: str, attr: str = "CASES") -> None:
        self.cases_module = cases_module
        self.attr = attr
        self.ctx = mp.get_context("forkserver")
        import dlcourse

        subpackages = [
            "dlcourse." + m.name for m in pkgutil.iter_modules(dlcourse.__path__)
            if not m.name.startswith("_") and m.name != "widgets"
        ]
        self.ctx.set_forkserver_preload(["numpy", "torch", "matplotlib.pyplot", *subpackages, cases_module])
        self.proc: Any = None
        self.conn: Any = None
        self.cpu = 0.0  # CPU seconds used by the workers
        self.starts = 0
        import tempfile

        self.scratch = tempfile.mkdtemp(prefix="dlcourse-badinput-")

    def _start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, self.cases_module, self.attr, self.scratch), daemon=True)
        self.proc.start()
        self.starts += 1
        child.close()
        self.conn = parent
        if not self.conn.poll(120):
            raise RuntimeError("bad-input worker did not start")
        self.conn.recv()

    def call(self, ci: int, mi: int) -> tuple[str, str]:
        if self.proc is None or not self.proc.is_alive():
            self._start()
        try:
            self.conn.send((ci, mi))
        except (BrokenPipeError, OSError):
            self._kill()
            return "hang", "worker died before the call"
        cpu0, t0 = _cpu_seconds(self.proc.pid), time.monotonic()
        while True:
            try:
                if self.conn.poll(0.02):
                    result: tuple[str, str] = self.conn.recv()
                    return result
            except (EOFError, OSError):
                self._kill()
                return "raw", f"worker died (exit code {self.proc.exitcode}; e.g. killed by the memory limit)"
            cpu = _cpu_seconds(self.proc.pid) - cpu0
            wall = time.monotonic() - t0
            if cpu > CPU_LIMIT_S or wall > WALL_LIMIT_S:
                self._kill()
                return "hang", f"no answer after {cpu:.1f} s CPU / {wall:.1f} s wall"
            if not self.proc.is_alive():
                self._kill()
                return "raw", f"worker died (exit code {self.proc.exitcode})"

    def _kill(self) -> None:
        if self.proc is not None:
            self.cpu += _cpu_seconds(self.proc.pid)
            self.proc.kill()
            self.proc.join(5)
        self.proc = None

    def close(self) -> None:
        import shutil

        if self.proc is not None and self.proc.is_alive():
            self._kill()
        shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass
class Sweep:
    results: list[Result]
    baseline_errors: dict[str, str]
    seconds: float
    cpu: float = 0.0
    slow: list[tuple[float, str]] = field(default_factory=list)
    n_cases: int | None = None  # cases run (all unless a selection was given)

    def counts(self) -> dict[str, int]:
        return {c: sum(r.cls == c for r in self.results) for c in CLASSES}

    def rate(self) -> float:
        c = self.counts()
        denom = c["clear"] + c["raw"] + c["silent"] + c["hang"]
        return c["clear"] / denom if denom else 1.0

    def summary(self, n_cases: int) -> str:
        n_cases = self.n_cases if self.n_cases is not None else n_cases
        c = self.counts()
        return (
            f"bad-input sweep: {n_cases - len(self.baseline_errors)}/{n_cases} baselines ran, "
            f"{len(self.results)} mutated calls: clear {c['clear']}, raw {c['raw']}, silent {c['silent']}, "
            f"hang {c['hang']}, legitimately accepted {c['legit']}; clear-rejection rate "
            f"{100 * self.rate():.1f}% ({self.seconds:.0f} s wall, {self.cpu:.0f} s CPU)"
        )


def run_all(cases: list[Case], cases_module: str, *, select: Callable[[Case], bool] | None = None,
            attr: str = "CASES") -> Sweep:
    """Run every baseline, then every mutation of the cases whose baseline ran (``cases`` is ``module.attr``)."""
    t0 = time.monotonic()
    pool = Pool(cases_module, attr)
    results: list[Result] = []
    errors: dict[str, str] = {}
    per_case: dict[str, float] = {}
    cpu0 = time.process_time()
    try:
        for ci, case in enumerate(cases):
            if select is not None and not select(case):
                continue
            t1 = time.monotonic()
            cls, detail = pool.call(ci, -1)
            if cls != "baseline-ok":
                errors[case.qual] = f"{cls}: {detail}"
                continue
            muts = mutations(case, case.args(), defaults_of(case))
            for mi, mut in enumerate(muts):
                cls, detail = pool.call(ci, mi)
                if cls.startswith("baseline"):
                    cls, detail = "raw", detail
                results.append(Result(case.qual, mut.arg, mut.label, mut.shown, cls, detail))
            per_case[case.qual] = time.monotonic() - t1
    finally:
        pool.close()
    cpu = pool.cpu + time.process_time() - cpu0
    slow = sorted(((v, k) for k, v in per_case.items()), reverse=True)[:15]
    n_run = sum(1 for c in cases if select is None or select(c))
    return Sweep(results, errors, time.monotonic() - t0, cpu, slow, n_run)


def write_report(sweep: Sweep, cases: list[Case], uncovered: dict[str, str], path: str) -> None:
    lines = [
        "# Bad-input sweep (issue 29): raw, silent and hanging calls by module",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
        "`.venv/bin/python tests/bad_input_engine.py --report FILE` (tests/test_bad_input.py runs the same sweep).",
        "",
        "**" + sweep.summary(len(cases)) + "**",
        "",
        "Classes: clear = TypeError/ValueError/IndexError/KeyError (or the package's own errors) raised inside "
        "dlcourse whose message names the argument; raw = anything else; silent = bad value accepted; "
        "hang = over the time limit. Fix a line by validating the argument with src/dlcourse/_validation.py.",
        "",
    ]
    by_module: dict[str, list[Result]] = {}
    for r in sweep.results:
        if r.cls in ("raw", "silent", "hang"):
            by_module.setdefault(module_of(r.case), []).append(r)
    per_module: dict[str, dict[str, int]] = {}
    for r in sweep.results:
        m = per_module.setdefault(module_of(r.case), dict.fromkeys(CLASSES, 0))
        m[r.cls] += 1
    lines += ["| module | clear | raw | silent | hang | legit | rate |", "|---|---|---|---|---|---|---|"]
    for mod, m in sorted(per_module.items()):
        d = m["clear"] + m["raw"] + m["silent"] + m["hang"]
        lines.append(
            f"| {mod} | {m['clear']} | {m['raw']} | {m['silent']} | {m['hang']} | {m['legit']} | "
            f"{100 * m['clear'] / d if d else 100:.0f}% |"
        )
    lines.append("")
    for mod in sorted(by_module):
        lines += [f"## {mod}", "", "| class | callable | argument | bad value | received |", "|---|---|---|---|---|"]
        for r in sorted(by_module[mod], key=lambda r: ({"hang": 0, "silent": 1, "raw": 2}[r.cls], r.case, r.arg)):
            detail = r.detail.replace("|", "\\|").replace("\n", " ")
            shown = r.shown.replace("|", "\\|")
            lines.append(f"| {r.cls.upper()} | {r.case} | {r.arg} | {r.label}: `{shown}` | {detail} |")
        lines.append("")
    if sweep.baseline_errors:
        lines += ["## Baselines that failed (cases to update)", ""]
        lines += [f"- {k}: {v}" for k, v in sorted(sweep.baseline_errors.items())]
        lines.append("")
    if uncovered:
        lines += ["## Public callables without a baseline (not covered)", ""]
        lines += [f"- {k}: {v}" for k, v in sorted(uncovered.items())]
        lines.append("")
    with open(path, "w") as fh:
        fh.write("\n".join(lines))


def main(argv: list[str]) -> int:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bad_input_cases as bc

    report = argv[argv.index("--report") + 1] if "--report" in argv else None
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    select = (lambda c: c.qual.startswith(only)) if only else None
    sweep = run_all(bc.CASES, "bad_input_cases", select=select)
    print(sweep.summary(len(bc.CASES)))
    for k, v in sweep.baseline_errors.items():
        print("BASELINE", k, v)
    for sec, qual in sweep.slow:
        print(f"slow {sec:6.1f} s {qual}")
    if report:
        write_report(sweep, bc.CASES, bc.uncovered(), report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


# --------------------------------------------------------------------------- enumeration

EXCLUDED_MODULES = ("dlcourse.widgets",)


def public_callables() -> dict[str, str]:
    """``{qual: kind}`` for every public callable of dlcourse (``__all__`` of each public module).

    Classes count as their constructor plus their public methods with at least one
    argument; exception classes, zero-argument methods and private modules are left out.
    """
    import dlcourse

    out: dict[str, str] = {}
    seen: set[int] = set()
    names = ["dlcourse"] + [
        m.name for m in pkgutil.walk_packages(dlcourse.__path__, "dlcourse.")
        if not m.name.startswith(EXCLUDED_MODULES) and not any(p.startswith("_") for p in m.name.split("."))
    ]
    for modname in names:
        mod = importlib.import_module(modname)
        for attr in getattr(mod, "__all__", ()):
            obj = getattr(mod, attr, None)
            if not callable(obj) or id(obj) in seen or attr.startswith("_"):
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            try:
                no_args = not inspect.signature(obj).parameters  # nothing to mutate
            except (TypeError, ValueError):
                no_args = False
            if no_args and not inspect.isclass(obj):
                continue
            seen.add(id(obj))
            base = modname[len("dlcourse."):] if modname != "dlcourse" else ""
            # report under the shortest public path (the package that re-exports it)
            qual = f"{base}.{attr}" if base else attr
            parts = base.split(".")
            if len(parts) > 1:
                qual = f"{parts[0]}.{attr}"
            if not no_args:
                out[qual] = "class" if inspect.isclass(obj) else "function"
            if inspect.isclass(obj):
                for mname, mval in vars(obj).items():
                    if mname.startswith("_") or not inspect.isfunction(mval):
                        continue
                    params = [p for p in inspect.signature(mval).parameters if p not in ("self", "ctx")]
                    if params:
                        out[f"{qual}.{mname}"] = "method"
    return out
