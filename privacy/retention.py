"""Retention (PIPL art. 47: no longer than needed): the personal data of a complaint with
no activity for RETENTION_DAYS (default 1,095 days: past 3 years 12315 no longer accepts
it), whatever its status, is erased; the row stays for the statistics. The consumer is
told NOTICE_DAYS before. This module chooses which complaints; actions.erasure erases
them and sends the notices.

Activity is any line on the complaint's timeline (every change writes one, through
actions.timeline) or a change of the row itself (updated_at): a resolved complaint
nobody touched for three years goes, one the consumer still writes on stays.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Greatest

from complaints.models import Complaint, TimelineEvent

BATCH = 500
NOTICE_DAYS = 30


def inactive_since(cutoff: dt.datetime) -> "QuerySet[Complaint]":
    """Not erased, and nothing has happened to it since `cutoff`: read through
    complaint_retention_due_idx (created before the cutoff, not erased), then one
    index probe of the timeline per candidate (timeline_complaint_idx)."""
    recent = TimelineEvent.objects.filter(complaint=OuterRef("pk"), created_at__gte=cutoff)
    return Complaint.objects.filter(
        personal_data_erased_at__isnull=True, created_at__lt=cutoff, updated_at__lt=cutoff
    ).exclude(Exists(recent))


def expired_complaint_ids(now: dt.datetime, limit: int = BATCH) -> list[int]:
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS)
    return list(inactive_since(cutoff).order_by("created_at").values_list("pk", flat=True)[:limit])


def due_for_notice(now: dt.datetime, limit: int = BATCH) -> list[tuple[Complaint, dt.datetime]]:
    """(complaint, its last activity) for the complaints that will be erased within
    NOTICE_DAYS unless something happens; the caller tells each consumer once per
    period of inactivity (the last activity is part of the message's key)."""
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS - NOTICE_DAYS)
    rows = (
        inactive_since(cutoff)
        .annotate(last_event=Max("events__created_at"))
        .annotate(last_activity=Greatest("updated_at", "last_event"))
        .select_related("platform", "owner")
        .order_by("created_at")[:limit]
    )
    return [(row, row.last_activity or row.updated_at) for row in rows]


def erase_on(last_activity: dt.datetime) -> dt.date:
    """The day the complaint's personal data goes if nothing happens before."""
    return (last_activity + dt.timedelta(days=settings.RETENTION_DAYS)).date()


# An account whose address was never confirmed (a stranger's address typed at sign-up,
# or a typo) is nobody's to keep: it is deleted this many days after sign-up.
UNVERIFIED_SIGN_UP_DAYS = 7


def unverified_sign_up_ids(now: dt.datetime, limit: int = BATCH) -> list[int]:
    """Consumer accounts older than UNVERIFIED_SIGN_UP_DAYS that never confirmed an email
    address or a phone number, never signed in and filed nothing."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from accounts.models import PhoneNumber

    cutoff = now - dt.timedelta(days=UNVERIFIED_SIGN_UP_DAYS)
    proved_email = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    proved_phone = PhoneNumber.objects.filter(user=OuterRef("pk"), verified=True)
    filed = Complaint.objects.filter(owner=OuterRef("pk"))
    accounts = (
        get_user_model()
        .objects.filter(date_joined__lt=cutoff, last_login__isnull=True, is_staff=False, is_superuser=False)
        .exclude(Exists(proved_email))
        .exclude(Exists(proved_phone))
        .exclude(Exists(filed))
    )
    return list(accounts.order_by("date_joined").values_list("pk", flat=True)[:limit])
