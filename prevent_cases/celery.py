"""The Celery application. With no REDIS_URL, settings make every task run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")

# DjangoTask adds delay_on_commit, so services enqueue work only once their data is saved.
app = Celery("prevent_cases", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
