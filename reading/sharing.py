"""What of a consumer's evidence leaves Tousu, per recipient: the one rule every path that
sends evidence out asks (the platform email's attachments, the regulator or association
packet's ZIP and letter, the court draft, the consumer's preview of them).

By default a copy that leaves is blurred all over except the lines reading.allowlist
lets through (order number, amounts, dates, status, shop, the platform's labels;
reading.blur.blur_except). The consumer may choose, per complaint and per recipient, to show them
(a court may need the delivery address, say); the copy for that recipient is then the
sanitised image as stored. Each choice is a row of SharingChoice, so who chose what and
when is kept; the newest one is in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from complaints.states import Status
from core.parties import Party

from .blur import blurred_except_bytes
from .models import ScreenshotReading, SharingChoice

# How a kind of reading.extract.PersonalBox is named in the note under a preview.
KIND_LABELS = {
    "phone": _("mobile number"),
    "id_number": _("ID number"),
    "email": _("email address"),
    "bank_card": _("bank card number"),
    "name": _("recipient's name"),
    "address": _("delivery address"),
}


def choice_in_force(complaint_id: int | None, recipient: str) -> SharingChoice | None:
    """The consumer's newest choice for `recipient`; None while the default (blurred) stands."""
    if complaint_id is None:
        return None
    return (
        SharingChoice.objects.filter(complaint_id=complaint_id, recipient=recipient)
        .order_by("-chosen_at", "-id")
        .first()
    )


def shows_personal_data(complaint_id: int | None, recipient: str) -> bool:
    """Whether the consumer chose to show their personal data to `recipient`; False
    (blurred) until they do, and for evidence not part of a complaint."""
    choice = choice_in_force(complaint_id, recipient)
    return bool(choice and choice.show_personal_data)


def choices_in_force(complaint) -> list[tuple[str, SharingChoice | None]]:
    """For each recipient (its label), the choice in force: None while the default (blurred)
    stands. For staff, who forward what the consumer chose."""
    newest = {}
    for choice in SharingChoice.objects.filter(complaint=complaint).order_by("chosen_at", "id"):
        newest[choice.recipient] = choice
    return [(str(label), newest.get(value)) for value, label in Party.choices]


def choose(*, complaint, recipient: str, show: bool, user, at: dt.datetime | None = None) -> SharingChoice:
    """Record the consumer's choice for `recipient` (a value of Recipient)."""
    if recipient not in Party.values:
        raise ValueError(f"unknown recipient {recipient!r}")
    return SharingChoice.objects.create(
        complaint=complaint,
        recipient=recipient,
        show_personal_data=show,
        chosen_by=user,
        chosen_at=at or timezone.now(),
    )


class StillReading(Exception):
    """A copy was asked for an image the ocr worker has not read yet: nothing leaves
    unchecked, and no web process reads (callers answer "being checked" instead)."""


def waiting_for_reading(complaint, recipient: str) -> list:
    """The complaint's READY evidence whose copy for `recipient` cannot be made yet:
    not read by the ocr worker, and the consumer did not choose to show it as it is."""
    if shows_personal_data(complaint.pk, recipient):
        return []
    return list(complaint.evidence.ready().filter(reading__isnull=True).order_by("created_at", "id"))


def shared_copy(evidence, recipient: str) -> bytes | None:
    """The bytes of a READY evidence file as they may go to `recipient`: the sanitised
    file itself if the consumer chose to show their personal data to that recipient,
    otherwise blurred except the boxes the allow-list let through, and wholly blurred if
    the reading failed (it is never sent clear). Reads nothing itself: for an image the ocr worker
    has not read yet it gives None, and the caller waits (waiting_for_reading)."""
    shown = shows_personal_data(evidence.complaint_id, recipient)
    reading = None if shown else ScreenshotReading.objects.filter(evidence_id=evidence.pk).first()
    if not shown and reading is None:
        return None
    with evidence.file.open("rb") as handle:
        data = handle.read()
    if shown:
        return data
    unread = (ScreenshotReading.Status.UNREADABLE, ScreenshotReading.Status.FAILED)
    clear = [] if reading.status in unread else reading.shareable_boxes
    return blurred_except_bytes(data, evidence.content_type, clear)


def copy_or_wait(evidence, recipient: str) -> bytes:
    """shared_copy for a path that sends: raises StillReading rather than send nothing."""
    data = shared_copy(evidence, recipient)
    if data is None:
        raise StillReading(evidence.pk)
    return data


# --- What the consumer sees before sharing -------------------------------------------


@dataclass(frozen=True)
class PreviewItem:
    evidence: object
    read: bool  # False: not read yet; it is read before a copy leaves (shared_copy)
    blurred: str  # the kinds blurred on the copy, in running text; "" for none


@dataclass(frozen=True)
class Preview:
    recipient: str
    label: str
    shown: bool
    choice: SharingChoice | None  # the choice in force, None for the default
    items: list[PreviewItem]
    # When staff last forwarded the complaint to the platform (None: not yet, or another
    # recipient): a choice made after it applies only to what is sent from then on.
    last_sent_at: dt.datetime | None = None


def preview(complaint, recipient: str) -> Preview:
    """The copies of `complaint`'s evidence as they would go to `recipient`, for the
    owner's packet and complaint pages. Reads nothing (a page must not wait for OCR, and
    web processes do not load the model): an image not read yet says so and shows no
    copy until the ocr worker has read it."""
    choice = choice_in_force(complaint.pk, recipient)
    shown = bool(choice and choice.show_personal_data)
    separator = pgettext("between kinds of personal data", ", ")
    evidence_list = list(complaint.evidence.ready().order_by("created_at", "id"))
    readings = {r.evidence_id: r for r in ScreenshotReading.objects.filter(evidence__in=evidence_list)}
    items = []
    for evidence in evidence_list:
        reading = readings.get(evidence.pk)
        kinds = dict.fromkeys(item["kind"] for item in (reading.personal_data if reading else []))
        blurred = "" if shown else separator.join(str(KIND_LABELS.get(kind, kind)) for kind in kinds)
        items.append(PreviewItem(evidence=evidence, read=reading is not None, blurred=blurred))
    last_sent_at = None
    if recipient == Party.PLATFORM:
        last_sent_at = (
            complaint.events.filter(to_status=Status.FORWARDED)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    return Preview(
        recipient, str(Party(recipient).label), shown, choice if choice and shown else None, items, last_sent_at
    )
