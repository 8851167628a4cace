"""How staff pages name a complaint's status, and how they write times.

complaints.states labels a status for the consumer who reads it ("Waiting for you");
staff read it about someone else, so the queue, the complaint page, its timeline and
the staff home take their names from STAFF_STATUS here. A status not listed reads the
same for both.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.states import Status

STAFF_STATUS = {
    Status.NEEDS_INFO: _("Waiting for the consumer"),
    Status.WITHDRAWN: _("Withdrawn by the consumer"),
}


def status_label(status: str) -> str:
    """The staff name of `status` (a value of complaints.states.Status)."""
    if not status:
        return ""
    return str(STAFF_STATUS.get(Status(status), Status(status).label))


def status_choices() -> list[tuple[str, str]]:
    return [(status.value, status_label(status)) for status in Status]


def beijing(moment) -> str:
    """2026-12-07 06:06, in Beijing time (settings.TIME_ZONE), or "—"."""
    if moment is None:
        return "—"
    return f"{timezone.localtime(moment, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"
