"""What the consumer adds to an open complaint: evidence, and what a reply sets moving.

A reply (a message, more evidence) answers a request for information, and every
respondent the complaint was delivered to hears of it.
"""

from complaints import states
from complaints.models import Complaint, Evidence
from complaints.states import Actor, Status, TransitionNotAllowed

from . import Person, action, respondents
from .evidence import attach_evidence
from .status import transition


@action
def add_evidence(complaint: Complaint, *, actor: Person, evidence: list[Evidence]) -> None:
    """The consumer adds already-staged evidence to their open complaint."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status in states.TERMINAL:
        raise TransitionNotAllowed(locked.status)
    attach_evidence(locked, evidence, actor=actor, role=Actor.CONSUMER)
    consumer_replied(locked, actor)


@action
def consumer_replied(complaint: Complaint, actor: Person) -> None:
    """A consumer answering a request for information puts the case back in review;
    the respondents it was delivered to are told of the change."""
    if complaint.status == Status.NEEDS_INFO:
        transition(complaint, Status.IN_REVIEW, actor=actor, role=Actor.CONSUMER, text="")
    respondents.consumer_changed(complaint)
