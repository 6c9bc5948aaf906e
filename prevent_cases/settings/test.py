"""Test settings: the base settings with a fixed key, a fast hasher and demo seeding on."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789abcdef")
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# A fixed Ed25519 seed for tests only (32 bytes of 0x07, base64).
os.environ.setdefault("AUDIT_SIGNING_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")

from prevent_cases.settings.base import *  # noqa: F403
from prevent_cases.settings.base import INSTALLED_APPS, LOGGING, MIDDLEWARE

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The suite runs tasks in-process; the Celery round-trip test talks to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True
LOGGING["root"]["level"] = "WARNING"
# The test client and live server serve static files themselves.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Test support goes first so its flush (which can empty the audit tables) wins.
INSTALLED_APPS = ["tests.support", *INSTALLED_APPS]
