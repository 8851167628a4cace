"""How clocks read to people: one sentence per deadline, as a date in Beijing time."""

from __future__ import annotations

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from core.parties import Party

from . import conf
from .models import Clock, ClockKind, Unit

SENTENCES = {
    ClockKind.FIRST_RESPONSE: lambda: _("%(body)s must reply by %(when)s"),
    ClockKind.RESOLUTION: lambda: _("%(body)s must resolve it by %(when)s"),
    ClockKind.ACCEPTANCE: lambda: _("%(body)s must decide whether to accept it by %(when)s"),
    ClockKind.MEDIATION: lambda: _("%(body)s mediation ends by %(when)s"),
    ClockKind.ASSOCIATION: lambda: _("Check in with %(body)s by %(when)s"),
    ClockKind.ODR: lambda: _("The ODR negotiation on 12315 ends by %(when)s"),
}


def when_text(clock: Clock) -> str:
    local = timezone.localtime(clock.due_at, conf.SHANGHAI)
    text = f"{dateformat.format(local, 'l')} {local:%Y-%m-%d}"
    if clock.policy.unit == Unit.HOURS:
        text += f" {local:%H:%M}"
    return text


def body_label(clock: Clock) -> str:
    if clock.policy.body == Party.PLATFORM:
        return clock.complaint.platform.name
    return str(Party(clock.policy.body).label)


def deadline_rows(complaint, now=None) -> list[dict]:
    """The complaint's clocks, running ones first by due time, then met ones."""
    now = now or timezone.now()
    clocks = (
        Clock.objects.filter(complaint=complaint)
        .exclude(state=Clock.State.STOPPED)
        .select_related("policy", "complaint__platform")
        .order_by("met_at", "due_at", "id")
    )
    rows = []
    for clock in clocks:
        clock.complaint = complaint if complaint.pk == clock.complaint_id else clock.complaint
        rows.append(
            {
                "id": clock.pk,
                "kind": clock.kind,
                "state": clock.state,
                "due_at": clock.due_at,
                "due_day": timezone.localtime(clock.due_at, conf.SHANGHAI).date(),
                "provisional": clock.provisional,
                "overdue": clock.is_overdue(now),
                "met_at": clock.met_at,
                "sentence": SENTENCES[clock.kind]() % {"body": body_label(clock), "when": when_text(clock)},
                "source": clock.policy.source,
            }
        )
    return rows


def is_overdue(complaint, now=None) -> bool:
    return Clock.objects.filter(
        complaint=complaint, state=Clock.State.RUNNING, due_at__lt=now or timezone.now()
    ).exists()
