"""The consumer downloads the paperwork PDFs.

The same rules as the packet and its ZIP (escalation.packet_views): the complaint is
the owner's alone, the packet must be open for it, and a letter for 12315 or a
consumer association needs the consumer's consent to share with that body (PIPL
art. 23). The court draft goes to nobody but the consumer, so it asks no consent.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from complaints import access

from .. import packet_views
from . import documents


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def filename_for(complaint, kind: str) -> str:
    return f"{complaint.reference}-{kind}.pdf"


@login_required
def download(request, reference, kind):
    if kind not in documents.KINDS:
        raise Http404
    complaint, ok = packet_views._eligible(request, reference)
    if not ok:
        return redirect(complaint)
    if kind in packet_views.BODIES and packet_views._consent_missing(request, complaint, kind):
        return redirect("escalation:packet_start", complaint.reference)
    data = documents.render(kind, complaint, viewer=request.user, contact=access.contact_for(request.user, complaint))
    return pdf_response(data, filename_for(complaint, kind))
