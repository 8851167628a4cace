"""Actions on the directory. Every change of a verification goes through
set_verification, so the admin, the loader and any future caller write the same
history row and obey the same rules."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import language_of
from notifications.services import queue_email

from . import levels
from .levels import Level
from .models import Channel, ServiceHours, VerificationEvent

DEFAULT_STALE_AFTER_DAYS = 180


class VerificationRefused(ValueError):
    """The requested verification breaks a rule; the message says which, for staff."""


def set_verification(
    target: Channel | ServiceHours,
    *,
    level: str,
    source: str,
    checked_on: dt.date,
    recorded_by: str,
    checked_by=None,
    note: str = "",
) -> bool:
    """Set the verification of a channel or its hours and keep the change as history.

    1. Refuse what the levels forbid: official without a staff member, a source
       and a date; disputed or wrong without a reason.
    2. Do nothing (and return False) when nothing would change, so re-runs add no history.
    3. Save the new verification and one VerificationEvent, together.
    """
    level = Level(level)
    source = (source or "").strip()
    note = (note or "").strip()
    if not source:
        raise VerificationRefused(_("A source is required."))
    if checked_on is None:
        raise VerificationRefused(_("The date it was checked is required."))
    if level == Level.OFFICIAL and (checked_by is None or not checked_by.is_staff):
        raise VerificationRefused(
            _("Only a staff member who checked the body's own app or website can mark it official.")
        )
    if level in levels.NEEDS_REASON and not note:
        raise VerificationRefused(_("Say why it is disputed or wrong."))

    adding = target.pk is None
    old_level = "" if adding else target.level
    unchanged = not adding and (
        target.level,
        target.source,
        target.checked_on,
        target.checked_by_id,
        target.verification_note,
    ) == (
        level,
        source,
        checked_on,
        checked_by.pk if checked_by else None,
        note,
    )
    if unchanged:
        return False
    target.level, target.source, target.checked_on = level, source, checked_on
    target.checked_by, target.verification_note = checked_by, note
    with transaction.atomic():
        target.save()
        VerificationEvent.objects.create(
            channel=target if isinstance(target, Channel) else target.channel,
            subject=VerificationEvent.Subject.CHANNEL
            if isinstance(target, Channel)
            else VerificationEvent.Subject.HOURS,
            from_level=old_level,
            to_level=level,
            source=source,
            checked_on=checked_on,
            checked_by=checked_by,
            note=note,
            recorded_by=recorded_by,
        )
    return True


def stale_after_days() -> int:
    return getattr(settings, "CHANNELS_STALE_AFTER_DAYS", DEFAULT_STALE_AFTER_DAYS)


def stale_cutoff(today: dt.date | None = None, days: int | None = None) -> dt.date:
    """Verifications checked before this date are stale."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=stale_after_days() if days is None else days)


def stale_channels(today: dt.date | None = None):
    """Channels whose own verification or whose hours' verification is stale."""
    cutoff = stale_cutoff(today)
    return (
        Channel.objects.filter(Q(checked_on__lt=cutoff) | Q(hours__checked_on__lt=cutoff))
        .select_related("body", "hours")
        .order_by("checked_on", "id")
        .distinct()
    )


def staff_recipients() -> list[tuple[str, str]]:
    """(email, language) for every active staff member with an email, plus the
    configured notification addresses, each address once."""
    seen, recipients = set(), []
    for user in get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").order_by("pk"):
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            recipients.append((user.email, language_of(user)))
    for email in settings.STAFF_NOTIFICATION_EMAILS:
        if email.lower() not in seen:
            seen.add(email.lower())
            recipients.append((email, settings.LANGUAGE_CODE))
    return recipients


def email_stale_verifications(today: dt.date | None = None) -> int:
    """Send staff the list of stale verifications; returns how many emails were queued.

    Nothing is sent when nothing is stale. The dedupe key holds the ISO week, so a
    second run in the same week (a retried task, two beat processes) sends nothing more.
    """
    today = today or timezone.localdate()
    channels = list(stale_channels(today))
    if not channels:
        return 0
    year, week, _weekday = today.isocalendar()
    queued = 0
    for email, language in staff_recipients():
        sent = queue_email(
            template="channels_stale_verifications",
            to=email,
            language=language,
            context={"channels": channels, "cutoff": stale_cutoff(today), "days": stale_after_days()},
            dedupe_key=f"channels-stale:{year}-W{week:02d}:{email.lower()}"[:120],
        )
        queued += sent is not None
    return queued
