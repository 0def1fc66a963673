"""The package's layers: core < model < domain < rendering < adapters, and no cycles.

Every import of a `releve` module is read with `ast` (imports inside functions
included), so a lazy import cannot hide a dependency that goes up a layer or
closes a cycle. A failure names both modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "plugins" / "releve"

# Each top-level folder (or module) of the package belongs to one layer; the README's
# architecture map lists the same folders.
LAYERS: dict[str, int] = {
    "core": 0,
    "i18n": 0,
    "model": 1,
    "coverage": 2,
    "upkeep": 2,
    "records": 2,
    "lint": 2,
    "vault": 2,
    "diff": 2,
    "codeowners": 2,
    "render": 3,
    "mkdocs": 4,
    "cli": 4,
}
LAYER_NAMES = ("core", "model", "domain", "rendering", "adapters")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The `releve` modules `name` imports, anywhere in the file."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("releve"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("releve")}
    out.discard(name)
    return out


def layer_of(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(name, path, known) for name, path in mods.items()}


def test_every_folder_has_a_layer():
    tops = {name.split(".")[1] for name in modules() if name.count(".") >= 1}
    assert tops - set(LAYERS) == set(), "give each new folder a layer here and in the README"


def test_no_import_goes_up_a_layer():
    wrong = []
    for name, deps in graph().items():
        mine = layer_of(name)
        for dep in deps:
            theirs = layer_of(dep)
            if mine is not None and theirs is not None and theirs > mine:
                wrong.append(f"{name} ({LAYER_NAMES[mine]}) imports {dep} ({LAYER_NAMES[theirs]})")
    assert wrong == []


def test_no_import_cycle():
    edges = graph()
    # A package's __init__ re-exporting its own modules is not a cycle of rules.
    for name, deps in edges.items():
        edges[name] = {d for d in deps if not name.startswith(d + ".")}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(edges.get(node, ())):
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == [], " ; ".join(" -> ".join(c) for c in cycles)


def test_the_layer_check_sees_a_lazy_upward_import(tmp_path):
    """The check itself: an import inside a function is found."""
    fake = tmp_path / "releve" / "core"
    fake.mkdir(parents=True)
    (fake / "x.py").write_text("def f():\n    from ..render import templates\n", encoding="utf-8")
    found = imports("releve.core.x", fake / "x.py", {"releve.render.templates"})
    assert found == {"releve.render.templates"}
