"""The buttons on a complaint's staff page: what each does and when it is offered.

Every status-changing button is a move of complaints.states; a button is shown only
when targets_from(status, staff) allows its move, and the service refuses it anyway
if the status changed in between.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actions.forwarding import forward, record_platform_response
from actions.messages import post_message
from actions.respondents import AnswerValues, record_off_tousu_answer
from actions.routes import record_step
from actions.staff import assign, confirm_platform_filing, take
from actions.status import transition
from complaints.states import TERMINAL, Actor, Status, targets_from
from escalation import ladder
from escalation.models import Route, StepKind

from . import forms, replies, services


def _open(complaint, user) -> bool:
    return complaint.status not in TERMINAL


def _move(action: "StaffAction", complaint, user, data: dict) -> None:
    transition(complaint, action.target, actor=user, role=Actor.STAFF, text=data.get("text", ""))


def _message(action: "StaffAction", complaint, user, data: dict) -> None:
    post_message(complaint, actor=user, role=Actor.STAFF, text=data["text"], staff_only=action.name == "note")


def _route_step(action: "StaffAction", complaint, user, data: dict) -> None:
    route, step = data["step"].split(":")
    record_step(
        complaint,
        route,
        step,
        on=data["on"],
        actor=user,
        role=Actor.STAFF,
        reference=data.get("reference", ""),
        reason=data.get("reason", ""),
    )


@dataclass(frozen=True)
class StaffAction:
    """One button: `offered(complaint, user)` says whether the page shows it, `run`
    calls the actions layer with the form's cleaned data. A button that moves the
    status (`target`) is offered when complaints.states allows that move."""

    name: str
    label: str | Promise
    form: type
    target: str = ""  # the status it moves to; "" for actions that are not moves
    style: str = "default"
    offered: Callable | None = None
    run: Callable = _move
    # What the form needs to know of the complaint (the open steps, the channels).
    form_kwargs: Callable | None = None
    # Done with this complaint for now (it waits for the consumer or the platform, or is
    # over): the page goes on to the next one in the queue (staff.next_up). Taking a
    # complaint, a note or a recorded step keep staff on it.
    then_next: bool = False

    def is_offered(self, complaint, user) -> bool:
        if self.target:
            return self.target in targets_from(complaint.status, Actor.STAFF)
        return self.offered(complaint, user) if self.offered else True


ACTIONS = [
    StaffAction(
        "take",
        _("Take"),
        forms.EmptyForm,
        offered=lambda complaint, user: _open(complaint, user) and complaint.assignee_id != user.pk,
        run=lambda action, complaint, user, data: take(complaint, actor=user),
    ),
    StaffAction(
        "assign",
        _("Assign"),
        forms.AssignForm,
        offered=_open,
        run=lambda action, complaint, user, data: assign(complaint, assignee=data["assignee"], actor=user),
    ),
    StaffAction(
        "ask_info", _("Ask the consumer for more information"), forms.ReasonForm, Status.NEEDS_INFO, then_next=True
    ),
    StaffAction(
        "forward",
        _("Forward to the platform"),
        forms.ForwardForm,
        Status.FORWARDED,
        form_kwargs=lambda complaint: {
            "channels": forwarding_channels(complaint.platform),
            "refusal": lambda channel: services.forwarding_refusal(complaint, channel),
        },
        run=lambda action, complaint, user, data: forward(
            complaint, channel=data["channel"], actor=user, text=data.get("text", "")
        ),
        then_next=True,
    ),
    StaffAction(
        "confirm_filing",
        _("Confirm the consumer's own complaint to the platform"),
        forms.ConfirmFilingForm,
        offered=lambda complaint, user: services.has_unconfirmed_platform_filing(complaint),
        run=lambda action, complaint, user, data: confirm_platform_filing(complaint, actor=user),
    ),
    StaffAction(
        "respond",
        _("Record the platform's response"),
        forms.ResponseForm,
        Status.PLATFORM_RESPONDED,
        run=lambda action, complaint, user, data: record_platform_response(
            complaint, actor=user, text=data.get("text", ""), files=data.get("files") or []
        ),
    ),
    StaffAction(
        "off_tousu_answer",
        _("Record an answer the platform gave outside Tousu"),
        forms.OffTousuAnswerForm,
        offered=lambda complaint, user: complaint.status in (Status.FORWARDED, Status.PLATFORM_RESPONDED),
        run=lambda action, complaint, user, data: record_off_tousu_answer(
            complaint, off_tousu_values(data), staff_user=user
        ),
    ),
    StaffAction(
        "route_step",
        _("Record a step on the escalation ladder"),
        forms.RouteStepForm,
        offered=lambda complaint, user: bool(route_step_choices(complaint)),
        form_kwargs=lambda complaint: {"choices": route_step_choices(complaint)},
        run=_route_step,
    ),
    StaffAction("resolve", _("Mark resolved"), forms.TextForm, Status.RESOLVED, then_next=True),
    StaffAction("reject", _("Reject"), forms.ReasonForm, Status.REJECTED, "danger", then_next=True),
    StaffAction("close", _("Close"), forms.TextForm, Status.CLOSED, then_next=True),
    StaffAction("message", _("Message the consumer"), forms.MessageForm, offered=_open, run=_message, then_next=True),
    StaffAction("note", _("Internal note"), forms.MessageForm, run=_message),
]
BY_NAME = {action.name: action for action in ACTIONS}


def available(complaint, user) -> list[StaffAction]:
    if refusal(complaint):
        return []
    return [action for action in ACTIONS if action.is_offered(complaint, user)]


def refusal(complaint) -> str:
    """Why no action may be taken on the complaint at all ("" when they may): its
    personal data was erased (actions.erasure), so nothing is left to work on and
    nobody to tell."""
    if complaint.personal_data_erased_at is not None:
        return gettext("This complaint's personal data was erased: nothing more can be done with it.")
    return ""


def workable(queryset):
    """The complaints of a bulk action that actions may still be taken on (see refusal)."""
    return queryset.filter(personal_data_erased_at__isnull=True)


def forwarding_channels(platform):
    """The platform's channels staff may forward through: the ones the directory lists
    (surest first), never disputed or wrong ones, never merchant lines."""
    from channels import presentation
    from channels.models import Channel

    listed, _distrusted = presentation.split(Channel.objects.filter(body__platform=platform))
    ids = [channel.pk for channel in listed if channel.audience != Channel.Audience.MERCHANTS]
    return Channel.objects.filter(pk__in=ids).select_related("body")


def route_step_choices(complaint) -> list[tuple[str, str]]:
    """("route:step", label) for every step the ladder has open for this complaint now."""
    return [
        (f"{route}:{step}", f"{Route(route).label}: {StepKind(step).label}")
        for route in ladder.ESCALATION_ROUTES
        for step in ladder.STEPS[route]
        if not ladder.refusal(complaint, route, step)
    ]


def off_tousu_values(data: dict) -> AnswerValues:
    kind = data["kind"]
    return AnswerValues(
        kind=kind,
        message=data["message"],
        amount=data.get("amount") if kind == "refunded" else None,
        expected_by=data.get("expected_by") if kind == "in_progress" else None,
        redirect_to=data.get("redirect_to", "") if kind == "not_ours" else "",
    )


def make_form(action: StaffAction, complaint, data=None, files=None, initial=None):
    extra = action.form_kwargs(complaint) if action.form_kwargs else {}
    form = action.form(data, files, prefix=action.name, initial=initial, **extra)
    replies.offer_templates(form, complaint)
    return form


def form_with_template(action: StaffAction, complaint, data):
    """The form again, unbound, with what was typed and the chosen template's text in
    the box (the no-script "Use this template" button, staff.replies)."""
    form = make_form(action, complaint)
    initial = {name: data.get(f"{action.name}-{name}") for name in form.fields if f"{action.name}-{name}" in data}
    text = replies.chosen_text(complaint, data, action.name)
    if text is not None:
        initial["text"] = text
    return make_form(action, complaint, initial=initial)


def perform(action: StaffAction, complaint, user, data: dict):
    """Run one action with a valid form's cleaned data."""
    action.run(action, complaint, user, data)
