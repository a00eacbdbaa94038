"""Deployment checks (`manage.py check --deploy`) for what Django's own cannot know."""

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
