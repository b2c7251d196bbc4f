"""The package's modules import one another in one direction only (issue 15): no circle, also
not through an import deferred into a function, and each module imports on its own in a fresh
interpreter (so none works only because another happened to be imported first).

The imports are read from the source with `ast`: every `import` and `from … import` of the
package, at module level or inside a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import REPO

PACKAGE = "sexting_protocol"
ROOT = REPO / "src" / PACKAGE


def modules() -> dict[str, object]:
    """module name → its file."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path, known) -> set[str]:
    """The package's modules that a module imports, anywhere in it."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target not in known and "." in target:  # `from .x import a_function` → x
                target = target.rsplit(".", 1)[0]
            if target in known and target != name:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for start in g:
        if start in index:
            continue
        work = [(start, iter(sorted(g[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_graph_is_read_from_the_source():
    """The reader sees imports at module level, inside functions and relative to a package."""
    g = graph()
    assert "sexting_protocol.core.model" in g["sexting_protocol.store.bundle"]  # from . import model
    assert "sexting_protocol.core.errors" in g["sexting_protocol.store.bundle"]  # from .errors import ...
    assert "sexting_protocol.text.catalogue" in g["sexting_protocol.store.bundle"]  # inside functions
    assert "sexting_protocol.present.views" in g["sexting_protocol.web.pages"]  # from ..views import View
    assert "sexting_protocol.web.pages" in g["sexting_protocol.web.app"]  # from .pages import render
    assert "sexting_protocol.web.poster" in g["sexting_protocol.web.app"]  # inside handout()


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_among_the_modules():
    found = circles(graph())
    g = graph()
    shown = [" ; ".join(f"{m} → {', '.join(sorted(g[m] & set(c)))}" for m in c) for c in found]
    assert found == [], "import circles:\n" + "\n".join(shown)


@pytest.mark.parametrize("module", sorted(m for m in modules() if not m.endswith("__main__")))  # that one runs
def test_each_module_imports_on_its_own(module):
    r = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


# The layers, bottom to top (issue 15). A package may import its own modules and those of the
# layers below it; `store` and `text` lean on each other only as documented: the catalogue is
# read with store's reader and cache, and store words a problem through `text.Texts`. The
# command line is the entry point: its `web` and `handout` commands start the web front's app
# and its poster; the web front never imports the command line.
LAYERS = ["core", "store", "text", "present", "render", "web", "cli"]
ALLOWED_UP = {("store", "text")}  # store → text: the words of a problem (the one words object)
FRONTS = ("cli", "web")


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for module, targets in graph().items():
        here = layer(module)
        for target in targets:
            there = layer(target)
            if here and there and LAYERS.index(there) > LAYERS.index(here) and (here, there) not in ALLOWED_UP:
                wrong.append(f"{module} → {target}")
    assert wrong == [], "\n".join(wrong)


def test_no_front_imports_the_engine():
    """The fronts get the rules and every decision through the conversation (core.conversation)."""
    wrong = [f"{m} → {t}" for m, targets in graph().items() if layer(m) in FRONTS for t in targets
             if t == f"{PACKAGE}.core.engine"]
    assert wrong == [], "\n".join(wrong)


def test_the_layer_checks_find_a_wrong_import():
    assert layer("sexting_protocol.present.views") == "present" and layer("sexting_protocol.paths") is None
    g = {"sexting_protocol.core.model": {"sexting_protocol.render.plain"}}
    up = [(m, t) for m, ts in g.items() for t in ts if LAYERS.index(layer(t)) > LAYERS.index(layer(m))]
    assert up == [("sexting_protocol.core.model", "sexting_protocol.render.plain")]
