"""Settings of the transfer portal, configured by environment variables.

Local development needs no variables at all (SQLite file, DEBUG on). Production sets
at least DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL;
the WSGI entry point defaults DJANGO_DEBUG to 0, so gunicorn never runs in debug mode
by accident.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    normalized = value.strip().lower()
    if normalized in {"1", "true", "yes", "on"}:
        return True
    if normalized in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG=0) refuses to start "
            "without a secret key of its own."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "transfer_portal.portal.views.csrf_failure"  # German, in the portal's design
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The three layers (README, "Aufbau"): the portal features on top, the domain apps, the
    # shared library at the bottom; transfer_portal itself is the configuration.
    "transfer_portal.portal",
    "projects",
    "surveys",
    "offers",
    "transfer_portal.lib",
    "transfer_portal.lib.admin_config.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
]

# The apps whose content editors maintain (by app label), in the order their initial content
# loads: page cache invalidation, the editor group's permissions and the content commands
# all go by this one list.
PORTAL_CONTENT_APPS = ("transfer_portal", "projects", "surveys", "offers")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "transfer_portal.lib.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "transfer_portal.lib.editors.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "transfer_portal.lib.middleware.PermissionsPolicyMiddleware",
    "transfer_portal.lib.middleware.MethodNotAllowedPageMiddleware",
    "transfer_portal.lib.middleware.RenamedSlugMiddleware",
    "transfer_portal.lib.page_cache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "transfer_portal.urls"
WSGI_APPLICATION = "transfer_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "transfer_portal.lib.context_processors.portal",
            ],
        },
    },
    {
        # The list partials (transfer_portal/lib/jinja.py); Django templates call them
        # with {% jinja %}.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "transfer_portal.lib.jinja.environment"},
    },
]

# Database: SQLite inside the project unless DATABASE_URL names another one.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The covering indexes of projects.Measure and Insight (for a topic page's counts on
    # PostgreSQL) are plain indexes here: SQLite has no non-key columns, and says so.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # QuerySet.iterator() – which a ModelChoiceField uses for its options (the municipality
    # select of the registration form, the admin's selects) – would otherwise DECLARE a
    # server-side cursor WITH HOLD: three round trips (~1.3 ms) for a few hundred rows.
    # The portal iterates over no result too large to fetch at once (no .iterator() of its
    # own; exports and feeds load their rows in full anyway).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Parameters bound by the server, and a statement run a second time on a connection is
    # prepared there: PostgreSQL plans each of a page's queries once per connection instead
    # of on every request (0.3–0.7 ms each on the benchmark data, a third of a page's SQL
    # time). Behind a pooler in transaction mode (PgBouncer before 1.21) prepared statements
    # do not work: set DJANGO_DB_PREPARE_THRESHOLD=0 there to turn them off.
    _prepare = env_int("DJANGO_DB_PREPARE_THRESHOLD", 2)
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": _prepare if _prepare > 0 else None,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory unless REDIS_URL points to a shared Redis.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    _redis = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # An unreachable or hanging Redis must not hold a request for long: the page
        # cache then renders uncached (transfer_portal/lib/page_cache.py).
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
    _prefix = env_str("DJANGO_CACHE_PREFIX", "transfer_portal")
    # "pages": the anonymous page cache, on its own alias (and key prefix).
    CACHES = {
        "default": {**_redis, "KEY_PREFIX": _prefix},
        "pages": {**_redis, "KEY_PREFIX": f"{_prefix}:pages"},
    }
    # Sessions are read from Redis and written through to PostgreSQL: a Redis restart or
    # outage (Redis keeps nothing on disk) logs nobody out.
    SESSION_ENGINE = "transfer_portal.lib.sessions"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
# Anonymous visitors get pages from the cache (transfer_portal/lib/page_cache.py); 0 turns it
# off.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 0 if DEBUG else 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: e-mail address as login, verified before the account can be used.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The owner hears of a changed password or address (with address and browser of the
# change): an account taken over does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Transferportal] "
ACCOUNT_ADAPTER = "transfer_portal.lib.account_adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "transfer_portal.lib.account_adapter.user_display"
# Behind a reverse proxy every request comes from the proxy's address: the number of
# proxies tells allauth which X-Forwarded-For entry is the client's, for its rate limits
# and the question form's (1 behind the nginx of README, Betrieb; 0 without a proxy).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# Failed logins: per address 20 a minute; per address and account 5 in five minutes and
# 20 an hour (the key is both, transfer_portal/account_adapter.py), so a stranger cannot
# lock the owner out from elsewhere; per account from all addresses together 200 an hour,
# which takes ten addresses at their limit at once. Password reset mails: 3 an hour to one
# address, so that the form cannot be used to flood someone's mailbox.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/5m/key,20/h/key",
    "login_failed_account": "200/h/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,3/h/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff must set up TOTP before the admin opens. On by default in production; a local
# try-out (DEBUG) may switch it off so that the printed editor account works at once.
ADMIN_REQUIRE_MFA = env_bool("DJANGO_ADMIN_REQUIRE_MFA", not DEBUG)
MFA_TOTP_ISSUER = "Transferportal DABB"
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
# Formal German ("Sie") for django-allauth, whose own German catalogue says "du".
# transfer_portal/locale: the configuration's, library's and portal features' German texts
# and those of the project-wide templates (bin/makemessages transfer_portal).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "transfer_portal" / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless an SMTP host is configured.
_email_host = env_str("DJANGO_EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("DJANGO_EMAIL_PORT", 587),
                "username": env_str("DJANGO_EMAIL_HOST_USER"),
                "password": env_str("DJANGO_EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
elif env_str("DJANGO_EMAIL_FILE_PATH"):
    # Without a mail server, e-mails as files in this folder instead of on the console
    # (a local try-out that wants to click the links; the operations tests read them).
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env_str("DJANGO_EMAIL_FILE_PATH")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "transferportal@localhost")

# Every mail is stored and delivered by a background task (transfer_portal/lib/mail.py):
# the worker `manage.py db_worker` runs them from the database, no further server needed
# (`manage.py serve` starts one along). A failed send is tried again after these pauses,
# then the mail waits in the admin as failed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MAIL_RETRY_SECONDS = [
    int(value)
    for value in env_list("DJANGO_MAIL_RETRY_SECONDS", ["60", "300", "900", "3600", "14400"])
]
# /healthz reports mail that has waited longer than this (a worker down, a mail server
# refusing); sent mail is deleted after MAIL_RETENTION_DAYS, failed mail after 30 days.
MAIL_BACKLOG_MINUTES = env_int("DJANGO_MAIL_BACKLOG_MINUTES", 15, minimum=1)
MAIL_RETENTION_DAYS = env_int("DJANGO_MAIL_RETENTION_DAYS", 7, minimum=1)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Questions to model projects without a contact person go to DABB at this address.
PORTAL_CONTACT_EMAIL = env_str("DJANGO_PORTAL_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
# Retention (DSGVO), applied daily by `manage.py purge_personal_data` and shown on the
# privacy page from these same values.
REGISTRATION_RETENTION_DAYS = env_int("DJANGO_REGISTRATION_RETENTION_DAYS", 90)
UNVERIFIED_ACCOUNT_DAYS = env_int("DJANGO_UNVERIFIED_ACCOUNT_DAYS", 30)
# Survey results by segment (Landkreis, kind, size class): a count under this many
# municipalities is shown as "weniger als …", with further cells hidden so that it cannot
# be worked out from the totals (surveys/suppression.py).
SURVEY_MIN_GROUP_SIZE = env_int("DJANGO_SURVEY_MIN_GROUP_SIZE", 5, minimum=2)
QUESTION_RATE_LIMIT = env_int("DJANGO_QUESTION_RATE_LIMIT", 5, minimum=1)  # per address, hour
# Registering for a date through the portal: the link in the e-mail that confirms the
# address holds for this many hours (at the latest until registration closes); requests
# per client address and per e-mail address and hour.
REGISTRATION_CONFIRM_HOURS = env_int("DJANGO_REGISTRATION_CONFIRM_HOURS", 24, minimum=1)
REGISTRATION_RATE_LIMIT_IP = env_int("DJANGO_REGISTRATION_RATE_LIMIT_IP", 10, minimum=1)
REGISTRATION_RATE_LIMIT_EMAIL = env_int("DJANGO_REGISTRATION_RATE_LIMIT_EMAIL", 3, minimum=1)
# The editors' monthly list of content whose sources were last checked longer ago than this
# (send_freshness_report; transfer_portal/portal/freshness.py).
FRESHNESS_MONTHS = env_int("DJANGO_FRESHNESS_MONTHS", 12, minimum=1)
# The reminder to everyone confirmed for a date, this many days before it (send_date_reminders).
DATE_REMINDER_DAYS = env_int("DJANGO_DATE_REMINDER_DAYS", 2, minimum=1)
# Subscribing to the digest without an account: the confirmation link holds for this many
# hours; requests per client address and per e-mail address and hour (as for dates).
SUBSCRIPTION_CONFIRM_HOURS = env_int("DJANGO_SUBSCRIPTION_CONFIRM_HOURS", 48, minimum=1)
SUBSCRIPTION_RATE_LIMIT_IP = env_int("DJANGO_SUBSCRIPTION_RATE_LIMIT_IP", 10, minimum=1)
SUBSCRIPTION_RATE_LIMIT_EMAIL = env_int("DJANGO_SUBSCRIPTION_RATE_LIMIT_EMAIL", 3, minimum=1)

# Security. Scripts and styles come only from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # django.tasks logs every task's start and end at INFO: one pair per e-mail.
    "loggers": {"django.db.backends": {"level": "INFO"}, "django.tasks": {"level": "WARNING"}},
}

# Benchmark mode (benchmarks/run.sh) adds the two floor views under /benchmark/.
BENCHMARK_MODE = env_bool("DJANGO_BENCHMARK_MODE", False)

# Local editor and participant accounts created by `manage.py serve` on a fresh database.
LOCAL_DEMO_ACCOUNTS = DEBUG
