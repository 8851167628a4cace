"""Who a complaint goes to: the one vocabulary of parties.

A consumer's complaint is addressed first to the platform, then, if the platform
lets it wait, to 12315 (the market regulator), a consumer association or a court.
Consents (complaints.Consent), the consumer's show-or-blur choices (reading), the
escalation bodies and filings (escalation), the paperwork and the directory all speak
of these, so each value and label is defined here once and every app imports it; the
code relies on, say, a consent for "12315" and a sharing choice for "12315" naming
the same party.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Party(models.TextChoices):
    PLATFORM = "platform", _("Platform")
    REGULATOR = "12315", _("12315 (market regulator)")
    ASSOCIATION = "association", _("Consumer association")
    COURT = "court", _("Court")


# Parties the consumer consents to share a complaint with (PIPL art. 23): the
# platform on the filing form, a body when they prepare its packet. A court needs no
# consent from Tousu: the consumer files there themself.
CONSENTED = (Party.PLATFORM, Party.REGULATOR, Party.ASSOCIATION)

# The bodies a consumer escalates to with a packet of materials (escalation.packet).
PACKET_BODIES = (Party.REGULATOR, Party.ASSOCIATION)

# The paperwork escalation.paperwork writes: a complaint letter for each packet body
# and a draft civil complaint for a court.
PAPERWORK = (*PACKET_BODIES, Party.COURT)

# Who receives a copy of the evidence, and so has a show-or-blur choice (reading.sharing).
SHARED_WITH = tuple(Party)


def choices(parties: Iterable[Party]) -> list[tuple[str, str | Promise]]:
    """Model or form choices for a subset of the parties, in their declared order."""
    return [(party.value, party.label) for party in parties]
