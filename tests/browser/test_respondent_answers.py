"""A platform answers on Tousu, end to end in a real browser: staff invite a member of
Pinduoduo; the member sets a password and an authenticator app, opens the complaint
(the evidence as the platform's copy) and answers "resolved with a refund of
¥129.00"; the consumer reads the answer at the top of their page, is told by email
and confirms it solved; the public page counts it."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.test import Client

from channels.models import Body
from escalation.policies import load_policies
from respondents.directory import platform_organisation
from respondents.models import Answer, Member
from staff.roles import SUPERVISOR, create_staff_groups
from tests.conftest import platform_email_channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_platform_member_answers_and_the_consumer_confirms_it_solved(
    browser, live_server, consumer, make_complaint, pinduoduo, django_user_model, settings
):
    settings.PUBLIC_STATS_MIN_COMPLAINTS = 1
    load_policies()  # a transactional test starts without the migration's rows
    platform_email_channel(pinduoduo, value="kefu@pinduoduo.com")
    organisation = platform_organisation(Body.objects.get(slug="pdd"))
    complaint = make_complaint(consumer, amount="129.00")
    supervisor = django_user_model.objects.create_user("sup", "sup@tousu.example", "pw-Sup-2026", is_staff=True)
    supervisor.groups.add(create_staff_groups()[SUPERVISOR])

    # 1. Staff invite ops@pinduoduo.com (a domain the directory trusts) in the admin.
    staff_page = browser.new_context(locale="zh-CN").new_page()
    log_in(staff_page, live_server, supervisor)
    staff_page.goto(live_server.url + "/admin/respondents/invitation/add/")
    staff_page.select_option("#id_organisation", str(organisation.pk))
    staff_page.fill("#id_email", "ops@pinduoduo.com")
    staff_page.click("input[name=_save]")
    notice = staff_page.locator(".messagelist .success").first.inner_text()
    link = re.search(r"https?://\S+/respond/join/\S+/", notice).group(0)
    path = link[link.index("/respond/") :]

    # 2. The member sets a password, then an authenticator app (nothing opens before it).
    member_page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    member_page.goto(live_server.url + path)
    member_page.fill("#id_password1", "Pdd-Ops-2026-long")
    member_page.fill("#id_password2", "Pdd-Ops-2026-long")
    member_page.click("#main button[type=submit]")
    member_page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    # The member copies the secret shown beside the QR code into their app.
    secret = member_page.locator("#authenticator_secret").input_value()
    member_page.fill("#id_code", current_code(secret))
    member_page.click("#main button[type=submit]")
    member_page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert Member.objects.get(user__email="ops@pinduoduo.com").organisation == organisation

    # 3. The queue has the complaint that waited for Pinduoduo to join; its page shows
    #    the order and the evidence as the platform's copy.
    member_page.goto(live_server.url + "/respond/")
    member_page.click(f"text={complaint.reference}")
    assert member_page.locator("#order-number").inner_text() == complaint.order_number
    image = member_page.locator("section[aria-labelledby=evidence-title] img").first
    image.scroll_into_view_if_needed()  # thumbnails load lazily
    member_page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())

    # 4. "Resolved with a refund of ¥129.00".
    member_page.check("input[name=kind][value=refunded]")
    member_page.fill("#id_amount", "129.00")
    member_page.fill("#id_message", "已原路退款 129.00 元，请查收。")
    member_page.click("text=发送答复")
    member_page.wait_for_selector(".alert-success")
    answer = Answer.objects.get(complaint=complaint)
    assert (answer.kind, str(answer.amount), answer.timely) == ("refunded", "129.00", True)

    # 5. The consumer: the answer leads their page, an email told them, they confirm it.
    consumer_page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    log_in(consumer_page, live_server, consumer)
    consumer_page.goto(live_server.url + complaint.get_absolute_url())
    panel = consumer_page.locator("#respondent-panel")
    assert "¥129.00" in panel.inner_text() and "已原路退款" in panel.inner_text()
    panel_top = panel.bounding_box()["y"]
    assert panel_top < consumer_page.locator("text=您的投诉").first.bounding_box()["y"]
    assert any(
        "已原路退款 129.00 元" in message.body for message in mail.outbox if complaint.contact_email in message.to
    )
    # One "Tell us whether it is solved": the standing panel's next action, not a second button in the answer.
    assert consumer_page.get_by_role("link", name="告诉我们是否已解决").count() == 1
    consumer_page.locator("#standing [data-next-action=solved]").click()
    consumer_page.click("button[name=solved][value=yes]")
    consumer_page.wait_for_selector(".alert-success")

    # 6. The public page counts it: delivered, on time, confirmed solved.
    public = consumer_page.context.new_page()
    public.goto(live_server.url + f"/stats/respondents/{organisation.slug}/")
    figures = public.locator("#figures")
    assert figures.locator(".delivered").inner_text() == "1"
    assert figures.locator(".timely").inner_text() == "100%"
    assert figures.locator(".solved").inner_text() == "100%"
