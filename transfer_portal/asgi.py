"""ASGI entry point: production settings unless DJANGO_DEBUG says otherwise."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "transfer_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")

application = get_asgi_application()
