"""Admin actions that the content apps share."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils.translation import gettext

from transfer_portal import page_cache


def set_published(request, queryset, published):
    """Publish or withdraw the selection in one UPDATE; each object that changes gets an
    entry in its history, naming the editor. Returns how many changed."""
    if published:
        message = gettext("Published with the action in the list.")
    else:
        message = gettext("Withdrawn (set to draft) with the action in the list.")
    with transaction.atomic():
        changing = list(queryset.exclude(published=published))
        model = queryset.model
        model._default_manager.filter(pk__in=[obj.pk for obj in changing]).update(
            published=published
        )
        LogEntry.objects.log_actions(request.user.pk, changing, CHANGE, message)
        page_cache.invalidate()  # update() sends no signal
    return len(changing)
