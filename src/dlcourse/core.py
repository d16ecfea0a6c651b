"""Reproducibility, device choice and source display used by every chapter."""
from __future__ import annotations

import inspect
import os
import random
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validation import check_int

if TYPE_CHECKING:  # torch is imported lazily: `import dlcourse` stays light
    import torch

__all__ = ["seed_everything", "device", "show_source", "SourceCode"]


def seed_everything(seed: int = 0, *, deterministic: bool = True) -> int:
    """Seed Python's ``random``, NumPy and PyTorch so a notebook gives the same numbers twice.

    Parameters
    ----------
    seed:
        A non-negative integer below ``2**32`` (NumPy's limit).
    deterministic:
        When true, ask PyTorch for deterministic algorithms where they exist
        (``torch.use_deterministic_algorithms(True, warn_only=True)``) and turn
        off cuDNN's benchmark autotuner, whose choice of kernel can vary between runs.

    Returns
    -------
    int
        The seed, so a notebook can print what it used.

    Example
    -------
    >>> import numpy as np
    >>> _ = seed_everything(0); a = np.random.rand()
    >>> _ = seed_everything(0); b = np.random.rand()
    >>> a == b
    True
    """
    seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    if not isinstance(deterministic, bool):
        raise TypeError(f"deterministic must be True or False; got {type(deterministic).__name__} ({deterministic!r:.40}).")
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)  # affects subprocesses only
    import torch

    torch.manual_seed(seed)  # also seeds every CUDA device
    if deterministic:
        # cuBLAS needs this workspace setting for deterministic matrix products on CUDA >= 10.2.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        if hasattr(torch.backends, "cudnn"):
            torch.backends.cudnn.benchmark = False
            torch.backends.cudnn.deterministic = True
    return seed


def device(prefer: str | None = None) -> torch.device:
    """Return the best available ``torch.device``: CUDA, then Apple MPS, then CPU.

    Parameters
    ----------
    prefer:
        ``None`` (default) picks automatically; ``"cpu"``, ``"cuda"`` or ``"mps"``
        forces a device and raises ``ValueError`` if it is not available.
        The environment variable ``DLCOURSE_DEVICE`` overrides the automatic
        choice, which is handy to force the CPU on a machine with a GPU.

    Example
    -------
    >>> device("cpu")
    device(type='cpu')
    """
    import torch

    available = {"cpu": True, "cuda": torch.cuda.is_available()}
    mps = getattr(torch.backends, "mps", None)
    available["mps"] = bool(mps is not None and mps.is_available())
    if prefer is None:
        prefer = os.environ.get("DLCOURSE_DEVICE") or None
    if prefer is None:
        for name in ("cuda", "mps", "cpu"):
            if available[name]:
                return torch.device(name)
    if prefer not in available:
        raise ValueError(f"prefer must be one of 'cpu', 'cuda', 'mps' or None; got {prefer!r}.")
    if not available[prefer]:
        raise ValueError(
            f"prefer={prefer!r} was requested but no {prefer} device is available here; "
            "pass prefer=None to choose automatically."
        )
    return torch.device(prefer)


class SourceCode:
    """The source of a Python object; highlighted HTML in a notebook, plain text elsewhere.

    Jupyter calls :meth:`_repr_html_` when an instance is the last value of a cell;
    ``print`` and ``str`` give plain text.
    """

    def __init__(self, code: str, name: str, filename: str | None = None, lineno: int | None = None):
        self.code = code
        self.name = name
        self.filename = filename
        self.lineno = lineno

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return self.code

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        # Inline styles: the highlighting survives in GitHub, Colab and the HTML book
        # without a stylesheet.
        formatter = HtmlFormatter(noclasses=True, style="default", nobackground=True)
        body = highlight(self.code, PythonLexer(), formatter)
        where = ""
        if self.filename:
            where = f" <span style='color:#666'>({self.filename}, line {self.lineno})</span>"
        return (
            f"<div class='dlcourse-source'><div style='font-size:85%'><b>Source of "
            f"<code>{self.name}</code></b>{where}</div>{body}</div>"
        )


def show_source(obj: Any) -> SourceCode:
    """Return the source code of a function, class or module for reading in a notebook.

    The result renders as highlighted code when it is the last value of a notebook
    cell and as plain text with ``print``. The file is given relative to the
    ``dlcourse`` package, so no path of the author's machine leaks into outputs.

    Raises
    ------
    TypeError
        If ``obj`` has no retrievable Python source (a built-in, or an instance).

    Example
    -------
    >>> src = show_source(seed_everything)
    >>> str(src).startswith("def seed_everything")
    True
    """
    try:
        code = inspect.getsource(obj)
    except (TypeError, OSError) as exc:
        raise TypeError(
            f"obj must be a Python function, class, method or module with source code; "
            f"got {type(obj).__name__} ({exc}). Pass the function itself, not its result."
        ) from None
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", type(obj).__name__))
    filename = lineno = None
    try:
        path = inspect.getsourcefile(obj)
        _, lineno = inspect.getsourcelines(obj)
        if path:
            parts = path.replace(os.sep, "/").split("/")
            filename = "/".join(parts[parts.index("dlcourse"):]) if "dlcourse" in parts else parts[-1]
    except (TypeError, OSError):
        pass
    return SourceCode(textwrap.dedent(code), name, filename, lineno or None)
