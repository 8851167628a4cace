"""gunicorn settings for the web process (the Procfile passes -c gunicorn.conf.py).

The access log names the path only: query strings can carry what visitors typed (an
email address, a phone number) and never belong in a log. The Referer is left out for
the same reason, and secret-shaped path segments (reset keys, mute and confirmation
tokens) are redacted (core.logpaths). %(M)s is the time spent in the worker, in
milliseconds."""

import os

# With LOG_FORMAT=json Django writes that line itself, as JSON (config.observability).
accesslog = None if os.environ.get("LOG_FORMAT") == "json" else "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
# %(U)s with every secret-shaped segment redacted (keys and tokens are path segments).
logger_class = "config.gunicorn_logging.RedactingLogger"
