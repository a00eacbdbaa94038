"""Deployment checks (`manage.py check --deploy`) for what Django's own cannot know."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register(deploy=True)  # not Tags.database: those run only with --database
def database_configured(app_configs, **kwargs):
    """Without DATABASE_URL the portal falls back to the SQLite file of a local checkout:
    in production, data and backups (pg_dump) would silently part ways."""
    database = settings.DATABASES["default"]
    default_file = str(settings.BASE_DIR / "db.sqlite3")
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) == default_file:
        return [
            checks.Error(
                "DATABASE_URL is not set: the portal would keep its data in the local SQLite "
                "file db.sqlite3.",
                hint="Set DATABASE_URL to the PostgreSQL database (README, Produktion).",
                id="transfer_portal.E001",
            )
        ]
    return []


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_configured(app_configs, **kwargs):
    """gunicorn runs several processes: without Redis each has its own page cache (an edit
    shows in the others only when their copy expires) and its own login rate limits."""
    if settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: every process keeps its own cache and login rate limits.",
            hint="Set REDIS_URL unless gunicorn runs a single process (GUNICORN_WORKERS=1).",
            id="transfer_portal.W001",
        )
    ]


def _local(host):
    """localhost, a loopback or an unspecified address (127.0.1.1, ::1, 0.0.0.0 …)."""
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(deploy=True)
def public_addresses_configured(app_configs, **kwargs):
    """Links in e-mails, calendar files and feeds are built from SITE_URL, and mail goes
    out from DEFAULT_FROM_EMAIL: their local defaults would send participants cancel links
    to 127.0.0.1 and mail from an address nobody can answer."""
    findings = []
    site = urlsplit(settings.SITE_URL)
    if _local(site.hostname):
        findings.append(
            checks.Error(
                f"SITE_URL is {settings.SITE_URL!r}: links in e-mails, calendar files and "
                "feeds would lead to this machine.",
                hint="Set SITE_URL to the portal's public address, e.g. https://transfer.example.org.",
                id="transfer_portal.E002",
            )
        )
    elif site.scheme != "https":
        findings.append(
            checks.Warning(
                f"SITE_URL {settings.SITE_URL!r} is not an https address.",
                hint="The portal is served over TLS (SECURE_SSL_REDIRECT); links should say so.",
                id="transfer_portal.W002",
            )
        )
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ").lower()
    if _local(domain.strip("[]")) or "." not in domain:
        findings.append(
            checks.Error(
                f"DJANGO_DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: mail from it "
                "cannot be answered or delivered.",
                hint="Set DJANGO_DEFAULT_FROM_EMAIL to the portal's sender address.",
                id="transfer_portal.E003",
            )
        )
    if not settings.MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
        findings.append(
            checks.Warning(
                "DJANGO_EMAIL_HOST is not set: e-mails (registrations, sign-up, password "
                "reset) are only written to the log or to files, never sent.",
                hint="Set DJANGO_EMAIL_HOST and its access data (README, Betrieb).",
                id="transfer_portal.W003",
            )
        )
    return findings
