from django import template

from complaints.states import Actor, Status, allowed
from core.parties import Party
from escalation import display, ladder, solved
from escalation.models import DeadlinePolicy

register = template.Library()


@register.simple_tag
def complaint_deadlines(complaint):
    """{% complaint_deadlines complaint as deadlines %}: rows for _complaint_deadlines.html."""
    rows = display.deadline_rows(complaint)
    return {
        "rows": rows,
        "overdue": any(r["overdue"] for r in rows),
        "provisional": any(r["provisional"] and r["state"] == "running" for r in rows),
        "running": any(r["state"] == "running" for r in rows),
        "can_record_platform": allowed(complaint.status, Status.FORWARDED, Actor.CONSUMER),
        "can_escalate": ladder.may_escalate(complaint),
        "ladder": ladder.route_states(complaint),
        "solved_question": solved.pending_for(complaint),
    }


@register.simple_tag
def platform_policies(platform):
    """{% platform_policies platform as policies %}: the platform's running deadline policies."""
    if platform is None:
        return []
    return list(
        DeadlinePolicy.objects.filter(body=Party.PLATFORM, platform=platform, active=True)
        .exclude(due_after=None)
        .order_by("kind")
    )
