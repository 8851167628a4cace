"""Rate limits that know what a cache outage means.

The limits are counted in the shared cache (Redis in production). When it cannot be
reached, each limit does what it protects calls for:

- limits on cheap actions that protect us from abuse (staging uploads, filing, the
  number checker) fail open: the request goes on, the outage is logged and counted
  (tousu_rate_limit_cache_failures_total in /metrics), and a per-process count keeps
  the same rate, so an outage does not lift the limit altogether;
- limits that protect accounts (sign-in, two-factor codes, password reset) fail closed:
  config.cache_outage answers "please try again shortly" with a 503, never a 500.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from django_ratelimit.core import is_ratelimited
from prometheus_client import Counter

from core.clients import client_ip

log = logging.getLogger(__name__)

# What a cache backend raises when its server is gone: redis-py's errors and the
# sockets' (ConnectionRefusedError and timeouts are OSErrors).
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    CACHE_UNREACHABLE: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover - redis is a dependency
    CACHE_UNREACHABLE = (OSError,)

CACHE_FAILURES = Counter(
    "tousu_rate_limit_cache_failures",
    "Rate-limit checks that could not reach the cache and fell back to a per-process count.",
    ["group"],
)

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_fallback: dict[tuple[str, str], deque[float]] = {}
_lock = threading.Lock()


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/h' -> (10, 3600); '5/15m' -> (5, 900)."""
    count, period = rate.split("/")
    unit = period[-1]
    return int(count), int(period[:-1] or 1) * _SECONDS[unit]


def _fallback_over(group: str, key: str, rate: str, now: float | None = None) -> bool:
    """The same rate counted in this process only, while the cache is away."""
    limit, window = parse_rate(rate)
    now = time.monotonic() if now is None else now
    with _lock:
        hits = _fallback.setdefault((group, key), deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        hits.append(now)
        return len(hits) > limit


def _key_of(request, key: str) -> str:
    if key == "user":
        return str(getattr(request.user, "pk", "") or "anonymous")
    return client_ip(request)


def over_limit(request, *, group: str, key: str, rate: str) -> bool:
    """Whether this request goes over a fail-open limit (and counts it)."""
    try:
        return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)
    except CACHE_UNREACHABLE:
        CACHE_FAILURES.labels(group=group).inc()
        log.warning("rate limit %s: cache unreachable, counting in this process", group)
        return _fallback_over(group, _key_of(request, key), rate)
