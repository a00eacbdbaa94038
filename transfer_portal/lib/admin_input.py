"""What the admin does with keys that no row can have: refuse them instead of failing (500).

Django's admin turns the keys a form sends back into queries at several places without
checking them first: the selected rows of a list action, the chosen entries of an
autocomplete field that it shows again beside a form error, the entries of a
many-to-many field (on SQLite, a number beyond 64 bits), and the model named in
`_source_model` after adding an entry in a pop-up. The browser sends only keys that it
was given; a request written by hand ("abc", "1.5", a number beyond the column's range)
made a ValueError there. So did a list filtered by a regular expression in its address
(`?title__regex=(`) that is none. PortalAdminSite.register() puts CheckedInput in front of
every model admin and its inlines, Django's and allauth's included.
"""

import functools

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, SOURCE_MODEL_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext as _


def is_key_of(field, value):
    """Whether `value` (text from a form) can be a value of the model field `field`: of its
    type and, for numbers, within the range the database stores."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class KnownKeysOnly:
    """An autocomplete widget that shows again only the chosen entries whose keys can exist;
    the form field refuses the others with its own message ("Select a valid choice")."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)
        return super().optgroups(name, [v for v in value if is_key_of(target, v)], attr)


class CheckedAutocompleteSelect(KnownKeysOnly, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(KnownKeysOnly, AutocompleteSelectMultiple):
    pass


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Keys that cannot exist are refused with the field's own message before its query
    (on SQLite, `pk__in` with a number beyond 64 bits raised OverflowError)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for key in value:
            if isinstance(key, str) and not is_key_of(field, key):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super()._check_values(value)


class CheckedInput:
    """For model admins and inlines: keys from the request are checked before Django's admin
    queries with them."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def lookup_allowed(self, lookup, value, request):
        # No list offers regular expressions; refused, Django answers 400.
        if lookup.endswith(("__regex", "__iregex")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, *args, **kwargs):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_key_of(self.opts.pk, key) for key in selected):
            raise BadRequest(_("The selection contains entries that cannot exist."))
        return super().response_action(request, *args, **kwargs)

    def response_add(self, request, obj, *args, **kwargs):
        # Saved already: a model name that Django cannot split ("app.model") is dropped,
        # so that the pop-up still closes with the new entry.
        if IS_POPUP_VAR in request.POST and "." not in request.POST.get(SOURCE_MODEL_VAR, "."):
            request.POST = request.POST.copy()
            del request.POST[SOURCE_MODEL_VAR]
        return super().response_add(request, obj, *args, **kwargs)


@functools.cache
def checked(admin_class):
    """`admin_class` (a ModelAdmin or an inline) with CheckedInput in front, and its inlines."""
    if issubclass(admin_class, CheckedInput):
        return admin_class
    attrs = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
    inlines = getattr(admin_class, "inlines", None)
    if inlines:
        attrs["inlines"] = [checked(inline) for inline in inlines]
    return type(admin_class.__name__, (CheckedInput, admin_class), attrs)
