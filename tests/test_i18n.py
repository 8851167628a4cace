"""Chinese first, English available: every catalogue complete, every page switchable."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

from actions.status import transition

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
)


def test_there_is_a_chinese_catalogue_for_the_project_and_each_app_with_strings():
    names = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "accounts", "complaints", "notifications"} <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_chinese_translation_and_none_is_fuzzy(path):
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="zh_Hans")
    assert not catalogue.fuzzy, "the catalogue header is marked fuzzy, so it would not be compiled"
    untranslated = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_string_is_translated_twice_in_one_catalogue(path):
    # Babel keeps one of two entries with the same msgid without a word, so the page
    # shows whichever came last: "告诉我们是否已解决" and "告诉我们问题是否已解决" did.
    seen, repeated = set(), []
    for match in re.finditer(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"$', path.read_text(), re.M):
        key = match.groups()
        if key in seen:
            repeated.append(key[1])
        seen.add(key)
    assert repeated == []


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "我要投诉" in html


@pytest.mark.django_db
def test_english_is_one_click_away_and_remembered(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html and "File a complaint" in html


@pytest.mark.django_db
def test_every_page_offers_the_other_language(client, consumer):
    client.force_login(consumer)
    for url in (reverse("home"), reverse("complaints:new"), reverse("complaints:mine"), reverse("accounts:profile")):
        html = client.get(url).content.decode()
        assert 'name="language" value="en"' in html, url


@pytest.mark.django_db
def test_switching_language_when_logged_in_sets_the_language_of_future_emails(client, consumer):
    client.force_login(consumer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    consumer.profile.refresh_from_db()
    assert consumer.profile.language == "en"


@pytest.mark.django_db
def test_emails_are_written_in_the_recipients_language(make_complaint, consumer, staff_user):

    consumer.profile.language = "en"
    consumer.profile.save()
    complaint = make_complaint(consumer)
    transition(complaint, "in_review", actor=staff_user, role="staff")
    email = complaint.emails.get(template="status_changed")
    assert email.language == "en" and "In review" in email.subject
