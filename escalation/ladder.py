"""The escalation ladder: the routes a consumer can take after the platform, which are
open for a complaint now and why, and what each recorded step does to the clocks.

The one home of these rules (Consumer Rights Protection Law art. 39 and 46, SAMR Order
20 of 2019, the 12315 ODR notices; each figure with its source in escalation.policies
and the DeadlinePolicy rows staff edit). Views, templates (through
escalation.templatetags), the reminders, the staff admin and the status receiver ask
this module; `record_step` is the only writer of a route step (EscalationFiling) and
refuses a step the ladder does not allow, with a translated reason.

Routes, in the order consumers climb them:
1. the platform (its clocks start when the complaint reaches it: actions.status);
2. 12315 ODR "green channel": the firm negotiates within 10 working days;
3. a 12315 complaint: accepted or not within 7 working days (SAMR Order 20, art. 14),
   mediation ends without agreement 45 working days after acceptance (art. 21); not
   accepted when a court or a consumer association already handled it (art. 15);
4. a consumer association: no published day count, a check-in reminder;
5. court (small claims, or an internet court for platform purchases).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.consents import has_consent
from complaints.models import Complaint, TimelineEvent
from complaints.states import Status, TransitionNotAllowed, is_open
from core.parties import Party

from . import clocks, conf, display
from .models import PLATFORM_KINDS, REGULATOR_KINDS, Clock, ClockKind, EscalationFiling, PlatformFiling, Route, StepKind

# Routes after the platform, in ladder order.
ESCALATION_ROUTES = (Route.ODR, Route.REGULATOR, Route.ASSOCIATION, Route.COURT)
ROUTE_ORDER = (Route.PLATFORM, *ESCALATION_ROUTES)

# The body a route shares the complaint with: its consent (complaints.consents) and packet.
BODY_OF_ROUTE: dict[str, str] = {
    Route.ODR: Party.REGULATOR,
    Route.REGULATOR: Party.REGULATOR,
    Route.ASSOCIATION: Party.ASSOCIATION,
    Route.COURT: Party.COURT,
}
# Routes whose filing we only record after the consumer agreed to share with the body
# (PIPL art. 23). The consumer files in court themself; nothing is shared by us.
NEEDS_CONSENT = frozenset({Route.ODR, Route.REGULATOR, Route.ASSOCIATION})
CONSENT_BODIES = frozenset(BODY_OF_ROUTE[route] for route in NEEDS_CONSENT)

# The steps each route knows, in order; a step needs the one before it.
STEPS: dict[str, tuple[str, ...]] = {
    Route.ODR: (StepKind.FILED, StepKind.AGREEMENT, StepKind.NO_AGREEMENT),
    Route.REGULATOR: (
        StepKind.FILED,
        StepKind.ACCEPTED,
        StepKind.NOT_ACCEPTED,
        StepKind.AGREEMENT,
        StepKind.NO_AGREEMENT,
    ),
    Route.ASSOCIATION: (StepKind.FILED, StepKind.AGREEMENT, StepKind.NO_AGREEMENT),
    Route.COURT: (StepKind.FILED,),
}
# What must be recorded before a step, and the steps that end a route.
REQUIRES: dict[tuple[str, str], str] = {
    (Route.REGULATOR, StepKind.AGREEMENT): StepKind.ACCEPTED,
    (Route.REGULATOR, StepKind.NO_AGREEMENT): StepKind.ACCEPTED,
}
DECISIONS = (StepKind.ACCEPTED, StepKind.NOT_ACCEPTED)
OUTCOMES = (StepKind.AGREEMENT, StepKind.NO_AGREEMENT)
ENDING = frozenset({StepKind.NOT_ACCEPTED, *OUTCOMES})


@dataclass(frozen=True)
class Effect:
    """What one recorded step does to the clocks: meet some, stop some, start one."""

    meet: tuple[str, ...] = ()
    stop: tuple[str, ...] = ()
    start: str | None = None


EFFECTS: dict[tuple[str, str], Effect] = {
    (Route.ODR, StepKind.FILED): Effect(start=ClockKind.ODR),
    (Route.ODR, StepKind.AGREEMENT): Effect(meet=(ClockKind.ODR,)),
    (Route.ODR, StepKind.NO_AGREEMENT): Effect(meet=(ClockKind.ODR,)),
    (Route.REGULATOR, StepKind.FILED): Effect(start=ClockKind.ACCEPTANCE),
    (Route.REGULATOR, StepKind.ACCEPTED): Effect(meet=(ClockKind.ACCEPTANCE,), start=ClockKind.MEDIATION),
    (Route.REGULATOR, StepKind.NOT_ACCEPTED): Effect(meet=(ClockKind.ACCEPTANCE,)),
    (Route.REGULATOR, StepKind.AGREEMENT): Effect(meet=(ClockKind.MEDIATION,)),
    (Route.REGULATOR, StepKind.NO_AGREEMENT): Effect(meet=(ClockKind.MEDIATION,)),
    (Route.ASSOCIATION, StepKind.FILED): Effect(start=ClockKind.ASSOCIATION),
    (Route.ASSOCIATION, StepKind.AGREEMENT): Effect(meet=(ClockKind.ASSOCIATION,)),
    (Route.ASSOCIATION, StepKind.NO_AGREEMENT): Effect(meet=(ClockKind.ASSOCIATION,)),
    # A court now decides: the other bodies' clocks no longer mean anything.
    (Route.COURT, StepKind.FILED): Effect(stop=REGULATOR_KINDS),
}
ROUTE_OF_KIND: dict[str, str] = {
    ClockKind.FIRST_RESPONSE: Route.PLATFORM,
    ClockKind.RESOLUTION: Route.PLATFORM,
    ClockKind.ODR: Route.ODR,
    ClockKind.ACCEPTANCE: Route.REGULATOR,
    ClockKind.MEDIATION: Route.REGULATOR,
    ClockKind.ASSOCIATION: Route.ASSOCIATION,
}

# What to do when a clock runs out: shown in the overdue reminder and on the panel.
NEXT_WHEN_OVERDUE: dict[str, Promise] = {
    Route.PLATFORM: gettext_lazy(
        "The platform missed its deadline: you can file with 12315 (ODR or a regular complaint), "
        "a consumer association or a court."
    ),
    Route.ODR: gettext_lazy(
        "The ODR negotiation period is over: record how it ended, or file a regular complaint with 12315."
    ),
    ClockKind.ACCEPTANCE: gettext_lazy(
        "12315 has not told you whether it accepts your complaint: call 12315 with your case number, "
        "and record its decision here when it comes."
    ),
    ClockKind.MEDIATION: gettext_lazy(
        "Mediation ends without agreement after 45 working days: record how it ended, then consider "
        "a consumer association or a court."
    ),
    Route.ASSOCIATION: gettext_lazy(
        "Check in with the consumer association: record its outcome here, or consider a court."
    ),
}


class RouteClosed(TransitionNotAllowed):
    """The ladder refuses this step now; str() is the reason in the user's language."""

    def __init__(self, reason: str):
        self.reason = reason
        Exception.__init__(self, reason)


class StepDateRefused(RouteClosed):
    """The step is open, but its date precedes the date of the step it follows. Forms
    show the reason next to their date field (`field`), keeping what was typed."""

    field = "on"


@dataclass
class RouteState:
    """One row of the panel "where each route stands"."""

    route: str
    label: str
    steps: list = field(default_factory=list)  # EscalationFiling rows, oldest first
    clock: Clock | None = None  # the route's live (or last met) clock
    state_text: str = ""
    next_text: str = ""
    open: bool = False  # a filing may be recorded now
    reason: str = ""  # why not, and when it opens
    actions: list = field(default_factory=list)  # (step, label) the consumer may record now
    working_days_left: int | None = None
    due_text: str = ""  # the running clock's due time in words ("the end of Thu 10 Dec")
    overdue_text: str = ""  # how far past it, in working days
    applicable: bool = True  # False: this route can no longer be taken (`reason` says why)

    @property
    def started(self) -> bool:
        return bool(self.steps) or (self.route == Route.PLATFORM and self.clock is not None)


# --- The rule -----------------------------------------------------------------


def _recorded(complaint) -> dict[tuple[str, str], EscalationFiling]:
    return {(f.route, f.step): f for f in EscalationFiling.objects.filter(complaint=complaint).order_by("id")}


def platform_stage_refusal(complaint: Complaint, *, status: str | None = None, now=None) -> str:
    """Why the complaint may not leave the platform yet ("" when it may): the platform
    must have answered, or missed a deadline. Once escalated, the ladder stays open.
    `status`: the status to judge (the receiver passes the one being left)."""
    status = status or complaint.status
    if status == Status.ESCALATED or status == Status.PLATFORM_RESPONDED:
        return ""
    if not is_open(status):
        return _("This complaint is closed: nothing more can be filed for it.")
    if status == Status.FORWARDED:
        now = now or timezone.now()
        running = (
            Clock.objects.filter(complaint=complaint, state=Clock.State.RUNNING, kind__in=PLATFORM_KINDS)
            .order_by("due_at")
            .first()
        )
        if running is None:
            return _("Opens once the platform answers or misses its deadline.")
        if running.due_at < now:
            return ""
        opens = timezone.localtime(running.due_at, conf.SHANGHAI).date() + dt.timedelta(days=1)
        return _("Opens on %(date)s if the platform has not answered by then, or as soon as it answers.") % {
            "date": opens.isoformat()
        }
    return _("Opens once the complaint has reached the platform and the platform answered or missed its deadline.")


def may_escalate(complaint: Complaint, now=None) -> bool:
    """The packet pages open: the platform stage is over (or the complaint is escalated)."""
    if complaint.status == Status.ESCALATED:
        return True
    return not platform_stage_refusal(complaint, now=now)


def packet_refusal(complaint: Complaint, now=None) -> str:
    """Why the escalation packet and its paperwork do not open yet, in the user's
    language ("" when they do): the same rule as `may_escalate`."""
    if may_escalate(complaint, now=now):
        return ""
    return _("The escalation packet is ready once a deadline is missed or the platform has answered.")


def consent_refusal(complaint: Complaint, body: str) -> str:
    """Why the packet for `body` may not be shown yet ("" when it may): the consumer has
    not agreed to share this complaint with that body (PIPL art. 23). The court's
    paperwork goes to nobody but the consumer, so it needs no consent."""
    if body not in CONSENT_BODIES or has_consent(complaint, body):
        return ""
    return _("Please agree to share your complaint with this body first.")


def refusal(complaint: Complaint, route: str, step: str, *, now=None, recorded=None) -> str:
    """Why `step` may not be recorded on `route` now, in the user's language; "" when it may."""
    if route not in STEPS or step not in STEPS[route]:
        return _("This step does not exist on this route.")
    recorded = _recorded(complaint) if recorded is None else recorded
    if (route, step) in recorded:
        return _("Already recorded.")
    if complaint.status == Status.RESOLVED:
        return _("The complaint is marked resolved. If it is not solved, say so on the complaint page first.")
    if step != StepKind.FILED:
        if (route, StepKind.FILED) not in recorded:
            return _("Record the filing first.")
        needed = REQUIRES.get((route, step))
        if needed and (route, needed) not in recorded:
            return _("Record that 12315 accepted the complaint first.")
        taken = [s for s in (DECISIONS if step in DECISIONS else OUTCOMES) if (route, s) in recorded]
        if taken or any((route, s) in recorded for s in ENDING):
            return _("This route has already ended.")
        return "" if is_open(complaint.status) else _("This complaint is closed: nothing more can be filed for it.")
    stage = platform_stage_refusal(complaint, now=now)
    if stage:
        return stage
    no_longer = no_longer_applicable(route, recorded)
    if no_longer:
        return no_longer
    if route == Route.REGULATOR:
        odr_until = _odr_running_until(complaint, recorded, now)
        if odr_until:
            return _(
                "Opens on %(date)s when the ODR negotiation period ends, or as soon as you record that it failed."
            ) % {"date": odr_until.isoformat()}
    if route == Route.ASSOCIATION and _regulator_live(recorded):
        return _("12315 handles it now: this opens when 12315 does not accept it or its mediation ends.")
    return ""


def _odr_running_until(complaint, recorded, now) -> dt.date | None:
    """The day after the ODR negotiation's due day, while it runs and has not ended."""
    if (Route.ODR, StepKind.FILED) not in recorded or any((Route.ODR, s) in recorded for s in OUTCOMES):
        return None
    clock = Clock.objects.filter(complaint=complaint, kind=ClockKind.ODR, state=Clock.State.RUNNING).first()
    if clock is None or clock.due_at < (now or timezone.now()):
        return None
    return timezone.localtime(clock.due_at, conf.SHANGHAI).date() + dt.timedelta(days=1)


def follows(route: str, step: str) -> str | None:
    """The step `step` follows on its route (whose date it may not precede); None for a
    filing, which follows the complaint reaching the platform."""
    if step == StepKind.FILED:
        return None
    return REQUIRES.get((route, step), StepKind.FILED)


def platform_reached_on(complaint: Complaint) -> dt.date | None:
    """The Beijing day the complaint first reached the platform: the earliest of the
    platform clocks' start, the consumer's own complaint to the platform and staff
    forwarding it; None if it never did (a route is then refused by `refusal`)."""
    moments = [
        Clock.objects.filter(complaint=complaint, kind__in=PLATFORM_KINDS).aggregate(at=Min("started_at"))["at"],
        PlatformFiling.objects.filter(complaint=complaint).aggregate(at=Min("filed_at"))["at"],
        TimelineEvent.objects.filter(
            complaint=complaint, kind=TimelineEvent.Kind.STATUS_CHANGED, to_status=Status.FORWARDED
        ).aggregate(at=Min("created_at"))["at"],
    ]
    moments = [at for at in moments if at is not None]
    return clocks.local_day(min(moments)) if moments else None


def date_refusal(complaint: Complaint, route: str, step: str, on: dt.date, *, recorded=None) -> str:
    """Why `on` cannot be the date of `step` ("" when it can): no step is dated before
    the step it follows (12315's decision before the filing, the end of mediation before
    the acceptance, an ODR outcome before the ODR filing), and no filing before the day
    the complaint reached the platform. The clocks count from these dates, so a date out
    of order would start or meet a clock before its own start."""
    before = follows(route, step)
    if before is None:
        reached = platform_reached_on(complaint)
        if reached and on < reached:
            return _("This date is before the day the complaint reached the platform (%(date)s).") % {
                "date": reached.isoformat()
            }
        return ""
    recorded = _recorded(complaint) if recorded is None else recorded
    previous = recorded.get((route, before))
    if previous is None or on >= previous.filed_on:
        return ""
    if before == StepKind.ACCEPTED:
        text = _("This date is before the day 12315 accepted the complaint (%(date)s).")
    else:
        text = _("This date is before the filing you recorded on this route (%(date)s).")
    return text % {"date": previous.filed_on.isoformat()}


def _route_live(recorded, route: str) -> bool:
    """Filed on `route`, and no step that ends it recorded."""
    return (route, StepKind.FILED) in recorded and not any((route, s) in recorded for s in ENDING)


def _regulator_live(recorded) -> bool:
    return _route_live(recorded, Route.REGULATOR)


# --- Recording a step -----------------------------------------------------------


def step_text(route: str, step: str, *, on: dt.date, reference: str = "", reason: str = "") -> str:
    """The timeline's sentence for a step, in the active language."""
    values = {"route": Route(route).label, "date": on.isoformat(), "reference": reference or "—", "reason": reason}
    if step == StepKind.FILED:
        return _("Filed on %(route)s on %(date)s, case number %(reference)s") % values
    if step == StepKind.ACCEPTED:
        return _("12315 accepted the complaint on %(date)s") % values
    if step == StepKind.NOT_ACCEPTED:
        return _("12315 did not accept the complaint (%(date)s): %(reason)s") % values
    if step == StepKind.AGREEMENT:
        return _("%(route)s ended with an agreement on %(date)s") % values
    return _("%(route)s ended without agreement on %(date)s") % values


# --- Reading the ladder -----------------------------------------------------------


def step_label(route: str, step: str) -> str:
    labels: dict[tuple[str, str], str] = {
        (Route.ODR, StepKind.FILED): _("I filed on 12315"),
        (Route.REGULATOR, StepKind.FILED): _("I filed on 12315"),
        (Route.REGULATOR, StepKind.ACCEPTED): _("12315 accepted it"),
        (Route.REGULATOR, StepKind.NOT_ACCEPTED): _("12315 did not accept it"),
        (Route.ASSOCIATION, StepKind.FILED): _("I went to the consumer association"),
        (Route.COURT, StepKind.FILED): _("I filed in court"),
    }
    if (route, step) in labels:
        return labels[(route, step)]
    if route == Route.ODR:
        return (
            _("ODR negotiation ended: agreement")
            if step == StepKind.AGREEMENT
            else _("ODR negotiation ended: no agreement")
        )
    return _("Mediation ended: agreement") if step == StepKind.AGREEMENT else _("Mediation ended: no agreement")


def _clock_of(clocks_by_route, route):
    """The route's running or paused clock first, else the last one met."""
    rows = clocks_by_route.get(route, [])
    live = [c for c in rows if c.state in clocks.LIVE]
    if live:
        return min(live, key=lambda c: c.due_at)
    met = [c for c in rows if c.state == Clock.State.MET]
    return max(met, key=lambda c: c.met_at) if met else None


def route_states(complaint: Complaint, now: dt.datetime | None = None) -> list[RouteState]:
    """Every route, in ladder order: what was recorded, its clock, whether it is open now
    (and if not, why and when it opens), and what the consumer may record next."""
    from . import workdays

    now = now or timezone.now()
    recorded = _recorded(complaint)
    clocks_by_route: dict[str, list[Clock]] = {}
    for clock in Clock.objects.filter(complaint=complaint).exclude(state=Clock.State.STOPPED).select_related("policy"):
        clocks_by_route.setdefault(ROUTE_OF_KIND[clock.kind], []).append(clock)
    today = timezone.localtime(now, conf.SHANGHAI).date()
    states = []
    for route in ROUTE_ORDER:
        row = RouteState(route=route, label=str(Route(route).label))
        row.steps = sorted((f for (r, _s), f in recorded.items() if r == route), key=lambda f: f.pk)
        row.clock = _clock_of(clocks_by_route, route)
        if row.clock is not None and row.clock.state == Clock.State.RUNNING:
            due_day = timezone.localtime(row.clock.due_at, conf.SHANGHAI).date()
            row.due_text = display.when_text(row.clock)
            row.overdue_text = display.overdue_for(row.clock, now)
            if row.overdue_text:
                row.next_text = str(NEXT_WHEN_OVERDUE.get(row.clock.kind) or NEXT_WHEN_OVERDUE[route])
            else:
                row.working_days_left = workdays.get_calendar().working_days_between(today, due_day)
        if route == Route.PLATFORM:
            # Named after the platform itself, with where it stands even before a clock runs.
            row.label = complaint.platform.name
            row.state_text = _platform_state(complaint, row.clock)
            states.append(row)
            continue
        row.state_text = str(row.steps[-1].get_step_display()) if row.steps else _("not started")
        row.actions = [
            (step, step_label(route, step))
            for step in STEPS[route]
            if step != StepKind.FILED and not refusal(complaint, route, step, now=now, recorded=recorded)
        ]
        if (route, StepKind.FILED) not in recorded:
            no_longer = no_longer_applicable(route, recorded)
            row.reason = no_longer or refusal(complaint, route, StepKind.FILED, now=now, recorded=recorded)
            row.applicable = not no_longer
            row.open = not row.reason
        states.append(row)
    return states


def _platform_state(complaint: Complaint, clock: Clock | None) -> str:
    if clock is not None and clock.state == Clock.State.MET:
        return _("answered")
    if clock is not None and clock.state == Clock.State.PAUSED:
        return _("paused while we wait for you")
    if clock is None and complaint.status in (Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFO):
        return _("not with the platform yet")
    return ""


def no_longer_applicable(route: str, recorded) -> str:
    """Why `route` can no longer be taken for this complaint at all ("" while it may
    still open): a court decides now; 12315 took it as a complaint, so its ODR channel
    is not for it; a consumer association handled it (SAMR Order 20 art. 15); or an
    agreement was reached, and a business that breaks it answers in court."""
    if route == Route.COURT:
        return ""
    if (Route.COURT, StepKind.FILED) in recorded:
        return _("A court handles this dispute now.")
    agreed = [r for r in ESCALATION_ROUTES if (r, StepKind.AGREEMENT) in recorded]
    if agreed:
        return _(
            "An agreement was reached through %(route)s: if the business does not keep it, a court is the route."
        ) % {"route": Route(agreed[0]).label}
    if route == Route.ODR and (Route.REGULATOR, StepKind.FILED) in recorded:
        return _("12315 already handles this as a complaint.")
    if route == Route.REGULATOR and (Route.ASSOCIATION, StepKind.FILED) in recorded:
        return _("12315 does not accept a dispute a consumer association has handled (SAMR Order 20, art. 15).")
    return ""


def next_step_url(complaint: Complaint, now=None) -> str:
    """Where a reminder sends the consumer: the packet when it opens, else the ladder
    panel on the complaint page (never a page that would refuse them)."""
    from django.urls import reverse

    if may_escalate(complaint, now=now):
        return reverse("escalation:packet_start", args=[complaint.reference])
    return complaint.get_absolute_url() + "#ladder"


def next_step_when_overdue(clock: Clock) -> str:
    return str(NEXT_WHEN_OVERDUE.get(clock.kind) or NEXT_WHEN_OVERDUE[ROUTE_OF_KIND[clock.kind]])


def live_routes(complaint: Complaint) -> list[str]:
    """The routes the consumer filed on that have not ended (12315 still deciding or
    mediating, an association or a court seized of it), as labels, in ladder order."""
    recorded = _recorded(complaint)
    return [str(Route(route).label) for route in ESCALATION_ROUTES if _route_live(recorded, route)]
