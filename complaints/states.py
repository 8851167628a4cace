"""The complaint state machine: every status and every allowed move, in one place.

services.transition() is the only code that changes a complaint's status; it asks
`allowed()` here first. Views, the admin and Celery tasks all go through it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    NEEDS_INFO = "needs_info", _("Waiting for you")
    FORWARDED = "forwarded", _("Forwarded to platform")
    PLATFORM_RESPONDED = "platform_responded", _("Platform responded")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


class Actor(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")
    # A member of a respondent organisation (respondents): the platform or shop itself.
    RESPONDENT = "respondent", _("Respondent")


# Statuses from which nothing more happens; withdrawing or messaging is no longer possible.
TERMINAL = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.CLOSED})

S, C, T, Y, R = Status, Actor.CONSUMER, Actor.STAFF, Actor.SYSTEM, Actor.RESPONDENT

# (from, to) -> who may make that move. Anything not listed is forbidden.
_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.SUBMITTED, S.IN_REVIEW): frozenset({T}),
    (S.SUBMITTED, S.REJECTED): frozenset({T}),
    # A consumer who already complained to the platform themself records it (starts the clocks).
    # Delivered to a respondent on Tousu (actions.respondents.deliver): the system moves it.
    (S.SUBMITTED, S.FORWARDED): frozenset({T, C, Y}),
    (S.IN_REVIEW, S.NEEDS_INFO): frozenset({T}),
    (S.IN_REVIEW, S.FORWARDED): frozenset({T, C, Y}),
    (S.IN_REVIEW, S.REJECTED): frozenset({T}),
    (S.NEEDS_INFO, S.IN_REVIEW): frozenset({T, C}),
    (S.NEEDS_INFO, S.REJECTED): frozenset({T}),
    # The respondent answers (actions.respondents.answer); a resolving answer resolves
    # it and the consumer is asked whether it is solved.
    (S.FORWARDED, S.PLATFORM_RESPONDED): frozenset({T, C, R}),
    (S.FORWARDED, S.NEEDS_INFO): frozenset({T}),
    (S.FORWARDED, S.RESOLVED): frozenset({T, C, R}),
    (S.FORWARDED, S.ESCALATED): frozenset({T, C}),
    (S.PLATFORM_RESPONDED, S.FORWARDED): frozenset({T}),
    (S.PLATFORM_RESPONDED, S.RESOLVED): frozenset({T, C, R}),
    (S.PLATFORM_RESPONDED, S.ESCALATED): frozenset({T, C}),
    (S.PLATFORM_RESPONDED, S.CLOSED): frozenset({T}),
    (S.ESCALATED, S.RESOLVED): frozenset({T, C}),
    (S.ESCALATED, S.CLOSED): frozenset({T}),
    (S.RESOLVED, S.CLOSED): frozenset({T, Y}),
    # The consumer answers "not solved" (escalation.solved): the ladder reopens where it
    # stood, escalated again if a route was taken, else with the platform's answer.
    (S.RESOLVED, S.ESCALATED): frozenset({C}),
    (S.RESOLVED, S.PLATFORM_RESPONDED): frozenset({C}),
}
# A consumer may withdraw at any point before the end.
for _status in Status:
    if _status not in TERMINAL:
        _TRANSITIONS[(_status, S.WITHDRAWN)] = frozenset({C, T})


def allowed(source: str, target: str, actor: str) -> bool:
    return actor in _TRANSITIONS.get((source, target), frozenset())


def targets_from(source: str, actor: str) -> list[str]:
    """The statuses `actor` may move a complaint in `source` to, in declaration order."""
    return [t for (s, t), who in _TRANSITIONS.items() if s == source and actor in who]


def is_open(status: str) -> bool:
    return status not in TERMINAL and status != Status.RESOLVED


class TransitionNotAllowed(Exception):
    """A move the state machine forbids, or, without a target, any change (a message,
    more evidence) to a complaint whose status takes none."""

    def __init__(self, source, target=None):
        self.source, self.target = source, target
        if target is None or target == source:  # no status "becomes" itself
            message = _("A complaint that is “%(source)s” can no longer be changed.")
        else:
            message = _("A complaint that is “%(source)s” cannot become “%(target)s”.")
        super().__init__(message % {"source": Status(source).label, "target": Status(target or source).label})


class ComplaintChanged(Exception):
    """Someone else changed the complaint's status between reading and writing it."""
