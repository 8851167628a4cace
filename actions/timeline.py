"""The complaint's timeline: the one writer of TimelineEvent. Every action that puts
a line on it (a move, a message, evidence, a staff note) goes through record_event."""

import datetime as dt

from django.utils import timezone

from complaints.models import Complaint, TimelineEvent

from . import Person


def record_event(
    complaint: Complaint,
    kind: str,
    *,
    actor: Person,
    role: str,
    from_status: str = "",
    to_status: str = "",
    text: str = "",
    staff_only: bool = False,
    at: dt.datetime | None = None,
) -> TimelineEvent:
    """Write one line of the complaint's timeline: the only writer of TimelineEvent.
    `actor` may be None (the system); `staff_only` hides it from the consumer."""
    return TimelineEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=role,
        from_status=from_status,
        to_status=to_status,
        text=text,
        staff_only=staff_only,
        created_at=at or timezone.now(),
    )
