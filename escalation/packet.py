"""The escalation packet: the complaint laid out as 12315 asks for it (SAMR Order 20,
art. 9, and the online form), the dated timeline, and a ZIP of the evidence with an
index of SHA-256 checksums. Pure assembly; the views only serve it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import access
from complaints.states import Status
from reading.sharing import copy_or_wait

from . import conf, directory, display
from .models import PlatformFiling


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    value: str


def years_since_purchase(complaint, today: dt.date) -> float:
    return (today - complaint.order_date).days / 365.25


def warnings_for(complaint, *, already_handled: bool, today: dt.date) -> list[str]:
    """Why a regulator may refuse the complaint (SAMR Order 20, art. 15)."""
    warnings = []
    if years_since_purchase(complaint, today) > conf.LIMITATION_YEARS:
        warnings.append(
            _(
                "More than 3 years have passed since the purchase. 12315 does not accept a complaint made more "
                "than 3 years after you knew of the problem; a court may still hear it."
            )
        )
    if already_handled:
        warnings.append(
            _(
                "12315 does not accept a dispute that a court, an arbitrator or a consumer association already "
                "handles or handled. Continue with that body instead, or see the other routes."
            )
        )
    return warnings


def timeline_entries(complaint) -> list[dict]:
    """Dated contacts, oldest first: filing, the consumer's own platform complaints,
    status changes and messages the consumer can see."""
    entries = [
        {
            "at": complaint.created_at,
            "text": _("Complaint filed on Tousu (%(reference)s)") % {"reference": complaint.reference},
        }
    ]
    for filing in PlatformFiling.objects.filter(complaint=complaint):
        text = _("Complained to %(platform)s: %(channel)s") % {
            "platform": complaint.platform.name,
            "channel": filing.get_channel_display(),
        }
        if filing.ticket:
            text += " · " + _("ticket %(ticket)s") % {"ticket": filing.ticket}
        entries.append({"at": filing.filed_at, "text": text})
    for event in complaint.events.filter(staff_only=False).exclude(kind="submitted"):
        if event.kind == "status_changed":
            text = _("Status: %(status)s") % {"status": Status(event.to_status).label}
        else:
            text = str(event.get_kind_display())
        if event.text:
            text += ": " + event.text
        entries.append({"at": event.created_at, "text": text})
    for row in display.deadline_rows(complaint):
        if row["overdue"]:
            entries.append({"at": row["due_at"], "text": _("Missed: %(sentence)s") % {"sentence": row["sentence"]}})
    entries.sort(key=lambda e: e["at"])
    for entry in entries:
        entry["local"] = timezone.localtime(entry["at"], conf.SHANGHAI)
    return entries


def fields_for(complaint, body: str, *, contact: access.Contact) -> tuple[list[Field], dict, list[dict]]:
    """The form fields in 12315's order, the respondent record and the body's contacts.

    `contact` is the complainant's contact details as complaints.access lets the
    reader see them: in full for the consumer, masked for staff unless the access is
    logged by someone allowed to reveal them."""
    respondent, contacts = directory.directory_entries(body, complaint.platform)
    facts = (
        complaint.description.strip()
        + "\n\n"
        + "\n".join(f"{e['local']:%Y-%m-%d %H:%M} {e['text']}" for e in timeline_entries(complaint))
    )
    request = complaint.get_desired_outcome_display()
    if complaint.desired_outcome_detail:
        request += ": " + complaint.desired_outcome_detail
    fields = [
        Field("complainant", _("Complainant"), contact.name),
        Field("phone", _("Complainant's phone"), contact.phone),
        Field("email", _("Complainant's email"), contact.email),
        Field("respondent", _("Respondent (business)"), respondent["legal_name"] or respondent["name"]),
        Field("respondent_address", _("Respondent's address"), respondent["address"]),
        Field("credit_code", _("Unified social credit code"), respondent["credit_code"]),
        Field("shop", _("Shop on the platform"), f"{complaint.platform.name} · {complaint.shop_name}".strip(" ·")),
        Field("order_number", _("Order number"), complaint.order_number),
        Field("order_date", _("Order date"), f"{complaint.order_date:%Y-%m-%d}"),
        Field("amount", _("Amount (CNY)"), f"{complaint.amount}"),
        Field("facts", _("Facts, with the dated timeline"), facts),
        Field("request", _("Your request"), request),
    ]
    return fields, respondent, contacts


def evidence_zip(complaint, body: str, *, viewer, contact: access.Contact) -> bytes:
    """The sanitised evidence files `viewer` may see, index.txt with each one's
    SHA-256, the fields (with `contact`, as for fields_for) and the printable
    timeline, in one ZIP."""
    buffer = io.BytesIO()
    index_lines = [_("Evidence for complaint %(reference)s") % {"reference": complaint.reference}, ""]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        evidence_items = [
            e for e in complaint.evidence.ready().order_by("created_at", "id") if access.can_view_evidence(viewer, e)
        ]
        for number, evidence in enumerate(evidence_items, start=1):
            # The copy for this body (reading.sharing): personal data blurred unless the
            # consumer chose to show it; its hash and the upload's are both listed.
            data = copy_or_wait(evidence, body)
            extension = evidence.file.name.rsplit(".", 1)[-1]
            name = f"evidence/{number:02d}.{extension}"
            archive.writestr(name, data)
            index_lines.append(
                f"{name}  sha256={hashlib.sha256(data).hexdigest()}  upload-sha256={evidence.sha256}  "
                f"{evidence.original_name}  {timezone.localtime(evidence.created_at, conf.SHANGHAI):%Y-%m-%d %H:%M}"
            )
        archive.writestr("index.txt", "\n".join(index_lines) + "\n")
        fields, _respondent, _contacts = fields_for(complaint, body, contact=contact)
        archive.writestr("complaint.txt", "\n\n".join(f"{f.label}:\n{f.value}" for f in fields) + "\n")
        archive.writestr(
            "timeline.html",
            render_to_string(
                "escalation/packet_timeline.html",
                {"complaint": complaint, "entries": timeline_entries(complaint), "standalone": True},
            ),
        )
    return buffer.getvalue()
