"""How the queue reads a complaint's next deadline. Working-day arithmetic itself is
escalation.workdays', and the Beijing day of a moment escalation.clocks.local_day; this
module only asks them."""

import datetime as dt

from escalation.clocks import end_of_day, local_day
from escalation.workdays import add_working_days, working_days_between

OVERDUE, DUE_SOON, FINE, NONE = "overdue", "due_soon", "fine", "none"


def due_soon_cutoff(now: dt.datetime) -> dt.datetime:
    """The end of the next working day, Beijing time: "due within one working day"
    means a deadline between now and then."""
    return end_of_day(add_working_days(local_day(now), 1))


def deadline_state(deadline_at: dt.datetime | None, now: dt.datetime, cutoff: dt.datetime) -> str:
    if deadline_at is None:
        return NONE
    if deadline_at < now:
        return OVERDUE
    if deadline_at <= cutoff:
        return DUE_SOON
    return FINE


def age_in_working_days(created_at: dt.datetime, now: dt.datetime) -> int:
    return working_days_between(local_day(created_at), local_day(now))
