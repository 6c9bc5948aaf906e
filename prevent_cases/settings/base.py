"""Settings for every environment; production behaviour comes from environment variables.

With nothing set, the app runs on its embedded default: SQLite in the project folder
and Celery tasks run eagerly in-process. Outside DEBUG it refuses to start without a
SECRET_KEY and explicit ALLOWED_HOSTS.
"""

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from prevent_cases.settings.env import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=False)
DEMO_MODE = env.bool("DEMO_MODE", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. `make run` generates a development key; "
        "in production set SECRET_KEY in the environment."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

INSTALLED_APPS = [
    "prevent_cases",
    "audit",
    "referrals",
    "panels",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "guardian",
    "axes",
    "csp",
    "django_structlog",
]
if DEMO_MODE:
    # Synthetic seeding and printed demo sign-ins exist only in demo mode.
    INSTALLED_APPS.append("prevent_cases.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "prevent_cases.web.middleware.MembershipRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "prevent_cases.web.not_found.ServiceNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # Lockout runs before authentication reaches the audit chain.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files in production; runserver and the test live server serve their own.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "prevent_cases.urls"
WSGI_APPLICATION = "prevent_cases.wsgi.application"
ASGI_APPLICATION = "prevent_cases.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prevent_cases.web.context_processors.membership",
            ],
        },
    },
]

if DEMO_MODE:
    TEMPLATES[0]["OPTIONS"]["context_processors"].append(
        "prevent_cases.demo.context_processors.demo_accounts"
    )

# Database: SQLite in the project folder unless DATABASE_URL is set.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Deferred transactions do not serialise writers on SQLite; IMMEDIATE plus WAL and a
    # busy timeout do (Django 5.1+ options).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compiles a plan PostgreSQL expects to be costly. For a web request that costs tens
    # to hundreds of milliseconds of compiling to save a few, and whether it happens turns
    # on the planner's row estimate: off, so no page's speed depends on it (ADR 14).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "prevent_cases.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first so a locked-out sign-in never reaches the others.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # guardian's ObjectPermissionBackend is left out on purpose: user.has_perm() would
    # ignore a grant's expiry. Case access is decided only by the selectors.
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The link that invites a new user to set their password works for three days (the
# invitation tokens are Django's password reset tokens, so this is their timeout).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# guardian warns when its backend is absent; it is absent on purpose (see above).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user; object permissions come only from sharing decisions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: lock an account and address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers. Outside DEBUG every cookie is secure and HTTPS is enforced.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Health checks probe the container over plain HTTP from inside it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "prevent_cases.api.permissions.HasActiveMembership",
    ],
    "DEFAULT_SCHEMA_CLASS": "prevent_cases.api.schema.ErrorResponsesSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "prevent_cases.api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "prevent_cases.api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 25,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Prevent case management API",
    "DESCRIPTION": "Referrals, Channel panel cases and the sharing decisions that grant access.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several vocabularies have a field called "status"; each gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "InformationRequestStatusEnum": "panels.models.vocabulary.RequestStatus",
        "AttendanceStatusEnum": "panels.models.vocabulary.Attendance",
        "ConsentMethodEnum": "panels.models.vocabulary.ConsentMethod",
        "DecisionMethodEnum": "panels.models.vocabulary.DecisionMethod",
        # The stage events kept their first name when the delivery events came.
        "EventEnum": "panels.rules.stages.StageEvent",
        "InterventionOutputStatusEnum": "panels.models.vocabulary.InterventionStatus",
        "DeliveryEventEnum": "panels.models.vocabulary.DeliveryEvent",
        "InterventionAnswerEnum": "panels.api.delivery_serializers.ANSWER_EVENTS",
        "InterventionStatusEventEnum": "panels.api.delivery_serializers.STATUS_EVENTS",
    },
}

# Celery: with no REDIS_URL tasks run eagerly in-process (the embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
# Every periodic job, in one place. Beat does not run in the embedded default, so `make
# run` runs the same work once at start through management commands.
CELERY_BEAT_SCHEDULE = {
    # Sign the audit chain head every quarter of an hour.
    "audit-checkpoint": {"task": "audit.checkpoint_write", "schedule": 15 * 60},
    # Remove grant rows past their expiry every hour (access already ended at the expiry).
    "grants-tidy": {"task": "referrals.grants_tidy", "schedule": 60 * 60},
    # Tell each agency's coordinators about referrals overdue for screening, daily at 07:00.
    "overdue-screening": {
        "task": "referrals.overdue_screening_notify",
        "schedule": crontab(hour=7, minute=0),
    },
    # Remind people of panel meetings, reviews and overdue panel work, daily at 07:15; a
    # reminder already sent is not sent again, so a missed or repeated run is harmless.
    "panel-reminders": {
        "task": "panels.reminders_send",
        "schedule": crontab(hour=7, minute=15),
    },
}

# Email: the console unless EMAIL_URL names an SMTP server (smtp+tls://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="prevent-cases@localhost")
# Where the service is reached, for links in emails (which are read outside any request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Panel reminders: meetings this many days ahead; reviews, post-exit reviews and
# re-assessments this many days before they fall due. Actions and information requests
# are reminded once overdue. Each goes once per due date, so a new date is a new reminder.
PANEL_REMINDER_MEETING_DAYS = env.int("PANEL_REMINDER_MEETING_DAYS", default=3)
PANEL_REMINDER_REVIEW_DAYS = env.int("PANEL_REMINDER_REVIEW_DAYS", default=7)
# An active intervention whose person has not been seen (or, with no session yet, not
# since it started) for more than this many days is flagged to the panel.
INTERVENTION_NO_CONTACT_DAYS = env.int("INTERVENTION_NO_CONTACT_DAYS", default=21)

# Referrals unscreened after this many working days are overdue (Channel guidance: the
# gateway assessment averages up to 5 days).
SCREENING_SLA_WORKING_DAYS = env.int("SCREENING_SLA_WORKING_DAYS", default=5)

# The audit chain. The checkpoint signing key (base64 of a 32-byte Ed25519 seed) comes
# from the environment only; `make run` generates a development key.
AUDIT_SIGNING_KEY = env.str("AUDIT_SIGNING_KEY", default="")
if not DEBUG and not AUDIT_SIGNING_KEY:
    raise ImproperlyConfigured("AUDIT_SIGNING_KEY must be set when DEBUG is off.")
AUDIT_RETIRED_PUBLIC_KEYS = env.list("AUDIT_RETIRED_PUBLIC_KEYS", default=[])
AUDIT_CHECKPOINT_DIR = env.path("AUDIT_CHECKPOINT_DIR", default=BASE_DIR / "var" / "checkpoints")

from prevent_cases.settings.logging import *  # noqa: E402, F403  (LOGGING and structlog setup)
