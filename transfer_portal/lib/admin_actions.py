"""Admin actions that the content apps share."""

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from transfer_portal.lib import page_cache


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


class PublishActions:
    """The list actions "publish" and "withdraw" for a model with a `published` field."""

    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish selected entries"))
    def publish(self, request, queryset):
        count = set_published(request, queryset, True)
        self.message_user(
            request,
            ngettext("%(count)d entry published.", "%(count)d entries published.", count)
            % {"count": count},
        )

    @admin.action(description=_("Withdraw selected entries (draft)"))
    def unpublish(self, request, queryset):
        count = set_published(request, queryset, False)
        self.message_user(
            request,
            ngettext("%(count)d entry set to draft.", "%(count)d entries set to draft.", count)
            % {"count": count},
        )
