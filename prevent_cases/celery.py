"""The Celery application. With no REDIS_URL, settings make every task run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")

app = Celery("prevent_cases")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
