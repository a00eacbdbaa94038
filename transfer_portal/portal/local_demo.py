"""A local editor account, created by `manage.py serve` on a fresh database with DEBUG on."""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group

from transfer_portal.lib.accounts import create_verified_user
from transfer_portal.lib.editors import EDITOR_GROUP

EDITOR_EMAIL = "redaktion@example.org"


def load(stdout):
    password = secrets.token_urlsafe(12)
    editor = create_verified_user(
        EDITOR_EMAIL, password, first_name="Lokale", last_name="Redaktion", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    stdout.write(
        f"Lokales Redaktionskonto (Gruppe Redaktion) für {settings.SITE_URL}/admin/:\n"
        f"  E-Mail:   {EDITOR_EMAIL}\n  Passwort: {password}\n"
    )
