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


# --- The shape of the package: small modules, no import cycles, the library below the widgets.

SRC = __import__("pathlib").Path(dlcourse.__file__).parent
#: "One concept per module": a module past this many lines holds more than one.
MAX_MODULE_LINES = 420


def _module_name(path):
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """The dlcourse modules ``path`` imports (relative imports resolved)."""
    import ast

    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("dlcourse"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith("dlcourse"):
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names)
    return found


def _graph():
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        edges = set()
        for target in _imports(path):
            # importing a.b.c runs a.b's __init__ too; the root package (which gathers
            # everything) and the importer's own packages are left out
            parts = target.split(".")
            for i in range(2, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in modules and prefix != name and not name.startswith(prefix + "."):
                    edges.add(prefix)
        graph[name] = edges
    return graph


def test_no_module_outgrew_one_concept():
    long = {_module_name(p): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by concept): {long}"


def test_library_modules_do_not_import_the_widgets():
    """Explorers sit on top of the library, never the other way round."""
    graph = _graph()
    bad = {m: sorted(e for e in edges if e.startswith("dlcourse.widgets"))
           for m, edges in graph.items() if not m.startswith("dlcourse.widgets") and m != "dlcourse"}
    assert not {m: e for m, e in bad.items() if e}, bad


def test_import_graph_has_no_cycle():
    graph = _graph()
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_cycle_check_finds_a_planted_cycle(monkeypatch):
    planted = {"dlcourse.a": {"dlcourse.b"}, "dlcourse.b": {"dlcourse.a"}}
    monkeypatch.setattr(__import__(__name__), "_graph", lambda: planted, raising=False)
    with pytest.raises(AssertionError, match="dlcourse.a -> dlcourse.b -> dlcourse.a"):
        test_import_graph_has_no_cycle()
