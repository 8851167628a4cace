"""The terms of use and the privacy policy (issue 24 part 5): public, in Chinese by
default, naming who runs the site and how to reach them (settings), saying nothing
filed is public, the PIPL rights with links to where each is used, and the retention
read from RETENTION_DAYS; linked from every page's footer and from the sign-up page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(settings):
    settings.SITE_OPERATOR = "某某科技有限公司"
    settings.CONTACT_EMAIL = "privacy@example.cn"
    settings.RETENTION_DAYS = 730


def test_the_privacy_policy_names_the_operator_the_rights_and_the_retention(client, operator):
    html = client.get(reverse("legal:privacy")).content.decode()
    assert '<h1 class="h3 mb-3">隐私政策</h1>' in html
    assert "某某科技有限公司" in html and "privacy@example.cn" in html
    assert "绝不会公开" in html
    for right in ("查阅并复制", "更正信息", "删除信息", "撤回同意"):
        assert right in html
    assert f'href="{reverse("accounts:profile")}"' in html and f'href="{reverse("privacy:delete")}"' in html
    assert "730 天" in html


def test_the_terms_name_the_operator_and_link_the_policy(client, operator):
    html = client.get(reverse("legal:terms"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "用户协议" in html and "某某科技有限公司" in html and "privacy@example.cn" in html
    assert f'href="{reverse("legal:privacy")}"' in html


def test_the_pages_read_in_english_too(client, operator):
    html = client.get(reverse("legal:privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Privacy policy" in html and "730 days" in html


@pytest.mark.parametrize("name", ["home", "channels:index", "account_login"])
def test_every_page_links_both_in_its_footer(client, name):
    html = client.get(reverse(name)).content.decode()
    footer = html[html.index("<footer") :]
    assert reverse("legal:terms") in footer and reverse("legal:privacy") in footer


def test_the_sign_up_page_links_both_beside_the_form(client):
    html = client.get(reverse("account_signup")).content.decode()
    start = html.index('id="signup-terms"')
    paragraph = html[start : html.index("</p>", start)]
    assert reverse("legal:terms") in paragraph and reverse("legal:privacy") in paragraph
    assert "用户协议" in paragraph and "隐私政策" in paragraph
