"""The consumer downloads the paperwork PDFs.

The same rules as the packet and its ZIP (escalation.packet_views), asked of
escalation.ladder: the complaint is the owner's alone, the packet must be open for it
(ladder.packet_refusal), and a letter for 12315 or a consumer association needs the
consumer's consent to share with that body (ladder.consent_refusal, PIPL art. 23). The
court draft goes to nobody but the consumer, so it asks no consent.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from complaints import access
from core.private_responses import private_download
from reading import sharing
from reading.views import being_checked

from .. import ladder
from . import documents


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    return private_download(HttpResponse(data, content_type="application/pdf"), filename)


def filename_for(complaint, kind: str) -> str:
    return f"{complaint.reference}-{kind}.pdf"


@login_required
def download(request, reference, kind):
    if kind not in documents.KINDS:
        raise Http404
    complaint = access.owned_complaint_or_404(request.user, reference)
    if reason := ladder.packet_refusal(complaint):
        messages.info(request, reason)
        return redirect(complaint)
    if reason := ladder.consent_refusal(complaint, kind):
        messages.info(request, reason)
        return redirect("escalation:packet_start", complaint.reference)
    if sharing.waiting_for_reading(complaint, kind):
        return being_checked(request, complaint)
    data = documents.render(kind, complaint, viewer=request.user, contact=access.contact_for(request.user, complaint))
    return pdf_response(data, filename_for(complaint, kind))
