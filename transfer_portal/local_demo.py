"""A local editor account, created by `manage.py serve` on a fresh database with DEBUG on."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from transfer_portal.editors import EDITOR_GROUP

EDITOR_EMAIL = "redaktion@example.org"


def create_verified_user(email, password, **extra):
    """A user whose e-mail address allauth treats as verified, so login works at once."""
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=password, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


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
