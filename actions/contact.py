"""The holder of a complaint's contact address confirmed it."""

import datetime as dt

from django.utils import timezone

from complaints.models import Complaint

from . import action


@action
def confirm_contact_email(complaint: Complaint, *, now: dt.datetime | None = None) -> int:
    """The holder of the contact address followed the link: it is confirmed for this
    complaint and for the owner's other complaints giving the same address (one link
    went to it for all of them). Returns how many complaints changed."""
    return Complaint.objects.filter(
        owner_id=complaint.owner_id,
        contact_email__iexact=complaint.contact_email,
        contact_email_confirmed_at__isnull=True,
    ).update(contact_email_confirmed_at=now or timezone.now())
