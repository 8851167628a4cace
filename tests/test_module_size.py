"""No module of the project (tests and benchmarks included, migrations apart) passes 600
lines: past that, a file holds more than one concern and wants splitting by it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "var", "node_modules", "migrations", ".git", "__pycache__"}
MAX_LINES = 600


def project_files(root: Path = ROOT) -> list[Path]:
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if not any(part in SKIPPED_DIRS or part.startswith(".") for part in path.relative_to(root).parts[:-1])
    ]


def test_the_walk_sees_the_project_and_leaves_migrations_out():
    names = {path.relative_to(ROOT).as_posix() for path in project_files()}
    assert {"actions/status.py", "escalation/ladder.py", "bench/harness.py", "tests/conftest.py"} <= names
    assert not any("/migrations/" in name for name in names)


def test_no_module_passes_600_lines():
    too_long = {}
    for path in project_files():
        with path.open(encoding="utf-8") as handle:
            count = sum(1 for _line in handle)
        if count > MAX_LINES:
            too_long[path.relative_to(ROOT).as_posix()] = count
    assert too_long == {}
