from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin, served by the portal's own site class (allauth login, 2FA for staff)."""

    default_site = "transfer_portal.lib.admin_site.PortalAdminSite"
