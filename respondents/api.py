"""The respondents' REST API (/api/v1/): a platform's own systems read the complaints
delivered to it, acknowledge them and answer them.

Thin callers again: who may see what is complaints.access (organisation_delivery_or_404,
organisation_deliveries), every change is actions.respondents. A token (Authorization:
Bearer, respondents.api_auth) belongs to one organisation and carries scopes; errors are
RFC 9457 problem details (respondents.api_errors).
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, permissions, serializers, status, throttling
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from actions import respondents as actions
from complaints import access
from core.parties import Party
from reading.sharing import shared_copy, shows_personal_data
from staff.models import AccessLog

from .models import Answer, ApiToken, Delivery

EVIDENCE_LINK_SECONDS = 600
_EVIDENCE_SALT = "respondents.api.evidence"


# --- Tokens, scopes, limits -------------------------------------------------------------


class HasScope(permissions.BasePermission):
    """A live token of an organisation, with the scope the view names (`required_scope`)."""

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken) or not token.is_active:
            return False
        return getattr(view, "required_scope", ApiToken.Scope.READ) in token.scopes


class PerToken(throttling.SimpleRateThrottle):
    """API_RATE_PER_TOKEN requests per token (a token's systems share its budget)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        return f"throttle:token:{token.pk}" if isinstance(token, ApiToken) else None


class TokenView:
    permission_classes = [HasScope]
    throttle_classes = [PerToken]
    required_scope = ApiToken.Scope.READ

    def organisation(self):
        return self.request.auth.organisation

    def delivery(self, reference: str) -> Delivery:
        return access.organisation_delivery_or_404(self.organisation(), reference)

    def via(self) -> str:
        token = self.request.auth
        return f"API token {token.prefix}… ({token.purpose})"


# --- What a respondent reads ----------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "kind", "message", "amount", "expected_by", "redirect_to", "timely", "off_tousu", "created_at"]


class ComplaintSummarySerializer(serializers.Serializer):
    reference = serializers.CharField(source="complaint.reference")
    status = serializers.CharField(source="complaint.status")
    order_number = serializers.CharField(source="complaint.order_number")
    order_date = serializers.DateField(source="complaint.order_date")
    amount = serializers.DecimalField(source="complaint.amount", max_digits=12, decimal_places=2)
    shop_name = serializers.CharField(source="complaint.shop_name")
    delivered_to = serializers.CharField(source="organisation.slug")
    delivered_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    first_answer_at = serializers.DateTimeField(allow_null=True)
    next_deadline_at = serializers.DateTimeField(source="complaint.next_deadline_at", allow_null=True)
    updated_at = serializers.DateTimeField()


class EvidenceLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="Valid for 10 minutes; null while the image is checked.")
    expires_at = serializers.DateTimeField(allow_null=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class ComplaintDetailSerializer(ComplaintSummarySerializer):
    category = serializers.CharField(source="complaint.category")
    description = serializers.CharField(source="complaint.description")
    desired_outcome = serializers.CharField(source="complaint.desired_outcome")
    desired_outcome_detail = serializers.CharField(source="complaint.desired_outcome_detail")
    contact = ContactSerializer(allow_null=True, help_text="Only where the consumer chose to share it.")
    evidence = EvidenceLinkSerializer(many=True)
    answers = AnswerSerializer(many=True)


class DeliveryCursor(pagination.CursorPagination):
    """Newest change first, stable under inserts (the delivery_queue_idx index)."""

    ordering = ("-updated_at", "-id")
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


@extend_schema(
    parameters=[
        OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Only deliveries changed since then."),
        OpenApiParameter("status", OpenApiTypes.STR, description="Only complaints in this status."),
    ]
)
class ComplaintList(TokenView, generics.ListAPIView):
    """The complaints delivered to the token's organisation (and, for a platform, to its shops)."""

    serializer_class = ComplaintSummarySerializer
    pagination_class = DeliveryCursor

    def get_queryset(self):
        deliveries = access.organisation_deliveries(self.organisation(), Delivery.objects.all())
        params = self.request.query_params
        if params.get("updated_since"):
            since = serializers.DateTimeField().to_internal_value(params["updated_since"])
            deliveries = deliveries.filter(updated_at__gte=since)
        if params.get("status"):
            deliveries = deliveries.filter(complaint__status=params["status"])
        return deliveries.select_related("complaint", "organisation")


def evidence_link(request, delivery: Delivery, item) -> dict:
    """A short-lived link to the platform's copy of an evidence file; opening it checks
    the access policy again (EvidenceFile)."""
    token = signing.dumps(
        {"d": delivery.pk, "e": item.public_id.hex, "o": request.auth.organisation_id}, salt=_EVIDENCE_SALT
    )
    expires = timezone.now() + dt.timedelta(seconds=EVIDENCE_LINK_SECONDS)
    return {
        "id": item.public_id,
        "content_type": item.content_type,
        "width": item.width,
        "height": item.height,
        "url": request.build_absolute_uri(reverse("api:evidence", args=[token])),
        "expires_at": expires,
    }


class ComplaintDetail(TokenView, APIView):
    @extend_schema(responses=ComplaintDetailSerializer)
    def get(self, request, reference):
        """One delivered complaint: what the organisation needs to find and settle the
        order, its evidence as short-lived links and the answers so far. Each read
        writes an access-log row."""
        delivery = self.delivery(reference)
        complaint = delivery.complaint
        actions.open_delivery(delivery, user=None, via=self.via())
        contact = None
        if shows_personal_data(complaint.pk, Party.PLATFORM):
            contact = {"name": complaint.contact_name, "phone": complaint.contact_phone}
        data = {
            "complaint": complaint,
            "organisation": delivery.organisation,
            "delivered_at": delivery.delivered_at,
            "acknowledged_at": delivery.acknowledged_at,
            "first_answer_at": delivery.first_answer_at,
            "updated_at": delivery.updated_at,
            "contact": contact,
            "evidence": [
                evidence_link(request, delivery, item)
                for item in complaint.evidence.ready().order_by("created_at", "id")
            ],
            "answers": Answer.objects.filter(complaint=complaint),
        }
        return Response(ComplaintDetailSerializer(data).data)


class Acknowledge(TokenView, APIView):
    required_scope = ApiToken.Scope.ANSWER

    @extend_schema(request=None, responses=ComplaintSummarySerializer)
    def post(self, request, reference):
        """Say the organisation has the complaint and is working on it (stops no clock)."""
        delivery = actions.acknowledge(self.delivery(reference), user=None)
        return Response(ComplaintSummarySerializer(delivery).data)


class AnswerInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Answer.Kind.choices)
    message = serializers.CharField(max_length=4000)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    expected_by = serializers.DateField(required=False, allow_null=True)
    redirect_to = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, data):
        needs = {
            Answer.Kind.REFUNDED: "amount",
            Answer.Kind.IN_PROGRESS: "expected_by",
            Answer.Kind.NOT_OURS: "redirect_to",
        }
        needed = needs.get(data["kind"])
        if needed and not data.get(needed):
            raise serializers.ValidationError({needed: "This answer needs this field."})
        return data


class Answers(TokenView, APIView):
    required_scope = ApiToken.Scope.ANSWER

    @extend_schema(
        request=AnswerInput,
        responses={201: AnswerSerializer, 200: AnswerSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A retry with the same key returns the first answer (200) instead of answering twice.",
            )
        ],
    )
    def post(self, request, reference):
        """Answer the consumer. The first answer meets the first-response deadline; a
        resolving one resolves the complaint and asks the consumer whether it is solved."""
        delivery = self.delivery(reference)
        given = AnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        kind = data["kind"]
        values = actions.AnswerValues(
            kind=kind,
            message=data["message"],
            amount=data.get("amount") if kind == Answer.Kind.REFUNDED else None,
            expected_by=data.get("expected_by") if kind == Answer.Kind.IN_PROGRESS else None,
            redirect_to=data.get("redirect_to", "") if kind == Answer.Kind.NOT_OURS else "",
        )
        key = request.headers.get("Idempotency-Key", "")[:200]
        try:
            answer, is_new = actions.answer(delivery, values, user=None, idempotency_key=key, token=request.auth)
        except actions.AnswerRefused as error:
            return Response(
                {"type": "about:blank", "title": "Conflict", "status": 409, "detail": str(error)},
                status=status.HTTP_409_CONFLICT,
                content_type="application/problem+json",
            )
        return Response(AnswerSerializer(answer).data, status=status.HTTP_201_CREATED if is_new else status.HTTP_200_OK)


class EvidenceFile(APIView):
    """The platform's copy of one evidence image, through a signed link that expires.
    The link itself is the credential (systems fetch images without headers), so the
    policy is asked again: the delivery still exists for that organisation and the
    image is one of the complaint's, ready and read."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, token):
        try:
            claim = signing.loads(token, salt=_EVIDENCE_SALT, max_age=EVIDENCE_LINK_SECONDS)
        except signing.BadSignature as error:
            raise NotFound from error
        delivery = Delivery.objects.select_related("organisation", "complaint").filter(pk=claim["d"]).first()
        if delivery is None:
            raise NotFound
        try:
            delivery = access.organisation_delivery_or_404(
                delivery.organisation.__class__.objects.get(pk=claim["o"]), delivery.complaint.reference
            )
        except Http404 as error:
            raise NotFound from error
        item = delivery.complaint.evidence.ready().filter(public_id=claim["e"]).first()
        content = shared_copy(item, Party.PLATFORM) if item else None
        if content is None:
            raise NotFound
        actions.open_delivery(delivery, user=None, field=AccessLog.Field.RESPONDENT_EVIDENCE, via="API evidence link")
        response = HttpResponse(content, content_type=item.content_type)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
