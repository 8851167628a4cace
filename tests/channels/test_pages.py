import datetime as dt
import re

import pytest
from django.template import Context, Template

from channels.levels import Level
from channels.models import Body, Channel
from channels.services import set_verification
from platforms.models import Platform

BADGE = re.compile(r'class="badge level-badge [^"]*" data-level="(\w+)">([^<]+)<')


def badges(html):
    return BADGE.findall(html)


def all_pages(client):
    urls = ["/channels/"] + [body.get_absolute_url() for body in Body.objects.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()
    for query in ("95188", "12306", "4008822528"):  # the number checker answers a POST
        response = client.post("/channels/check/", {"q": query})
        assert response.status_code == 200, query
        yield f"/channels/check/ {query}", response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_page_shows_anything_as_official_while_nothing_is(client, directory, language):
    client.cookies["django_language"] = language
    seen = 0
    for url, html in all_pages(client):
        for level, label in badges(html):
            seen += 1
            assert level != "official", url
            assert label.strip() not in ("Official", "官方核实"), url
    assert seen > 20  # the pages did render badges


def check_pinduoduo_hotline_in_the_app(staff_user):
    """A staff member confirms Pinduoduo's hotline in its own app on 2026-11-20."""
    set_verification(
        Channel.objects.get(body__slug="pinduoduo", normalised="4008822528"),
        level=Level.OFFICIAL,
        source="Pinduoduo app, 我的 → 官方客服",
        checked_on=dt.date(2026, 11, 20),
        checked_by=staff_user,
        recorded_by=staff_user.username,
    )


def test_only_the_channel_a_staff_member_checked_shows_as_official(client, directory, staff_user):
    check_pinduoduo_hotline_in_the_app(staff_user)
    client.cookies["django_language"] = "en"
    html = client.get("/channels/pinduoduo/").content.decode()
    official = [label for level, label in badges(html) if level == "official"]
    assert official == ["Official"]
    card = html[html.index('data-channel-level="official"') :]
    assert card.index("400-8822-528") < card.index("Official") < card.index("</li>")


def test_body_page_links_numbers_and_addresses(client, directory):
    html = client.get("/channels/pinduoduo/").content.decode()
    assert 'href="tel:4008822528"' in html
    assert 'href="mailto:pinduoduo@service.pinduoduo.com"' in html


def test_body_page_lists_surest_first_and_in_app_steps_in_order(en, directory):
    html = en.get("/channels/pinduoduo/").content.decode()
    assert html.index("400-8822-528") < html.index("021-53395288")  # corroborated before unconfirmed
    # The in-app labels are tagged as Chinese (test_language_of_parts); the order is read without the tags.
    text = re.sub(r"</?span[^>]*>", "", html)
    steps = re.findall(r"<li>(Open the Pinduoduo app[^<]*|Tap “官方客服”[^<]*)</li>", text)
    assert steps[0].startswith("Open the Pinduoduo app") and steps[1].startswith("Tap “官方客服”")


def test_unconfirmed_numbers_carry_a_caution(en, directory):
    html = en.get("/channels/pinduoduo/").content.decode()
    card = html[html.index("021-3359-8500") :]
    assert card.index("Unconfirmed: only one source gives this") < card.index("</li>")


def test_wrong_numbers_appear_only_under_do_not_trust_with_the_reason(en, directory):
    html = en.get("/channels/pinduoduo/").content.decode()
    do_not_trust = html[html.index('id="do-not-trust"') :]
    trusted_part = html[: html.index('id="do-not-trust"')]
    assert "95188" not in trusted_part and "400-0123-456" not in trusted_part
    assert "tel:95188" not in html and "tel:4000123456" not in html
    assert "95188 belongs to Alipay, not to Pinduoduo." in do_not_trust
    assert "400-0123-456 is a placeholder seen in templates and mock data, not a Pinduoduo contact." in do_not_trust


def test_do_not_trust_reasons_are_translated(zh, directory):
    html = zh.get("/channels/pinduoduo/").content.decode()
    assert "网上出现过，不要相信" in html
    assert "95188 属于支付宝，不属于拼多多。" in html


def test_the_owner_page_says_its_number_is_passed_off_as_someone_elses(en, directory):
    html = en.get("/channels/alipay/").content.decode()
    assert "95188 is Alipay's, but web pages present it as Pinduoduo's." in html


@pytest.mark.frozen_at("2026-03-02 21:00")
def test_body_page_says_open_now_in_beijing_time(en, directory):
    # 13:00 UTC = 21:00 in Beijing: the 09:00-22:00 line is open, the 09:00-20:00 one closed.
    html = en.get("/channels/pinduoduo/").content.decode()
    line_22 = html[html.index("021-53395288") :]
    assert line_22.index("Open now, until 22:00") < line_22.index("</li>")
    line_20 = html[html.index("021-3359-8500") :]
    assert line_20.index("Closed now, opens at 09:00 tomorrow") < line_20.index("</li>")


@pytest.mark.frozen_at(dt.datetime(2026, 3, 2, 19, 0, tzinfo=dt.UTC))
def test_round_the_clock_and_open_now_in_chinese(zh, directory):
    # 19:00 UTC is 03:00 in Beijing.
    html = zh.get("/channels/taobao/").content.decode()
    assert "全天24小时服务" in html
    html = zh.get("/channels/pinduoduo/").content.decode()
    assert "现在休息，今天 09:00 开始" in html


@pytest.mark.parametrize(("language", "expected"), [("en", "Contact directory"), ("zh-hans", "联系方式查询")])
def test_directory_index_lists_platforms_and_escalation_bodies(client, directory, language, expected):
    client.cookies["django_language"] = language
    html = client.get("/channels/").content.decode()
    assert expected in html
    names = (
        ["Pinduoduo", "Taobao", "Tmall", "China Consumers Association"]
        if language == "en"
        else ["拼多多", "淘宝", "天猫", "中国消费者协会", "黑猫投诉"]
    )
    for name in names:
        assert name in html


def test_an_unknown_body_is_not_found(client, directory):
    assert client.get("/channels/no-such-body/").status_code == 404


def render_tag(platform, language="en"):
    from django.utils import translation

    with translation.override(language):
        return Template("{% include 'channels/_platform_channels.html' %}").render(Context({"platform": platform}))


def test_platform_include_shows_trustworthy_channels_and_never_wrong_ones(directory):
    html = render_tag(Platform.objects.get(slug="pinduoduo"))
    assert "400-8822-528" in html and "021-53395288" in html
    assert "95188" not in html and "400-0123-456" not in html
    assert "021-53395088" not in html  # a merchant line
    assert html.index("400-8822-528") < html.index("021-53395288")
    assert {level for level, _label in badges(html)} <= {"corroborated", "unconfirmed"}
    assert "Unconfirmed: it may be wrong." in html


def test_platform_tag_renders_in_chinese(directory):
    html = Template("{% load channels_tags %}{% platform_channels platform %}")
    from django.utils import translation

    with translation.override("zh-hans"):
        out = html.render(Context({"platform": Platform.objects.get(slug="taobao")}))
    assert "9510211" in out and "12306" not in out and "直接联系淘宝" in out


def test_platform_without_a_directory_entry_points_to_the_app(db):
    platform = Platform.objects.create(slug="jd", name_zh="京东", name_en="JD", sort_order=50)
    assert "Use the customer service inside the platform's own app." in render_tag(platform)


@pytest.mark.frozen_at("2026-03-02 10:00")
def test_the_include_says_the_best_way_first_plainly_and_folds_the_rest(directory):
    html = render_tag(Platform.objects.get(slug="pinduoduo"), language="zh-hans")
    best = html[: html.index('<details class="mb-1">')]
    assert re.search(
        r'<a href="tel:4008822528">拨打 400-8822-528</a></span> · <span class="level-word" data-level="corroborated">多方印证</span>',
        best,
    )
    assert best.count("data-channel-level=") == 1  # one way shown, on a phone too
    folded = html[html.index('<details class="mb-1">') :]
    assert "<summary>另外 5 种方式</summary>" in folded
    assert "拨打 021-53395288</a></span> · <span>现在可拨打</span> · " in folded  # 09:00-22:00, now 10:00


def test_the_include_names_sources_in_words_one_tap_away_never_file_names_or_bare_urls(directory):
    html = render_tag(Platform.objects.get(slug="pinduoduo"), language="zh-hans")
    assert "<summary>信息来源</summary>" in html
    assert "一篇网络文章，未经平台证实" in html and "网友整理的联系方式清单</a>" in html
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", html)
    assert not re.search(r">\s*https?://", html)  # no address as link text


@pytest.mark.parametrize(
    ("kind", "value", "said"),
    [
        (Channel.Kind.CONSUMER_HOTLINE, "400-8822-528", "Call 400-8822-528"),
        (Channel.Kind.EMAIL, "help@example.com", "Email help@example.com"),
        (Channel.Kind.WEB_FORM, "https://www.example.com/complaints/new?from=app", "Online form on example.com"),
    ],
)
def test_each_way_is_said_as_what_to_do(db, kind, value, said):
    from django.utils import translation

    from channels.presentation import how_to_reach

    channel = Channel(kind=kind, value=value, normalised=value.lower())
    with translation.override("en"):
        assert how_to_reach(channel) == said


def test_only_a_confirmed_entry_says_when_it_was_verified(client, directory, staff_user):
    """An unconfirmed entry was listed, not checked: it never reads "核实于"."""
    check_pinduoduo_hotline_in_the_app(staff_user)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/channels/pinduoduo/").content.decode()
    entries = re.findall(r'<li class="[^"]*" data-channel-level="(\w+)">(.*?)</li>', html, re.S)
    unconfirmed = [text for level, text in entries if level == "unconfirmed"]
    assert unconfirmed
    assert all("核实于" not in text and "未经核实" in text for text in unconfirmed)
    [official] = [text for level, text in entries if level == "official"]
    assert "核实于 2026-11-20" in official
