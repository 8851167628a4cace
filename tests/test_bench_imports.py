"""The benchmarks follow the code they measure: a rename in the app breaks `make test` at
once, not the next time someone runs a benchmark (bench/sweep_bench.py once imported a
constant escalation.solved had renamed, and nothing noticed).

Two checks. Every name a benchmark imports from the project, anywhere in its file (the
benchmarks import the app inside functions, after django.setup), must exist: read from
the source, so an import in a function no run has reached yet counts. And every
benchmark module must import, each in a process of its own (several set up Django or
their environment when imported). `make bench-smoke` then runs them all at a tiny size.
"""

import ast
import importlib
import importlib.util
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"


def bench_files() -> list[Path]:
    return sorted(path for path in BENCH.rglob("*.py") if "node_modules" not in path.parts)


def project_packages() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/__init__.py") if not path.parent.name.startswith(".")}


def imports_in(path: Path) -> list[tuple[str, str | None, int]]:
    """(module, name or None, line) of every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found += [(node.module, alias.name, node.lineno) for alias in node.names]
    return found


def top_level_names(path: Path) -> set[str]:
    """What a bench module defines at its top level (functions, classes, assignments, imports)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def missing_import(module: str, name: str | None) -> str | None:
    """Why `from module import name` (or `import module`) fails for a project module, or None."""
    local = BENCH / f"{module}.py"
    if local.exists():  # another benchmark module (bench/ is on sys.path when they run)
        return None if name is None or name in top_level_names(local) else f"bench/{module}.py has no {name}"
    try:
        imported = importlib.import_module(module)
    except ImportError as error:
        return str(error)
    if name is None or hasattr(imported, name):
        return None
    if hasattr(imported, "__path__") and importlib.util.find_spec(f"{module}.{name}"):
        return None  # a submodule of a package
    return f"{module} has no {name}"


def test_the_walk_reads_imports_inside_functions():
    # datagen_routes imports this inside insert_solved_questions: the rename that once broke the sweep benchmark.
    assert ("escalation.solved", "ask_again_after") in {
        (module, name) for module, name, _line in imports_in(BENCH / "datagen_routes.py")
    }
    assert missing_import("escalation.solved", "ASK_AGAIN_AFTER") == "escalation.solved has no ASK_AGAIN_AFTER"
    assert missing_import("harness", "no_such_helper") == "bench/harness.py has no no_such_helper"


def test_every_name_a_benchmark_imports_from_the_project_exists():
    ours = project_packages() | {path.stem for path in BENCH.glob("*.py")}
    assert {"actions", "escalation", "devtools", "tests", "harness"} <= ours
    broken = [
        f"{path.relative_to(ROOT)}:{line}: {problem}"
        for path in bench_files()
        for module, name, line in imports_in(path)
        if module.split(".")[0] in ours and (problem := missing_import(module, name))
    ]
    assert broken == []


def _import_in_a_process(path: Path, tmp_path: Path) -> tuple[str, int, str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(path.parent), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        # What bench/load_test.py hands the locustfile, empty.
        "BENCH_USERS_FILE": str(tmp_path / "users.json"),
        "BENCH_SCREENSHOT_DIR": str(tmp_path),
        "BENCH_PLATFORMS": "[]",
        "BENCH_RESULTS_FILE": str(tmp_path / "results.json"),
    }
    result = subprocess.run(
        [str(PYTHON), "-c", f"import {path.stem}"], cwd=path.parent, env=env, capture_output=True, timeout=120
    )
    return str(path.relative_to(ROOT)), result.returncode, result.stderr.decode(errors="replace")[-1500:]


def test_every_benchmark_module_imports(tmp_path):
    require_service(importlib.util.find_spec("locust") is not None, "locust is not installed (make bench-install)")
    (tmp_path / "users.json").write_text("[]")
    files = bench_files()
    assert {"sweep_bench.py", "harness.py", "smoke.py", "locustfile.py"} <= {path.name for path in files}
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda path: _import_in_a_process(path, tmp_path), files))
    assert [(name, error) for name, code, error in outcomes if code] == []


# Scripts with a command line that the smoke run exercises through the others.
RUN_BY_OTHERS = {
    "bench/harness.py": "the stack of every HTTP benchmark",
    "bench/datagen.py": "the sweep and staff-queue benchmarks fill their databases with it",
    "bench/smoke.py": "the runner itself",
}


def test_bench_smoke_runs_every_benchmark():
    sys.path.insert(0, str(BENCH))
    try:
        import smoke
    finally:
        sys.path.remove(str(BENCH))
    scripts = {script[0] for script, _own_database in smoke.BENCHMARKS.values()}
    with_a_command_line = {
        f"bench/{path.name}" for path in BENCH.glob("*.py") if 'if __name__ == "__main__":' in path.read_text()
    }
    assert "bench/sweep_bench.py" in with_a_command_line
    assert with_a_command_line - set(RUN_BY_OTHERS) == scripts
