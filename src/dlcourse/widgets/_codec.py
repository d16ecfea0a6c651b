"""Exact, compact storage of explorer results (see :mod:`dlcourse.widgets.static`).

:func:`encode` turns a result of an explorer's ``compute`` into JSON-ready data and
:func:`decode` turns it back into an equal value: arrays keep dtype, shape and bytes
(each distinct array stored once), NumPy scalars their type, tuples stay tuples.
"""
from __future__ import annotations

import base64
import hashlib
import importlib
import json
import math
import zlib
from collections import Counter, OrderedDict
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = ["encode", "decode"]

class _Unencodable(TypeError):
    pass


def encode(value: Any, arrays: dict[str, int], blobs: list[str]) -> Any:
    """``value`` as JSON-ready data that :func:`decode` turns back into an equal value.

    Exact: arrays keep dtype, shape and bytes (stored once in ``blobs``, base64; ``arrays``
    maps a digest to its index), NumPy scalars their type, tuples stay tuples. Raises
    ``TypeError`` for anything else (a model, a tensor, a custom object).
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and type(value) is int:
        return value
    if isinstance(value, float) and type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufcU":
        raw = np.ascontiguousarray(value).tobytes()
        digest = hashlib.sha1(raw + value.dtype.str.encode() + str(value.shape).encode()).hexdigest()
        if digest not in arrays:
            arrays[digest] = len(blobs)
            blobs.append(base64.b64encode(raw).decode("ascii"))
        return {"__nd__": [value.dtype.str, list(value.shape), arrays[digest]]}
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return {"__np__": [value.dtype.str, base64.b64encode(value.tobytes()).decode("ascii")]}
    if isinstance(value, tuple) and type(value) is tuple:
        return {"__tuple__": [encode(v, arrays, blobs) for v in value]}
    if isinstance(value, list) and type(value) is list:
        return [encode(v, arrays, blobs) for v in value]
    if isinstance(value, dict) and type(value) is dict:
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: encode(v, arrays, blobs) for k, v in value.items()}
        return {"__items__": [[encode(k, arrays, blobs), encode(v, arrays, blobs)] for k, v in value.items()]}
    if type(value) in (Counter, OrderedDict):
        items = [[encode(k, arrays, blobs), encode(v, arrays, blobs)] for k, v in value.items()]
        return {"__items__": items, "__type__": type(value).__name__}
    cls = type(value)
    if cls.__module__.startswith("dlcourse.") and "<" not in cls.__qualname__ and hasattr(value, "__dict__") \
            and not hasattr(cls, "__slots__") and _render_name(cls) is not None:
        # a plain object of the book's own (e.g. a Vocab): its class and attributes
        return {"__obj__": [f"{cls.__module__}:{cls.__qualname__}", encode(dict(vars(value)), arrays, blobs)]}
    raise _Unencodable(f"cannot store a {cls.__module__}.{cls.__name__} exactly")


def decode(value: Any, blobs: Sequence[str]) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v, blobs) for v in value]
    if not isinstance(value, dict):
        return value
    if "__nd__" in value:
        dtype, shape, index = value["__nd__"]
        return np.frombuffer(base64.b64decode(blobs[index]), dtype=np.dtype(dtype)).reshape(shape).copy()
    if "__np__" in value:
        dtype, raw = value["__np__"]
        return np.frombuffer(base64.b64decode(raw), dtype=np.dtype(dtype))[0]
    if "__float__" in value:
        return float(value["__float__"])
    if "__tuple__" in value:
        return tuple(decode(v, blobs) for v in value["__tuple__"])
    if "__obj__" in value:
        name, state = value["__obj__"]
        if not name.startswith("dlcourse."):
            raise ValueError(f"stored objects must be of a dlcourse class; got {name!r}")
        cls: Any = _import(name)
        obj = cls.__new__(cls)
        obj.__dict__.update(decode(state, blobs))
        return obj
    if "__items__" in value:
        kind = {"Counter": Counter, "OrderedDict": OrderedDict}.get(value.get("__type__", ""), dict)
        return kind({decode(k, blobs): decode(v, blobs) for k, v in value["__items__"]})
    return {k: decode(v, blobs) for k, v in value.items()}


def _render_name(render: Any) -> str | None:
    """``module:qualname`` when the build can import ``render`` (or a class) back, else ``None``."""
    if render is None:
        return None
    module, qualname = getattr(render, "__module__", None), getattr(render, "__qualname__", "")
    if not module or "<" in qualname or module == "__main__":
        return None
    try:
        target: Any = importlib.import_module(module)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError):
        return None
    return f"{module}:{qualname}" if target is render else None


def _pack(data: Mapping[str, Any]) -> str:
    """JSON, deflated and base64-encoded: safe inside ``<script>`` and small on disk."""
    raw = json.dumps(data, separators=(",", ":"), allow_nan=True).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def _unpack(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(text.strip())).decode("utf-8"))
    return data


def _import(name: str) -> Callable[..., Any]:
    module, qualname = name.split(":")
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target
