"""Consumer-facing escalation pages. Thin: each calls actions.status.transition
or a function of this app, never writes a status or a clock itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from actions.status import PlatformReached, transition
from complaints import access
from complaints.models import Complaint
from complaints.states import Actor, ComplaintChanged, Status, TransitionNotAllowed, allowed

from . import conf, ics, muting
from .forms import PlatformFilingForm


def index(request):
    return redirect("escalation:routes")


def routes(request):
    """The routes the Consumer Rights Protection Law (art. 39) gives, and what the packet is good for in each."""
    return render(request, "escalation/routes.html")


# The mute link needs no login: the signed token is the permission. CSRF is checked
# for the confirmation page's buttons, but not for the RFC 8058 one-click POST, which
# the recipient's mail provider sends without any cookie or form token; it can only
# mute, and only with a genuine, unexpired token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def mute(request, token):
    """A reminder's mute link. GET only asks (mail scanners and link previews follow
    links); a POST from the page mutes or unmutes; a one-click POST from the mail
    client (body List-Unsubscribe=One-Click) mutes."""
    try:
        complaint_id = muting.complaint_id_from_mute_token(token)
    except muting.MuteLinkExpired:
        context = {"max_age_days": conf.MUTE_LINK_MAX_AGE.days}
        return render(request, "escalation/mute_expired.html", context, status=410)
    complaint = Complaint.objects.filter(pk=complaint_id).first() if complaint_id else None
    if complaint is None:
        raise Http404
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        muting.set_muted(complaint, True)
        return HttpResponse(_("Reminders muted."), content_type="text/plain; charset=utf-8")
    return _mute_page(request, complaint, token)


@csrf_protect
def _mute_page(request, complaint, token):
    changed = request.method == "POST"
    if changed:
        muting.set_muted(complaint, request.POST.get("action") != "unmute")
    muted = muting.is_muted(complaint)
    context = {"complaint": complaint, "muted": muted, "changed": changed, "token": token}
    return render(request, "escalation/muted.html", context)


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
                reached=PlatformReached(data["channel"], at=data["filed_at"], ticket=data["ticket"]),
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
