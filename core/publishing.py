"""Handing work to Celery from a web request without ever failing or stalling it.

Everything published from a request (an email, an upload to sanitise, a platform
email) is first stored in the database, and a periodic sweep re-publishes what is
still pending. So when the broker is unreachable, the request carries on and the
sweep does the work once the broker is back.

Publishing to a dead Redis gives up after about a second (REDIS_BROKER_TRANSPORT_OPTIONS);
after one such failure this process skips publishing for BROKER_DOWN_SECONDS, so a
consumer filing three screenshots waits one second, not four.
"""

import contextlib
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
    """Publish a task by its registered name, as the beat schedule names them, so no
    service imports a tasks module (which imports the service back) nor another app."""
    return publish(_signature(task_name), *args)


def publish_many_by_name(task_name: str, batches: list[tuple]) -> int:
    """Publish `task_name(*args)` for each args of `batches` through one pipelined
    producer (kombu's Producer.batch, where the transport has it: Redis), so a sweep
    handing out thousands of tasks returns in milliseconds. One message that cannot be
    built or routed is logged and skipped; an unreachable broker stops the rest. Returns
    how many were published; what is left is for the caller's own sweep."""
    from celery import current_app

    if not batches:
        return 0
    task = _signature(task_name)
    published = 0
    try:
        with current_app.producer_or_acquire() as producer, _batched(producer):
            for args in batches:
                try:
                    task.apply_async(args, retry=False, producer=producer)
                    published += 1
                except Exception:  # one message that cannot be built or routed
                    log.warning("could not publish %s%s; left for the sweep", task_name, args, exc_info=True)
    except Exception:  # kombu raises several types for an unreachable broker
        log.warning("broker unavailable; %s %s tasks left for the sweep", len(batches), task_name, exc_info=True)
    return published


def _signature(task_name: str):
    """The task by name. A web process has imported no tasks module, so the first time
    a name is missing the apps' tasks modules are loaded (what a worker does at start):
    the task's own options (eager in tests, acks_late) then apply, not send_task's."""
    from celery import current_app

    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.signature(task_name)


def _batched(producer):
    return producer.batch(max_size=1000) if hasattr(producer, "batch") else contextlib.nullcontext()
