from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The portal's cross-app features on top of the domain apps: home page, search, feeds,
    sitemaps, open data, legal pages and the account pages. No domain app imports it.

    Its label stays "transfer_portal", the app it was split from: tables, migrations and
    permissions keep their names.
    """

    name = "transfer_portal.portal"
    label = "transfer_portal"
    verbose_name = _("Portal pages")
