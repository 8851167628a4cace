"""Who writes a complaint: a watch over every write the suite makes.

The actions layer (actions/) is the one writer of a complaint, its clocks, its filings,
its "Was it solved?" question and its timeline. tests/conftest.py installs
`only_actions_write` around every test: each INSERT, UPDATE or DELETE on those tables
is traced to the innermost project module on the call stack, and one made from any
module outside actions/ (a view, the admin, a task, a receiver, another app's service)
fails the test at once, naming the module and line. Test set-ups and the benchmarks'
data generators may write directly; migrations too.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The records the actions layer alone writes (their database tables).
GUARDED_TABLES = (
    "complaints_complaint",
    "complaints_timelineevent",
    "escalation_clock",
    "escalation_escalationfiling",
    "escalation_platformfiling",
    "escalation_solvedquestion",
)
_WRITE = re.compile(
    r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|WITH\b.*?\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM))\s", re.I | re.S
)
_TABLE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.I)
ALLOWED_TOP = {"actions", "tests", "bench"}


class WriteOutsideActions(AssertionError):
    pass


def writing_module(frame) -> tuple[str, int] | None:
    """(project-relative path, line) of the innermost project frame, or None when the
    stack holds only libraries."""
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        try:
            relative = path.relative_to(ROOT)
        except ValueError:
            relative = None
        inside_project = relative is not None and relative.parts and relative.parts[0] != ".venv"
        if inside_project and relative.as_posix() != "tests/writers.py":
            return relative.as_posix(), frame.f_lineno
        frame = frame.f_back
    return None


def only_actions_write(execute, sql, params, many, context):
    if _WRITE.match(sql):
        tables = {table.lower() for table in _TABLE.findall(sql)} & set(GUARDED_TABLES)
        if tables:
            where = writing_module(sys._getframe(1))
            if where is not None:
                path, line = where
                top = path.split("/")[0]
                if top not in ALLOWED_TOP and "/migrations/" not in path:
                    raise WriteOutsideActions(
                        f"{path}:{line} writes {', '.join(sorted(tables))}: only the actions layer (actions/) may"
                    )
    return execute(sql, params, many, context)
