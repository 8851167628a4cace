"""What can go wrong, what people ask for, and which evidence makes each case."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    QUALITY = "quality", _("Product quality")
    DELIVERY = "delivery", _("Logistics / not shipped")
    REFUND = "refund", _("Refund / after-sales")
    SERVICE = "service", _("Customer service attitude")
    BARGAIN = "bargain", _("Bargain / helper campaign problem")
    ACCOUNT = "account", _("Account problem / ban")
    ADVERTISING = "advertising", _("False advertising")
    OTHER = "other", _("Other")


class DesiredOutcome(models.TextChoices):
    REFUND = "refund", _("Refund")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    COMPENSATION = "compensation", _("Compensation")
    RESTORE_PROGRESS = "restore_progress", _("Restore campaign progress")
    APOLOGY = "apology", _("Apology")
    OTHER = "other", _("Other")


# From the source articles (../shared/seeds): what a platform or regulator asks to see.
_ALWAYS = [
    _("A screenshot of the order page showing the order number, date and amount."),
    _("Your chat with the shop or the platform's customer service."),
]
EVIDENCE_TIPS: dict[str, list] = {
    Category.QUALITY: [
        _("Photos of the goods as received, showing the defect."),
        _("Screenshots of the product listing as it was when you bought."),
    ],
    Category.DELIVERY: [
        _("The tracking page with the courier's name and the last update."),
        _("Any message from the shop promising a shipping date."),
    ],
    Category.REFUND: [
        _("The refund or after-sales request page with its status and dates."),
        _("The return waybill number and courier receipt, if you sent the goods back."),
    ],
    Category.SERVICE: [
        _("For a phone call: the agent's staff number, the time of the call and, if you have it, the recording."),
        _("Screenshots of the chat showing what was said."),
    ],
    Category.BARGAIN: [
        _("Screenshots of the bargain progress before and after the change (e.g. stuck at 0.1%)."),
        _("The list of friends who helped and the amounts each cut."),
        _("The campaign rules page as shown to you."),
    ],
    Category.ACCOUNT: [
        _("The message or screen telling you the account was restricted, with its date."),
        _("Any appeal you sent and the reply."),
    ],
    Category.ADVERTISING: [
        _("Screenshots of the claim in the listing or advertisement."),
        _("Photos or documents showing what you actually received."),
    ],
    Category.OTHER: [],
}


def evidence_tips(category: str) -> list:
    return [*EVIDENCE_TIPS.get(category, []), *_ALWAYS]
