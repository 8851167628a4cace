"""Which stored emails are a person's own: the one rule the copy and the erasure share."""

from allauth.account.models import EmailAddress
from django.db.models import Q


def account_addresses(user) -> set[str]:
    """The account's address and the ones it verified. An address added but never
    verified may be someone else's: emails to it are not this person's data."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {address for address in (user.email, *verified) if address}


def sent_to_any(addresses) -> Q:
    """Emails addressed to any of `addresses`, in any letter case."""
    condition = Q(pk__in=[])
    for address in addresses:
        condition |= Q(to__iexact=address)
    return condition


def unlinked_emails_to(user) -> Q:
    """Emails about no complaint sent to the account (those about a complaint go with it)."""
    return Q(about_id__isnull=True) & sent_to_any(account_addresses(user))
