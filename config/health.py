"""/healthz and /readyz for load balancers, orchestrators and uptime monitors.

/healthz answers 200 as long as the process serves requests: it touches nothing else,
so a restart is only triggered by the process itself being stuck.

/readyz asks each service a request depends on (the database, the Celery broker, the
cache and the evidence storage) one cheap question, all at once, and answers within
READY_TIMEOUT_SECONDS: 200 when all answered, 503 naming the ones that did not. The
JSON carries only check names and exception class names: never a message, which may
hold a host, a user name or a bucket.

Both are answered by a middleware placed first, before host validation, HTTPS redirects,
sessions and the CSP: probes come over plain HTTP with whatever Host header the
platform uses (a pod's IP), and must not open a session or be redirected.
"""

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import JsonResponse

log = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 2.0
CACHE_PROBE_KEY = "tousu:readyz"


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # This runs in a thread of its own: give back the connection it opened.
        connection.close()


def check_broker() -> None:
    """Connect to the broker Celery publishes to (a Redis PING; the filesystem broker
    in development always answers), giving up after the readiness timeout."""
    from kombu import Connection

    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "max_retries": 0,
        "socket_timeout": READY_TIMEOUT_SECONDS,
        "socket_connect_timeout": READY_TIMEOUT_SECONDS,
    }
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=READY_TIMEOUT_SECONDS, transport_options=options
    ) as broker:
        # One more try at once, never kombu's default two seconds' pause.
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=READY_TIMEOUT_SECONDS)


def check_cache() -> None:
    stamp = str(time.time())
    cache.set(CACHE_PROBE_KEY, stamp, timeout=30)
    if cache.get(CACHE_PROBE_KEY) != stamp:
        raise RuntimeError("the cache did not keep a value")


def check_evidence_storage() -> None:
    """A local folder must be writable (or creatable); a bucket must answer a HEAD with
    our credentials. Nothing is written or read."""
    # The storage as settings define it (STORAGES["evidence"]), the one Evidence files use:
    # the wiring needs no app's model to find it.
    storage = storages["evidence"]
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise PermissionError("the evidence folder is not writable")
        return
    # HeadBucket: a missing or forbidden bucket is an error (a HEAD of a missing object
    # would answer 404 either way). Needs s3:ListBucket on the bucket.
    storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "evidence_storage": check_evidence_storage,
}


def readiness() -> dict[str, str]:
    """Run every check at once; each is "ok", "timeout" or the class of what it raised."""
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
    futures = {name: pool.submit(check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=READY_TIMEOUT_SECONDS)
    # A check still hanging is left to its own socket timeout, not waited for.
    pool.shutdown(wait=False, cancel_futures=True)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = "timeout"
        elif future.exception() is not None:
            results[name] = type(future.exception()).__name__
            log.warning("readiness check %s failed: %s", name, results[name])
        else:
            results[name] = "ok"
    return results


class HealthMiddleware:
    PATHS = {"/healthz", "/readyz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in self.PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path == "/healthz":
            response = JsonResponse({"status": "ok"})
        else:
            checks = readiness()
            failed = sorted(name for name, result in checks.items() if result != "ok")
            response = JsonResponse(
                {"status": "unavailable" if failed else "ok", "failed": failed, "checks": checks},
                status=503 if failed else 200,
            )
            # The failing check is logged once above as a warning; without this Django
            # would also log an error (and Sentry an event) for every poll while it is down.
            response._has_been_logged = True
        response["Cache-Control"] = "no-store"
        return response
