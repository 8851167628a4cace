"""What a complaint's pages say about its respondent: delivered or not, and the answers.

Read models only; the consumer's page (respondents_tags.respondent_status), the
portal and the staff admin use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from complaints.models import Complaint
from complaints.states import Status

from .models import Answer, Delivery, Organisation


@dataclass
class RespondentStatus:
    respondent_name: str
    delivery: Delivery | None
    joined: bool
    answers: list[Answer] = field(default_factory=list)
    # The consumer may still record that they complained to the platform themself:
    # the primary action when the platform is not on Tousu.
    can_record_own_complaint: bool = False
    # Shops on Tousu the consumer may agree to share the complaint with: the shop they
    # named, or one an answer said should answer instead.
    shops_to_offer: list[Organisation] = field(default_factory=list)

    @property
    def latest_answer(self) -> Answer | None:
        return self.answers[-1] if self.answers else None


def respondent_status(complaint: Complaint) -> RespondentStatus:
    delivery = Delivery.objects.filter(complaint=complaint).select_related("organisation").first()
    organisation = (
        delivery.organisation
        if delivery
        else Organisation.objects.filter(platform_id=complaint.platform_id, kind=Organisation.Kind.PLATFORM).first()
    )
    answers = list(Answer.objects.filter(complaint=complaint).select_related("organisation"))
    return RespondentStatus(
        shops_to_offer=shops_to_offer(complaint, [a.redirect_to for a in answers if a.redirect_to]),
        respondent_name=organisation.name if organisation else complaint.platform.name,
        delivery=delivery,
        joined=bool(organisation and organisation.has_joined),
        answers=answers,
        can_record_own_complaint=delivery is None and complaint.status in (Status.SUBMITTED, Status.IN_REVIEW),
    )


def shops_to_offer(complaint: Complaint, named_in_answers=()) -> list[Organisation]:
    """Joined shops of the complaint's platform whose name is the shop the consumer
    named, or one an answer named, not yet delivered to. An exact name match (after
    trimming): a near match would deliver a complaint to the wrong business."""
    names = {name.strip() for name in [complaint.shop_name, *named_in_answers] if name and name.strip()}
    if not names or complaint.status in ("withdrawn", "rejected", "closed"):
        return []
    return list(
        Organisation.objects.filter(
            kind=Organisation.Kind.SHOP,
            platform_id=complaint.platform_id,
            joined_at__isnull=False,
            name__in=names,
        ).exclude(deliveries__complaint=complaint)
    )
