import datetime as dt

import pytest

from escalation import workdays


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Overrides written in one test (and rolled back) must not leak into the next."""
    workdays.invalidate_calendar()
    yield
    workdays.invalidate_calendar()


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
