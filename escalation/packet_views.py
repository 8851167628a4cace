"""The escalation packet pages: choose where to file (with the regulator's refusal
grounds first), the packet with a copy button per field, the ZIP, the printable
timeline, and recording the reference number the consumer got."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from actions.routes import record_step
from complaints import access
from complaints.consents import record_consent
from complaints.states import Actor, ComplaintChanged
from core import parties
from core.parties import Party
from core.private_responses import private_download
from reading import sharing
from reading.views import being_checked

from . import ladder
from . import packet as assembly
from .forms import EscalationRecordForm, EscalationStartForm
from .models import StepKind


def _refused(request, complaint, body=None):
    """Where to send the consumer if escalation.ladder keeps this packet closed (with
    its reason as a message); None when it opens."""
    reason = ladder.packet_refusal(complaint)
    if reason:
        messages.info(request, reason)
        return redirect(complaint)
    reason = ladder.consent_refusal(complaint, body) if body else ""
    if reason:
        messages.info(request, reason)
        return redirect("escalation:packet_start", complaint.reference)
    return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def packet_start(request, reference):
    complaint = access.owned_complaint_or_404(request.user, reference)
    if closed := _refused(request, complaint):
        return closed
    form = EscalationStartForm(request.POST or None)
    today = timezone.localdate()
    limitation = assembly.warnings_for(complaint, already_handled=False, today=today)
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        if form.cleaned_data["already_handled"] and body == Party.REGULATOR and "confirm" not in request.POST:
            warnings = assembly.warnings_for(complaint, already_handled=True, today=today)
            return render(
                request,
                "escalation/packet_start.html",
                {"complaint": complaint, "form": form, "warnings": warnings, "confirm": True},
            )
        record_consent(user=request.user, complaint=complaint, recipient=body)
        return redirect("escalation:packet", complaint.reference, body)
    return render(
        request, "escalation/packet_start.html", {"complaint": complaint, "form": form, "warnings": limitation}
    )


def _render_packet(request, complaint, body, record_form=None, status=200):
    fields, respondent, contacts = assembly.fields_for(
        complaint, body, contact=access.contact_for(request.user, complaint)
    )
    context = {
        "complaint": complaint,
        "body": body,
        "body_label": Party(body).label,
        "fields": fields,
        "respondent": respondent,
        "contacts": contacts,
        "warnings": assembly.warnings_for(complaint, already_handled=False, today=timezone.localdate()),
        "record_form": record_form or EscalationRecordForm(initial={"body": body, "filed_on": timezone.localdate()}),
        "can_record": not ladder.refusal(complaint, body, StepKind.FILED),
        "evidence_count": complaint.evidence.ready().count(),
        # What the body, and a court, would get of the evidence (reading.sharing), with the choice.
        "sharing_previews": [sharing.preview(complaint, body), sharing.preview(complaint, Party.COURT)],
    }
    return render(request, "escalation/packet.html", context, status=status)


@login_required
@never_cache
def packet(request, reference, body):
    if body not in parties.PACKET_BODIES:
        raise Http404
    complaint = access.owned_complaint_or_404(request.user, reference)
    if closed := _refused(request, complaint, body):
        return closed
    return _render_packet(request, complaint, body)


@login_required
def packet_zip(request, reference, body):
    if body not in parties.PACKET_BODIES:
        raise Http404
    complaint = access.owned_complaint_or_404(request.user, reference)
    if closed := _refused(request, complaint, body):
        return closed
    if sharing.waiting_for_reading(complaint, body):
        return being_checked(request, complaint)
    response = HttpResponse(
        assembly.evidence_zip(
            complaint, body, viewer=request.user, contact=access.contact_for(request.user, complaint)
        ),
        content_type="application/zip",
    )
    return private_download(response, f"{complaint.reference}-packet.zip")


@login_required
def packet_timeline(request, reference, body):
    if body not in parties.PACKET_BODIES:
        raise Http404
    complaint = access.owned_complaint_or_404(request.user, reference)
    return render(
        request,
        "escalation/packet_timeline.html",
        {"complaint": complaint, "entries": assembly.timeline_entries(complaint), "standalone": False},
    )


@login_required
@require_POST
def record_escalation(request, reference):
    """The consumer filed and got a reference (the packet page's form): a "filed" step on
    the body's route, recorded and enforced by escalation.ladder."""
    complaint = access.owned_complaint_or_404(request.user, reference)
    form = EscalationRecordForm(request.POST)
    body = request.POST.get("body")
    if body not in parties.PACKET_BODIES:
        body = Party.REGULATOR
    if closed := _refused(request, complaint, body):
        return closed
    if not form.is_valid():
        # Shown again with the reasons beside the fields and what was typed kept.
        return _render_packet(request, complaint, body, record_form=form, status=400)
    data = form.cleaned_data
    try:
        record_step(
            complaint,
            data["body"],
            StepKind.FILED,
            on=data["filed_on"],
            actor=request.user,
            role=Actor.CONSUMER,
            reference=data["reference"],
        )
    except ladder.StepDateRefused as refused:
        form.add_error("filed_on", refused.reason)
        return _render_packet(request, complaint, body, record_form=form, status=400)
    except (ladder.RouteClosed, ComplaintChanged) as refused:
        messages.error(request, getattr(refused, "reason", "") or _("This complaint cannot be escalated now."))
        return redirect(complaint)
    messages.success(request, _("Recorded. We will remind you if the body's deadline passes."))
    return redirect(complaint)
