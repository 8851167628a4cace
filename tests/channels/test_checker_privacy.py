"""The number checker keeps what a visitor pastes out of URLs (a POST form and a JSON
POST API), limits lookups per client address, and names its sources as a person
would, never by internal file name."""

import re

import pytest
from django.test import Client

from channels.models import Channel

SEED_FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def api(client, q, **extra):
    return client.post("/api/channels/check", {"q": q}, content_type="application/json", **extra)


def test_the_checker_page_answers_a_post_and_its_form_posts(client, directory):
    client.cookies["django_language"] = "en"
    page = client.post("/channels/check/", {"q": "12306"}).content.decode()
    assert "12306 belongs to China Railway, not to Taobao." in page
    assert re.search(r'<form method="post" action="/channels/check/"', page)
    assert "?q=" not in page


def test_a_query_in_the_url_reveals_nothing(client, directory):
    client.cookies["django_language"] = "en"
    response = client.get("/channels/check/", {"q": "12306"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "check-result" not in page and "China Railway" not in page
    assert 'name="q" id="id_q" value=""' in page


def test_the_api_refuses_a_query_in_the_url(client, directory):
    assert client.get("/api/channels/check", {"q": "12306"}).status_code == 405


def test_the_checker_page_needs_the_csrf_token_and_the_api_does_not(directory):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/channels/check/", {"q": "12306"}).status_code == 403
    assert api(strict, "12306").status_code == 200


def test_the_api_is_rate_limited_per_address_with_a_translated_429(client, directory, settings):
    settings.RATE_LIMIT_NUMBER_CHECK = "2/m"
    codes = [api(client, "12306", REMOTE_ADDR="198.51.100.7").status_code for _ in range(2)]
    limited = api(client, "12306", REMOTE_ADDR="198.51.100.7")
    english = api(client, "12306", REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")

    assert codes + [limited.status_code] == [200, 200, 429]
    assert limited.json() == {"error": "您在短时间内查询了很多联系方式。请等一分钟后再试。"}
    assert english.json()["error"].startswith("You have checked many contacts in a short time.")
    # Another address has its own allowance.
    assert api(client, "12306", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_the_checker_page_shares_the_limit(client, directory, settings):
    settings.RATE_LIMIT_NUMBER_CHECK = "1/m"
    assert api(client, "12306").status_code == 200
    response = client.post("/channels/check/", {"q": "12306"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "You have checked many contacts in a short time." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("400-0123-456", "a web article, not confirmed by the platform"),
        ("9510211", "a community contact list"),
        ("12315", "several independent sources; a web article"),
        ("www.cca.cn", "China Consumers Association's own website"),
        ("021-53395288", "a web page on suyamarketing.com"),
        ("0571-88158198", "a community contact list; a copy of an old page of the platform's"),
    ],
)
def test_the_api_names_sources_as_a_person_would(client, directory, query, source):
    assert api(client, query, HTTP_ACCEPT_LANGUAGE="en").json()["source"] == source


def test_no_answer_or_directory_page_shows_a_seed_file_name(client, directory):
    for value in Channel.objects.values_list("normalised", flat=True).distinct():
        if value:
            assert not SEED_FILE_NAME.search(api(client, value).content.decode()), value
    for url in ["/channels/pinduoduo/", "/channels/taobao/", "/channels/12315/"]:
        assert not SEED_FILE_NAME.search(client.get(url).content.decode()), url
    assert not SEED_FILE_NAME.search(client.post("/channels/check/", {"q": "95188"}).content.decode())
