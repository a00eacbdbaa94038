from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    """The shared library under every app: it imports no domain app (projects, surveys,
    offers) and nothing of the portal features on top (transfer_portal.portal)."""

    name = "transfer_portal.lib"
    label = "lib"
    verbose_name = _("Portal basics")

    def ready(self):
        from allauth.account.signals import password_reset
        from django.core.signals import setting_changed
        from django.db.models.signals import post_migrate

        from transfer_portal.lib import (
            checks,  # noqa: F401 - registers the deploy checks
            jinja,
        )
        from transfer_portal.lib.account_adapter import clear_account_login_limit
        from transfer_portal.lib.editors import ensure_editor_group
        from transfer_portal.lib.object_urls import forget
        from transfer_portal.lib.page_cache import connect_signals

        # Every app's post_migrate: permissions of later apps exist only after theirs.
        post_migrate.connect(ensure_editor_group, dispatch_uid="editor-group")
        connect_signals()
        password_reset.connect(clear_account_login_limit, dispatch_uid="account-login-limit")
        setting_changed.connect(forget, dispatch_uid="object-urls")
        setting_changed.connect(jinja.forget, dispatch_uid="jinja-formats")
