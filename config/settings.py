"""Tousu settings, read once from the environment.

Every value a deployment changes comes from an environment variable (django-environ);
the defaults are the embedded ones `make run` needs: SQLite, Celery's filesystem
broker and mail written under var/. Production sets DATABASE_URL, CELERY_BROKER_URL,
CACHE_URL, EMAIL_URL, SECRET_KEY and ALLOWED_HOSTS; with DEBUG off the site refuses to
start without SECRET_KEY, a shared CACHE_URL or EMAIL_URL.
"""

import base64
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.evidence_storage import evidence_storage_settings
from config.observability import init_sentry, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TOUSU_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, []),
)

DEBUG = env("DEBUG")

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A guessable key would let anyone forge sessions and the signed mute links.
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-dev-only-key-never-use-in-production"

ALLOWED_HOSTS = env("ALLOWED_HOSTS") or (["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin site whose sign-in is allauth's (rate-limited, two-factor): staff.admin_site.
    "staff.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "accounts",
    "notifications",
    "platforms",
    "complaints",
    "channels",
    "escalation",
    "privacy",
    "staff",
    "reading",
    "respondents",
    "rest_framework",
    "drf_spectacular",
    # Last: assembles the consumer's complaint pages from the apps above complaints.
    "pages",
]

MIDDLEWARE = [
    # First of all: an oversized body is refused before anything (CSRF included) reads it.
    "config.limits.RequestBodyLimitMiddleware",
    # /healthz and /readyz, answered before host checks and HTTPS redirects (config.health).
    "config.health.HealthMiddleware",
    # /metrics for Prometheus, to a token or allowed addresses only (staff.metrics).
    "staff.metrics.MetricsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files come precompressed), before everything that changes
    # the response; public pages only, see config/compression.py for why.
    "config.compression.PublicPageGZipMiddleware",
    # A cache outage in what follows (allauth's account limits) is a 503, never a 500.
    "config.cache_outage.CacheOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "staff.middleware.StaffTwoFactorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tousu.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file under `make run`: wait for locks
    # instead of failing, and take the write lock at BEGIN so no deadlock is possible.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://tousu")}
# Rate limits (sign-in lockout, filing) and used TOTP codes are counted in the cache: an
# in-process one counts per process, so 2 gunicorn workers would allow twice the attempts.
# (This replaces django-ratelimit's own E003 check, which runs only when it is an installed app.)
IN_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
if not DEBUG and CACHES["default"]["BACKEND"] in IN_PROCESS_CACHES:
    raise ImproperlyConfigured(
        "CACHE_URL must name a cache shared by every process (e.g. redis://host:6379/1) when DEBUG is off: "
        "with an in-process cache, rate limits and the sign-in lockout are counted per process."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Language and time: Chinese first, Beijing time everywhere.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static files: our own copies (Bootstrap from xstatic), served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS: list[Path | tuple[str, str]] = [BASE_DIR / "static"]
try:
    import xstatic.pkg.bootstrap as xstatic_bootstrap

    STATICFILES_DIRS.append(("bootstrap", xstatic_bootstrap.BASE_DIR))
except ImportError:  # pragma: no cover - it is in requirements.txt
    pass
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    # Evidence is personal data: it lives outside any public URL and is only ever
    # served by complaints.views.evidence_file after a permission check.
    # Local folder, or an S3-compatible bucket with EVIDENCE_S3_BUCKET (config.evidence_storage).
    "evidence": evidence_storage_settings(default_root=str(VAR_DIR / "private" / "evidence")),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Files browsers and crawlers ask for at the site's root: /favicon.ico,
# /apple-touch-icon.png (scripts/make_icons.py draws both) and /robots.txt.
WHITENOISE_ROOT = BASE_DIR / "public"

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = None

# --- Mail: written under var/mail and echoed to the console unless EMAIL_URL is set.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tousu 投诉 <noreply@tousu.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Tousu] "
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif not DEBUG:
    raise ImproperlyConfigured(
        "EMAIL_URL must be set when DEBUG is off (e.g. smtp+tls://user:pass@smtp.example.com:587): "
        "without it every email is written to var/mail and the console, and none is delivered."
    )
else:
    EMAIL_BACKEND = "config.mail.FileAndConsoleBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])

# --- SMS (notifications.sms): `files` writes every SMS to var/sms and the console;
# `aliyun` or `tencent` send through the provider, with the approved signature and one
# approved template per message type (SMS_TEMPLATE_<NAME>, notifications.sms.TEMPLATES).
SMS_PROVIDER = env.str("SMS_PROVIDER", default="files")
if SMS_PROVIDER not in ("files", "aliyun", "tencent"):
    raise ImproperlyConfigured("SMS_PROVIDER must be files, aliyun or tencent.")
SMS_FILE_PATH = VAR_DIR / "sms"
SMS_ACCESS_KEY_ID = env.str("SMS_ACCESS_KEY_ID", default="")
SMS_ACCESS_KEY_SECRET = env.str("SMS_ACCESS_KEY_SECRET", default="")
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="投诉")
SMS_SDK_APP_ID = env.str("SMS_SDK_APP_ID", default="")  # Tencent's SmsSdkAppId
SMS_REGION = env.str("SMS_REGION", default="ap-guangzhou")  # Tencent's region
# Unset: the provider's public endpoint over https. Tests point it at a loopback server.
SMS_ENDPOINT = env.str("SMS_ENDPOINT", default="")
SMS_PROTOCOL = env.str("SMS_PROTOCOL", default="https")
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=10)
SMS_TEMPLATE_CODES = {
    name: env.str(f"SMS_TEMPLATE_{name.upper()}", default="")
    for name in (
        "login_code",
        "reminder_due_tomorrow",
        "reminder_overdue",
        "solved_question",
        "respondent_answered",
        "info_requested",
    )
}
if SMS_PROVIDER != "files":
    _missing = [
        name
        for name, value in {
            "SMS_ACCESS_KEY_ID": SMS_ACCESS_KEY_ID,
            "SMS_ACCESS_KEY_SECRET": SMS_ACCESS_KEY_SECRET,
            **({"SMS_SDK_APP_ID": SMS_SDK_APP_ID} if SMS_PROVIDER == "tencent" else {}),
            **{f"SMS_TEMPLATE_{name.upper()}": code for name, code in SMS_TEMPLATE_CODES.items()},
        }.items()
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"SMS_PROVIDER={SMS_PROVIDER} needs {', '.join(_missing)}.")
# The provider's delivery receipts and TD replies are pushed to /sms/callback/<provider>/<token>/.
SMS_CALLBACK_TOKEN = env.str("SMS_CALLBACK_TOKEN", default="")

# --- Accounts (django-allauth): a mainland mobile number and an SMS code, or email +
# password; email is optional, and an account with one can add and verify a phone.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "complaints:mine"
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone", "email", "password1", "password2"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "signup": "accounts.allauth_forms.SignupForm",
    "request_login_code": "accounts.allauth_forms.RequestLoginCodeForm",
}
# Neither the phone nor the email is required on its own: the sign-up form asks for one
# of them (accounts.allauth_forms.SignupForm), which allauth's W001 cannot see.
SILENCED_SYSTEM_CHECKS = ["account.W001"]
# set_phone/get_phone/..., the SMS code through the outbox, and the email-verification
# stage that asks only accounts signed up by email (accounts.adapter).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
# "mandatory" means: an account signed up with an email address (and no proved phone)
# confirms it before signing in. allauth's own "mandatory" would also ask phone
# accounts for an email, so allauth runs "optional" and accounts.adapter asks.
EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory")
ACCOUNT_EMAIL_VERIFICATION = "optional" if EMAIL_VERIFICATION == "mandatory" else EMAIL_VERIFICATION
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tousu] "
# A password reset asked for an address no account has sends nothing (allauth would
# otherwise email "no account here" to whatever address anyone types).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Signing in by a code: for phone accounts the code comes by SMS (the phone login).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = env.int("ACCOUNT_LOGIN_BY_CODE_TIMEOUT", default=10 * 60)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = env.int("ACCOUNT_PHONE_VERIFICATION_TIMEOUT", default=15 * 60)
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
# Six digits, as every Chinese site sends.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip"),
    # Wrong passwords (accounts.adapter): "key" is one account from one client address, so
    # a stranger's failures never lock the owner out; "login_failed_account" is the
    # account from every address, slower and higher, against guessing spread over many.
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key,20/d/key"),
    "login_failed_account": env.str("RATE_LIMIT_LOGIN_FAILED_ACCOUNT", default="50/h/key"),
    "signup": env.str("RATE_LIMIT_SIGNUP", default="10/h/ip"),
    "confirm_email": "1/3m/key",
    # Reset mails to one address (key): 3 an hour, 10 a day, not the 60 an hour allauth allows.
    "reset_password": env.str("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,3/h/key,10/d/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    # SMS codes, per number (key) and per client address (core.clients): a sign-in code
    # and a verification code each cost an SMS, so both are counted on both.
    "request_login_code": env.str("RATE_LIMIT_SMS_LOGIN_CODE", default="1/m/key,5/h/key,10/h/ip"),
    "verify_phone": env.str("RATE_LIMIT_SMS_VERIFY_PHONE", default="1/m/key,5/h/key,10/h/ip"),
    "change_phone": "3/h/user",
}
# Filing: complaints per user per hour (django-ratelimit, in complaints.views).
RATE_LIMIT_FILING = env.str("RATE_LIMIT_FILING", default="10/h")
# Images checked and stored before a complaint is filed, per user per hour (each file counts).
RATE_LIMIT_STAGING = env.str("RATE_LIMIT_STAGING", default="60/h")
# The number checker (page and JSON API together), per client address.
RATE_LIMIT_NUMBER_CHECK = env.str("RATE_LIMIT_NUMBER_CHECK", default="60/m")
RATELIMIT_VIEW = "config.views.rate_limited"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the
# peer is the client). Every limit and allow-list takes the client from core.clients.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
RATELIMIT_IP_META_KEY = "core.clients.client_ip"

# --- Two-factor sign-in (allauth.mfa): an authenticator app (TOTP), with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tousu"
MFA_ADAPTER = "respondents.two_factor.MemberTwoFactorAdapter"
# The key TOTP secrets are encrypted with (staff.two_factor): a Fernet key (32 bytes,
# url-safe base64; `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# Without one, a key is derived from SECRET_KEY, so changing SECRET_KEY needs a new set-up.
MFA_ENCRYPTION_KEY = (
    env.str("MFA_ENCRYPTION_KEY", default="")
    or base64.urlsafe_b64encode(hashlib.sha256(("tousu-mfa:" + SECRET_KEY).encode()).digest()).decode()
)
# Staff accounts (the admin, personal data of every consumer) must set up an authenticator
# app before anything else, and keep it (staff.two_factor). Consumers are never asked.
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=not DEBUG)

# --- Forms.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery: filesystem broker under var/ by default, Redis in production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# Publishing happens inside web requests (after commit): when Redis is unreachable, give up
# after about a second instead of kombu's default retries, and leave the work to the outbox
# sweep (notifications.tasks.resend_pending_email) so the consumer never waits or sees an error.
REDIS_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": 3600,
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Where kombu keeps which queue each exchange routes to (images, email, celery);
        # without it, a folder named "control" appears in whatever directory a process starts in.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Three queues, so a burst of screenshots never delays an email: `images` (sanitising
# uploads, seconds of CPU each), `email` (SMTP sends, mostly waiting on the network) and
# the default `celery` (the deadline sweep, reminders, digests and housekeeping). The
# Procfile starts a worker for `images` and one for `celery,email`.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "complaints.tasks.process_evidence": {"queue": "images"},
    "complaints.tasks.process_pending_evidence": {"queue": "images"},
    "notifications.tasks.deliver_email": {"queue": "email"},
    "notifications.tasks.resend_pending_email": {"queue": "email"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Reading screenshots (reading.tasks) takes seconds of CPU each: its own queue, served by
# its own worker (Procfile `ocr`), so confirmations and reminders never wait behind it.
# Merged into whatever routes are set above, so each app's routes stay one line.
CELERY_TASK_ROUTES = {**globals().get("CELERY_TASK_ROUTES", {}), "reading.read_evidence": {"queue": "ocr"}}
CELERY_TASK_ROUTES["reading.read_unread_evidence"] = {"queue": "ocr"}
CELERY_TASK_ROUTES["reading.email_platform_when_read"] = {"queue": "ocr"}
# Screenshots one account may have read per hour at normal priority; the rest wait on the
# same ocr queue at the lowest priority (reading.tasks.read_evidence), behind everyone else's.
READING_QUOTA_PER_HOUR = env.int("READING_QUOTA_PER_HOUR", default=30)
# Webhooks to respondents' systems wait on the network, like SMTP: the `email` queue.
CELERY_TASK_ROUTES["respondents.tasks.send_webhook"] = {"queue": "email"}
# A shop's licence image is sanitised like evidence: the `images` queue.
CELERY_TASK_ROUTES["respondents.tasks.sanitise_licence"] = {"queue": "images"}
# How often the escalation sweep looks for due deadline reminders.
ESCALATION_SWEEP_SECONDS = env.int("ESCALATION_SWEEP_SECONDS", default=300)
# Periodic work, every app's here; each entry names the function it runs.
CELERY_BEAT_SCHEDULE = {
    "resend-pending-email": {
        "task": "notifications.tasks.resend_pending_email",
        "schedule": 60.0,
    },
    # Uploads whose sanitising was never handed out (broker down) or whose worker died.
    "process-pending-evidence": {
        "task": "complaints.tasks.process_pending_evidence",
        "schedule": 60.0,
    },
    "purge-unclaimed-evidence": {
        "task": "complaints.tasks.purge_unclaimed_evidence",
        "schedule": 3600.0,
    },
    "channels-stale-verifications": {
        "task": "channels.tasks.email_stale_verifications",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon"),
    },
    # actions.reminders.sweep: claim due deadline reminders, hand out stale ones again.
    "escalation-sweep-deadlines": {
        "task": "escalation.tasks.sweep_deadlines",
        "schedule": float(ESCALATION_SWEEP_SECONDS),
    },
    # escalation.digest.send_staff_digest: hourly, sends once per Beijing day after 09:00.
    "escalation-staff-digest": {
        "task": "escalation.tasks.send_staff_digest",
        "schedule": 3600.0,
    },
    # actions.erasure.erase_expired: personal data of complaints inactive for RETENTION_DAYS.
    "privacy-erase-expired": {
        "task": "privacy.tasks.erase_expired_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
    # actions.erasure.purge_unverified_sign_ups: accounts never confirmed, 7 days after sign-up.
    "privacy-purge-unverified": {
        "task": "privacy.tasks.purge_unverified_accounts",
        "schedule": crontab(hour=3, minute=50),
    },
    # reading.tasks.read_unread_evidence: screenshots whose reading was never handed out.
    "reading-unread-evidence": {"task": "reading.read_unread_evidence", "schedule": 120.0},
    # respondents.sending.due_message_ids: webhook messages whose retry is due or whose worker died.
    "respondents-resend-webhooks": {"task": "respondents.tasks.resend_due_webhooks", "schedule": 60.0},
    # respondents.licences: shop licence images whose sanitising was never handed out.
    "respondents-pending-licences": {"task": "respondents.tasks.sanitise_pending_licences", "schedule": 300.0},
}
# Days a complaint's personal data is kept after its last activity, whatever its status,
# then it is erased, the consumer told 30 days before (privacy.retention; PIPL
# art. 47): 3 years, past which 12315 no longer accepts a complaint (SAMR Order 20 of
# 2019, art. 15) and as long as platforms keep transaction records (E-commerce Law art. 31).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=1095)
# How long a consumer message of one moment waits for the rest of it (notifications.services):
# a claim and the forward a minute later, or a sweep's reminders of one complaint, go as one.
NOTIFICATION_MOMENT_SECONDS = env.int("NOTIFICATION_MOMENT_SECONDS", default=60)
# Who runs the site and how to reach them, named on the terms and the privacy policy
# (privacy.legal): set both in production.
SITE_OPERATOR = env.str("SITE_OPERATOR", default="Tousu 投诉 project team")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="privacy@tousu.local")

# SMTP gives up after this many seconds (the outbox's claim, notifications.services, is longer).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The domain of the Message-ID each outbox row keeps for all its attempts.
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="tousu.local")

# --- Respondents (respondents/): businesses answering on Tousu.
# A webhook endpoint is switched off after this many failed deliveries in a row.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["respondents.api_auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "respondents.api_errors.problem_details_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE_PER_TOKEN", default="600/minute")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tousu respondent API",
    "DESCRIPTION": "Complaints delivered to your organisation on Tousu: read, acknowledge and answer them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "AnswerKindEnum": "respondents.models.Answer.Kind",
        "RemedyKindEnum": "complaints.categories.DesiredOutcome",
        "ComplaintStatusEnum": "complaints.states.Status",
    },
}

# --- Security.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Links in account emails (confirmation, password reset) use the scheme the site is served on.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SESSION_COOKIE_SECURE else "http"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline or third-party script anywhere: every script is a file under /static/.
# Inline style attributes stay allowed (Django admin and allauth use them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        # blob: previews of the images chosen for a complaint, before they are sent (static/js/evidence.js).
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Evidence limits (complaints.images enforces them).
EVIDENCE_MAX_FILES = 10
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_PIXELS = 50_000_000
# WebP has no reduced-size decoding (JPEG has draft mode): Pillow decodes every pixel to
# RGBA and copies it, so a 1.9 KB WebP of 49 megapixels took the images worker to 823 MB.
# Phones save screenshots of at most ~4 megapixels as WebP and cameras never do.
EVIDENCE_MAX_WEBP_PIXELS = 16_000_000
# Stored copies are at most this many pixels on the long edge: a phone screenshot's text
# stays legible, and a 12 MP photo decodes at half scale (JPEG draft mode) in a fraction
# of the time. The SHA-256 of the original upload is kept as proof of what was sent.
EVIDENCE_MAX_EDGE = 2000
EVIDENCE_THUMBNAIL_SIZE = (480, 480)
EVIDENCE_UNCLAIMED_TTL_HOURS = 24
# Uploads a consumer may hold that are not (yet) part of a complaint: three full drafts.
EVIDENCE_MAX_UNCLAIMED = env.int("EVIDENCE_MAX_UNCLAIMED", default=3 * EVIDENCE_MAX_FILES)
# What one account's evidence may take in storage, counted by the most its stored copies
# can take (complaints.evidence_pipeline.stored_bytes_bound): a small image can decode to
# a far larger copy, so counting upload sizes alone let one account fill ~590 MB an hour.
EVIDENCE_ACCOUNT_QUOTA_BYTES = env.int("EVIDENCE_ACCOUNT_QUOTA_BYTES", default=1024 * 1024 * 1024)

# --- Request size (config.limits): the largest body the site ever needs is a filing
# with every image at its limit plus the form; anything larger is refused with 413
# before it is read, so no URL can be made to spool hundreds of megabytes to disk.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=EVIDENCE_MAX_FILES * EVIDENCE_MAX_BYTES + 2 * 1024 * 1024)

# --- Logs and errors (config.observability): no personal data in either.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = logging_config(level=env.str("LOG_LEVEL", default="INFO"), log_format=LOG_FORMAT)
if LOG_FORMAT == "json":
    # Celery workers then log through the JSON handler above instead of their own format.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
    # The one line per request comes from Django, as JSON (gunicorn.conf.py then turns its
    # own plain access log off); after the health and metrics endpoints, so probes are not logged.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django_prometheus.middleware.PrometheusBeforeMiddleware") + 1,
        "config.observability.RequestLogMiddleware",
    )
# Prometheus scrapes /metrics with this bearer token or from these addresses/networks.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )

ADMIN_SITE_HEADER = _("Tousu staff")
