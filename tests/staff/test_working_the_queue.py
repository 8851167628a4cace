"""Working the queue without going back to the list (issue 24 part 6): the next
complaint after an action that finishes one, reply templates, the list's snippet,
partial searches, the revealed phone, Beijing times, staff words, erased complaints."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from actions.erasure import erase_account
from actions.status import transition
from complaints.consents import record_consent
from complaints.models import Complaint
from complaints.states import Actor, Status
from core.parties import Party
from staff.models import ReplyTemplate

from .html import parse

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BEIJING)
QUEUE = reverse("admin:complaints_complaint_changelist")
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


def change_url(complaint, filters=None):
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    return f"{url}?{urlencode({'_changelist_filters': urlencode(filters)})}" if filters else url


def act(client, complaint, name, filters=None, **data):
    url = reverse("admin:complaints_complaint_act", args=[complaint.pk, name])
    if filters:
        url += "?" + urlencode({"_changelist_filters": urlencode(filters)})
    return client.post(url, {f"{name}-{key}": value for key, value in data.items()})


def status_of(complaint):
    return Complaint.objects.values_list("status", flat=True).get(pk=complaint.pk)


def _deadline(complaint, hours):
    Complaint.objects.filter(pk=complaint.pk).update(next_deadline_at=NOW + dt.timedelta(hours=hours))


@pytest.fixture
def in_review(make_complaint, consumer, reviewer):
    complaint = make_complaint(consumer, images=0)
    transition(complaint, Status.IN_REVIEW, actor=reviewer, role=Actor.STAFF)
    Complaint.objects.filter(pk=complaint.pk).update(assignee=reviewer)
    return complaint


@pytest.fixture
def queue(in_review, make_complaint, consumer, supervisor, taobao):
    """The reviewer's Pinduoduo list, by deadline: theirs (in review), one a supervisor
    took, one waiting for the consumer, one free; and a free Taobao one due first."""
    taken = make_complaint(consumer, images=0)
    waiting = make_complaint(consumer, images=0)
    transition(waiting, Status.IN_REVIEW, actor=supervisor, role=Actor.STAFF)
    transition(waiting, Status.NEEDS_INFO, actor=supervisor, role=Actor.STAFF, text="请补充订单截图")
    free = make_complaint(consumer, images=0)
    other_platform = make_complaint(consumer, images=0, platform=taobao)
    Complaint.objects.filter(pk=taken.pk).update(assignee=supervisor)
    for hours, complaint in enumerate([other_platform, in_review, taken, waiting, free]):
        _deadline(complaint, hours)
    return {"mine": in_review, "taken": taken, "waiting": waiting, "free": free, "taobao": other_platform}


# --- The next complaint --------------------------------------------------------------


def test_asking_for_information_leads_to_the_next_complaint_of_the_same_list_not_one_taken_or_waiting(
    client, reviewer, queue, pinduoduo
):
    client.force_login(reviewer)
    filters = {"platform__id__exact": str(pinduoduo.pk)}

    response = act(client, queue["mine"], "ask_info", filters, text="请补充快递单号。")

    assert status_of(queue["mine"]) == Status.NEEDS_INFO
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("admin:complaints_complaint_change", args=[queue["free"].pk])
    # The list travels on: its filters, never a search term.
    assert parse_qs(parse_qs(location.query)["_changelist_filters"][0]) == {"platform__id__exact": [str(pinduoduo.pk)]}
    page = parse(client.get(response["Location"]))
    notice = page.one("ul", class_="messagelist").text
    assert queue["mine"].reference in notice


def test_without_a_filter_the_next_complaint_is_the_most_urgent_free_one(client, reviewer, queue):
    client.force_login(reviewer)
    response = act(client, queue["mine"], "ask_info", text="请补充快递单号。")
    assert urlsplit(response["Location"]).path == reverse(
        "admin:complaints_complaint_change", args=[queue["taobao"].pk]
    )


def test_when_nothing_else_needs_staff_the_action_returns_to_the_list_with_its_filters(client, reviewer, in_review):
    client.force_login(reviewer)
    response = act(client, in_review, "ask_info", {"category__exact": "quality"}, text="请补充快递单号。")
    assert status_of(in_review) == Status.NEEDS_INFO
    assert response["Location"] == QUEUE + "?category__exact=quality"
    page = parse(client.get(response["Location"]))
    assert "没有其他需要您处理的投诉" in page.one("ul", class_="messagelist").text


def test_taking_a_complaint_keeps_staff_on_it_with_one_click(client, reviewer, make_complaint, consumer):
    complaint = make_complaint(consumer, images=0)
    client.force_login(reviewer)
    page = parse(client.get(change_url(complaint)))
    take = page.one("form", action=reverse("admin:complaints_complaint_act", args=[complaint.pk, "take"]))
    assert take.parent is not None and take.parent.tag != "details"  # a plain button, no form to open first
    response = act(client, complaint, "take")
    assert response["Location"] == change_url(complaint)
    assert status_of(complaint) == Status.IN_REVIEW


def test_the_complaint_page_links_to_the_next_complaint_of_its_list(client, reviewer, queue, pinduoduo):
    client.force_login(reviewer)
    filters = {"platform__id__exact": str(pinduoduo.pk)}
    page = parse(client.get(change_url(queue["mine"], filters)))
    link = page.one_by_id("next-complaint")
    assert link.text == f"下一件：{queue['free'].reference}"
    assert link.attrs["href"] == change_url(queue["free"], filters)
    assert page.one_by_id("back-to-list").attrs["href"] == QUEUE + "?" + urlencode(filters)
    # The action forms post back with the list, so the next complaint is of that list.
    form = page.one("details").one("form")
    assert "_changelist_filters=" in form.attrs["action"]


# --- Reply templates -------------------------------------------------------------------


@pytest.fixture
def templates(db):
    return {
        "quality": ReplyTemplate.objects.create(
            category="quality", title="缺少质检照片", body="请上传商品问题部位的照片。"
        ),
        "any": ReplyTemplate.objects.create(category="", title="需要订单截图", body="请上传订单详情页截图。"),
        "delivery": ReplyTemplate.objects.create(category="delivery", title="物流单号", body="请提供物流单号。"),
    }


def test_supervisors_keep_the_reply_templates_and_reviewers_use_them(reviewer, supervisor):
    for perm in ("add", "change", "delete", "view"):
        assert supervisor.has_perm(f"staff.{perm}_replytemplate")
        assert not reviewer.has_perm(f"staff.{perm}_replytemplate")


def test_the_ask_form_offers_the_templates_of_the_complaints_category_and_the_general_ones(
    client, reviewer, in_review, templates
):
    client.force_login(reviewer)
    page = parse(client.get(change_url(in_review)))
    select = page.one_by_id("id_ask_info-template")
    assert select.attrs["data-fills"] == "id_ask_info-text"
    options = {option.text: option.attrs.get("data-body") for option in select.find_all("option")}
    assert options == {
        "—": None,
        "缺少质检照片": "请上传商品问题部位的照片。",
        "需要订单截图": "请上传订单详情页截图。",
    }
    label = page.one("label", for_="id_ask_info-template")
    assert label.text.rstrip(":：") == "从回复模板开始"


def test_without_script_the_template_button_fills_the_text_and_does_nothing_else(
    client, reviewer, in_review, templates
):
    client.force_login(reviewer)
    # The button has no prefix: it is the form's own second submit.
    response = client.post(
        reverse("admin:complaints_complaint_act", args=[in_review.pk, "ask_info"]),
        {"ask_info-template": str(templates["quality"].pk), "ask_info-text": "", "use_template": ""},
    )
    assert response.status_code == 200
    assert status_of(in_review) == Status.IN_REVIEW
    page = parse(response)
    assert page.one_by_id("id_ask_info-text").text == "请上传商品问题部位的照片。"
    assert page.one_by_id("id_ask_info-text").ancestor(3).attrs.get("open") is not None  # its <details>


# --- The list ------------------------------------------------------------------------


def test_the_list_shows_a_snippet_of_what_happened_and_the_age(client, reviewer, in_review):
    client.force_login(reviewer)
    page = parse(client.get(QUEUE))
    row = page.one_by_id("result_list").one("tbody").one("tr")
    assert row.one("td", class_="field-snippet").text == "收到的电饭煲内胆有裂缝,商家拒绝退货退款,已经沟通三天。"
    assert row.one("td", class_="field-age").text == "0"
    headers = [th.text for th in page.one_by_id("result_list").one("thead").find_all("th")]
    assert "事情经过" in headers


def _search(client, term):
    response = client.post(QUEUE + "search/", {"q": term})
    location = response["Location"]
    assert term not in location and list(parse_qs(urlsplit(location).query)) == ["qs"]
    return sorted(c.reference for c in client.get(location).context["cl"].result_list)


def test_search_by_a_references_start_its_last_digits_or_the_consumers_name(client, reviewer, make_complaint, consumer):
    first = make_complaint(consumer, images=0)
    second = make_complaint(consumer, images=0, contact_name="李四")
    client.force_login(reviewer)
    assert first.reference == "TS-20260310-0001"
    assert _search(client, "TS-2026") == [first.reference, second.reference]
    assert _search(client, "ts-20260310-000") == [first.reference, second.reference]
    assert _search(client, "0002") == [second.reference]
    assert _search(client, "0310-0001") == [first.reference]
    assert _search(client, "李四") == [second.reference]
    assert _search(client, "王") == [first.reference]  # a surname
    assert _search(client, "TS-2025") == []


# --- The complaint page ----------------------------------------------------------------


def test_a_revealed_phone_is_a_tel_link_written_in_groups(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(reverse("admin:complaints_complaint_reveal", args=[in_review.pk, "phone"]))
    link = parse(response).one_by_id("revealed").one("a")
    assert link.attrs["href"] == "tel:+8613912345678"
    assert link.text == "139 1234 5678"


def test_times_on_the_complaint_page_are_beijing_time(client, reviewer, in_review, consumer):
    record_consent(user=consumer, complaint=in_review, recipient=Party.PLATFORM)
    client.force_login(reviewer)
    page = parse(client.get(change_url(in_review)))
    assert page.one("div", class_="field-platform_consent_at").one("div", class_="readonly").text == (
        "2026-03-10 10:00"
    )
    assert page.one("div", class_="field-submitted").one("div", class_="readonly").text == "2026-03-10 10:00"
    assert "+00:00" not in page.text


def test_staff_read_the_status_in_staff_words(client, reviewer, in_review):
    transition(in_review, Status.NEEDS_INFO, actor=reviewer, role=Actor.STAFF, text="请补充")
    client.force_login(reviewer)
    page = parse(client.get(QUEUE))
    assert page.one("td", class_="field-staff_status").text == "等待消费者补充"
    assert "等待消费者补充" in page.one_by_id("changelist-filter").text
    assert "等待您补充" not in page.text
    complaint_page = parse(client.get(change_url(in_review)))
    assert complaint_page.one("div", class_="field-staff_status").one("div", class_="readonly").text == "等待消费者补充"
    assert "审核中 → 等待消费者补充" in complaint_page.one_by_id("timeline").text
    assert "等待您补充" not in complaint_page.text


# --- Erased complaints -----------------------------------------------------------------


def test_an_erased_complaint_leaves_the_working_queue_and_its_actions_are_refused(
    client, reviewer, in_review, consumer, make_complaint, other_consumer
):
    kept = make_complaint(other_consumer, images=0)
    erase_account(consumer)
    client.force_login(reviewer)

    assert [c.pk for c in client.get(QUEUE).context["cl"].result_list] == [kept.pk]
    assert [c.pk for c in client.get(QUEUE, {"erased": "yes"}).context["cl"].result_list] == [in_review.pk]

    page = parse(client.get(change_url(in_review)))
    assert "个人信息已删除" in page.one_by_id("actions-refused").text
    assert page.one_by_id("actions").find("form") is None
    response = act(client, in_review, "resolve", text="")
    assert response.status_code == 302
    assert status_of(in_review) == Status.IN_REVIEW
    assert "个人信息已删除" in parse(client.get(response["Location"])).one("ul", class_="messagelist").text


def test_the_statistics_tables_headers_say_what_they_head(client, supervisor):
    client.force_login(supervisor)
    for url in (reverse("staff:public_stats"), reverse("admin:index")):
        page = parse(client.get(url))
        for table in page.find_all("table", class_="stats-table"):
            headers = table.one("thead").find_all("th")
            assert headers and all(th.attrs.get("scope") == "col" for th in headers), url
