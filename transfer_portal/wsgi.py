"""WSGI entry point for gunicorn: production settings unless DJANGO_DEBUG says otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "transfer_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")

application = get_wsgi_application()

from transfer_portal.lib.warmup import warm_up  # noqa: E402 - needs the configured app

warm_up()
