"""The admin actions every publishable model shares: publish and withdraw."""

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from transfer_portal.lib import page_cache

# Sent (sender: the model) before and after set_published() changes objects in one UPDATE,
# which sends no pre_save or post_save: for what is derived from the published flag
# (projects/topic_counts.py).
publishing = Signal()
published_changed = Signal()


def set_published(request, queryset, published):
    """Publish or withdraw the selection in one UPDATE; each object that changes gets an
    entry in its history, naming the editor. Returns how many changed."""
    if published:
        message = gettext("Published with the action in the list.")
    else:
        message = gettext("Withdrawn (set to draft) with the action in the list.")
    with transaction.atomic():
        model = queryset.model
        publishing.send(sender=model)
        changing = list(queryset.exclude(published=published))
        model._default_manager.filter(pk__in=[obj.pk for obj in changing]).update(
            published=published
        )
        LogEntry.objects.log_actions(request.user.pk, changing, CHANGE, message)
        published_changed.send(sender=model, objects=changing)
        page_cache.invalidate()  # update() sends no signal
    return len(changing)


def _names(queryset, count):
    """The model's name for `count` objects ("1 Maßnahme", "2 Maßnahmen")."""
    opts = queryset.model._meta
    return opts.verbose_name if count == 1 else opts.verbose_name_plural


class PublishActions:
    """The list actions "publish" and "withdraw" for every model with a `published` field.

    A ModelAdmin with actions of its own lists these too:
    `actions = [*PublishActions.actions, "duplicate"]`.
    """

    actions = ["publish", "unpublish"]

    # The admin fills in the model's names, as in Django's own "delete selected" action.
    @admin.action(description=_("Publish selected %(verbose_name_plural)s"))
    def publish(self, request, queryset):
        count = set_published(request, queryset, True)
        self.message_user(
            request,
            gettext("%(count)d %(items)s published.")
            % {"count": count, "items": _names(queryset, count)},
        )

    @admin.action(description=_("Withdraw selected %(verbose_name_plural)s (draft)"))
    def unpublish(self, request, queryset):
        count = set_published(request, queryset, False)
        self.message_user(
            request,
            gettext("%(count)d %(items)s set to draft.")
            % {"count": count, "items": _names(queryset, count)},
        )
