"""Handing work to Celery from a web request without ever failing or stalling it.

Everything published from a request (an email, an upload to sanitise, a platform
email) is first stored in the database, and a periodic sweep re-publishes what is
still pending. So when the broker is unreachable, the request carries on and the
sweep does the work once the broker is back.

Publishing to a dead Redis gives up after about a second (REDIS_BROKER_TRANSPORT_OPTIONS);
after one such failure this process skips publishing for BROKER_DOWN_SECONDS, so a
consumer filing three screenshots waits one second, not four.
"""

import logging
import time

from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

BROKER_DOWN_SECONDS = 30.0
_broker_down_until = 0.0


def publish(task, *args) -> bool:
    """Publish `task(*args)`; return False (and log) if the broker cannot take it."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        log.warning("broker marked down; %s%s left for the sweep", task.name, args)
        return False
    try:
        task.apply_async(args, retry=False)
    except (OperationalError, OSError):
        _broker_down_until = time.monotonic() + BROKER_DOWN_SECONDS
        log.warning("broker unavailable; %s%s left for the sweep", task.name, args, exc_info=True)
        return False
    except Exception:  # a task that cannot be serialised or routed: the sweep retries it too
        log.exception("could not publish %s%s; left for the sweep", task.name, args)
        return False
    return True


def forget_broker_failure() -> None:
    """For tests that bring a broker back within BROKER_DOWN_SECONDS."""
    global _broker_down_until
    _broker_down_until = 0.0


def publish_by_name(task_name: str, *args) -> bool:
    """Publish a task of another app by its registered name, so the publishing app
    needs no import of it (complaints hands sanitised evidence to reading this way)."""
    from celery import current_app

    return publish(current_app.signature(task_name), *args)
