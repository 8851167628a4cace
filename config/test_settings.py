"""Settings for the test suite: the real settings with test-only secrets and sinks.

DATABASE_URL still decides the database (SQLite by default, PostgreSQL in CI).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("TOUSU_VAR_DIR", tempfile.mkdtemp(prefix="tousu-test-var-"))
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from .settings import *  # noqa: E402, F403
from .settings import STORAGES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise warns when it is missing)
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
