"""Directory links may only be http, https, tel or mailto: a `javascript:` value is
refused by the model field, so the admin and the data loader refuse it alike."""

import copy

import pytest
from django.core.exceptions import ValidationError

from channels import loader
from channels.links import validate_link_scheme
from channels.models import Body, Channel

from .adminforms import add_channel_in_admin

SCRIPT_LINKS = [
    "javascript://12315.cn/%0Aalert(document.cookie)",
    "JavaScript:alert(1)",
    " java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("value", SCRIPT_LINKS)
def test_script_links_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        validate_link_scheme(value)
    assert refused.value.code == "link_scheme"


@pytest.mark.parametrize(
    "value",
    ["https://www.12315.cn", "http://tousu.sina.com.cn/", "tel:12315", "mailto:a@b.cn", "400 820 8820", "12315.cn"]
    + ["拼多多App > 我的 > 官方客服"],
)
def test_web_phone_email_and_plain_values_pass(value):
    validate_link_scheme(value)


def test_a_body_website_must_be_http_or_https():
    with pytest.raises(ValidationError):
        Body(website="ftp://12315.cn").clean_fields(exclude=["slug", "kind", "name_zh", "name_en"])
    with pytest.raises(ValidationError):
        Body(website="javascript:alert(1)").clean_fields(exclude=["slug", "kind", "name_zh", "name_en"])


def _admin_add(admin_client, body, value):
    return add_channel_in_admin(admin_client, body, key="web-form-new", kind="web_form", value=value)


def test_the_admin_refuses_a_javascript_link_next_to_the_field(admin_client, directory):
    body = Body.objects.get(slug="tmall")
    response = _admin_add(admin_client, body, SCRIPT_LINKS[0])
    assert response.status_code == 200
    assert "http://、https://、tel: 或 mailto:" in response.content.decode()
    assert not Channel.objects.filter(key="web-form-new").exists()


def test_the_admin_accepts_an_https_link(admin_client, directory):
    body = Body.objects.get(slug="tmall")
    assert _admin_add(admin_client, body, "https://consumer.tmall.com/help").status_code == 302
    assert Channel.objects.get(key="web-form-new").href == "https://consumer.tmall.com/help"


def test_the_loader_refuses_a_javascript_link_and_loads_nothing(db):
    data = copy.deepcopy(loader.read_data())
    body = next(b for b in data["bodies"] if b["slug"] == "12315")
    web = next(c for c in body["channels"] if c["key"] == "site-12315")
    web["value"] = SCRIPT_LINKS[0]
    with pytest.raises(loader.DataFileError, match="12315/"):
        loader.load(data)
    assert not Channel.objects.exists()


def test_a_stored_script_link_is_never_rendered_as_one(directory):
    channel = Channel.objects.get(key="site-heimao")
    Channel.objects.filter(pk=channel.pk).update(value=SCRIPT_LINKS[0])
    channel.refresh_from_db()
    assert channel.href == "https://tousu.sina.com.cn"
