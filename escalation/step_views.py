"""Recording a step on the ladder: one short form per step, for the complaint's owner.
Thin: escalation.ladder decides whether the step is open and records it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actions import forwarding as forwarding_actions
from actions import messages as message_actions
from actions import routes as route_actions
from complaints import access
from complaints.states import Actor, ComplaintChanged, Status, TransitionNotAllowed, allowed

from . import ladder, solved
from .forms import PlatformAnswerForm, RouteStepForm
from .models import Route, StepKind


def route_choices(complaint, route: str, step: str) -> list[tuple[str, str]]:
    """The routes one form may record `step` on. "I filed on 12315" covers ODR and a
    regular complaint: both are offered while the ladder has them open."""
    routes = (
        [Route.ODR, Route.REGULATOR] if route in (Route.ODR, Route.REGULATOR) and step == StepKind.FILED else [route]
    )
    labels = {Route.ODR: _("Through ODR (online dispute resolution)"), Route.REGULATOR: _("As a regular complaint")}
    return [(r, labels.get(r, Route(r).label)) for r in routes if not ladder.refusal(complaint, r, step)]


@login_required
@require_http_methods(["GET", "POST"])
def record_step(request, reference, route, step):
    complaint = access.owned_complaint_or_404(request.user, reference)
    if route not in ladder.STEPS or step not in ladder.STEPS[route]:
        raise Http404
    choices = route_choices(complaint, route, step)
    if not choices:
        messages.error(request, ladder.refusal(complaint, route, step))
        return redirect(complaint.get_absolute_url() + "#ladder")
    form = RouteStepForm(request.POST or None, routes=choices, step=step, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data["route"]
        consent_needed = ladder.consent_refusal(complaint, ladder.BODY_OF_ROUTE[chosen])
        if step == StepKind.FILED and consent_needed:
            # PIPL art. 23: asked at the moment of escalating, for that body.
            messages.info(request, consent_needed)
            return redirect("escalation:packet_start", complaint.reference)
        try:
            route_actions.record_step(
                complaint,
                chosen,
                step,
                on=data["on"],
                actor=request.user,
                role=Actor.CONSUMER,
                reference=data.get("reference", ""),
                reason=data.get("reason", ""),
            )
        except ladder.StepDateRefused as refused:
            form.add_error(refused.field, refused.reason)
        except ladder.RouteClosed as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, _("Recorded."))
            return redirect(complaint.get_absolute_url() + "#ladder")
    context = {"complaint": complaint, "form": form, "title": ladder.step_label(route, step)}
    return render(request, "escalation/record_step.html", context)


@login_required
@require_POST
def answer_solved(request, reference):
    """ "Was it solved?": yes keeps it resolved; no reopens the ladder where it stood."""
    complaint = access.owned_complaint_or_404(request.user, reference)
    if solved.pending_for(complaint) is None or request.POST.get("solved") not in ("yes", "no"):
        return redirect(complaint.get_absolute_url() + "#ladder")
    is_solved = request.POST["solved"] == "yes"
    try:
        # The reason goes to the respondent with the dispute; only with "no".
        reason = "" if is_solved else request.POST.get("reason", "").strip()[:500]
        message_actions.answer_solved(complaint, solved=is_solved, actor=request.user, reason=reason)
    except (TransitionNotAllowed, ComplaintChanged):
        messages.error(request, _("The complaint changed meanwhile; please check it and try again."))
        return redirect(complaint)
    if is_solved:
        messages.success(request, _("Thank you: we are glad it is solved."))
    else:
        messages.info(request, _("The complaint is open again: the routes still open to you are below."))
    return redirect(complaint.get_absolute_url() + "#ladder")


@login_required
@require_http_methods(["GET", "POST"])
def platform_answered(request, reference):
    """The consumer records that the platform answered them, and what it said."""
    complaint = access.owned_complaint_or_404(request.user, reference)
    if not allowed(complaint.status, Status.PLATFORM_RESPONDED, Actor.CONSUMER):
        messages.info(request, _("The platform's answer is already recorded, or the complaint has moved on."))
        return redirect(complaint)
    form = PlatformAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            forwarding_actions.consumer_recorded_platform_answer(
                complaint, actor=request.user, text=form.cleaned_data["text"]
            )
        except (TransitionNotAllowed, ComplaintChanged):
            form.add_error(None, _("The complaint changed meanwhile; please check it and try again."))
        else:
            messages.success(request, _("Recorded. If the answer does not solve it, the routes below are open to you."))
            return redirect(complaint.get_absolute_url() + "#ladder")
    context = {"complaint": complaint, "form": form, "title": _("The platform answered you")}
    return render(request, "escalation/record_step.html", context, status=400 if form.errors else 200)
