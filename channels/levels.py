"""Verification levels: their order and what each one lets a page say.

Every rule about how sure we are of a contact lives here, so the directory, the
checker, the complaint-form include and the admin all agree on it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    # Declared best first: RANK below follows this order.
    OFFICIAL = "official", _("official")
    CORROBORATED = "corroborated", _("corroborated")
    UNCONFIRMED = "unconfirmed", _("unconfirmed")
    DISPUTED = "disputed", _("disputed")
    WRONG = "wrong", _("wrong")


RANK = {level: position for position, level in enumerate(Level)}

# What each level means, shown next to its badge.
MEANING = {
    Level.OFFICIAL: _("A Tousu staff member checked it in the body's own app or website."),
    Level.CORROBORATED: _("Two or more independent sources agree; not yet checked in the body's own app or website."),
    Level.UNCONFIRMED: _("Only one source, such as a web article. It may be wrong."),
    Level.DISPUTED: _("Sources disagree about it."),
    Level.WRONG: _("It belongs to someone else or is a placeholder."),
}

# Levels a consumer may be pointed to; the others appear only under "do not trust".
LISTED = frozenset({Level.OFFICIAL, Level.CORROBORATED, Level.UNCONFIRMED})
# Levels at which we send a consumer's complaint and evidence to an address: a wrong
# address would hand their personal data to a stranger (PIPL art. 23).
MAY_RECEIVE_PERSONAL_DATA = frozenset({Level.OFFICIAL, Level.CORROBORATED})
# Staff must say why when they mark an entry with one of these.
NEEDS_REASON = frozenset({Level.DISPUTED, Level.WRONG})


def rank(level: str) -> int:
    """Sort key: lower is surer."""
    return RANK[Level(level)]


def is_listed(level: str) -> bool:
    return level in LISTED


def needs_caution(level: str) -> bool:
    return level == Level.UNCONFIRMED


def may_receive_personal_data(level: str) -> bool:
    return level in MAY_RECEIVE_PERSONAL_DATA


def is_distrusted(level: str) -> bool:
    return level in (Level.DISPUTED, Level.WRONG)


def held_by_staff(level: str, checked_by_id) -> bool:
    """A verification a staff member set: the data loader must never replace it.

    Official can only come from staff; any other level counts as staff-held once a
    person is recorded as having checked it.
    """
    return level == Level.OFFICIAL or checked_by_id is not None
