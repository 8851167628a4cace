"""No two project modules import each other, directly or round a longer loop.

The walk reads the source (ast), not the running program, so imports written inside
functions to dodge a cycle at import time count as much as those at the top: a hidden
cycle is still a cycle for whoever has to understand or split the code. Every .py file
of the project counts except migrations and the tests themselves.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "var", "node_modules", "migrations", "tests", ".git", "__pycache__", "static"}


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the project outside SKIPPED_DIRS."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        names = list(parts[:-1]) + ([] if parts[-1] == "__init__.py" else [parts[-1][:-3]])
        if names:
            modules[".".join(names)] = path
    return modules


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports anywhere in its file (top level, functions,
    TYPE_CHECKING blocks). `from pkg import x` counts as importing pkg.x when that is
    a module of ours, else pkg itself."""
    package = name if _is_package(path) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = alias.name
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            for alias in node.names:
                full = f"{stem}.{alias.name}" if stem else alias.name
                target = full if full in modules else stem
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target:
                    found.add(target)
    found.discard(name)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One concrete loop (a -> b -> ... -> a) for each group of modules that import
    each other (each strongly connected component of more than one module)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = [0]

    def visit(start):
        # Tarjan's algorithm, iterative so a deep import chain cannot hit the recursion limit.
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(set(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return [_loop_through(sorted(component)[0], component, graph) for component in components]


def _loop_through(start: str, component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest path from `start` back to itself inside `component` (breadth first)."""
    previous = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & component):
            if child == start:
                path = [node]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"{start} is in a cycle but no loop was found")


def test_no_two_project_modules_import_each_other():
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(loop) for loop in found)


def test_the_outbox_imports_no_app_that_sends_through_it():
    """notifications is below every app that emails: it takes rendered text and generic
    attachments and imports none of them back (core.publishing is all it uses)."""
    graph = import_graph()
    imported = {
        target.split(".")[0]
        for name, targets in graph.items()
        if name.split(".")[0] == "notifications"
        for target in targets
    }
    assert imported - {"notifications"} == {"core"}


def test_the_walk_sees_imports_hidden_inside_functions(tmp_path):
    """The walker itself: a cycle closed by an import inside a function, and one made
    with a relative import, are both found; a one-way import is not a cycle."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "services.py").write_text("from . import models\n\ndef go():\n    from .tasks import run\n")
    (tmp_path / "app" / "tasks.py").write_text("from app import services\n")
    (tmp_path / "app" / "models.py").write_text("import os\n")
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001.py").write_text("from app import services\n")
    (tmp_path / "other.py").write_text("import app.models\n")

    graph = import_graph(tmp_path)

    assert graph == {
        "app": set(),
        "app.services": {"app.models", "app.tasks"},
        "app.tasks": {"app.services"},
        "app.models": set(),
        "other": {"app.models"},
    }
    assert cycles(graph) == [["app.services", "app.tasks", "app.services"]]
