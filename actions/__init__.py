"""The actions layer: every change to a complaint is one function here.

Zulip's zerver/actions/ is the model. Each change (filing, claiming evidence,
forwarding, a platform's answer, a message, a route step, "Was it solved?",
resolving, withdrawing, assigning, erasing, the reminder claims) is one function,
grouped by concern in the modules of this package. It takes the actor (the user, or
None for the system), the actor's role (complaints.states.Actor) and typed values, and
runs in one durable transaction (`action`): a caller cannot wrap it in a transaction
of its own, so what an action writes commits when the action returns.

Views, the admin and its actions, Celery tasks and management commands are thin
callers. Guards live in complaints/states.py and escalation/ladder.py; arithmetic in
escalation/clocks.py and escalation/workdays.py. Nothing outside this package writes a
complaint, its clocks, its filings or its timeline: tests/test_actions_layer.py watches
every write the suite makes and fails on one from anywhere else.
"""

import contextvars
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeAlias, TypeVar

from django.db import transaction

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    # Who acted: a signed-in user, or None for the system (and an API token's call).
    Person: TypeAlias = User | None
    # A signed-in user, where the system cannot act (an account, its consent).
    Account: TypeAlias = User
else:
    Person = Any
    Account = Any

P = ParamSpec("P")
R = TypeVar("R")

_inside_action: contextvars.ContextVar[bool] = contextvars.ContextVar("inside_action", default=False)


def action(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` in a durable transaction, or, when another action calls it, as
    part of that action's transaction (an action is made of smaller ones: forwarding
    moves the status, which starts the clocks)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _inside_action.get():
            return function(*args, **kwargs)
        token = _inside_action.set(True)
        try:
            with transaction.atomic(durable=True):
                return function(*args, **kwargs)
        finally:
            _inside_action.reset(token)

    return run
