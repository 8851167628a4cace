"""Validation messages are ours and name the field (issue 24 part 5): a bad value is
refused next to its field in our Chinese, the input is kept, and Django's generic
text ("确保该变量至少包含 20 字符(目前字符数 1)。") never shows."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_filing import form_post

pytestmark = pytest.mark.django_db

GENERIC = ("确保该变量", "字符数", "输入一个有效的", "这个字段是必填项", "Ensure this value", "Enter a valid")


class FieldErrors(HTMLParser):
    """The text of each field's error element (id="<field id>_error" or the
    invalid-feedback beside it), keyed by the field's name, and each field's value."""

    def __init__(self):
        super().__init__()
        self.errors, self.values, self._in = {}, {}, None
        self._last_field = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea") and attrs.get("name"):
            self._last_field = attrs["name"]
            self.values[attrs["name"]] = attrs.get("value", "")
            if tag == "textarea":
                self._in = ("value", attrs["name"])
        classes = (attrs.get("class") or "").split()
        if "invalid-feedback" in classes and self._last_field:
            self._in = ("error", self._last_field)

    def handle_endtag(self, tag):
        if tag in ("textarea", "div", "span", "p", "strong"):
            self._in = None if tag != "strong" else self._in

    def handle_data(self, data):
        if self._in:
            kind, name = self._in
            target = self.errors if kind == "error" else self.values
            target[name] = target.get(name, "") + data.strip()


@pytest.fixture
def logged_in(client, consumer):
    client.force_login(consumer)
    return client


def errors_for(client, pinduoduo, **bad):
    response = client.post(reverse("complaints:new"), {**form_post(pinduoduo, **bad), "action": "review"})
    html = response.content.decode()
    parser = FieldErrors()
    parser.feed(html)
    return html, parser


def test_a_short_description_is_refused_in_our_words_with_the_counts_and_kept(logged_in, pinduoduo):
    html, parsed = errors_for(logged_in, pinduoduo, description="短")
    assert parsed.errors["description"] == "请把经过再写详细一些：至少 20 个字（目前 1 个）。"
    assert parsed.values["description"] == "短"
    assert not any(text in html for text in GENERIC)


def test_bad_email_date_and_overlong_fields_each_say_what_is_wrong(logged_in, pinduoduo):
    html, parsed = errors_for(
        logged_in,
        pinduoduo,
        contact_email="not-an-address",
        order_date="05/03/2026x",
        contact_name="王" * 61,
        shop_name="店" * 121,
    )
    assert parsed.errors["contact_email"] == "请填写正确的邮箱地址，例如 name@example.com"
    assert parsed.errors["order_date"] == "请按“年-月-日”填写下单日期，例如 2026-03-05。"
    assert parsed.errors["contact_name"] == "姓名最多 60 个字符，您填写了 61 个。"
    assert parsed.errors["shop_name"] == "店铺名称最多 120 个字符，您填写了 121 个。"
    assert parsed.values["contact_email"] == "not-an-address"
    assert not any(text in html for text in GENERIC)


def test_the_same_in_english(logged_in, pinduoduo):
    response = logged_in.post(
        reverse("complaints:new"),
        {**form_post(pinduoduo, description="short"), "action": "review"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.context["form"].errors["description"] == [
        "Say a little more about what happened: at least 20 characters (now 5)."
    ]
