"""Staff's own actions: assignment, taking a complaint, staff-only notes, and
confirming the consumer's own complaint to the platform."""

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, TimelineEvent
from complaints.states import Actor, Status

from . import Person, action, clocks
from .status import transition
from .timeline import record_event


@action
def assign(complaint: Complaint, *, assignee: Person, actor: Person) -> Complaint:
    """Give the complaint to `assignee` (None: nobody) and note it on the staff timeline."""
    Complaint.objects.filter(pk=complaint.pk).update(assignee=assignee, updated_at=timezone.now())
    complaint.assignee = assignee
    text = (
        _("Assigned to %(name)s") % {"name": assignee.get_full_name() or assignee.get_username()}
        if assignee
        else _("Unassigned")
    )
    record_staff_event(complaint, TimelineEvent.Kind.ASSIGNED, actor=actor, text=text)
    return complaint


@action
def take(complaint: Complaint, *, actor: Person) -> Complaint:
    """Assign to oneself; a newly submitted complaint goes into review at the same time."""
    assign(complaint, assignee=actor, actor=actor)
    if complaint.status == Status.SUBMITTED:
        transition(complaint, Status.IN_REVIEW, actor=actor, role=Actor.STAFF)
    return complaint


def record_staff_event(complaint: Complaint, kind: str, *, actor: Person, text: str) -> TimelineEvent:
    """A staff-only line on the timeline (assignment, platform email sent or failed)."""
    return record_event(
        complaint,
        kind,
        actor=actor,
        role=Actor.STAFF if getattr(actor, "pk", None) else Actor.SYSTEM,
        text=text,
        staff_only=True,
    )


@action
def confirm_platform_filing(complaint: Complaint, *, actor: Person) -> int:
    """Staff checked the consumer's proof: the platform clocks' start is confirmed (and
    counts in the statistics), noted on the staff timeline. Returns the clocks changed."""
    changed = clocks.confirm_platform_clock_starts(complaint, actor=actor)
    if changed:
        record_staff_event(
            complaint,
            TimelineEvent.Kind.NOTE,
            actor=actor,
            text=_("Confirmed the consumer's own complaint to the platform"),
        )
    return changed
