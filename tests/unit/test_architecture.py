"""House rules, kept by walking the imports (STYLE.md §4-5).

Every import of the project's own code counts, at module level or inside a
function (imports under ``if TYPE_CHECKING:`` aside).  The wings, bottom up:
core -> present -> domains (ingest, dropout, aid, roster, risk, layout) ->
access, ops -> overview -> ui, loaders -> cli, commands; demo apart.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "lib"

DOMAINS = {"ingest", "dropout", "aid", "roster", "risk", "layout"}
#: what each wing may import (besides itself); anything not listed is an arrow up or across
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "present": {"core"},
    "ingest": {"core", "present"},
    "dropout": {"core", "present"},
    "aid": {"core", "present", "dropout", "ingest"},
    "roster": {"core", "present", "dropout", "ingest"},
    "risk": {"core", "present", "aid", "dropout"},
    "layout": {"core", "present"},
    "access": {"core", "present"},
    "ops": {"core", "present", "ingest", "access"},
    "overview": {"core", "present", *DOMAINS, "access", "ops"},
    "demo": {"core", "present", *DOMAINS, "ops", "access"},
    "ui": {"core", "present", *DOMAINS, "access", "ops", "overview", "loaders", "demo"},
    "loaders": {"core", "present", *DOMAINS, "access", "ops", "overview", "demo"},
    "geo": {"core"},
    "cli": {"core", "demo", "commands", "access"},
    "commands": {"core", "present", *DOMAINS, "access", "ops", "overview", "demo", "cli"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at function level) for every import of ``lib`` in ``path``."""
    module = _module_name(path)
    is_pkg = path.name == "__init__.py"
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, in_function)
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = module.split(".") if is_pkg else module.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                if base == "lib" or base.startswith("lib."):
                    for alias in child.names:
                        candidate = f"{base}.{alias.name}"
                        target = candidate if _exists(candidate) else base
                        found.append((target, child.lineno, in_function))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "lib" or alias.name.startswith("lib."):
                        found.append((alias.name, child.lineno, in_function))
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _exists(dotted: str) -> bool:
    rel = Path(*dotted.split("."))
    return (ROOT / rel.with_suffix(".py")).exists() or (ROOT / rel / "__init__.py").exists()


def _wing(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "lib"


LIB_FILES = sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts)
GRAPH = {_module_name(p): _imports(p) for p in LIB_FILES}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            strong(v)
    return out


def test_no_import_cycle_among_modules() -> None:
    edges = {m: {t for t, _, _ in deps if t != m and not m.startswith(t + ".")} for m, deps in GRAPH.items()}
    assert _cycles(edges) == []


def test_no_import_cycle_among_wings() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, deps in GRAPH.items():
        for target, _, _ in deps:
            if _wing(target) != _wing(module):
                edges[_wing(module)].add(_wing(target))
    assert _cycles(edges) == []


def test_arrows_run_one_way() -> None:
    wrong = []
    for module, deps in GRAPH.items():
        wing = _wing(module)
        if wing == "lib":
            continue
        allowed = ALLOWED[wing] | {wing}
        wrong += [f"{module} -> {t} (line {line})" for t, line, _ in deps if _wing(t) not in allowed]
    assert wrong == []


def test_function_level_imports_say_why() -> None:
    silent = []
    for path in LIB_FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for _target, line, in_function in _imports(path):
            if not in_function:
                continue
            here, above = lines[line - 1], lines[line - 2] if line > 1 else ""
            if "#" not in here and not above.strip().startswith("#"):
                silent.append(f"{path.relative_to(ROOT)}:{line}")
    assert silent == []


def _imports_streamlit(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0].startswith("streamlit") for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0].startswith("streamlit"):
            return True
    return False


def test_streamlit_only_in_ui_and_loaders() -> None:
    fenced = [p for p in LIB_FILES if _imports_streamlit(p)]
    outside = [str(p.relative_to(ROOT)) for p in fenced if "ui" not in p.relative_to(LIB).parts[:1]]
    assert outside == ["lib/loaders.py"]


@pytest.mark.parametrize("page_file", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_never_open_the_store(page_file: Path) -> None:
    source = page_file.read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("lib.core", "lib.core.store"):
            assert all(a.name != "store" for a in node.names) or node.module != "lib.core", page_file.name
            assert node.module != "lib.core.store", page_file.name
        if isinstance(node, ast.Import):
            assert all(not a.name.startswith("duckdb") for a in node.names), page_file.name
    assert "store.connect" not in source and "duckdb" not in source


def test_top_level_is_small_and_packages_are_mapped() -> None:
    top = sorted(p.name for p in LIB.glob("*.py"))
    assert len(top) <= 12, top
    packages = [p for p in LIB.iterdir() if (p / "__init__.py").exists()]
    assert len(packages) >= 8
    for pkg in packages:
        doc = ast.get_docstring(ast.parse((pkg / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{pkg.name}/__init__.py has no docstring"
        modules = [m.stem for m in pkg.glob("*.py") if m.stem != "__init__"]
        unmapped = [m for m in modules if m not in doc]
        assert unmapped == [], f"{pkg.name}/__init__.py does not map {unmapped}"


def test_the_synthetic_county_stays_apart() -> None:
    reach = [
        f"{m} -> {t}"
        for m, deps in GRAPH.items()
        for t, _, _ in deps
        if _wing(t) == "demo" and _wing(m) not in {"demo", "loaders", "cli", "commands", "ui"}
    ]
    assert reach == []
