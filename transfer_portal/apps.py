from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferPortalConfig(AppConfig):
    name = "transfer_portal"
    verbose_name = _("Portal pages")

    def ready(self):
        from allauth.account.signals import password_reset
        from django.db.models.signals import post_migrate

        from transfer_portal import checks  # noqa: F401 - registers the deploy checks
        from transfer_portal.account_adapter import clear_account_login_limit
        from transfer_portal.editors import ensure_editor_group
        from transfer_portal.page_cache import connect_signals

        # Every app's post_migrate: permissions of later apps exist only after theirs.
        post_migrate.connect(ensure_editor_group)
        connect_signals()
        password_reset.connect(clear_account_login_limit)
