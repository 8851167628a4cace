"""What operators see: JSON logs (with one line per request), errors in Sentry.

None of it may carry personal data: request lines hold the method, the path without
its query string, the status and the time taken; Sentry gets no request bodies,
cookies, headers with identities, user ids, IP addresses or local variables.
"""

import logging
import time

from core.logpaths import loggable_path

log = logging.getLogger("tousu.requests")


def logging_config(*, level: str, log_format: str) -> dict:
    """settings.LOGGING: plain lines by default, one JSON object per line with LOG_FORMAT=json."""
    from pythonjsonlogger.core import RESERVED_ATTRS

    handler = {"class": "logging.StreamHandler", "filters": ["redact_paths"]}
    if log_format == "json":
        handler["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                # django.request attaches the request, whose repr has the query string.
                "reserved_attrs": [*RESERVED_ATTRS, "request"],
            },
        },
        "filters": {"redact_paths": {"()": "config.observability.RedactPaths"}},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Only through the handler above (Django's own adds a DEBUG-only console one).
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
        },
    }


class RedactPaths(logging.Filter):
    """Django's own request log ("Not Found: /escalation/mute/<token>/") writes the path
    as an argument: secret-shaped segments are redacted there too (core.logpaths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                loggable_path(arg) if isinstance(arg, str) and arg.startswith("/") else arg for arg in record.args
            )
        return True


def init_sentry(dsn: str, *, environment: str, release: str = "") -> None:
    """Errors from web requests and Celery tasks go to Sentry, without personal data."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No user ids, IP addresses, cookies or identifying headers...
        send_default_pii=False,
        # ...and no form bodies (phone, email, order number) nor local variables holding them.
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0.0,
    )


class RequestLogMiddleware:
    """One line per request with LOG_FORMAT=json (otherwise gunicorn's access log is that
    line): method, path (never the query string), status, duration. Placed after
    config.health.HealthMiddleware, so probes do not flood the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000)
        log.info(
            "%s %s %s %sms",
            request.method,
            loggable_path(request.path),
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": loggable_path(request.path),
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response
