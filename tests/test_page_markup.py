"""What assistive technology reads from the markup: where you are, and a way past the menu."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["complaints:new", "complaints:mine", "channels:index", "accounts:profile"])
def test_the_nav_link_of_the_page_shown_and_only_it_is_marked_current(client, consumer, name):
    client.force_login(consumer)
    html = client.get(reverse(name)).content.decode()
    assert html.count('aria-current="page"') == 1
    assert f'href="{reverse(name)}" aria-current="page"' in html


@pytest.mark.django_db
def test_every_page_starts_with_a_skip_link_to_the_main_content(client):
    html = client.get(reverse("home")).content.decode()
    assert html.index('href="#main"') < html.index("<nav")
    assert '<main class="container py-4 flex-grow-1" id="main" tabindex="-1">' in html
