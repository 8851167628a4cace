"""The buttons on a complaint's staff page: what each does and when it is offered.

Every status-changing button is a move of complaints.states; a button is shown only
when targets_from(status, staff) allows its move, and the service refuses it anyway
if the status changed in between.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from actions.forwarding import forward, record_platform_response
from actions.messages import post_message
from actions.routes import record_step
from actions.staff import assign, confirm_platform_filing, take
from actions.status import transition
from complaints.states import TERMINAL, Actor, Status, targets_from
from escalation import ladder
from escalation.models import Route, StepKind

from . import forms, services


@dataclass(frozen=True)
class StaffAction:
    name: str
    label: str
    form: type
    target: str = ""  # the status it moves to; "" for actions that are not moves
    style: str = "default"


ACTIONS = [
    StaffAction("take", _("Take"), forms.EmptyForm),
    StaffAction("assign", _("Assign"), forms.AssignForm),
    StaffAction("ask_info", _("Ask the consumer for more information"), forms.ReasonForm, Status.NEEDS_INFO),
    StaffAction("forward", _("Forward to the platform"), forms.ForwardForm, Status.FORWARDED),
    StaffAction("confirm_filing", _("Confirm the consumer's own complaint to the platform"), forms.ConfirmFilingForm),
    StaffAction("respond", _("Record the platform's response"), forms.ResponseForm, Status.PLATFORM_RESPONDED),
    StaffAction("route_step", _("Record a step on the escalation ladder"), forms.RouteStepForm),
    StaffAction("resolve", _("Mark resolved"), forms.TextForm, Status.RESOLVED),
    StaffAction("reject", _("Reject"), forms.ReasonForm, Status.REJECTED, "danger"),
    StaffAction("close", _("Close"), forms.TextForm, Status.CLOSED),
    StaffAction("message", _("Message the consumer"), forms.MessageForm),
    StaffAction("note", _("Internal note"), forms.MessageForm),
]
BY_NAME = {action.name: action for action in ACTIONS}


def available(complaint, user) -> list[StaffAction]:
    allowed = set(targets_from(complaint.status, Actor.STAFF))
    open_ = complaint.status not in TERMINAL
    result = []
    for action in ACTIONS:
        if action.target:
            ok = action.target in allowed
        elif action.name == "take":
            ok = open_ and complaint.assignee_id != user.pk
        elif action.name in ("assign", "message"):
            ok = open_
        elif action.name == "confirm_filing":
            ok = services.has_unconfirmed_platform_filing(complaint)
        elif action.name == "route_step":
            ok = bool(route_step_choices(complaint))
        else:
            ok = True
        if ok:
            result.append(action)
    return result


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


def make_form(action: StaffAction, complaint, data=None, files=None):
    if action.form is forms.RouteStepForm:
        return forms.RouteStepForm(data, files, choices=route_step_choices(complaint), prefix=action.name)
    if action.form is forms.ForwardForm:
        return forms.ForwardForm(
            data,
            files,
            channels=forwarding_channels(complaint.platform),
            refusal=lambda channel: services.forwarding_refusal(complaint, channel),
            prefix=action.name,
        )
    return action.form(data, files, prefix=action.name)


def perform(action: StaffAction, complaint, user, data: dict):
    """Run one action with a valid form's cleaned data."""
    text = data.get("text", "")
    if action.name == "take":
        take(complaint, actor=user)
    elif action.name == "assign":
        assign(complaint, assignee=data["assignee"], actor=user)
    elif action.name == "confirm_filing":
        confirm_platform_filing(complaint, actor=user)
    elif action.name == "forward":
        forward(complaint, channel=data["channel"], actor=user, text=text)
    elif action.name == "respond":
        record_platform_response(complaint, actor=user, text=text, files=data.get("files") or [])
    elif action.name == "route_step":
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
    elif action.name in ("message", "note"):
        post_message(complaint, actor=user, role=Actor.STAFF, text=text, staff_only=action.name == "note")
    else:
        transition(complaint, action.target, actor=user, role=Actor.STAFF, text=text)
