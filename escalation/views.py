"""Consumer-facing escalation pages. Thin: each calls complaints.services.transition
or a function of this app, never writes a status or a clock itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import access
from complaints.models import Complaint
from complaints.services import ComplaintChanged, TransitionNotAllowed, transition
from complaints.states import Actor, Status, allowed

from . import ics, reminders
from .forms import PlatformFilingForm


def index(request):
    return redirect("escalation:routes")


def routes(request):
    """The routes the Consumer Rights Protection Law (art. 39) gives, and what the packet is good for in each."""
    return render(request, "escalation/routes.html")


@require_http_methods(["GET", "POST"])
@never_cache
def mute(request, token):
    """One click from a reminder email mutes that complaint's reminders (signed link,
    no login needed); the page offers to turn them back on."""
    complaint_id = reminders.complaint_id_from_mute_token(token)
    complaint = Complaint.objects.filter(pk=complaint_id).first() if complaint_id else None
    if complaint is None:
        raise Http404
    muted = request.POST.get("action") != "unmute"
    reminders.set_muted(complaint, muted)
    return render(request, "escalation/muted.html", {"complaint": complaint, "muted": muted, "token": token})


@login_required
@require_http_methods(["GET", "POST"])
def filed_with_platform(request, reference):
    """ "I complained to the platform myself": record how, when and the ticket; the clocks start then."""
    complaint = access.owned_complaint_or_404(request.user, reference)
    if not allowed(complaint.status, Status.FORWARDED, Actor.CONSUMER):
        messages.error(request, _("This complaint cannot be recorded as sent to the platform now."))
        return redirect(complaint)
    form = PlatformFilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transition(
                complaint,
                Status.FORWARDED,
                actor=request.user,
                role=Actor.CONSUMER,
                text=_("I complained to the platform myself."),
                details={"channel": data["channel"], "at": data["filed_at"].isoformat(), "ticket": data["ticket"]},
            )
        except (TransitionNotAllowed, ComplaintChanged):
            messages.error(request, _("The complaint changed meanwhile; please check it and try again."))
            return redirect(complaint)
        messages.success(request, _("Recorded. The platform's deadlines now run from the time you gave."))
        return redirect(complaint)
    return render(request, "escalation/filed_with_platform.html", {"complaint": complaint, "form": form})


@login_required
def deadlines_ics(request, reference):
    complaint = access.owned_complaint_or_404(request.user, reference)
    response = HttpResponse(
        ics.calendar_for(complaint, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{complaint.reference}-deadlines.ics"'
    return response
