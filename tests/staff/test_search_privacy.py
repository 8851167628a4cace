"""Staff search complaints and emails by a consumer's email or phone, and the term
never enters a URL: the box POSTs it, the session keeps it, the list URL carries an
opaque key (core.admin_search). Access logs, history and Referer stay clean."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:complaints_complaint_changelist")
SEARCH = reverse("admin:complaints_complaint_search")
EMAIL, PHONE = "Other.Person@Example.com", "137 0000 1111"


@pytest.fixture
def two_complaints(make_complaint, consumer, taobao):
    mine = make_complaint(consumer, images=0)
    theirs = make_complaint(consumer, images=0, platform=taobao, contact_email=EMAIL, contact_phone="+8613700001111")
    return mine, theirs


def _listed(response):
    return [c.reference for c in response.context["cl"].result_list]


def _no_personal_data(url: str):
    lowered = url.lower()
    for fragment in ("other.person", "example.com", "13700001111", "1370000", "0000 1111", "0000+1111", "%40"):
        assert fragment not in lowered, url


@pytest.mark.parametrize("term", [EMAIL, PHONE])
def test_searching_by_email_or_phone_finds_the_complaint_and_no_url_carries_the_term(
    client, supervisor, two_complaints, term
):
    _mine, theirs = two_complaints
    client.force_login(supervisor)

    response = client.post(SEARCH, {"q": term})

    assert response.status_code == 302
    location = response["Location"]
    _no_personal_data(location)
    assert urlsplit(location).path == QUEUE and list(parse_qs(urlsplit(location).query)) == ["qs"]
    page = client.get(location)
    assert _listed(page) == [theirs.reference]
    html = page.content.decode()
    # The box shows the term (in the page, not a URL); no link or form on the page has it.
    assert f'name="q" value="{term}"' in html
    for url in re.findall(r'(?:href|action)="([^"]*)"', html):
        _no_personal_data(url)


def test_the_search_keeps_the_lists_filters(client, supervisor, two_complaints, taobao):
    _mine, theirs = two_complaints
    client.force_login(supervisor)
    location = client.post(SEARCH, {"q": EMAIL, "platform__id__exact": str(taobao.pk)})["Location"]
    assert parse_qs(urlsplit(location).query)["platform__id__exact"] == [str(taobao.pk)]
    assert _listed(client.get(location)) == [theirs.reference]


def test_a_term_in_the_url_is_ignored(client, supervisor, two_complaints):
    client.force_login(supervisor)
    response = client.get(QUEUE, {"q": EMAIL})
    assert response.status_code == 200
    assert sorted(_listed(response)) == sorted(c.reference for c in two_complaints)


def test_a_search_key_means_nothing_in_another_session(client, supervisor, reviewer, two_complaints):
    client.force_login(supervisor)
    location = client.post(SEARCH, {"q": EMAIL})["Location"]
    client.force_login(reviewer)  # a new session
    assert sorted(_listed(client.get(location))) == sorted(c.reference for c in two_complaints)


def test_the_search_view_needs_permission_to_see_complaints(client, staff_user, two_complaints):
    client.force_login(staff_user)  # staff, but no role
    assert client.post(SEARCH, {"q": EMAIL}).status_code == 403


def test_the_outbox_is_searched_the_same_way(admin_client):
    for to in ("first@example.com", "second@example.com"):
        OutboundEmail.objects.create(template="t", to=to, language="zh-hans", subject="s", body_text="b")
    response = admin_client.post(reverse("admin:notifications_outboundemail_search"), {"q": "second@example.com"})
    assert "second" not in response["Location"] and "%40" not in response["Location"]
    page = admin_client.get(response["Location"])
    assert [e.to for e in page.context["cl"].result_list] == ["second@example.com"]


def test_profiles_are_searched_the_same_way(admin_client, consumer, other_consumer):
    response = admin_client.post(reverse("admin:accounts_profile_search"), {"q": "stranger@example.com"})
    assert "stranger" not in response["Location"] and "%40" not in response["Location"]
    page = admin_client.get(response["Location"])
    assert [p.user for p in page.context["cl"].result_list] == [other_consumer]


@pytest.mark.parametrize("model", ["auth_user", "account_emailaddress"])
def test_the_user_and_email_address_lists_are_searched_the_same_way(admin_client, consumer, other_consumer, model):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(user=other_consumer, email=other_consumer.email)
    EmailAddress.objects.get_or_create(user=consumer, email=consumer.email)
    changelist = reverse(f"admin:{model}_changelist")
    # The list's own search box posts: no address in the page's form action or any link.
    assert f'action="{reverse(f"admin:{model}_search")}"' in admin_client.get(changelist).content.decode()
    response = admin_client.post(reverse(f"admin:{model}_search"), {"q": other_consumer.email})
    assert "stranger" not in response["Location"] and "%40" not in response["Location"]
    page = admin_client.get(response["Location"])
    found = [getattr(row, "user", row) for row in page.context["cl"].result_list]
    assert found == [other_consumer]
    # A ?q= typed into the address bar is ignored: the whole list, unsearched.
    typed = admin_client.get(changelist, {"q": other_consumer.email})
    assert len(typed.context["cl"].result_list) >= 2
