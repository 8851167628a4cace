"""The consumer's copy of their data (PIPL art. 45): one ZIP with a machine-readable
data.json, a summary.html a person can open on a phone (Chinese labels, or the
language of the page they asked from), and the sanitised copies of their evidence.

It holds what we keep about the person and show them anyway: the account, profile,
complaints with the timeline they see (never staff-only notes), deadlines, the
consents they gave, the choices they made to show or blur their personal data for each
recipient (reading.SharingChoice), what we read on each of their screenshots
(reading.ScreenshotReading: the facts and the kinds of personal data found) and the
emails we stored to them. Raw uploads are never included:
only evidence whose clean copy exists (READY), as served on their complaint page.
"""

import json
import tempfile
import zipfile
from pathlib import PurePosixPath

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import ContactPreference, PhoneNumber, Profile
from complaints.models import Complaint, Consent, Evidence
from escalation.models import Clock
from notifications.models import OutboundEmail
from reading.models import ScreenshotReading
from respondents.models import ShopConsent

from .addresses import account_addresses, sent_to_any, unlinked_emails_to

FORMAT = "tousu-data-copy/1"
# Kept in memory up to this size, then spooled to a temporary file.
_SPOOL_BYTES = 10 * 1024 * 1024


def _when(value):
    return timezone.localtime(value).isoformat() if value else None


def build_data_copy(user):
    """Write the user's ZIP to a temporary file and return it, rewound."""
    evidence = list(
        Evidence.objects.ready().filter(owner=user).select_related("complaint").order_by("created_at", "id")
    )
    paths = {item.pk: _zip_path(item) for item in evidence}
    readings = {r.evidence_id: r for r in ScreenshotReading.objects.filter(evidence__in=evidence)}
    complaints = list(_complaints(user))
    consents = list(Consent.objects.filter(user=user).select_related("complaint"))
    shop_consents = list(ShopConsent.objects.filter(user=user).select_related("complaint", "organisation"))
    emails = list(_emails_to(user))
    document = {
        "format": FORMAT,
        "generated_at": _when(timezone.now()),
        "account": _account(user),
        "profile": _profile(user),
        "complaints": [_complaint(c, paths, readings) for c in complaints],
        "unfiled_evidence": [_evidence(e, paths, readings) for e in evidence if e.complaint_id is None],
        "consents": [*[_consent(c) for c in consents], *[_shop_consent(c) for c in shop_consents]],
        "emails": [_email(e) for e in emails],
    }
    # The same data for a person: rendered in the active language (the page they asked from).
    summary = render_to_string(
        "privacy/data_copy_summary.html",
        {
            "user": user,
            "profile": Profile.objects.filter(user=user).first(),
            "generated_at": timezone.now(),
            "complaints": [(c, [(e, paths[e.pk]) for e in c.evidence.all() if e.pk in paths]) for c in complaints],
            "unfiled": [(e, paths[e.pk]) for e in evidence if e.complaint_id is None],
            "consents": consents,
            "shop_consents": shop_consents,
            "emails": emails,
        },
    )
    # Returned open: the FileResponse streams it and closes it.
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("summary.html", summary)
        for item in evidence:
            with item.file.open("rb") as handle:
                # Images are compressed already; store them as they are.
                archive.writestr(paths[item.pk], handle.read(), compress_type=zipfile.ZIP_STORED)
    spool.seek(0)
    return spool


def _zip_path(item: Evidence) -> str:
    # Our own names: the consumer's file name is in data.json, never trusted as a path.
    folder = item.complaint.reference if item.complaint is not None else "unfiled"
    return f"evidence/{folder}/{item.public_id.hex}{PurePosixPath(item.file.name or '').suffix}"


def _account(user) -> dict:
    return {
        "email": user.email,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "phone_number": [
            {"phone": n.phone, "verified": n.verified, "verified_at": _when(n.verified_at)}
            for n in PhoneNumber.objects.filter(user=user)
        ],
        # How they chose to be told, and each SMS consent with the text they were shown.
        "contact_preferences": [
            {
                "channels": c.channels,
                "text_version": c.text_version,
                "text": c.text,
                "how": c.how,
                "at": _when(c.given_at),
            }
            for c in ContactPreference.objects.filter(user=user)
        ],
    }


def _profile(user) -> dict | None:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {"display_name": profile.display_name, "phone": profile.phone, "language": profile.language}


def _complaints(user):
    return (
        Complaint.objects.filter(owner=user)
        .select_related("platform")
        .prefetch_related("events", "platform_filings", "escalations", "clocks", "sharing_choices")
        .order_by("created_at", "id")
    )


def _complaint(complaint: Complaint, paths: dict, readings: dict) -> dict:
    return {
        "reference": complaint.reference,
        "platform": complaint.platform.slug,
        "category": complaint.category,
        "order_number": complaint.order_number,
        "order_date": complaint.order_date.isoformat(),
        "amount": str(complaint.amount),
        "shop_name": complaint.shop_name,
        "description": complaint.description,
        "desired_outcome": complaint.desired_outcome,
        "desired_outcome_detail": complaint.desired_outcome_detail,
        "contact_name": complaint.contact_name,
        "contact_phone": complaint.contact_phone,
        "contact_email": complaint.contact_email,
        "language": complaint.language,
        "status": complaint.status,
        "status_changed_at": _when(complaint.status_changed_at),
        "submitted_at": _when(complaint.created_at),
        "timeline": [
            {
                "at": _when(event.created_at),
                "kind": event.kind,
                "by": event.actor_role,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "text": event.text,
            }
            # Filtered in Python to use the prefetch; internal notes are staff-only.
            for event in complaint.events.all()
            if not event.staff_only
        ],
        "evidence": [_evidence(e, paths, readings) for e in complaint.evidence.all() if e.pk in paths],
        "personal_data_on_shared_copies": [
            {"recipient": c.recipient, "shown": c.show_personal_data, "chosen_at": _when(c.chosen_at)}
            for c in complaint.sharing_choices.all()
        ],
        "complaints_to_platform": [
            {"how": f.channel, "at": _when(f.filed_at), "ticket": f.ticket} for f in complaint.platform_filings.all()
        ],
        "escalations": [
            {
                "route": f.route,
                "step": f.step,
                "body": f.body,
                "reference": f.reference,
                "reason": f.reason,
                "filed_on": f.filed_on.isoformat(),
            }
            for f in complaint.escalations.all()
        ],
        "deadlines": [
            {"clock": c.kind, "state": c.state, "due_at": _when(c.due_at), "provisional": c.provisional}
            for c in sorted(complaint.clocks.all(), key=lambda c: (c.due_at, c.pk))
            if c.state != Clock.State.STOPPED
        ],
    }


def _evidence(item: Evidence, paths: dict, readings: dict) -> dict:
    return {
        "file": paths[item.pk],
        "name": item.original_name,
        "content_type": item.content_type,
        "uploaded_at": _when(item.created_at),
        "sha256_of_upload": item.sha256,
        "reading": _reading(readings.get(item.pk)),
    }


def _reading(reading: ScreenshotReading | None) -> dict | None:
    """What OCR read on the image; None while it is not read. The boxes themselves are
    positions on the image, not data about the person: only their kinds are listed."""
    if reading is None:
        return None
    return {
        "status": reading.status,
        "facts": reading.facts,
        "personal_data_found": sorted({item["kind"] for item in reading.personal_data}),
        "read_at": _when(reading.created_at),
    }


def _consent(consent: Consent) -> dict:
    return {
        "complaint": consent.complaint.reference,
        "recipient": consent.recipient,
        "text_version": consent.text_version,
        "text": consent.text,
        "given_at": _when(consent.given_at),
    }


def _shop_consent(consent: ShopConsent) -> dict:
    """A consent to share with a shop on Tousu (respondents), in the same shape."""
    return {
        "complaint": consent.complaint.reference,
        "recipient": f"shop:{consent.organisation.name}",
        "text_version": consent.text_version,
        "text": consent.text,
        "given_at": _when(consent.given_at),
    }


def _emails_to(user):
    """Emails we stored to the user: those about their own complaints sent to the address
    they gave on it or to their account, and those about no complaint sent to their
    account. An email about someone else's complaint is that person's data, and stays out."""
    own = Complaint.objects.filter(owner=user)
    addresses = account_addresses(user) | set(own.values_list("contact_email", flat=True))
    about_theirs = Q(complaint__owner=user) & sent_to_any(filter(None, addresses))
    return (
        OutboundEmail.objects.filter(about_theirs | unlinked_emails_to(user))
        .prefetch_related("about")
        .order_by("created_at", "id")
    )


def _email(email: OutboundEmail) -> dict:
    return {
        "to": email.to,
        "subject": email.subject,
        "body": email.body_text,
        "complaint": email.about.reference if email.about is not None else None,
        "status": email.status,
        "created_at": _when(email.created_at),
        "sent_at": _when(email.sent_at),
    }
