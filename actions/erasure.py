"""Erasure (PIPL art. 47): the one place that removes a consumer's personal data.

Two actions, both idempotent and each in one durable transaction:

- erase_complaints: what the retention sweep runs on long-closed complaints, and the
  part of an account deletion that concerns complaints. The rows stay, anonymous, for
  the statistics (platform, category, status, dates, amount).
- erase_account: the consumer deletes their account, or a supervisor does it for them.

Evidence files leave the storage once the transaction commits (complaints.receivers
deletes the files of every deleted Evidence row), so a rollback never leaves a row
pointing at nothing.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.apps import apps as django_apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Model, Q
from django.utils import timezone

from complaints.models import Complaint, Evidence
from complaints.states import TERMINAL
from core.personal_data import Declaration, load
from notifications.models import EmailAttachment, OutboundEmail
from privacy.addresses import unlinked_emails_to
from privacy.retention import due_for_notice, erase_on, expired_complaint_ids, unverified_sign_up_ids

from . import Account, action, clocks
from .notify import tell_consumer

_loaded: dict[str, Declaration] = {}


def declarations() -> dict[str, Declaration]:
    """Every app's declarations of the personal data it holds (core.personal_data)."""
    if not _loaded:
        _loaded.update(load([config.name for config in django_apps.get_app_configs()]).declarations)
    return _loaded


def _complaint_link(model: type[Model]) -> str | None:
    for field in model._meta.get_fields():
        is_link = getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False)
        if is_link and field.concrete and getattr(field, "related_model", None) is Complaint:
            return str(field.name)
    return None


ERASED_EMAIL_FIELDS = {
    "to": "",
    "subject": "",
    "body_text": "",
    "body_html": "",
    "reply_to": "",
    # List-Unsubscribe and the like: links with a token for the erased complaint.
    "headers": {},
    "last_error": "",
    # An SMS's template values (the stop token of the erased consumer's account).
    "variables": {},
    # The lines a later message of the same moment carried on (notifications.services).
    "facts": {},
}
# Kept in OutboundEmail.last_error of an email erased before it was sent, for the outbox view.
NOT_SENT_ERASED = "erased before sending"


@action
def erase_complaints(complaint_ids: Iterable[int], *, now: dt.datetime | None = None) -> int:
    """Erase the personal data of the given complaints; return how many were erased now.

    1. Lock the rows not erased yet (an erased one is skipped, so running twice is harmless).
    2. Stop the clocks of complaints still open, so no reminder goes to a blank address.
    3. Blank the complaint's personal fields and unlink its consumer; blank the texts on
       its timeline (messages, notes, file names, reasons) and the consumer as actor;
       blank the platform's ticket and the regulator's reference numbers.
    4. Blank its stored emails (an unsent one is cancelled), delete its evidence (files
       after commit) and the consents, which have nothing left to cover.
    """
    now = now or timezone.now()
    locked = list(
        Complaint.objects.select_for_update()
        .filter(pk__in=list(complaint_ids), personal_data_erased_at__isnull=True)
        .only("pk", "status")
    )
    ids = [complaint.pk for complaint in locked]
    if not ids:
        return 0
    owner_ids = list(Complaint.objects.filter(pk__in=ids, owner__isnull=False).values_list("owner_id", flat=True))
    for complaint in locked:
        if complaint.status not in TERMINAL:
            clocks.stop_clocks(complaint, now)
    complaint_rules = declarations()["complaints.Complaint"]
    Complaint.objects.filter(pk__in=ids).update(
        owner=None, personal_data_erased_at=now, updated_at=now, **complaint_rules.blanked()
    )
    _erase_emails(Q(complaint__in=ids))
    # Every other model linked to these complaints, as its app declares
    # (core.personal_data): deleted with the complaint, or its personal fields blanked
    # and its links to the consumer cut; links to staff and respondents stay.
    for declaration in declarations().values():
        model = django_apps.get_model(declaration.model)
        link = _complaint_link(model)
        if model is Complaint or link is None:
            continue
        rows = model.objects.filter(**{f"{link}__in": ids})
        if declaration.delete_with_complaint:
            rows.delete()
            continue
        if declaration.blanked():
            rows.update(**declaration.blanked())
        for name in declaration.unlinked():
            rows.filter(**{f"{name}__in": owner_ids}).update(**{name: None})
    return len(ids)


@action
def erase_account(user: Account, *, now: dt.datetime | None = None) -> bool:
    """Delete a consumer's account and erase everything we hold about them; False if
    the account is already gone.

    1. Lock the user row, so two requests (the consumer's and a supervisor's) erase once.
    2. Erase their complaints (erase_complaints, with every email about them), the
       other emails sent to their account, and the uploads they never filed. Emails
       about someone else's complaint stay: they are that person's record.
    3. End their sessions, delete their email addresses and the user row (the profile
       and the remaining consents go with it).
    """
    now = now or timezone.now()
    User = get_user_model()
    account = User.objects.select_for_update().filter(pk=user.pk).first()
    if account is None:
        return False
    erase_complaints(Complaint.objects.filter(owner=account).values_list("pk", flat=True), now=now)
    _erase_emails(unlinked_emails_to(account))
    Evidence.objects.filter(owner=account).delete()
    end_sessions(account)
    EmailAddress.objects.filter(user=account).delete()
    account_pk = account.pk
    account.delete()
    # The admin's log of the deletion names the account (its username is the address).
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(account_pk)).update(
        object_repr="", change_message=""
    )
    return True


def end_sessions(user: Account) -> int:
    """Delete every live session signed in as `user`.

    Sessions are stored signed and encoded, so they are read one by one; this runs only
    when an account is deleted, never on a request path of anyone else."""
    user_pk = str(user.pk)
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) == user_pk:
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def _erase_emails(which: Q) -> None:
    """Blank the stored emails and delete their attachments; one not sent yet is
    cancelled (there is nobody left to send it to)."""
    EmailAttachment.objects.filter(email__in=OutboundEmail.objects.filter(which)).delete()
    unsent = list(OutboundEmail.objects.filter(which, status=OutboundEmail.Status.PENDING).values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=unsent).update(
        **{**ERASED_EMAIL_FIELDS, "last_error": NOT_SENT_ERASED}, status=OutboundEmail.Status.FAILED, locked_until=None
    )
    OutboundEmail.objects.filter(which).exclude(pk__in=unsent).update(**ERASED_EMAIL_FIELDS)


def erase_expired(now: dt.datetime | None = None) -> int:
    """Tell the consumers whose complaints will go within 30 days, then erase every
    complaint retention says is expired (privacy.retention), a batch per transaction;
    safe to run twice (an erased complaint is never selected again). Logs counts only,
    never who."""
    now = now or timezone.now()
    send_retention_notices(now)
    erased = 0
    while ids := expired_complaint_ids(now):
        erased += erase_complaints(ids, now=now)
    retention_log.info("retention: erased personal data of %d inactive complaint(s)", erased)
    return erased


def purge_unverified_sign_ups(now: dt.datetime | None = None) -> int:
    """Delete the accounts retention says were never confirmed (privacy.retention), each
    through erase_account; logs the count only."""
    now = now or timezone.now()
    User = get_user_model()
    purged = 0
    while ids := unverified_sign_up_ids(now):
        purged += sum(erase_account(user, now=now) for user in User.objects.filter(pk__in=ids))
    retention_log.info("retention: deleted %d account(s) never confirmed", purged)
    return purged


# The retention task's counts keep their logger name (operations read it).
retention_log = logging.getLogger("privacy.retention")


@action
def send_retention_notices(now: dt.datetime) -> int:
    """One notice per complaint and period of inactivity (the last activity is in the
    key): what will be erased, when, and that any activity keeps it."""
    told = 0
    for complaint, last_activity in due_for_notice(now):
        rows = tell_consumer(
            complaint,
            "retention_notice",
            {"erase_on": erase_on(last_activity)},
            dedupe_key=f"retention_notice:{complaint.pk}:{last_activity:%Y%m%d%H%M%S}",
        )
        told += bool(rows)
    return told
