"""Deadline sources read as plain words (issue 24 part 3): every page that shows a
platform's promised response time names what the figure rests on in the page's
language, never a seed file name or the staff's English notes."""

import re

import pytest
from django.urls import reverse

from escalation.models import DeadlinePolicy

pytestmark = pytest.mark.django_db

SOURCE_FILE = re.compile(r"\d{3}_[0-9a-f]{16}|Seed article|\.txt\b")
# A run of Latin words in a Chinese sentence (brand names such as "Tousu" stand alone).
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}(?:[ ,;:-]+[A-Za-z]{2,}){2,}")


def policy_blocks(html: str) -> list[str]:
    """The text of each "what the platform is said to promise" box on the page."""
    blocks = re.findall(
        r'<div class="alert alert-light border small mb-0" role="note">(.*?)</div>\s*</div>', html, re.S
    )
    return [re.sub(r"<[^>]+>", " ", block) for block in blocks]


@pytest.fixture
def pages(client, policies, make_complaint):
    complaint = make_complaint(images=0)
    client.force_login(complaint.owner)
    return [
        reverse("complaints:new"),
        reverse("escalation:filed_with_platform", args=[complaint.reference]),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_that_shows_a_policy_names_its_basis_in_plain_words(client, pages, language):
    for url in pages:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        blocks = policy_blocks(html)
        assert blocks, url
        for text in blocks:
            assert not SOURCE_FILE.search(text), (url, text)
            if language == "zh-hans":
                assert not ENGLISH_WORDS.search(text), (url, ENGLISH_WORDS.search(text).group(0))
        basis = "网络文章的说法，平台未确认" if language == "zh-hans" else "the platform has not confirmed it"
        assert any(basis in text for text in blocks), url


def test_every_seeded_policy_says_what_it_rests_on(policies):
    basis = dict(DeadlinePolicy.objects.values_list("slug", "basis"))
    assert basis["12315-acceptance"] == DeadlinePolicy.Basis.REGULATION
    assert basis["association-reply"] == DeadlinePolicy.Basis.REMINDER
    assert basis["pinduoduo-first-response"] == DeadlinePolicy.Basis.REPORTS
