"""Settings for the test suite: the real settings with test-only secrets and sinks.

DATABASE_URL still decides the database (SQLite by default, PostgreSQL in CI).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("TOUSU_VAR_DIR", tempfile.mkdtemp(prefix="tousu-test-var-"))
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# DEBUG is off, as in production, so the settings insist on a shared cache and a mail server.
# The suite replaces both below (a fresh in-process cache, Django's test outbox); these names
# only satisfy that check, and are what a subprocess on config.settings inherits.
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("EMAIL_URL", "dummymail://")
# Staff fixtures sign in with force_login and no authenticator app; the tests of the
# two-factor requirement (tests/test_staff_sign_in.py) turn it on themselves.
os.environ.setdefault("STAFF_REQUIRE_MFA", "false")

from .settings import *  # noqa: E402, F403
from .settings import STORAGES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Rate-limit counters start empty in every test (tests/conftest.py clears this cache).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tousu-tests"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise warns when it is missing)
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# The suite sends SMS to files (tests point a provider at a loopback server where they need one).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "notifications.W001"]  # noqa: F405
# Messages of one moment go at once, so a test sees each message it causes in the outbox
# right after the change (messages of one transaction still merge); the tests of moments
# (tests/test_moments.py) set the production hold of 60 s.
NOTIFICATION_MOMENT_SECONDS = 0
