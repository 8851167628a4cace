"""axe-core (WCAG 2.1 A and AA rules) on every public and consumer page, as a phone sees it.

Each language, logged out and logged in, including the complaint form after a failed
submit and its review step, the login and sign-up forms with errors: no violations.
"""

import datetime as dt
import io

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.status import PlatformReached, transition
from channels.models import Body
from complaints import recipients
from complaints.consents import record_consent
from complaints.states import Actor, Status
from core.parties import Party
from escalation import muting
from tests.conftest import platform as platform_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AXE = Axe()


def violations(page):
    """{rule id: [CSS targets]} for every WCAG 2.1 A/AA rule the page breaks."""
    results = AXE.run(page, options=WCAG_21_AA).response
    return {rule["id"]: [node["target"] for node in rule["nodes"]] for rule in results["violations"]}


@pytest.fixture
def directory(db):
    call_command("load_channels", stdout=io.StringIO())
    call_command("load_deadline_policies", verbosity=0)
    for slug in ("pinduoduo", "taobao", "tmall"):
        platform_row(slug)  # transactional tests flush the migration's rows


@pytest.fixture
def in_language(page, live_server):
    def switch(language):
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])

    return switch


def logged_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def walk(page, base, paths, language):
    """Open each page (as itself: no redirect to the login page) and collect its violations."""
    found = {}
    for path in paths:
        response = page.goto(base + path)
        assert (response.url, response.status) == (base + path, 404 if "no-such" in path else 200)
        assert page.locator("html").get_attribute("lang") == language
        if broken := violations(page):
            found[path] = broken
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_pages_have_no_wcag_violations(page, live_server, directory, pinduoduo, in_language, language):
    in_language(language)
    platform_body = Body.objects.filter(kind=Body.Kind.PLATFORM).first()
    paths = ["/", "/channels/", f"/channels/{platform_body.slug}/", "/escalation/routes/", "/terms/", "/privacy/"]
    paths += ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/no-such-page/"]
    found = walk(page, live_server.url, paths, language)

    # The phone menu, open: its links on the red bar.
    page.goto(live_server.url + "/")
    page.click(".navbar-toggler")
    page.wait_for_selector("#nav.show")
    if broken := violations(page):
        found["/ with the menu open"] = broken

    # The login and sign-up forms after a failed submit.
    for path in ("/accounts/login/", "/accounts/signup/"):
        page.goto(live_server.url + path)
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_selector(".invalid-feedback, .alert-danger")
        if broken := violations(page):
            found[f"{path} with errors"] = broken
    assert found == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_consumer_pages_have_no_wcag_violations(
    page, live_server, directory, consumer, make_complaint, in_language, language
):
    in_language(language)
    complaint = make_complaint(consumer)
    logged_in(page, live_server, consumer)
    paths = ["/", "/complaints/", "/complaints/new/", f"/complaints/{complaint.reference}/", "/accounts/profile/"]
    paths += ["/channels/", "/escalation/routes/", "/accounts/data/delete/"]
    found = walk(page, live_server.url, paths, language)

    # The complaint page after a refused upload, and the phone menu open with its log-out button.
    page.goto(f"{live_server.url}/complaints/{complaint.reference}/")
    page.set_input_files(
        "#id_more_evidence", [{"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture"}]
    )
    page.locator("#id_more_evidence ~ button[type=submit]").click()
    page.wait_for_selector("#file-errors")
    page.click(".navbar-toggler")
    page.wait_for_selector("#nav.show")
    if broken := violations(page):
        found["complaint page with a refused file and the menu open"] = broken

    # The complaint form after a failed submit, then its review step.
    page.goto(live_server.url + "/complaints/new/")
    page.click("button[name=action][value=review]")
    page.wait_for_selector(".invalid-feedback")
    if broken := violations(page):
        found["/complaints/new/ with errors"] = broken
    page.fill("#id_order_number", "260305-123456789012345")
    page.fill("#id_order_date", "2026-03-05")
    page.fill("#id_amount", "59.90")
    page.fill("#id_description", "砍价进度一直停在99.9%，邀请好友助力后也不再变化，客服只回复系统正常。")
    page.fill("#id_contact_name", "王小明")
    page.fill("#id_contact_phone", "13912345678")
    page.fill("#id_contact_email", "owner@example.com")
    page.check("#id_platform_consent")
    page.click("button[name=action][value=review]")
    page.wait_for_selector("#review-table")
    if broken := violations(page):
        found["/complaints/new/ review step"] = broken
    assert found == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_escalation_pages_have_no_wcag_violations(
    page, live_server, directory, consumer, staff_user, make_complaint, in_language, language
):
    """Recording the platform filing, then, once the platform answered, the packet pages."""
    in_language(language)
    waiting = make_complaint(consumer)
    answered = make_complaint(consumer)
    transition(
        answered,
        Status.FORWARDED,
        actor=consumer,
        role=Actor.CONSUMER,
        reached=PlatformReached("app", at=timezone.now(), ticket="PDD-9"),
    )
    transition(answered, Status.PLATFORM_RESPONDED, actor=staff_user, role=Actor.STAFF)
    logged_in(page, live_server, consumer)
    found = walk(
        page,
        live_server.url,
        [f"/escalation/{waiting.reference}/filed-with-platform/", f"/escalation/{answered.reference}/packet/"],
        language,
    )

    # The packet form after a failed submit, then the packet and its timeline.
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_selector(".invalid-feedback")
    if broken := violations(page):
        found["packet form with errors"] = broken
    record_consent(user=consumer, complaint=answered, recipient=Party.REGULATOR)
    found |= walk(
        page,
        live_server.url,
        [f"/escalation/{answered.reference}/packet/12315/", f"/escalation/{answered.reference}/packet/12315/timeline/"],
        language,
    )
    assert found == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_opened_from_emails_have_no_wcag_violations(
    page, live_server, directory, consumer, make_complaint, in_language, language
):
    """The contact-address confirmation, the reminder mute page and allauth's email
    confirmation, each as its link opens it and after its button is pressed."""
    in_language(language)
    complaint = make_complaint(consumer, contact_email="owner@example.com")
    address = EmailAddress.objects.create(user=consumer, email="second@example.com", verified=False, primary=False)
    links = {
        "contact confirmation": reverse("complaints:confirm_contact", args=[recipients.confirmation_token(complaint)]),
        "reminder mute": muting.mute_url(complaint.pk),
        "account email confirmation": reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key]),
    }
    found = walk(page, live_server.url, list(links.values()), language)
    for name, path in links.items():
        page.goto(live_server.url + path)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        if broken := violations(page):
            found[f"{name} after its button"] = broken
    assert found == {}
    # Each button did its work: the pages checked after it are the real outcome pages.
    complaint.refresh_from_db()
    address.refresh_from_db()
    assert (complaint.contact_email_confirmed_at is not None, muting.is_muted(complaint), address.verified) == (
        True,
        True,
        True,
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_expired_links_answer_410_with_pages_that_have_no_wcag_violations(
    page, live_server, directory, consumer, make_complaint, in_language, language
):
    """A contact confirmation and a reminder mute link opened after they expired."""
    in_language(language)
    complaint = make_complaint(consumer, contact_email="owner@example.com")
    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=False):
        links = {
            "contact confirmation": reverse(
                "complaints:confirm_contact", args=[recipients.confirmation_token(complaint)]
            ),
            "reminder mute": muting.mute_url(complaint.pk),
        }
    found = {}
    for name, path in links.items():
        response = page.goto(live_server.url + path)
        assert (response.url, response.status) == (live_server.url + path, 410)
        assert page.locator("html").get_attribute("lang") == language
        if broken := violations(page):
            found[name] = broken
    assert found == {}
