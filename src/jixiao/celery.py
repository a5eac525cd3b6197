"""The Celery app. With ``CELERY_BROKER_URL`` (Redis in production) tasks go to workers
(``celery -A jixiao worker``); without one they run in-process (``CELERY_TASK_ALWAYS_EAGER``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")

app = Celery("jixiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
