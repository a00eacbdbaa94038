"""The editor group "Redaktion": DABB staff who maintain the portal's content."""

from django.contrib.auth.models import Group, Permission

EDITOR_GROUP = "Redaktion"

# Editors manage all content of these apps, and nothing else (no users, no groups).
EDITOR_APP_LABELS = ("transfer_portal", "projects", "surveys", "offers")


def ensure_editor_group(**kwargs):
    """Create the editor group and give it every permission of the content apps.

    Connected to post_migrate, so new models of these apps are covered after each migrate.
    """
    group, _created = Group.objects.get_or_create(name=EDITOR_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=EDITOR_APP_LABELS)
    group.permissions.add(*permissions)
    return group


def is_editor(user) -> bool:
    """Editors see unpublished content and editor-only results."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)
