"""The respondent API (/api/v1/): an organisation's own systems read the complaints
delivered to it, acknowledge them and answer them.

Thin callers, like the portal: who may see what is complaints.access's (asked with the
token's organisation), every change is actions.respondents'. A token of one
organisation gets the same 404 for another's complaint as for one that does not exist.
Errors are problem details (respondents.api_errors).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from actions import respondents as actions
from complaints import access
from complaints.categories import DesiredOutcome
from complaints.states import Status
from core.parties import Party
from reading.models import ScreenshotReading
from reading.sharing import shared_copy, shows_personal_data
from staff.models import AccessLog

from .api_auth import ApiClient, HasScope, TokenRateThrottle
from .api_errors import PROBLEM_CONTENT_TYPE, Conflict
from .forms import NEEDS
from .models import Answer, ApiToken, Delivery

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Evidence links work this long: long enough to fetch, too short to be worth leaking.
EVIDENCE_LINK_MAX_AGE = 600
EVIDENCE_LINK_SALT = "respondents.api.evidence"


# --- Schemas --------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    # A field named like Serializer.errors: the declared field wins at run time (DRF's metaclass).
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)  # type: ignore[assignment]


def _problems(*codes):
    return {(code, PROBLEM_CONTENT_TYPE): ProblemSerializer for code in (401, 429, *codes)}


class AnswerSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=Answer.Kind.choices)
    message = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    expected_by = serializers.DateField(allow_null=True)
    redirect_to = serializers.CharField()
    timely = serializers.BooleanField(help_text="Answered before the clock it answers ran out.")
    recorded_by_staff = serializers.BooleanField(
        source="off_tousu", help_text="Staff recorded it from an answer given outside Tousu."
    )
    created_at = serializers.DateTimeField()


class ComplaintSummarySerializer(serializers.Serializer):
    reference = serializers.CharField(source="complaint.reference")
    status = serializers.ChoiceField(source="complaint.status", choices=Status.choices)
    organisation = serializers.CharField(source="organisation.slug", help_text="Who it was delivered to.")
    order_number = serializers.CharField(source="complaint.order_number")
    amount = serializers.DecimalField(source="complaint.amount", max_digits=12, decimal_places=2)
    delivered_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    first_answer_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, delivery) -> str:
        return settings.SITE_URL + reverse("api:complaint", args=[delivery.complaint.reference])


class ComplaintPageSerializer(serializers.Serializer):
    results = ComplaintSummarySerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `cursor` for the next page; null at the end."
    )
    next = serializers.URLField(allow_null=True)


class RemedySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(source="desired_outcome", choices=DesiredOutcome.choices)
    detail = serializers.CharField(source="desired_outcome_detail")


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    phone = serializers.CharField(source="contact_phone")
    email = serializers.CharField(source="contact_email")


class EvidenceLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    available = serializers.BooleanField(help_text="False while the image is still being checked.")
    url = serializers.URLField(help_text="A link that works for a few minutes; the access policy is checked again.")
    expires_at = serializers.DateTimeField()


class ComplaintDetailSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    organisation = serializers.CharField()
    delivered_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    order_number = serializers.CharField()
    order_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    shop_name = serializers.CharField()
    description = serializers.CharField()
    requested_remedy = RemedySerializer()
    contact = ContactSerializer(
        allow_null=True, help_text="Only where the consumer chose to show their details to the platform."
    )
    evidence = EvidenceLinkSerializer(many=True)
    answers = AnswerSerializer(many=True)


class AcknowledgementSerializer(serializers.Serializer):
    reference = serializers.CharField()
    acknowledged_at = serializers.DateTimeField()


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's CharField turns 0 or true into "0" and "True", which
    the schema says is not a string and no client should rely on."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class AnswerInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Answer.Kind.choices)
    message = StrictCharField(min_length=1, max_length=4000)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        coerce_to_string=False,
    )
    expected_by = serializers.DateField(required=False, allow_null=True)
    redirect_to = StrictCharField(max_length=200, required=False, allow_blank=True)

    def validate(self, data):
        # The same rule as the portal's form: each kind's own field is required.
        needed = NEEDS.get(data.get("kind"))
        if needed and not data.get(needed):
            raise ValidationError({needed: [_("This answer needs this field.")]})
        return data

    def values(self) -> actions.AnswerValues:
        data = self.validated_data
        kind = data["kind"]
        return actions.AnswerValues(
            kind=kind,
            message=data["message"],
            amount=data.get("amount") if kind == Answer.Kind.REFUNDED else None,
            expected_by=data.get("expected_by") if kind == Answer.Kind.IN_PROGRESS else None,
            redirect_to=(data.get("redirect_to") or "") if kind == Answer.Kind.NOT_OURS else "",
        )


# --- Views ----------------------------------------------------------------------------


class ApiView(APIView):
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    required_scope = ApiToken.Scope.READ

    @property
    def client(self) -> ApiClient:
        # The token authentication (respondents.authentication) puts an ApiClient here.
        return cast(ApiClient, self.request.user)


def _encode_cursor(delivery: Delivery) -> str:
    raw = json.dumps([delivery.updated_at.isoformat(), delivery.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(value: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        updated_at, pk = json.loads(raw)
        moment = parse_datetime(updated_at)
        if moment is None or timezone.is_naive(moment) or not isinstance(pk, int):
            raise ValueError
        return moment, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("This cursor is not one this API gave.")]}) from None


class ListQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(
        required=False, help_text="Opaque: the `next_cursor` of the page before. Any other value is a 400."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only complaints changed at or after this time."
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False, default=PAGE_SIZE)

    def to_internal_value(self, data):
        # DRF reads an empty query value as "not given"; `?updated_since=` is a
        # mistake in the caller's code, not a request for everything.
        empty = {
            str(name): [_("Give a value or leave the parameter out.")] for name in self.fields if data.get(name) == ""
        }
        if empty:
            raise ValidationError(empty)
        return super().to_internal_value(data)


class ComplaintList(ApiView):
    @extend_schema(
        operation_id="list_complaints",
        summary="Complaints delivered to your organisation, latest change first",
        parameters=[ListQuerySerializer],
        responses={200: ComplaintPageSerializer, **_problems(400, 403)},
    )
    def get(self, request):
        query = ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        deliveries = access.organisation_deliveries(self.client.organisation, Delivery.objects.all())
        if "updated_since" in params:
            deliveries = deliveries.filter(updated_at__gte=params["updated_since"])
        if "status" in params:
            deliveries = deliveries.filter(complaint__status=params["status"])
        if "cursor" in params:
            updated_at, pk = _decode_cursor(params["cursor"])
            # Keyset on (updated_at, id), newest first. The `<=` bound lets the index
            # (respondents.Delivery.delivery_queue_idx) start at the cursor; the rest
            # breaks ties on the same instant.
            deliveries = deliveries.filter(Q(updated_at__lte=updated_at)).exclude(updated_at=updated_at, pk__gte=pk)
        limit = params["limit"]
        page = list(deliveries.select_related("complaint", "organisation").order_by("-updated_at", "-id")[: limit + 1])
        next_cursor = _encode_cursor(page[limit - 1]) if len(page) > limit else None
        page = page[:limit]
        next_url = None
        if next_cursor:
            query = request.query_params.copy()
            query["cursor"] = next_cursor
            next_url = settings.SITE_URL + request.path + "?" + query.urlencode()
        body = {
            "results": ComplaintSummarySerializer(page, many=True).data,
            "next_cursor": next_cursor,
            "next": next_url,
        }
        return Response(body)


def evidence_link(token: ApiToken, reference: str, public_id) -> str:
    value = signing.dumps({"t": token.pk, "r": reference, "e": str(public_id)}, salt=EVIDENCE_LINK_SALT)
    return settings.SITE_URL + reverse("api:evidence", args=[value])


def complaint_body(delivery: Delivery, token: ApiToken) -> dict:
    complaint = delivery.complaint
    items = list(complaint.evidence.ready().order_by("created_at", "id"))
    shown = shows_personal_data(complaint.pk, Party.PLATFORM)
    read = set(
        ScreenshotReading.objects.filter(evidence__in=items).values_list("evidence_id", flat=True)
    )  # a copy to blur needs the reading; none is made in a request
    expires = timezone.now() + dt.timedelta(seconds=EVIDENCE_LINK_MAX_AGE)
    body = {
        "reference": complaint.reference,
        "status": complaint.status,
        "organisation": delivery.organisation.slug,
        "delivered_at": delivery.delivered_at,
        "updated_at": delivery.updated_at,
        "acknowledged_at": delivery.acknowledged_at,
        "order_number": complaint.order_number,
        "order_date": complaint.order_date,
        "amount": complaint.amount,
        "shop_name": complaint.shop_name,
        "description": complaint.description,
        "requested_remedy": complaint,
        "contact": complaint if shown else None,
        "evidence": [
            {
                "id": item.public_id,
                "name": item.original_name,
                "content_type": item.content_type,
                "available": shown or item.pk in read,
                "url": evidence_link(token, complaint.reference, item.public_id),
                "expires_at": expires,
            }
            for item in items
        ],
        "answers": list(Answer.objects.filter(complaint=complaint)),
    }
    return ComplaintDetailSerializer(body).data


REFERENCE = OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. TS-20261121-0042")


class ComplaintDetail(ApiView):
    @extend_schema(
        operation_id="get_complaint",
        summary="One delivered complaint; each reading is logged",
        parameters=[REFERENCE],
        responses={200: ComplaintDetailSerializer, **_problems(403, 404)},
    )
    def get(self, request, reference):
        delivery = access.organisation_delivery_or_404(self.client.organisation, reference)
        actions.open_delivery(delivery, user=None, api_token=self.client.token)
        return Response(complaint_body(delivery, self.client.token))


class Acknowledge(ApiView):
    required_scope = ApiToken.Scope.ANSWER

    @extend_schema(
        operation_id="acknowledge_complaint",
        summary="Say you have the complaint and are working on it (no clock stops)",
        parameters=[REFERENCE],
        request=None,
        responses={200: AcknowledgementSerializer, **_problems(403, 404)},
    )
    def post(self, request, reference):
        delivery = access.organisation_delivery_or_404(self.client.organisation, reference)
        delivery = actions.acknowledge(delivery, user=None)
        return Response({"reference": reference, "acknowledged_at": delivery.acknowledged_at})


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string up to 200 characters: a retry with the same key returns the first answer (200).",
)


def _same_request(earlier: Answer, delivery: Delivery, values: actions.AnswerValues) -> bool:
    return (
        earlier.complaint_id == delivery.complaint_id
        and earlier.kind == values.kind
        and earlier.message == values.message
        and earlier.amount == values.amount
        and earlier.expected_by == values.expected_by
        and earlier.redirect_to == values.redirect_to
    )


class AnswerCreate(ApiView):
    required_scope = ApiToken.Scope.ANSWER

    @extend_schema(
        operation_id="answer_complaint",
        summary="Answer the complaint; the consumer reads it on their page",
        parameters=[REFERENCE, IDEMPOTENCY_KEY],
        request=AnswerInputSerializer,
        responses={201: AnswerSerializer, 200: AnswerSerializer, **_problems(400, 403, 404, 409)},
    )
    def post(self, request, reference):
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 200:
            raise ValidationError({"Idempotency-Key": [_("At most 200 characters.")]})
        delivery = access.organisation_delivery_or_404(self.client.organisation, reference)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.values()
        try:
            answer, is_new = actions.answer(delivery, values, user=None, idempotency_key=key, token=self.client.token)
        except actions.AnswerRefused as refusal:
            raise Conflict(str(refusal)) from None
        if not is_new and not _same_request(answer, delivery, values):
            raise Conflict(_("This Idempotency-Key was already used for another request."))
        return Response(AnswerSerializer(answer).data, status=status.HTTP_201_CREATED if is_new else status.HTTP_200_OK)


def evidence_file(request, signed):
    """An evidence link from a complaint's answer: the signature and its age first, then
    the token must still be live and its organisation still allowed (the access policy
    again), then the copy the platform may have. A copy that would need OCR now is not
    made (no OCR in a web request): 404 until the image has been read."""
    try:
        value = signing.loads(signed, salt=EVIDENCE_LINK_SALT, max_age=EVIDENCE_LINK_MAX_AGE)
        token_id, reference, public_id = value["t"], value["r"], value["e"]
    except (signing.BadSignature, KeyError, TypeError):
        raise Http404 from None
    token = ApiToken.objects.select_related("organisation").filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    delivery, item = access.organisation_evidence_or_404(token.organisation, reference, public_id)
    content = shared_copy(item, Party.PLATFORM)
    if content is None:
        raise Http404
    actions.open_delivery(delivery, user=None, api_token=token, field=AccessLog.Field.RESPONDENT_EVIDENCE)
    response = HttpResponse(content, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
