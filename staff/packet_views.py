"""The escalation packet and its ZIP for staff, inside the admin (ComplaintAdmin.get_urls).

The consumer's packet pages are the consumer's own (complaints.access); staff who
need the packet, say to help a consumer file with 12315, open it here instead:
permission-checked, every opening written to the access log, the contact details
masked unless the reader may reveal them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from complaints import access
from core import parties
from core.parties import Party
from core.private_responses import private_download
from escalation import ladder
from escalation import packet as assembly
from escalation.paperwork import documents as paperwork
from escalation.paperwork.views import filename_for, pdf_response
from reading import sharing
from reading.views import being_checked

from . import services
from .models import AccessLog


def _check_body(body: str) -> None:
    if body not in parties.PACKET_BODIES:
        raise Http404


def _no_consent(request, complaint, body: str, admin_context: dict) -> TemplateResponse | None:
    """The consumer has not agreed to share the complaint with this body (ladder.consent_refusal):
    staff may not open what would go to it either. Nothing is opened, so nothing is logged."""
    reason = ladder.consent_refusal(complaint, body)
    if not reason:
        return None
    context = {
        **admin_context,
        "complaint": complaint,
        "body_label": Party(body).label,
        "title": complaint.reference,
    }
    return TemplateResponse(request, "admin/staff/complaint/packet_no_consent.html", context, status=403)


def packet_page(request, complaint, body: str, *, admin_context: dict) -> TemplateResponse:
    """The packet's fields in 12315's order, the printable timeline and the ZIP link."""
    _check_body(body)
    if refused := _no_consent(request, complaint, body, admin_context):
        return refused
    contact = services.open_packet(complaint, AccessLog.Field.PACKET, user=request.user)
    fields, respondent, contacts = assembly.fields_for(complaint, body, contact=contact)
    context = {
        **admin_context,
        "complaint": complaint,
        "body": body,
        "body_label": Party(body).label,
        "fields": fields,
        "contact_masked": contact.masked,
        "can_download_zip": access.staff_may_view_evidence(request.user),
        "warnings": assembly.warnings_for(complaint, already_handled=False, today=timezone.localdate()),
        "title": complaint.reference,
    }
    return TemplateResponse(request, "admin/staff/complaint/packet.html", context)


def packet_zip(request, complaint, body: str, *, admin_context: dict) -> HttpResponse:
    """The packet ZIP with the evidence: for staff who may also open evidence."""
    _check_body(body)
    if not access.staff_may_view_evidence(request.user):
        raise PermissionDenied
    if refused := _no_consent(request, complaint, body, admin_context):
        return refused
    if sharing.waiting_for_reading(complaint, body):
        return being_checked(request, complaint)
    contact = services.open_packet(complaint, AccessLog.Field.EVIDENCE_ZIP, user=request.user)
    response = HttpResponse(
        assembly.evidence_zip(complaint, body, viewer=request.user, contact=contact), content_type="application/zip"
    )
    return private_download(response, f"{complaint.reference}-packet.zip")


def paperwork_pdf(request, complaint, kind: str, *, admin_context: dict) -> HttpResponse:
    """The letter for a body, or the court draft, as PDF with the evidence images: for
    staff who may also open evidence, logged like the ZIP."""
    if kind not in paperwork.KINDS:
        raise Http404
    if not access.staff_may_view_evidence(request.user):
        raise PermissionDenied
    if refused := _no_consent(request, complaint, kind, admin_context):
        return refused
    if sharing.waiting_for_reading(complaint, kind):
        return being_checked(request, complaint)
    contact = services.open_packet(complaint, AccessLog.Field.PACKET_PDF, user=request.user)
    data = paperwork.render(kind, complaint, viewer=request.user, contact=contact)
    return pdf_response(data, filename_for(complaint, kind))
