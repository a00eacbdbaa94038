from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("DABB offers")

    def ready(self):
        from offers import contact_photos, search_context

        contact_photos.connect_signals()
        search_context.connect_signals()
