"""The respondents' API: tokens and scopes, one organisation never reads another's
complaint, answers are idempotent, errors are problem details."""

import pytest
from django.core import signing
from django.urls import reverse

from actions.integrations import create_token, revoke_token
from respondents.models import Answer, Delivery
from staff.models import AccessLog

from ..conftest import platform
from .conftest import make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-23 10:00")]


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def read_key(pdd_respondent):
    return create_token(pdd_respondent, purpose="crm", scopes=["read"])[1]


@pytest.fixture
def answer_key(pdd_respondent):
    return create_token(pdd_respondent, purpose="crm", scopes=["read", "answer"])[1]


@pytest.fixture
def delivered(make_complaint, pdd_respondent):
    return make_complaint()


def test_the_list_has_the_organisations_deliveries_and_filters_by_status(client, read_key, delivered):
    body = client.get(reverse("api:complaints"), **bearer(read_key)).json()
    assert [row["reference"] for row in body["results"]] == [delivered.reference]
    assert body["results"][0]["amount"] == f"{delivered.amount:.2f}"
    assert client.get(reverse("api:complaints") + "?status=resolved", **bearer(read_key)).json()["results"] == []


def test_the_cursor_pages_through_every_delivery_once(client, read_key, make_complaint):
    references = {make_complaint(order_number=f"26112300001{i}").reference for i in range(5)}
    seen, url = [], reverse("api:complaints") + "?page_size=2"
    while url:
        body = client.get(url, **bearer(read_key)).json()
        seen += [row["reference"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(references)


def test_reading_one_writes_an_access_log_row_and_gives_short_lived_evidence_links(client, read_key, delivered):
    response = client.get(reverse("api:complaint", args=[delivered.reference]), **bearer(read_key))
    assert response.status_code == 200
    body = response.json()
    assert body["contact"] is None  # the consumer did not choose to show it to the platform
    assert (
        AccessLog.objects.filter(complaint=delivered, field="respondent_opened", via__startswith="API token").count()
        == 1
    )
    link = body["evidence"][0]["url"]
    image = client.get(link)
    assert image.status_code == 200 and image["Content-Type"].startswith("image/")
    # A link whose delivery is gone is refused, whatever its signature.
    Delivery.objects.filter(complaint=delivered).delete()
    assert client.get(link).status_code == 404


def test_a_tampered_evidence_link_is_404(client):
    forged = signing.dumps({"d": 1, "e": "0" * 32, "o": 1}, salt="another-salt")
    assert client.get(reverse("api:evidence", args=[forged])).status_code == 404


def test_a_token_of_another_organisation_gets_404_as_for_a_complaint_that_does_not_exist(client, delivered):
    taobao = make_organisation(platform("taobao"))
    key = create_token(taobao, purpose="crm", scopes=["read", "answer"])[1]
    for url in (reverse("api:complaint", args=[delivered.reference]), reverse("api:complaint", args=["TS-NOPE"])):
        response = client.get(url, **bearer(key))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404
    assert client.get(reverse("api:complaints"), **bearer(key)).json()["results"] == []
    answered = client.post(
        reverse("api:answers", args=[delivered.reference]),
        {"kind": "explained", "message": "x"},
        content_type="application/json",
        **bearer(key),
    )
    assert answered.status_code == 404 and not Answer.objects.exists()


def test_a_read_token_cannot_answer_and_a_revoked_token_reads_nothing(client, pdd_respondent, delivered):
    token, key = create_token(pdd_respondent, purpose="dashboard", scopes=["read"])
    refused = client.post(
        reverse("api:answers", args=[delivered.reference]),
        {"kind": "explained", "message": "x"},
        content_type="application/json",
        **bearer(key),
    )
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    revoke_token(token)
    assert client.get(reverse("api:complaints"), **bearer(key)).status_code in (401, 403)
    assert client.get(reverse("api:complaints")).status_code in (401, 403)


def test_an_answer_with_the_same_idempotency_key_is_given_once(client, answer_key, delivered):
    url = reverse("api:answers", args=[delivered.reference])
    payload = {"kind": "refunded", "message": "已退款", "amount": "129.00"}
    first = client.post(
        url, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ik-1", **bearer(answer_key)
    )
    again = client.post(
        url, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="ik-1", **bearer(answer_key)
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Answer.objects.count() == 1
    answer = Answer.objects.get()
    assert str(answer.amount) == "129.00" and answer.api_token is not None


def test_a_bad_answer_is_a_problem_with_the_field_named(client, answer_key, delivered):
    response = client.post(
        reverse("api:answers", args=[delivered.reference]),
        {"kind": "refunded", "message": "已退款"},
        content_type="application/json",
        **bearer(answer_key),
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "amount" in response.json()["errors"]
    assert not Answer.objects.exists()


def test_the_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/complaints/{reference}/answers/" in document["paths"]
