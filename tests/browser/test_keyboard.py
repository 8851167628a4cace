"""A keyboard-only pass on a phone-sized screen: skip link, visible focus, a menu Escape closes."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_OUTLINE = "getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth"


def tab_to(page, selector, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_first_tab_shows_a_skip_link_that_moves_focus_to_the_main_content(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    assert skip.bounding_box()["width"] > 50  # shown, not clipped to a pixel
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_red_button_and_the_nav_links_show_a_focus_ring(page, live_server):
    page.goto(f"{live_server.url}/")
    tab_to(page, "main .btn-tousu")
    assert page.evaluate(FOCUSED_OUTLINE) == "solid 3px"

    page.click(".navbar-toggler")
    page.wait_for_selector("#nav.show")
    page.focus(".navbar-toggler")
    tab_to(page, "#nav .nav-link")
    assert page.evaluate(FOCUSED_OUTLINE) == "solid 3px"


def test_escape_closes_the_phone_menu_and_returns_focus_to_its_button(page, live_server):
    page.goto(f"{live_server.url}/")
    tab_to(page, ".navbar-toggler")
    page.keyboard.press("Enter")
    page.wait_for_selector("#nav.show")
    page.keyboard.press("Escape")
    page.wait_for_selector("#nav:not(.show)", state="attached")
    assert page.locator(".navbar-toggler").get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('navbar-toggler')")
