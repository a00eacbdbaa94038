"""List columns that fit a 1280 px screen, and forms that keep related objects safe.

Django's admin keeps cells of dates and foreign keys on one line (class "nowrap"): a long
title of a related object or a date spelt out pushed other columns off-screen. These
columns say the same in less space, or may wrap.
"""

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


def short_datetime(value):
    """28.11.2026 14:30 instead of 28. November 2026 14:30."""
    if value is None:
        return "–"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def short_date(value):
    return "–" if value is None else date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


class KeepRelatedObjects:
    """Admin (or inline) mixin: no red × beside a select. It deleted the object the field
    points to (a topic, a municipality, a contact) for the whole portal, not the entry being
    edited – in inlines right next to the row's own "delete" box. Those are deleted on
    their own pages."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(getattr(formfield, "widget", None), RelatedFieldWidgetWrapper):
            formfield.widget.can_delete_related = False
        return formfield


def yes_no(model, name):
    """A list column for the boolean field `name`: Django's icon, with its text alternative
    in the admin's language ("ja"/"nein") instead of Django's untranslated "True"/"False"."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(model_admin, obj):  # a method of the admin class it is assigned to
        value = getattr(obj, name)
        icon = static(f"admin/img/icon-{'yes' if value else 'no'}.svg")
        return format_html('<img src="{}" alt="{}">', icon, _("yes") if value else _("no"))

    return column


def change_link(obj, text=None):
    """The related object in a list column as a link to its admin page."""
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, obj if text is None else text)
