"""What a phone on a slow network asks of every page: a description and theme colour,
the icons and robots.txt at the root, deferred scripts, compressed public HTML."""

import gzip
import io
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views.decorators.cache import never_cache
from PIL import Image

from config.compression import PublicPageGZipMiddleware

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = (
    "home",
    "channels:index",
    "staff:public_stats",
    "account_login",
    "account_signup",
    "legal:terms",
    "legal:privacy",
)
CONSUMER_PAGES = ("complaints:new", "complaints:mine", "accounts:profile")


def pages(client, consumer):
    for name in PUBLIC_PAGES:
        yield name, client.get(reverse(name))
    client.force_login(consumer)
    for name in CONSUMER_PAGES:
        yield name, client.get(reverse(name))


def test_every_page_has_a_description_and_the_brand_theme_colour(client, consumer):
    for name, response in pages(client, consumer):
        html = response.content.decode()
        assert response.status_code == 200, name
        assert re.search(r'<meta name="description" content="“投诉”帮助消费者向电商平台投诉：[^"]+">', html), name
        assert '<meta name="theme-color" content="#b3261e">' in html, name


def test_every_script_on_every_page_is_deferred(client, consumer):
    for name, response in pages(client, consumer):
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", response.content.decode())
        assert scripts and all(" defer" in tag for tag in scripts), (name, scripts)


def test_the_favicon_and_home_screen_icon_answer_at_the_root(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"  # whitenoise's own table
    body = b"".join(icon.streaming_content)
    assert Image.open(io.BytesIO(body)).info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    touch = client.get("/apple-touch-icon.png")
    assert touch.status_code == 200 and touch["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(touch.streaming_content))).size == (180, 180)


def test_the_svg_favicon_draws_its_character_as_a_path_not_system_text(client):
    html = client.get(reverse("home")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html).group(1)
    svg = b"".join(client.get(href).streaming_content).decode()
    assert "<text" not in svg and '<path fill="#fff" d="M' in svg
    assert len(svg) < 2000


def test_robots_txt_keeps_crawlers_off_the_admin_and_one_time_links_only(client):
    response = client.get("/robots.txt")
    text = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    disallowed = set(re.findall(r"^Disallow: (\S+)$", text, flags=re.M))
    assert {"/admin/", "/api/", "/complaints/contact/confirm/", "/accounts/confirm-email/"} <= disallowed
    # Pages a consumer lands on stay crawlable (Lighthouse's SEO audit checks robots.txt);
    # the private ones send a crawler to the login page anyway.
    for path in ("/", "/channels/", "/stats/", "/accounts/login/", "/complaints/new/", "/complaints/"):
        assert not any(path.startswith(prefix) for prefix in disallowed), path


def test_public_pages_are_compressed(client):
    response = client.get(reverse("channels:index"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "<html" in gzip.decompress(response.content).decode()


def test_a_signed_in_consumers_pages_are_never_compressed(client, consumer):
    # They carry the consumer's phone and email beside the page's own URL: BREACH.
    client.force_login(consumer)
    shown = {name: client.get(reverse(name), HTTP_ACCEPT_ENCODING="gzip") for name in CONSUMER_PAGES}
    assert [name for name, response in shown.items() if response.has_header("Content-Encoding")] == []
    # The form and the profile show the email address (the list of complaints shows references).
    assert [name for name, response in shown.items() if consumer.email in response.content.decode()] == [
        "complaints:new",
        "accounts:profile",
    ]


def test_a_private_response_is_not_compressed_even_for_a_visitor():
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    secret_page = never_cache(lambda request: HttpResponse("a secret from the link " * 40))
    response = PublicPageGZipMiddleware(secret_page)(request)
    assert not response.has_header("Content-Encoding")
    public_page = lambda request: HttpResponse("the same text, public " * 40)  # noqa: E731
    assert PublicPageGZipMiddleware(public_page)(request)["Content-Encoding"] == "gzip"
