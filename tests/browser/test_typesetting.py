"""Chinese pages are set in a Chinese system face, with headings that do not strand a character."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_body_names_the_cjk_system_fonts_and_headings_are_balanced(page, live_server):
    page.goto(f"{live_server.url}/")
    font_family = page.evaluate("getComputedStyle(document.body).fontFamily")
    for font in ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC"):
        assert f'"{font}"' in font_family
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).textWrap") == "balance"
