"""Every URL that names a complaint or a file, for seven personas: an anonymous
visitor, the owner, another consumer, a staff account without a role, a reviewer,
a supervisor and a superuser. The URLs are read from the URL conf (the complaints,
escalation and reading namespaces, and the staff admin's complaint URLs), and the expected
table must name each of them, so a new private view fails here until someone decides
who may open it (complaints.access)."""

import io
import re
import zipfile
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import F
from django.urls import get_resolver, reverse

from complaints.consents import record_consent
from complaints.models import Complaint
from complaints.states import Status
from core.parties import Party
from staff.models import AccessLog
from staff.roles import REVIEWER, SUPERVISOR, create_staff_groups

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ocr_refused_in_requests")]

PRIVATE_NAMESPACES = ("complaints", "escalation", "reading")
ADMIN_PREFIX = "complaints_complaint_"
PERSONAS = ("anonymous", "owner", "other", "staff_no_role", "reviewer", "supervisor", "superuser")

LOGIN = "login"  # 302 to allauth's login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page

# name: (method, POST data, expected answer per persona in PERSONAS' order).
# Rows run in this order; the owner's withdrawal comes last because it closes the complaint.
CONSUMER = (LOGIN, 200, 404, 404, 404, 404, 404)
STAFF_PAGE = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200, 200, 200)
NOBODY_IN_ADMIN = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 403, 403, 403)
EXPECTED = {
    "complaints:detail": ("get", None, CONSUMER),
    "complaints:message": ("post", {}, (LOGIN, 400, 404, 404, 404, 404, 404)),
    "complaints:add_evidence": ("post", {}, (LOGIN, 400, 404, 404, 404, 404, 404)),
    # The owner's alone: staff open evidence in the admin, where it is logged.
    "complaints:evidence": ("get", None, CONSUMER),
    "complaints:evidence_thumbnail": ("get", None, CONSUMER),
    # Where the check of an upload stands: its owner only, like the complaint pages.
    "complaints:evidence_status": ("get", None, CONSUMER),
    # Not possible once the platform answered: the owner is sent back to the complaint.
    "escalation:filed_with_platform": ("get", None, (LOGIN, 302, 404, 404, 404, 404, 404)),
    "escalation:ics": ("get", None, CONSUMER),
    "escalation:packet_start": ("get", None, CONSUMER),
    "escalation:packet": ("get", None, CONSUMER),
    "escalation:packet_zip": ("get", None, CONSUMER),
    "escalation:packet_timeline": ("get", None, CONSUMER),
    "escalation:paperwork_pdf": ("get", None, CONSUMER),
    # The copy of an image as 12315 would get it, and the choice to show or blur (reading.sharing):
    # the owner's alone; an empty choice changes nothing and sends the owner back with a message.
    "reading:shared_preview": ("get", None, CONSUMER),
    "reading:sharing_choice": ("post", {}, (LOGIN, 302, 404, 404, 404, 404, 404)),
    # An empty form: the owner is sent back to the packet with a message.
    # The owner's empty form comes back with its errors (400); everyone else: 404.
    "escalation:record_escalation": ("post", {}, (LOGIN, 400, 404, 404, 404, 404, 404)),
    # The ladder's "I filed on 12315" form: open once the platform answered.
    "escalation:record_step": ("get", None, CONSUMER),
    # "The platform answered me": once the answer is recorded, the owner is sent back.
    "escalation:platform_answered": ("get", None, (LOGIN, 302, 404, 404, 404, 404, 404)),
    # "Was it solved?" with nothing asked: the owner is sent back to the complaint.
    "escalation:answer_solved": ("post", {}, (LOGIN, 302, 404, 404, 404, 404, 404)),
    "admin:complaints_complaint_changelist": ("get", None, STAFF_PAGE),
    # The list's search box (core.admin_search): remembers the term, back to the list.
    "admin:complaints_complaint_search": ("post", {"q": "x"}, (*STAFF_PAGE[:4], 302, 302, 302)),
    "admin:complaints_complaint_change": ("get", None, STAFF_PAGE),
    "admin:complaints_complaint_history": ("get", None, STAFF_PAGE),
    "admin:complaints_complaint_add": ("get", None, NOBODY_IN_ADMIN),
    "admin:complaints_complaint_delete": ("get", None, NOBODY_IN_ADMIN),
    "admin:complaints_complaint_act": ("post", {"note-text": "internal"}, (*STAFF_PAGE[:4], 302, 302, 302)),
    "admin:complaints_complaint_reveal": ("post", {}, STAFF_PAGE),
    "admin:complaints_complaint_evidence": ("get", None, STAFF_PAGE),
    "admin:complaints_complaint_evidence_thumbnail": ("get", None, STAFF_PAGE),
    "admin:complaints_complaint_packet": ("get", None, STAFF_PAGE),
    "admin:complaints_complaint_packet_zip": ("get", None, STAFF_PAGE),
    "admin:complaints_complaint_paperwork_pdf": ("get", None, STAFF_PAGE),
    "complaints:withdraw": ("post", {}, (LOGIN, 302, 404, 404, 404, 404, 404)),
}


def _names_and_params(namespace, keep):
    resolver = get_resolver().namespace_dict[namespace][1]
    for name in resolver.reverse_dict:
        if isinstance(name, str) and keep(name):
            for bits, *_rest in resolver.reverse_dict.getlist(name):
                yield f"{namespace}:{name}", set(bits[0][1])


def private_url_names() -> dict[str, set]:
    """{URL name: its parameters} for every URL that names a complaint or a file."""
    found = {}
    for namespace in PRIVATE_NAMESPACES:
        for name, params in _names_and_params(namespace, lambda _name: True):
            if params & {"reference", "public_id"}:
                found[name] = params
    found.update(_names_and_params("admin", lambda name: name.startswith(ADMIN_PREFIX)))
    return found


def url_for(name, complaint) -> str:
    evidence = complaint.evidence.first()
    values = {
        "reference": complaint.reference,
        "public_id": evidence.public_id,
        "body": "12315",
        "kind": "12315",
        "object_id": complaint.pk,
        "name": "note",
        "field": "phone",
        "route": "12315",
        "step": "filed",
        "recipient": "12315",
    }
    return reverse(name, kwargs={key: values[key] for key in private_url_names()[name]})


@pytest.fixture
def personas(client, consumer, other_consumer, staff_user, django_user_model):
    """Log the client in as the persona; the owner is `consumer`."""
    groups = create_staff_groups()

    def staff(email, group):
        user = django_user_model.objects.create_user(username=email, email=email, password="pw-Secret-2026")
        user.is_staff = True
        user.save()
        user.groups.add(group)
        return user

    users = {
        "anonymous": None,
        "owner": consumer,
        "other": other_consumer,
        "staff_no_role": staff_user,
        "reviewer": staff("reviewer@tousu.example", groups[REVIEWER]),
        "supervisor": staff("supervisor@tousu.example", groups[SUPERVISOR]),
        "superuser": django_user_model.objects.create_superuser("root@tousu.example", "root@tousu.example", "pw-R00t"),
    }

    def login(persona):
        client.logout()
        if users[persona] is not None:
            client.force_login(users[persona])
        return users[persona]

    return login


@pytest.fixture
def answered(consumer, make_complaint):
    """A complaint the platform answered, whose owner agreed to share it with 12315: every
    consumer page, the packet included, is open to its owner."""
    complaint = make_complaint(consumer)
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.PLATFORM_RESPONDED)
    complaint.refresh_from_db()
    record_consent(user=consumer, complaint=complaint, recipient=Party.REGULATOR)
    return complaint


def test_the_expected_table_names_every_private_url_of_the_url_conf():
    assert set(private_url_names()) == set(EXPECTED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_private_url_answers_each_persona_as_the_access_policy_says(client, personas, answered, persona):
    personas(persona)
    column = PERSONAS.index(persona)
    for name, (method, data, expected_by_persona) in EXPECTED.items():
        expected = expected_by_persona[column]
        url = url_for(name, answered)
        response = client.post(url, data) if method == "post" else client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name
        elif expected == ADMIN_LOGIN:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), name
        else:
            assert response.status_code == expected, (name, response.status_code)


@pytest.mark.parametrize("persona", ["other", "staff_no_role", "reviewer", "supervisor", "superuser"])
def test_nobody_but_the_owner_changes_a_complaint_through_the_consumer_urls(client, personas, answered, persona):
    personas(persona)
    for name in (
        "complaints:message",
        "complaints:withdraw",
        "escalation:record_escalation",
        "escalation:record_step",
        "escalation:platform_answered",
        "escalation:answer_solved",
    ):
        data = {"text": "x", "reason": "x", "body": "12315", "reference": "X", "filed_on": "2026-01-01"}
        data.update({"route": "12315", "on": "2026-01-01"})
        assert client.post(url_for(name, answered), data).status_code == 404, name
    answered.refresh_from_db()
    assert answered.status == Status.PLATFORM_RESPONDED and answered.events.count() == 1


def test_evidence_urls_are_not_guessable(consumer, make_complaint):
    evidence = make_complaint(consumer, images=2).evidence.all()
    ids = [str(e.public_id) for e in evidence]
    assert all(len(i) == 36 for i in ids) and ids[0][:8] != ids[1][:8]  # random UUIDs, not counters


# --- A staff account without a role sees nothing personal -------------------------------

PHONE = re.compile(rb"(\+?86[\s-]?)?139[\s-]?1234[\s-]?5678")
EMAIL = b"owner@example.com"
# The site's icons are public files like /static/ (WhiteNoise serves them from public/).
NOT_CRAWLED = ("/accounts/logout/", "/i18n/", "/admin/logout/", "/static/", "/favicon.ico", "/apple-touch-icon.png")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src", "action") and value:
                self.links.append(value)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def crawl(client, start: list[str], limit: int = 300) -> dict[str, object]:
    """GET every same-site URL reachable from `start` (links, images, form targets)."""
    seen, queue, responses = set(start), deque(start), {}
    while queue and len(responses) < limit:
        url = queue.popleft()
        response = client.get(url)
        body = _body(response)
        responses[url] = (response, body)
        links = []
        if response.status_code in (301, 302):
            links.append(response["Location"])
        if response.get("Content-Type", "").startswith("text/html"):
            parser = _Links()
            parser.feed(body.decode("utf-8", "replace"))
            links += parser.links
        for link in links:
            parts = urlsplit(urljoin(url, link))
            if parts.netloc not in ("", "testserver") or parts.path.startswith(NOT_CRAWLED):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return responses


def test_a_staff_account_without_a_role_sees_no_phone_email_or_evidence_anywhere(
    client, consumer, staff_user, make_complaint
):
    complaint = make_complaint(consumer, images=2)
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.PLATFORM_RESPONDED)
    evidence_bytes = []
    for evidence in complaint.evidence.all():
        for field in (evidence.file, evidence.thumbnail):
            with field.open("rb") as handle:
                evidence_bytes.append(handle.read())
    client.force_login(staff_user)

    start = ["/", "/admin/", *(url_for(name, complaint) for name, (m, _d, _e) in EXPECTED.items() if m == "get")]
    responses = crawl(client, start)

    assert len(responses) >= len(start)
    for url, (response, body) in responses.items():
        assert not PHONE.search(body), url
        assert EMAIL not in body.lower(), url
        assert not any(data in body for data in evidence_bytes), url
        assert not response.get("Content-Type", "").startswith(("image/", "application/zip", "application/pdf")), url
    # The logged reveal and the actions refuse too, and leave no trace.
    for field in ("phone", "email"):
        response = client.post(reverse("admin:complaints_complaint_reveal", args=[complaint.pk, field]))
        assert response.status_code == 403 and not PHONE.search(response.content)
        assert EMAIL not in response.content
    assert not AccessLog.objects.exists()


# --- The staff packet and ZIP ----------------------------------------------------------------


def test_the_staff_packet_and_zip_write_an_access_log_row_each(client, django_user_model, make_complaint, consumer):
    reviewer = django_user_model.objects.create_user("rev", "rev@tousu.example", "pw-Secret-2026", is_staff=True)
    reviewer.groups.add(create_staff_groups()[REVIEWER])
    complaint = make_complaint(consumer, images=2)
    record_consent(user=consumer, complaint=complaint, recipient=Party.REGULATOR)
    client.force_login(reviewer)

    page = client.get(reverse("admin:complaints_complaint_packet", args=[complaint.pk, "12315"]))
    assert page.status_code == 200 and "+8613912345678" in page.content.decode()
    archive = client.get(reverse("admin:complaints_complaint_packet_zip", args=[complaint.pk, "12315"]))
    assert archive.status_code == 200 and "no-store" in archive["Cache-Control"]
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert sorted(n for n in names if n.startswith("evidence/")) == ["evidence/01.png", "evidence/02.png"]

    rows = list(AccessLog.objects.order_by("created_at", "id").values_list("user", "complaint", "field"))
    assert rows == [(reviewer.pk, complaint.pk, "packet"), (reviewer.pk, complaint.pk, "evidence_zip")]


def test_a_role_without_reveal_gets_the_staff_packet_masked_and_logged(
    client, django_user_model, make_complaint, consumer
):
    reader = django_user_model.objects.create_user("reader", "reader@tousu.example", "pw-Secret-2026", is_staff=True)
    group = Group.objects.create(name="reader")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="complaints", codename__in=["view_complaint", "view_evidence"]
        )
    )
    reader.groups.add(group)
    complaint = make_complaint(consumer)
    record_consent(user=consumer, complaint=complaint, recipient=Party.REGULATOR)
    client.force_login(reader)

    html = client.get(reverse("admin:complaints_complaint_packet", args=[complaint.pk, "12315"])).content
    archive = client.get(reverse("admin:complaints_complaint_packet_zip", args=[complaint.pk, "12315"])).content
    text = zipfile.ZipFile(io.BytesIO(archive)).read("complaint.txt")

    for body in (html, text):
        assert b"139****5678" in body and b"o***@example.com" in body
        assert not PHONE.search(body) and EMAIL not in body
    assert list(AccessLog.objects.values_list("field", flat=True).order_by("id")) == ["packet", "evidence_zip"]
    reveal = client.post(reverse("admin:complaints_complaint_reveal", args=[complaint.pk, "phone"]))
    assert reveal.status_code == 403 and AccessLog.objects.count() == 2


# --- Evidence opened in the staff admin ------------------------------------------------------


def test_staff_open_evidence_only_in_the_admin_and_each_opening_is_logged_once_per_window(
    client, django_user_model, make_complaint, consumer
):
    reviewer = django_user_model.objects.create_user("rev", "rev@tousu.example", "pw-Secret-2026", is_staff=True)
    reviewer.groups.add(create_staff_groups()[REVIEWER])
    complaint = make_complaint(consumer, images=2)
    first, second = complaint.evidence.order_by("created_at", "id")
    client.force_login(reviewer)

    # The consumer's own URL is a 404 for staff: it would be an unlogged way in.
    assert client.get(first.get_absolute_url()).status_code == 404
    assert client.get(first.get_thumbnail_url()).status_code == 404

    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    thumbnail = reverse("admin:complaints_complaint_evidence_thumbnail", args=[complaint.pk, first.public_id])
    full = reverse("admin:complaints_complaint_evidence", args=[complaint.pk, second.public_id])
    assert f'src="{thumbnail}"' in page and f'href="{full}"' in page
    assert not AccessLog.objects.exists()  # the page itself shows no image

    with first.thumbnail.open("rb") as handle:
        assert b"".join(client.get(thumbnail).streaming_content) == handle.read()
    assert client.get(full)["Content-Type"] == second.content_type
    assert list(AccessLog.objects.values_list("user", "complaint", "field")) == [
        (reviewer.pk, complaint.pk, "evidence_image")
    ]

    # After the window, opening again is a new row; another complaint's evidence is a 404.
    AccessLog.objects.update(created_at=F("created_at") - timedelta(minutes=11))
    client.get(full)
    assert AccessLog.objects.filter(field="evidence_image").count() == 2
    other = make_complaint(consumer, images=1).evidence.get()
    assert (
        client.get(reverse("admin:complaints_complaint_evidence", args=[complaint.pk, other.public_id])).status_code
        == 404
    )


def test_the_staff_packet_zip_and_letter_stay_closed_until_the_consumer_agrees_to_share_with_that_body(
    client, django_user_model, make_complaint, consumer
):
    supervisor = django_user_model.objects.create_user("sup", "sup@tousu.example", "pw-Secret-2026", is_staff=True)
    supervisor.groups.add(create_staff_groups()[SUPERVISOR])
    complaint = make_complaint(consumer, images=1)
    client.force_login(supervisor)
    urls = [
        reverse("admin:complaints_complaint_packet", args=[complaint.pk, "12315"]),
        reverse("admin:complaints_complaint_packet_zip", args=[complaint.pk, "12315"]),
        reverse("admin:complaints_complaint_paperwork_pdf", args=[complaint.pk, "12315"]),
    ]
    for url in urls:
        refused = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert refused.status_code == 403 and "消费者尚未同意将此投诉分享给" in refused.content.decode(), url
        assert "+8613912345678" not in refused.content.decode()
    assert not AccessLog.objects.exists()  # nothing was opened
    # The court draft goes to nobody but the consumer: no consent to ask for.
    court = client.get(reverse("admin:complaints_complaint_paperwork_pdf", args=[complaint.pk, "court"]))
    assert court.status_code in (200, 202)

    record_consent(user=consumer, complaint=complaint, recipient=Party.REGULATOR)
    assert client.get(urls[0]).status_code == 200
