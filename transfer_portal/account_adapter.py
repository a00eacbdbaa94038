"""The portal's django-allauth adapter."""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


def user_display(user):
    """How allauth names an account in messages and e-mails ("Erfolgreich als … angemeldet"):
    by its e-mail address, not by the user name generated from it, which nobody chose."""
    return user.email or user.get_username()


@dataclass
class PortalSite:
    """What allauth's e-mails call `current_site`: without django.contrib.sites it is the
    request's host ("Hallo von 127.0.0.1:8000!"); the portal's name and public address."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        site = PortalSite(
            gettext("Smart City Transfer Portal Brandenburg"), urlsplit(settings.SITE_URL).netloc
        )
        context = {
            **context,
            "current_site": site,
            "recipient_email": email,
            "site_url": settings.SITE_URL,
            "unverified_account_days": settings.UNVERIFIED_ACCOUNT_DAYS,
        }
        return super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request):
        """allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has fewer entries
        than DJANGO_TRUSTED_PROXY_COUNT: a request that bypassed the outer proxy, or a proxy
        chain shorter than configured. Its first entry is then the address the outermost
        proxy that did handle the request saw, so the limits still count per client."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            first = request.headers.get("x-forwarded-for", "").split(",")[0]
            ip = clean_client_ip(first)
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            logger.warning(
                "X-Forwarded-For has fewer entries than DJANGO_TRUSTED_PROXY_COUNT; "
                "using its first entry %s",
                ip,
            )
            return ip
