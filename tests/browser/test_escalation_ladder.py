"""The ladder in a real browser: a complaint forwarded to Pinduoduo went overdue; the
consumer takes the 12315 route (consent first), records the filing and the acceptance,
downloads the complaint letter and sees the mediation deadline on the panel."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from actions.status import transition
from complaints.states import Actor, Status
from escalation import conf, display, workdays
from escalation.models import Clock, ClockKind, EscalationFiling
from escalation.policies import load_policies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Long enough for every Pinduoduo clock's first deadline to pass, holidays included.
FORWARDED_DAYS_AGO = 30


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


@pytest.fixture
def overdue_complaint(make_complaint, consumer, staff_user):
    """Filed and forwarded to Pinduoduo FORWARDED_DAYS_AGO days ago (the clock moved back in
    this thread, before the live server serves anything): its platform clock is overdue now."""
    workdays.invalidate_calendar()
    load_policies()  # a transactional test starts without the migration's rows
    with time_machine.travel(timezone.now() - dt.timedelta(days=FORWARDED_DAYS_AGO), tick=False):
        complaint = make_complaint(consumer)
        transition(complaint, Status.IN_REVIEW, actor=staff_user, role=Actor.STAFF)
        transition(complaint, Status.FORWARDED, actor=staff_user, role=Actor.STAFF)
    assert Clock.objects.filter(complaint=complaint, state=Clock.State.RUNNING, due_at__lt=timezone.now()).exists()
    return complaint


def test_an_overdue_complaint_climbs_to_12315_and_shows_the_mediation_deadline(
    page, live_server, consumer, overdue_complaint
):
    complaint = overdue_complaint
    complaint_url = live_server.url + complaint.get_absolute_url()
    log_in(page, live_server, consumer)

    page.goto(complaint_url)
    regulator = page.locator('#ladder li[data-route="12315"]')
    assert page.locator('#ladder li[data-route="platform"] .text-danger').is_visible()  # overdue: what next

    # "I filed on 12315": no consent for 12315 yet, so the form sends the consumer to give it.
    regulator.locator('a[href$="/step/12315/filed/"]').click()
    page.check('input[name=route][value="12315"]')
    page.fill("#id_reference", "12315-2026-0001")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/packet/")
    page.check('input[name=body][value="12315"]')
    page.check("#id_consent")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/packet/12315/")

    # The complaint letter for 12315, as a PDF download.
    letter = page.locator('a[href$="/paperwork/12315.pdf"]')
    with page.expect_download() as download_info:
        letter.click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    response = page.context.request.get(live_server.url + letter.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    # Now the filing records, and then 12315's acceptance (both today, the forms' default).
    page.goto(complaint_url)
    regulator.locator('a[href$="/step/12315/filed/"]').click()
    page.check('input[name=route][value="12315"]')
    page.fill("#id_reference", "12315-2026-0001")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**#ladder")
    regulator.locator('a[href$="/step/12315/accepted/"]').click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**#ladder")

    today = timezone.localtime(timezone.now(), conf.SHANGHAI).date()
    mediation_due = workdays.add_working_days(today, 45)
    with translation.override("zh-hans"):
        assert display.day_in_words(mediation_due) in regulator.inner_text()
    assert list(
        EscalationFiling.objects.filter(complaint=complaint).order_by("id").values_list("route", "step", "filed_on")
    ) == [("12315", "filed", today), ("12315", "accepted", today)]
    mediation = Clock.objects.get(complaint=complaint, kind=ClockKind.MEDIATION)
    assert timezone.localtime(mediation.due_at, conf.SHANGHAI).date() == mediation_due
