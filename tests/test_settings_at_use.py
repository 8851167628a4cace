"""Settings are read when used, so a changed setting (the `settings` fixture,
override_settings, a deployment's environment) reaches the code, not a copy taken
when the module was first imported."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from complaints import recipients
from escalation import conf as escalation_conf
from escalation import solved
from staff import conf as staff_conf
from tests.conftest import png_upload
from tests.test_filing import form_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("module", "name", "setting", "value", "seen"),
    [
        (escalation_conf, "REPEAT_WORKING_DAYS", "ESCALATION_REPEAT_WORKING_DAYS", 4, 4),
        (escalation_conf, "MAX_REPEATS", "ESCALATION_MAX_REPEATS", 2, 2),
        (escalation_conf, "SWEEP_BATCH", "ESCALATION_SWEEP_BATCH", 100, 100),
        (escalation_conf, "STALE_REMINDER_SECONDS", "ESCALATION_STALE_REMINDER_SECONDS", 60, 60),
        (escalation_conf, "MUTE_LINK_MAX_AGE", "ESCALATION_MUTE_LINK_DAYS", 30, dt.timedelta(days=30)),
        (escalation_conf, "PLATFORM_FILING_MAX_DAYS_BACK", "ESCALATION_PLATFORM_FILING_MAX_DAYS_BACK", 3, 3),
        (staff_conf, "QUEUE_COUNT_CAP", "STAFF_QUEUE_COUNT_CAP", 500, 500),
        (staff_conf, "QUEUE_PAGE_SIZE", "STAFF_QUEUE_PAGE_SIZE", 20, 20),
        (staff_conf, "PUBLIC_STATS_MIN_COMPLAINTS", "PUBLIC_STATS_MIN_COMPLAINTS", 5, 5),
        (staff_conf, "STATS_CACHE_SECONDS", "STAFF_STATS_CACHE_SECONDS", 60, 60),
    ],
)
def test_each_app_tunable_follows_its_setting_after_import(module, name, setting, value, seen):
    with override_settings(**{setting: value}):
        assert getattr(module, name) == seen
    assert getattr(module, name) != seen  # back to the default once the override ends


def test_the_other_tunables_follow_their_settings(settings):
    settings.CONTACT_CONFIRMATION_DAYS = 2
    settings.CONTACT_CONFIRMATIONS_PER_DAY = 9
    settings.ESCALATION_SOLVED_ASK_AGAIN_DAYS = 14
    assert recipients.confirmation_max_age() == dt.timedelta(days=2)
    assert recipients.confirmations_per_day() == 9
    assert solved.ask_again_after() == dt.timedelta(days=14)


def test_the_filing_form_takes_as_many_files_as_the_setting_allows(client, consumer, pinduoduo, settings):
    settings.EVIDENCE_MAX_FILES = 2
    client.force_login(consumer)
    files = [png_upload(f"s{i}.png") for i in range(3)]
    response = client.post(
        reverse("complaints:new"), {**form_post(pinduoduo), "action": "review", "evidence_files": files}
    )
    assert [name for name, _reasons in response.context["file_errors"]] == ["s2.png"]
