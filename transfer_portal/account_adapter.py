"""The portal's django-allauth adapter."""

import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
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
    """Every link in allauth's e-mails leads to SITE_URL: allauth builds them from the
    request, whose Host is whatever allowed name the request came in on (localhost, an
    internal name behind the proxy), not the portal's public address."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        return settings.SITE_URL + reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key):
        # As allauth builds it: the opaque key ("uidb36-token") fills both URL arguments.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def send_mail(self, template_prefix, email, context):
        site = PortalSite(
            gettext("Smart City Transfer Portal Brandenburg"), urlsplit(settings.SITE_URL).netloc
        )
        context = {
            **{name: self._on_portal(value) for name, value in context.items()},
            "current_site": site,
            "recipient_email": email,
            "site_url": settings.SITE_URL,
            "unverified_account_days": settings.UNVERIFIED_ACCOUNT_DAYS,
        }
        return super().send_mail(template_prefix, email, context)

    def _on_portal(self, value):
        """A link allauth built from the request with no hook to build it otherwise (the
        sign-up and password-reset links in the "unknown account" and "account already
        exists" mails), moved to SITE_URL."""
        if not isinstance(value, str) or self.request is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or parts.netloc != self.request.get_host():
            return value
        return settings.SITE_URL + urlunsplit(parts._replace(scheme="", netloc=""))

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
