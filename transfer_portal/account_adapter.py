"""The portal's django-allauth adapter."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import clean_client_ip
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
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
