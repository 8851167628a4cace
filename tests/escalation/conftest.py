import datetime as dt
from pathlib import Path

import pytest

from escalation import workdays
from tests.conftest import platform as platform_row

LOCALE = Path(__file__).resolve().parents[2] / "escalation" / "locale"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """`make test` compiles the catalogues; a bare `pytest` on a fresh clone has no .mo yet."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.utils.translation import trans_real

    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            trans_real._translations = {}
            trans_real._default = None


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Overrides written in one test (and rolled back) must not leak into the next."""
    workdays.invalidate_calendar()
    yield
    workdays.invalidate_calendar()


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def policies(db):
    from escalation.policies import load_policies

    for slug in ("pinduoduo", "taobao", "tmall"):
        platform_row(slug)  # transactional tests flush the migration's rows
    load_policies()


@pytest.fixture
def staff(db, django_user_model):
    """A reviewer: is_staff alone grants nothing (complaints.access)."""
    from staff.roles import REVIEWER, create_staff_groups

    user = django_user_model.objects.create_user("staffer", "staff@example.com", "pw-staff-123", is_staff=True)
    user.groups.add(create_staff_groups()[REVIEWER])
    return user


@pytest.fixture
def english():
    """The ladder's reasons and the reminders read in English (Chinese is the site's
    default): for tests that assert English wording."""
    from django.utils import translation

    with translation.override("en"):
        yield
