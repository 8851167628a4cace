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
        respondent_name=organisation.name if organisation else complaint.platform.name,
        delivery=delivery,
        joined=bool(organisation and organisation.has_joined),
        answers=answers,
        can_record_own_complaint=delivery is None and complaint.status in (Status.SUBMITTED, Status.IN_REVIEW),
    )
