"""The editor group "Redaktion": DABB staff who maintain the portal's content.

One check decides everywhere whether a person acts as an editor (drafts, unpublished results,
exports, registration lists): `is_editor`. It gives the same answer as the admin: an active
staff account in the Redaktion group (or a superuser) whose session passed the second factor
where the admin requires one.
"""

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import Group, Permission
from django.utils.functional import SimpleLazyObject

EDITOR_GROUP = "Redaktion"

# Editors manage all content of settings.PORTAL_CONTENT_APPS and the portal's outgoing
# mail, and nothing else (no users, no groups).
EDITOR_APP_LABELS = (*settings.PORTAL_CONTENT_APPS, "lib")

# Set on the request's user by SecondFactorMiddleware: whether this session passed the
# second factor. A user loaded any other way (a command, a queryset) has not.
SECOND_FACTOR_ATTRIBUTE = "session_passed_second_factor"


def ensure_editor_group(**kwargs):
    """Create the editor group and give it every permission of the content apps.

    Connected to post_migrate, so new models of these apps are covered after each migrate.
    """
    group, _created = Group.objects.get_or_create(name=EDITOR_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=EDITOR_APP_LABELS)
    group.permissions.add(*permissions)
    return group


def second_factor_satisfied(user) -> bool:
    """Whether the admin's rule on the second factor lets this (request's) user in."""
    return not settings.ADMIN_REQUIRE_MFA or getattr(user, SECOND_FACTOR_ATTRIBUTE, False)


def may_use_admin(user) -> bool:
    """Django's own admin rule (active staff) plus the second factor."""
    return bool(
        user.is_authenticated and user.is_active and user.is_staff
    ) and second_factor_satisfied(user)


def is_editor(user) -> bool:
    """Editors see unpublished content and editor-only results, and export responses.

    Staff without the Redaktion group, and editors whose session has not passed the second
    factor, are not editors. Answered once per user object (one query for staff only).
    """
    if not may_use_admin(user):
        return False
    cached = getattr(user, "_portal_is_editor", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=EDITOR_GROUP).exists()
        user._portal_is_editor = cached
    return cached


def session_passed_second_factor(request, user) -> bool:
    """Whether this session's login (or a later re-authentication) used a second factor."""
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


class SecondFactorMiddleware:
    """Tells `is_editor` whether the session passed the second factor, on the user object
    the request carries (loaded lazily as Django's AuthenticationMiddleware does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: _user_with_session_facts(request))
        return self.get_response(request)


def _user_with_session_facts(request):
    user = get_user(request)
    if user.is_authenticated and user.is_staff:
        setattr(user, SECOND_FACTOR_ATTRIBUTE, session_passed_second_factor(request, user))
    return user
