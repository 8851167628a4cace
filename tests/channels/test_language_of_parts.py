"""Chinese app labels inside English channel pages carry their language (WCAG 3.1.2)."""

import pytest
from django.urls import reverse

from channels.templatetags.channels_tags import mark_chinese


@pytest.mark.django_db
def test_the_english_channel_page_tags_the_chinese_app_labels(en, directory):
    html = en.get(reverse("channels:body", args=["pinduoduo"])).content.decode()
    assert '<html lang="en">' in html
    assert '<li>Tap “<span lang="zh-Hans">官方客服</span>” (official customer service)</li>' in html
    assert '<span lang="zh-Hans">拼多多</span> App：<span lang="zh-Hans">官方客服</span>' in html


@pytest.mark.django_db
def test_the_chinese_channel_page_adds_no_language_tags(zh, directory):
    html = zh.get(reverse("channels:body", args=["pinduoduo"])).content.decode()
    assert "<li>点“官方客服”</li>" in html
    assert 'lang="zh-Hans"' not in html


def test_the_chinese_in_an_english_text_is_escaped_around_its_tag():
    from django.utils import translation

    with translation.override("en"):
        assert (
            mark_chinese("<b>“我的”</b> & more") == '&lt;b&gt;“<span lang="zh-Hans">我的</span>”&lt;/b&gt; &amp; more'
        )


@pytest.mark.django_db
def test_sources_are_listed_with_a_full_width_semicolon_on_the_chinese_page(zh, directory):
    html = zh.get(reverse("channels:body", args=["pinduoduo"])).content.decode()
    assert "</a>；" in html
    assert "</a>; " not in html and "</span>; " not in html


@pytest.mark.django_db
def test_sources_are_listed_with_a_semicolon_and_space_on_the_english_page(en, directory):
    html = en.get(reverse("channels:body", args=["pinduoduo"])).content.decode()
    assert "</a>; " in html
    assert "</a>；" not in html
