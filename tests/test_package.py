"""Package-wide conventions: __all__, docstrings, type hints on public functions."""
import importlib
import inspect
import pkgutil

import pytest

import dlcourse

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(dlcourse.__path__, "dlcourse.")
    if not name.rsplit(".", 1)[-1].startswith("_")
)


@pytest.mark.parametrize("name", ["dlcourse"] + MODULES)
def test_public_module_has_all_and_documented_public_api(name):
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} needs a module docstring"
    assert hasattr(module, "__all__"), f"{name} needs __all__"
    for attr in module.__all__:
        obj = getattr(module, attr)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"{name}.{attr} needs a docstring"
        if inspect.isfunction(obj) and obj.__module__ == name:
            sig = inspect.signature(obj)
            assert sig.return_annotation is not inspect.Signature.empty, f"{name}.{attr} needs a return type hint"
