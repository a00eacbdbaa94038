"""The portal's django-allauth adapter."""

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext

from transfer_portal.lib import mail

logger = logging.getLogger(__name__)

# ACCOUNT_RATE_LIMITS action of the portal's own: failed logins to one account from all
# addresses together (allauth's "login_failed" counts per address and per address and
# account, see AccountAdapter).
LOGIN_FAILED_ACCOUNT = "login_failed_account"


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
        # As allauth's own send_mail, but queued like every mail of the portal
        # (transfer_portal/lib/mail.py) instead of sent within the request.
        context = {"request": self.request, "email": email, **context}
        message = self.render_mail(template_prefix, email, context)
        mail.queue_message(message, category=f"account.{template_prefix.rsplit('/', 1)[-1]}")

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
            ip = forwarded_address(first)
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            logger.warning(
                "X-Forwarded-For has fewer entries than DJANGO_TRUSTED_PROXY_COUNT; "
                "using its first entry %s",
                ip,
            )
            return ip

    # Failed logins. allauth's "login_failed" limit counts per address ("…/ip") and per
    # key ("…/key"); its key is the account alone, so five wrong passwords from anywhere
    # locked the owner out everywhere. Here the key is the client's address (its /64 network
    # for IPv6, as allauth's own per-address count) and the account together: a stranger's
    # failures lock only the stranger's address out of that account. A ceiling per
    # account across all addresses (LOGIN_FAILED_ACCOUNT) still bounds guessing from
    # many addresses; reaching it takes many addresses at their per-address limit at once,
    # and a successful login or password reset of the owner clears it.

    def _get_login_attempts_cache_key(self, request, **credentials):
        """allauth offers no public hook for this key: its documented authenticate() always
        counts "login_failed" by this method's key, which also clears the count after a
        password reset. An underscore method, so allauth may rename it;
        tests/transfer_portal/test_login_limits.py fails then (the owner from another
        address would be locked out again)."""
        return f"{self._client_network(request)}|{_login_of(credentials)}"

    def authenticate(self, request, **credentials):
        account = _login_of(credentials)
        if account and not ratelimit.consume(
            request, action=LOGIN_FAILED_ACCOUNT, key=account, dry_run=True
        ):
            raise self.validation_error("too_many_login_attempts")
        user = super().authenticate(request, **credentials)
        if account:
            if user is None:
                ratelimit.consume(request, action=LOGIN_FAILED_ACCOUNT, key=account)
            else:
                ratelimit.clear(request, action=LOGIN_FAILED_ACCOUNT, key=account)
        return user

    def _client_network(self, request):
        address = ipaddress.ip_address(self.get_client_ip(request))
        if address.version == 6:
            prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
            return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)
        return str(address)


def forwarded_address(value):
    """The address in an X-Forwarded-For entry ("198.51.100.7", "198.51.100.7:4711",
    "[2001:db8::1]:4711"), or None (allauth's own parser is internal)."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _login_of(credentials):
    """The account a login names, as allauth reads it (e-mail address, else user name)."""
    return str(credentials.get("email", credentials.get("username", ""))).strip().lower()


def clear_account_login_limit(sender, request, user, **kwargs):
    """allauth's password_reset signal: the owner proved to own the mailbox; their failed
    logins from other addresses no longer count (allauth clears its own count likewise)."""
    from allauth.account.models import EmailAddress

    for address in EmailAddress.objects.filter(user=user):
        ratelimit.clear(request, action=LOGIN_FAILED_ACCOUNT, key=address.email.strip().lower())
