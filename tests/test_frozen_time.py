"""A test that stops the clock builds its data inside the stopped time: the suite passes
whatever today's date is (CI also runs it 400 days ahead, under faketime)."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

TESTS = Path(__file__).resolve().parent


def _travel_decorators(path: Path, root: Path = TESTS) -> list[str]:
    """`@time_machine.travel(...)` on a test freezes only its body, after the fixtures ran
    at the real time: the pattern that broke the suite once the calendar moved on."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target).endswith("time_machine.travel"):
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    return found


def test_no_test_freezes_time_with_a_decorator_that_leaves_its_fixtures_in_real_time():
    offenders = [hit for path in sorted(TESTS.rglob("*.py")) for hit in _travel_decorators(path)]
    assert offenders == []


def test_the_guard_recognises_a_travel_decorator(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import time_machine\n\n@time_machine.travel('2026-01-01', tick=False)\ndef test_x(db):\n    pass\n"
    )
    assert _travel_decorators(sample, root=tmp_path) == ["test_sample.py:4 test_x"]


@pytest.fixture
def made_at():
    return timezone.now()


@pytest.mark.frozen_at("2026-11-22 12:00")
def test_frozen_at_stops_the_clock_before_the_fixtures_run(made_at):
    expected = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)
    assert (made_at, timezone.now()) == (expected, expected)
