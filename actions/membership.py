"""The people of a respondent: invitations, a manager's team, and shops applying.

Who may speak for an organisation is decided here: an address at a domain the
directory trusts for it, one a supervisor checked the documents for, or a colleague a
manager vouches for at their own domain. Delivery and answers are
actions.respondents'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.images import inspect_image
from core.publishing import publish_by_name
from notifications.services import queue_message
from platforms.models import Platform
from respondents import directory
from respondents.models import Invitation, Member, Organisation, ShopApplication, hash_secret, new_secret

from . import Person, action
from .respondents import deliver_waiting

INVITATION_VALID_FOR = dt.timedelta(days=7)


class InvitationRefused(Exception):
    """Why an invitation cannot go out, or cannot be accepted; the message is for people."""


# --- Invitations -----------------------------------------------------------------


@dataclass(frozen=True)
class DocumentsChecked:
    """A supervisor's record that they saw the documents that let an address speak for
    the organisation, when its domain is not one the directory trusts."""

    seen: str  # what: 营业执照, authorisation letter, ...
    on: dt.date
    by: User  # the supervisor


@action
def invite(
    organisation: Organisation,
    *,
    email: str,
    invited_by: Person,
    role: str = Member.Role.MANAGER,
    documents: DocumentsChecked | None = None,
    vouched_by_manager: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """A one-time invitation for `email` to join `organisation`; returns it and the
    link (shown once: only the key's hash is kept).

    The address must be at a domain the directory holds for the organisation's
    platform at a trusted level (respondents.directory), or a supervisor must have
    seen the documents (营业执照 and authorisation letter): anyone can claim to speak
    for 拼多多, and an invitation opens consumers' complaints."""
    now = now or timezone.now()
    trusted = directory.domain_is_trusted(organisation, email)
    if not trusted and documents is None:
        raise InvitationRefused(
            _(
                "The address %(email)s is not at a domain the directory trusts for %(name)s: "
                "a supervisor must record the documents they checked first."
            )
            % {"email": email, "name": organisation.name}
        )
    if documents is not None and not vouched_by_manager and not documents.by.has_perm("respondents.verify_documents"):
        raise InvitationRefused(_("Only a supervisor may record the documents checked."))
    key = new_secret("inv")
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email.strip().lower(),
        role=role,
        key_hash=hash_secret(key),
        invited_by=invited_by if getattr(invited_by, "pk", None) else None,
        domain_trusted=trusted,
        documents_checked=documents.seen if documents else "",
        documents_checked_on=documents.on if documents else None,
        documents_checked_by=documents.by if documents else None,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    link = settings.SITE_URL + reverse("respondents:accept", args=[key])
    # Sent to the invited address itself: using the link proves the address is theirs.
    queue_message(
        transport="email",
        template="respondent_invitation",
        to=invitation.email,
        language=settings.LANGUAGE_CODE,
        context={"organisation": organisation, "link": link},
        dedupe_key=f"respondent_invitation:{invitation.pk}",
    )
    return invitation, link


def usable_invitation(key: str, now: dt.datetime | None = None) -> Invitation | None:
    invitation = Invitation.objects.select_related("organisation").filter(key_hash=hash_secret(key)).first()
    return invitation if invitation and invitation.is_usable(now) else None


@action
def accept_invitation(key: str, *, user: Person, now: dt.datetime | None = None) -> Member:
    """`user` (signed in with the invited address) becomes a member. The claim is a
    conditional update, so a link used twice at once makes one member."""
    now = now or timezone.now()
    invitation = usable_invitation(key, now)
    if invitation is None:
        raise InvitationRefused(_("This invitation has expired or has already been used."))
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise InvitationRefused(_("Sign in with the address the invitation was sent to."))
    if Member.objects.filter(user=user).exclude(organisation=invitation.organisation).exists():
        raise InvitationRefused(_("This account already answers for another organisation."))
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=now, accepted_by=user
    )
    if claimed != 1:
        raise InvitationRefused(_("This invitation has expired or has already been used."))
    member, _created = Member.objects.update_or_create(
        user=user, defaults={"organisation": invitation.organisation, "role": invitation.role}
    )
    organisation = invitation.organisation
    if organisation.joined_at is None:
        Organisation.objects.filter(pk=organisation.pk, joined_at__isnull=True).update(joined_at=now)
        organisation.joined_at = now
        deliver_waiting(organisation, now=now)
    return member


@action
def apply_as_shop(
    *, applicant: Person, platform: Platform, name: str, shop_page: str, licence: UploadedFile[Any]
) -> ShopApplication:
    """A shop's application: the licence image is checked by its header now
    (complaints.images.inspect_image) and sanitised by the images worker
    (respondents.tasks.sanitise_licence) before staff see it. Raises ValidationError
    for an image refused at once; nothing is stored then."""
    data = licence.read()
    inspect_image(data)  # by content, never by name; raises ValidationError
    application = ShopApplication(applicant=applicant, platform=platform, name=name, shop_page=shop_page)
    application.licence_upload.save("upload.raw", ContentFile(data), save=False)
    application.save()
    transaction.on_commit(lambda: publish_by_name("respondents.tasks.sanitise_licence", application.pk))
    return application


@action
def decide_shop_application(
    application: ShopApplication, *, approve: bool, reason: str, staff_user: Person, now: dt.datetime | None = None
) -> ShopApplication:
    """Staff approve (the shop becomes an organisation that has joined, the applicant
    its manager) or refuse, with a reason either way, told to the applicant."""
    now = now or timezone.now()
    claimed = ShopApplication.objects.filter(pk=application.pk, state=ShopApplication.State.WAITING).update(
        state=ShopApplication.State.APPROVED if approve else ShopApplication.State.REFUSED,
        reason=reason,
        decided_by=staff_user,
        decided_at=now,
    )
    if claimed != 1:
        raise InvitationRefused(_("This application was already decided, or its image is still being checked."))
    application.refresh_from_db()
    if approve:
        organisation = Organisation.objects.create(
            slug=_free_slug(application),
            kind=Organisation.Kind.SHOP,
            name=application.name,
            platform=application.platform,
            shop_page=application.shop_page,
            joined_at=now,
        )
        Member.objects.update_or_create(
            user=application.applicant, defaults={"organisation": organisation, "role": Member.Role.MANAGER}
        )
        ShopApplication.objects.filter(pk=application.pk).update(organisation=organisation)
        application.organisation = organisation
    address = EmailAddress.objects.filter(user=application.applicant, verified=True).order_by("-primary").first()
    if address:
        queue_message(
            transport="email",
            template="respondent_shop_decided",
            to=address.email,
            language=settings.LANGUAGE_CODE,
            context={"application": application, "approved": approve},
            dedupe_key=f"shop_decided:{application.pk}",
        )
    return application


def _free_slug(application: ShopApplication) -> str:
    from django.utils.text import slugify

    base = slugify(application.name) or "shop"
    return f"{application.platform.slug}-{base}-{application.public_id.hex[:6]}"


# --- A manager's team ----------------------------------------------------------------


def _domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


@action
def invite_colleague(manager: Member, *, email: str, role: str) -> tuple[Invitation, str]:
    """A manager invites a colleague: at a domain the directory trusts for the
    organisation, or at the manager's own verified domain (the manager vouches for
    their colleagues, as they answer for the organisation); anything else needs Tousu
    staff and the documentary check."""
    if not manager.is_manager:
        raise InvitationRefused(_("Only a manager may invite members."))
    own_domains = {
        _domain_of(address)
        for address in EmailAddress.objects.filter(user=manager.user, verified=True).values_list("email", flat=True)
    }
    if not directory.domain_is_trusted(manager.organisation, email) and _domain_of(email) not in own_domains:
        raise InvitationRefused(
            _("Invite colleagues at your own address's domain; for any other address ask Tousu staff.")
        )
    return invite(
        manager.organisation,
        email=email,
        invited_by=manager.user,
        role=role,
        documents=DocumentsChecked(
            seen=_("invited by a manager at the same domain"), on=timezone.localdate(), by=manager.user
        )
        if not directory.domain_is_trusted(manager.organisation, email)
        else None,
        vouched_by_manager=True,
    )


@action
def change_member(manager: Member, member: Member, *, role: str | None = None, remove: bool = False) -> None:
    """A manager changes a colleague's role or removes them; never themself, so an
    organisation always keeps a manager."""
    if not manager.is_manager or member.organisation_id != manager.organisation_id:
        raise InvitationRefused(_("Only a manager of this organisation may change its members."))
    if member.pk == manager.pk:
        raise InvitationRefused(_("You cannot change or remove yourself."))
    if remove:
        member.delete()
    elif role:
        Member.objects.filter(pk=member.pk).update(role=role)
