"""Every consumer URL that names a complaint or a file, fetched by its owner, another
consumer and an anonymous visitor. The list is read from the URL conf, so a new
private view is covered the day it is added."""

import pytest
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db

PRIVATE_NAMESPACES = ("complaints", "escalation")


def private_urls(complaint):
    evidence = complaint.evidence.first()
    values = {"reference": complaint.reference, "public_id": evidence.public_id, "body": "12315"}
    urls = []
    for namespace in PRIVATE_NAMESPACES:
        resolver = get_resolver().namespace_dict[namespace][1]
        for name in resolver.reverse_dict:
            if not isinstance(name, str):
                continue
            for bits, *_rest in resolver.reverse_dict.getlist(name):
                params = set(bits[0][1])
                if params & {"reference", "public_id"} and params <= set(values):
                    urls.append(reverse(f"{namespace}:{name}", kwargs={k: values[k] for k in params}))
    return sorted(set(urls))


def test_the_matrix_covers_the_private_views(consumer, make_complaint):
    urls = private_urls(make_complaint(consumer))
    assert len(urls) >= 12, urls  # detail, message, evidence x2, withdraw, deadlines, packet pages ...


def test_another_consumer_gets_404_on_every_private_url(client, consumer, other_consumer, make_complaint):
    complaint = make_complaint(consumer)
    client.force_login(other_consumer)
    for url in private_urls(complaint):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"text": "x", "reference": "X", "date": "2026-01-01"}).status_code in (404, 405), url
    complaint.refresh_from_db()
    assert complaint.status == "submitted" and complaint.events.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_private_url(client, consumer, make_complaint):
    for url in private_urls(make_complaint(consumer)):
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url


def test_evidence_urls_are_not_guessable(consumer, make_complaint):
    evidence = make_complaint(consumer, images=2).evidence.all()
    ids = [str(e.public_id) for e in evidence]
    assert all(len(i) == 36 for i in ids) and ids[0][:8] != ids[1][:8]  # random UUIDs, not counters
