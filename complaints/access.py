"""Who may see a complaint, its evidence and its contact details: the one place that decides.

Every consumer page, the evidence files, the staff admin, the escalation packet, its
ZIP and the .ics ask these functions; none of them looks at `is_staff` (that flag
only lets an account sign in to the admin, it grants nothing by itself).

- Consumer URLs (complaints:*, escalation:* that name a complaint) are the owner's
  alone. Everybody else gets the same 404 as for a reference that does not exist,
  staff included: staff read complaints in the staff admin, masked.
- Evidence files: the consumer URLs serve them to their owner alone. Staff holding
  `complaints.view_evidence` open evidence attached to a complaint through the staff
  admin's own URLs (the complaint page's thumbnails and full images), which write an
  access-log row, one per staff member and complaint in a short window
  (staff.services.log_evidence_opened), so the log says who looked without one row
  per thumbnail.
- A consumer's full phone number and email address: the owner sees them; staff see
  them masked, and in full only with `complaints.reveal_contact`, through a step
  that writes an access-log row (staff.services: the reveal button, the staff
  packet and its ZIP).

- Respondents (respondents): a member of an organisation sees the complaints
  delivered to it, and a platform's members also those delivered to its shops; the
  evidence only as the copy the platform may have (reading.sharing: blurred unless the
  consumer chose to show), and the contact details only where the consumer chose to
  show them to the platform. Everyone else gets the same 404, members of other
  organisations included. Every opening writes an access-log row
  (actions.respondents.open_delivery).

This module imports neither staff nor escalation nor respondents (it asks through
the relations' names), so all of them can import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.phones import mask_phone

from .models import Complaint, Evidence

VIEW_COMPLAINT = "complaints.view_complaint"
VIEW_EVIDENCE = "complaints.view_evidence"
# A separate permission from change_complaint, so a role may work the queue masked;
# staff.roles grants it to reviewers and supervisors, who contact consumers.
REVEAL_CONTACT = "complaints.reveal_contact"


def is_owner(user, complaint: Complaint) -> bool:
    return bool(user.is_authenticated and complaint.owner_id == user.pk)


# --- Consumer pages ----------------------------------------------------------------


def owned_complaint_or_404(user, reference: str) -> Complaint:
    """The user's own complaint; 404 for anyone else (staff too), so a stranger
    cannot even learn that a reference exists."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Complaint.objects.select_related("platform", "owner"), reference=reference, owner=user)


def servable_evidence_or_404(user, public_id) -> Evidence:
    """A sanitised evidence file of the user's own, for the consumer URLs; the same 404
    for a missing file, one still being checked, and anyone else's (staff included:
    they open evidence in the staff admin, where the opening is logged)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Evidence.objects.ready(), public_id=public_id, owner=user)


def staff_evidence_or_404(user, complaint: Complaint, public_id) -> Evidence:
    """A sanitised evidence file of this complaint for staff allowed to see evidence
    (the caller logs the opening); the same 404 for a missing file, one being checked
    and one of another complaint."""
    evidence = Evidence.objects.ready().filter(public_id=public_id, complaint=complaint).first()
    if evidence is None or not can_view_evidence(user, evidence):
        raise Http404
    return evidence


def owned_complaint_evidence_or_404(user, reference: str, public_id) -> Evidence:
    """A sanitised evidence file of the user's own complaint, for the owner's preview of
    the copy that would be shared (reading.views.shared_preview); the same 404 for a
    missing file, one still being checked and anyone else, staff included."""
    complaint = owned_complaint_or_404(user, reference)
    return get_object_or_404(Evidence.objects.ready(), public_id=public_id, complaint=complaint)


def own_evidence_or_404(user, public_id) -> Evidence:
    """The user's own upload in any state (for its "being checked" status); the same
    404 for a missing upload and anyone else's, staff included."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Evidence, public_id=public_id, owner=user)


# --- Respondents -----------------------------------------------------------------


def respondent_organisation_id(user) -> int | None:
    """The organisation a member answers for, or None for anyone else."""
    if not user.is_authenticated:
        return None
    member = getattr(user, "respondent_member", None)
    return member.organisation_id if member else None


def _visible_to_organisation(organisation):
    """Lookups (from a delivery) of what an organisation may open: deliveries to it, and
    for a platform also those to the shops on that platform. The ids are read first, so
    the delivery query is a plain `organisation_id IN (...)` its index can serve (one id
    for most organisations) rather than a join over every delivery."""
    from django.db.models import Q

    if organisation.kind != "platform":
        return Q(organisation_id=organisation.pk)
    shops = organisation.__class__.objects.filter(platform_id=organisation.platform_id, kind="shop")
    ids = [organisation.pk, *shops.values_list("pk", flat=True)]
    return Q(organisation_id=ids[0]) if len(ids) == 1 else Q(organisation_id__in=ids)


def _visible_to_member(user):
    return _visible_to_organisation(user.respondent_member.organisation)


def delivered_complaint_or_404(user, reference: str):
    """The delivery of `reference` a member may open; the same 404 for a reference
    that does not exist, one not delivered to them, and anyone not a member."""
    if respondent_organisation_id(user) is None:
        raise Http404
    return organisation_delivery_or_404(user.respondent_member.organisation, reference)


def member_deliveries(user, deliveries):
    """`deliveries` (a Delivery queryset from the respondents app) narrowed to what the
    member may open; none for anyone else."""
    if respondent_organisation_id(user) is None:
        return deliveries.none()
    return deliveries.filter(_visible_to_member(user))


# An organisation's own systems (respondents.api, with its API token) see what its
# members see: the same lookups, asked with the organisation instead of a member.


def organisation_delivery_or_404(organisation, reference: str):
    """The delivery of `reference` that `organisation` may open; the same 404 for a
    reference that does not exist and one delivered to another organisation."""
    complaint = get_object_or_404(Complaint.objects.select_related("platform"), reference=reference)
    delivery = (
        complaint.deliveries.select_related("organisation").filter(_visible_to_organisation(organisation)).first()
    )
    if delivery is None:
        raise Http404
    delivery.complaint = complaint
    return delivery


def organisation_deliveries(organisation, deliveries):
    """`deliveries` narrowed to what `organisation` may open."""
    return deliveries.filter(_visible_to_organisation(organisation))


def organisation_evidence_or_404(organisation, reference: str, public_id) -> tuple:
    """(delivery, evidence) for an organisation's systems opening a READY evidence file
    of a complaint delivered to it; the same 404 otherwise."""
    delivery = organisation_delivery_or_404(organisation, reference)
    evidence = get_object_or_404(Evidence.objects.ready(), public_id=public_id, complaint_id=delivery.complaint_id)
    return delivery, evidence


def delivered_evidence_or_404(user, reference: str, public_id) -> tuple:
    """(delivery, evidence) for a member opening a READY evidence file of a complaint
    delivered to them; the same 404 otherwise."""
    delivery = delivered_complaint_or_404(user, reference)
    evidence = get_object_or_404(Evidence.objects.ready(), public_id=public_id, complaint_id=delivery.complaint_id)
    return delivery, evidence


# --- Questions every caller asks -----------------------------------------------------


def staff_may_view_complaints(user) -> bool:
    """May open the staff queue and complaint pages (always masked)."""
    return user.has_perm(VIEW_COMPLAINT)  # False for inactive accounts too (ModelBackend)


def staff_may_view_evidence(user) -> bool:
    """May open the evidence of complaints (the admin's thumbnails, the staff ZIP)."""
    return user.has_perm(VIEW_EVIDENCE)


def can_view_complaint(user, complaint: Complaint) -> bool:
    return is_owner(user, complaint) or staff_may_view_complaints(user)


def can_view_evidence(user, evidence: Evidence) -> bool:
    """The owner; staff with view_evidence, for evidence attached to a complaint
    (uploads still waiting for the consumer to submit are nobody else's business)."""
    if user.is_authenticated and evidence.owner_id == user.pk:
        return True
    return evidence.complaint_id is not None and staff_may_view_evidence(user)


def can_reveal_contact(user, complaint: Complaint) -> bool:
    """May see the full phone number and email. For staff the caller must log the
    access (staff.services.log_access); the owner's own details are not logged."""
    if is_owner(user, complaint):
        return True
    return staff_may_view_complaints(user) and user.has_perm(REVEAL_CONTACT)


# --- Contact details -----------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    masked: bool


def mask_email(address: str) -> str:
    """w***@example.com: the first letter and the domain, enough to tell two apart."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """张**: the family name (or a first letter) and one star per character hidden, so a
    reviewer can address the consumer without reading who they are."""
    name = (name or "").strip()
    if not name:
        return ""
    if name.isascii():
        return f"{name[:1]}***"
    return name[:1] + "*" * max(len(name) - 1, 1)


def masked_contact(complaint: Complaint) -> Contact:
    return Contact(
        name=mask_name(complaint.contact_name),
        phone=mask_phone(complaint.contact_phone),
        email=mask_email(complaint.contact_email),
        masked=True,
    )


def full_contact(complaint: Complaint) -> Contact:
    return Contact(
        name=complaint.contact_name,
        phone=complaint.contact_phone,
        email=complaint.contact_email,
        masked=False,
    )


def contact_for(user, complaint: Complaint, *, logged: bool = False) -> Contact:
    """The contact details as `user` may see them: in full for the owner, and for
    staff allowed to reveal them on a `logged` path; masked for everyone else."""
    if is_owner(user, complaint) or (logged and can_reveal_contact(user, complaint)):
        return full_contact(complaint)
    return masked_contact(complaint)
