"""The respondent API: bearer tokens and their scopes, revocation, the same 404 across
organisations, problem details, keyset pagination, evidence links and Idempotency-Key."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from actions.respondent_admin import create_token, revoke_token
from actions.status import withdraw
from core.parties import Party
from reading.sharing import choose
from respondents.api_auth import TokenRateThrottle
from respondents.models import Answer, ApiToken, Delivery
from staff.models import AccessLog

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at("2026-11-23 10:00")]

REFUND = {"kind": "refunded", "message": "已退款 129 元", "amount": "129.00"}


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def pdd_token(pdd_respondent):
    _token, secret = create_token(pdd_respondent, purpose="erp", scopes=["read", "answer"])
    return secret


@pytest.fixture
def read_token(pdd_respondent):
    _token, secret = create_token(pdd_respondent, purpose="dashboard", scopes=["read"])
    return secret


@pytest.fixture
def taobao_token(taobao_agent):
    _token, secret = create_token(taobao_agent.respondent_member.organisation, purpose="erp", scopes=["read"])
    return secret


def test_without_a_token_the_answer_is_a_401_problem_with_a_bearer_challenge(client):
    response = client.get("/api/v1/complaints/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == 401


def test_a_revoked_token_is_refused_at_once(client, pdd_respondent, pdd_token):
    assert client.get("/api/v1/complaints/", **bearer(pdd_token)).status_code == 200
    revoke_token(ApiToken.objects.get(organisation=pdd_respondent, purpose="erp"))
    response = client.get("/api/v1/complaints/", **bearer(pdd_token))
    assert response.status_code == 401
    assert client.get("/api/v1/complaints/", **bearer(pdd_token + "x")).json()["detail"] == response.json()["detail"]


def test_only_the_hash_of_a_token_is_stored(pdd_respondent, pdd_token):
    token = ApiToken.objects.get(organisation=pdd_respondent)
    assert pdd_token not in token.key_hash and token.prefix == pdd_token[:12]


def test_a_read_token_reads_but_cannot_acknowledge_or_answer(client, make_complaint, read_token):
    complaint = make_complaint()
    assert client.get(f"/api/v1/complaints/{complaint.reference}/", **bearer(read_token)).status_code == 200
    for path, body in (("acknowledge/", None), ("answers/", REFUND)):
        response = client.post(
            f"/api/v1/complaints/{complaint.reference}/{path}",
            body,
            content_type="application/json",
            **bearer(read_token),
        )
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
    assert not Answer.objects.exists()
    assert Delivery.objects.get(complaint=complaint).acknowledged_at is None


def test_another_organisations_token_gets_the_same_404_as_for_no_complaint(client, make_complaint, taobao_token):
    complaint = make_complaint()  # delivered to 拼多多
    theirs = client.get(f"/api/v1/complaints/{complaint.reference}/", **bearer(taobao_token))
    missing = client.get("/api/v1/complaints/TS-20990101-0001/", **bearer(taobao_token))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert client.get("/api/v1/complaints/", **bearer(taobao_token)).json()["results"] == []
    assert not AccessLog.objects.exists()


def test_reading_one_complaint_logs_the_opening_by_its_token_and_hides_contact_unless_shared(
    client, make_complaint, pdd_respondent, pdd_token
):
    complaint = make_complaint()
    body = client.get(f"/api/v1/complaints/{complaint.reference}/", **bearer(pdd_token)).json()
    assert body["order_number"] == complaint.order_number and body["amount"] == f"{complaint.amount:.2f}"
    assert body["requested_remedy"]["kind"] == complaint.desired_outcome
    assert body["contact"] is None
    assert complaint.contact_phone not in str(body)
    log = AccessLog.objects.get(complaint=complaint)
    assert log.user is None and log.api_token.organisation == pdd_respondent
    assert log.field == AccessLog.Field.RESPONDENT_OPENED
    choose(complaint=complaint, recipient=Party.PLATFORM, show=True, user=complaint.owner)
    body = client.get(f"/api/v1/complaints/{complaint.reference}/", **bearer(pdd_token)).json()
    assert body["contact"]["phone"] == complaint.contact_phone


def test_an_evidence_link_serves_the_shared_copy_for_ten_minutes_while_the_token_lives(
    client, make_complaint, pdd_respondent, pdd_token
):
    complaint = make_complaint()
    choose(complaint=complaint, recipient=Party.PLATFORM, show=True, user=complaint.owner)
    body = client.get(f"/api/v1/complaints/{complaint.reference}/", **bearer(pdd_token)).json()
    link = body["evidence"][0]["url"].split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + link)  # the signature is the credential: no header needed
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert AccessLog.objects.filter(field=AccessLog.Field.RESPONDENT_EVIDENCE).count() == 1
    assert client.get("/" + link[:-3] + "abc/").status_code == 404  # tampered
    with time_machine.travel(dt.timedelta(minutes=11)):
        assert client.get("/" + link).status_code == 404
    revoke_token(ApiToken.objects.get(organisation=pdd_respondent))
    assert client.get("/" + link).status_code == 404


def test_an_answer_with_an_idempotency_key_is_made_once_and_a_retry_returns_it(client, make_complaint, pdd_token):
    complaint = make_complaint()
    url = f"/api/v1/complaints/{complaint.reference}/answers/"
    headers = {**bearer(pdd_token), "HTTP_IDEMPOTENCY_KEY": "erp-4711"}
    first = client.post(url, REFUND, content_type="application/json", **headers)
    again = client.post(url, REFUND, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Answer.objects.filter(complaint=complaint).count() == 1
    other = client.post(url, {**REFUND, "amount": "1.00"}, content_type="application/json", **headers)
    assert other.status_code == 409 and other["Content-Type"] == "application/problem+json"


def test_a_refused_body_lists_each_fields_errors(client, make_complaint, pdd_token):
    complaint = make_complaint()
    url = f"/api/v1/complaints/{complaint.reference}/answers/"
    response = client.post(
        url, {"kind": "refunded", "message": "x"}, content_type="application/json", **bearer(pdd_token)
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["amount"]
    response = client.post(url, {"kind": "nonsense"}, content_type="application/json", **bearer(pdd_token))
    assert set(response.json()["errors"]) == {"kind", "message"}


def test_an_answer_to_a_withdrawn_complaint_is_a_409(client, make_complaint, pdd_token):
    complaint = make_complaint()
    withdraw(complaint, actor=complaint.owner)
    url = f"/api/v1/complaints/{complaint.reference}/answers/"
    response = client.post(url, REFUND, content_type="application/json", **bearer(pdd_token))
    assert response.status_code == 409
    assert not Answer.objects.exists()


def test_acknowledging_records_the_time_once(client, make_complaint, pdd_token):
    complaint = make_complaint()
    url = f"/api/v1/complaints/{complaint.reference}/acknowledge/"
    first = client.post(url, **bearer(pdd_token)).json()
    with time_machine.travel(dt.timedelta(hours=1)):
        second = client.post(url, **bearer(pdd_token)).json()
    assert first["acknowledged_at"] == second["acknowledged_at"]


def test_the_list_pages_by_cursor_newest_change_first_without_gaps_or_repeats(
    client, make_complaint, pdd_respondent, pdd_token
):
    complaints = [make_complaint(images=0) for _ in range(5)]
    # Two deliveries changed at the same instant: the id breaks the tie.
    same = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    Delivery.objects.filter(complaint__in=complaints[1:3]).update(updated_at=same)
    seen, url = [], "/api/v1/complaints/?limit=2"
    while url:
        page = client.get(url, **bearer(pdd_token)).json()
        seen += [row["reference"] for row in page["results"]]
        url = page["next"] and page["next"].split("://", 1)[1].split("/", 1)[1]
        url = url and "/" + url
    expected = list(
        Delivery.objects.filter(organisation=pdd_respondent)
        .order_by("-updated_at", "-id")
        .values_list("complaint__reference", flat=True)
    )
    assert seen == expected and len(seen) == 5


def test_the_list_filters_by_updated_since_and_status(client, make_complaint, pdd_token):
    old, new = make_complaint(images=0), make_complaint(images=0)
    Delivery.objects.filter(complaint=old).update(updated_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    rows = client.get("/api/v1/complaints/", {"updated_since": "2026-11-20T00:00:00+08:00"}, **bearer(pdd_token))
    assert [row["reference"] for row in rows.json()["results"]] == [new.reference]
    withdraw(new, actor=new.owner)
    rows = client.get("/api/v1/complaints/", {"status": "withdrawn"}, **bearer(pdd_token)).json()["results"]
    assert [row["reference"] for row in rows] == [new.reference]


def test_a_cursor_the_api_did_not_give_is_a_400_naming_the_field(client, pdd_token):
    response = client.get("/api/v1/complaints/", {"cursor": "not-a-cursor"}, **bearer(pdd_token))
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_last_used_is_written_at_most_once_a_minute(client, pdd_respondent, pdd_token):
    client.get("/api/v1/complaints/", **bearer(pdd_token))
    first = ApiToken.objects.get(organisation=pdd_respondent).last_used_at
    with time_machine.travel(dt.timedelta(seconds=30)):
        client.get("/api/v1/complaints/", **bearer(pdd_token))
    assert ApiToken.objects.get(organisation=pdd_respondent).last_used_at == first
    with time_machine.travel(dt.timedelta(seconds=61)):
        client.get("/api/v1/complaints/", **bearer(pdd_token))
    assert ApiToken.objects.get(organisation=pdd_respondent).last_used_at > first


def test_each_token_has_its_own_rate_limit(client, monkeypatch, pdd_token, read_token):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    codes = [client.get("/api/v1/complaints/", **bearer(pdd_token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/complaints/", **bearer(pdd_token))
    assert limited["Content-Type"] == "application/problem+json" and int(limited["Retry-After"]) > 0
    assert client.get("/api/v1/complaints/", **bearer(read_token)).status_code == 200


def test_respondent_token_prints_a_working_token_once(client, capsys, pdd_respondent):
    call_command("respondent_token", pdd_respondent.slug, "--purpose", "crm", "--scope", "read")
    secret = capsys.readouterr().out.strip()
    assert client.get("/api/v1/complaints/", **bearer(secret)).status_code == 200
    assert ApiToken.objects.get(purpose="crm").scopes == ["read"]


def test_the_openapi_document_is_served_without_a_token(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/complaints/", "/api/v1/complaints/{reference}/answers/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
