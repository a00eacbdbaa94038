"""The editors' admin: login through allauth, and two-factor authentication for staff."""

from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from transfer_portal.lib.admin_input import checked
from transfer_portal.lib.editors import may_use_admin


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """Search results of an autocomplete field, labelled by the model admin's
    `autocomplete_label(obj)` where it has one (a measure with its project: titles repeat)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        related = getattr(self.model_admin, "autocomplete_select_related", None)
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class PortalAdminSite(admin.AdminSite):
    site_header = _("Transfer portal – editorial office")
    site_title = _("Transfer portal")
    index_title = _("Content of the transfer portal")
    # The app list beside every page took a quarter of a 1280 px screen: list columns such
    # as counts and states disappeared behind a horizontal scroll. The home page lists it.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        # Keys from requests are checked before Django's admin queries with them (admin_input).
        admin_class = checked(admin_class or admin.ModelAdmin)
        return super().register(model_or_iterable, admin_class, **options)

    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)

    def has_permission(self, request):
        return super().has_permission(request) and may_use_admin(request.user)

    def login(self, request, extra_context=None):
        # The admin's own password form would bypass allauth's rate limits and 2FA step.
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not may_use_admin(user):
            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    _(
                        "Editors need two-factor authentication. Please set up an "
                        "authenticator app before you open the editing area."
                    ),
                )
                return redirect("mfa_activate_totp")
            # Logged in before the app was set up, or without it: the code once more.
            messages.info(request, _("Please confirm with a code from your authenticator app."))
            next_url = request.GET.get("next") or reverse("admin:index")
            query = urlencode({"next": next_url})
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return secure_admin_login(super().login)(request, extra_context)
