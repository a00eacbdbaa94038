"""Production settings: refuse to start without a secret key, and pass check --deploy."""

import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2Lr9" * 6,
    "DJANGO_ALLOWED_HOSTS": "transfer.example.org",
    "DATABASE_URL": "sqlite:////tmp/transfer-portal-deploy-check.sqlite3",
    "DJANGO_EMAIL_HOST": "smtp.example.org",
    "DJANGO_DEFAULT_FROM_EMAIL": "Transferportal <transferportal@transfer.example.org>",
    "SITE_URL": "https://transfer.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # only named: the checks do not connect
}


def _manage(*args, env):
    # Only what `env` says: CI's own DATABASE_URL or REDIS_URL must not fill a gap here.
    inherited = ("DJANGO_", "DATABASE_URL", "REDIS_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_bad_boolean_is_refused_with_a_clear_message():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "vielleicht"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_REGISTRATION_CONFIRM_HOURS", "0", "must be at least 1, not 0"),
        ("DJANGO_REGISTRATION_RATE_LIMIT_IP", "-5", "must be at least 1, not -5"),
        ("DJANGO_REGISTRATION_RATE_LIMIT_EMAIL", "drei", "must be an integer, not 'drei'"),
    ],
)
def test_a_registration_limit_that_would_block_or_expire_everything_is_refused(
    variable, value, message
):
    """0 would make every confirmation link expire at once, or refuse every request."""
    result = _manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert f"{variable} {message}" in result.stderr


def test_without_a_mail_server_mail_can_go_to_files_and_check_deploy_still_warns(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_EMAIL_HOST"}
    env["DJANGO_EMAIL_FILE_PATH"] = str(tmp_path / "mails")
    result = _manage("check", "--deploy", env=env)
    assert "transfer_portal.W003" in result.stderr  # files are not delivered mail either
    sent = _manage("sendtestemail", "test@example.org", env=env)
    assert sent.returncode == 0, sent.stderr
    [mail_file] = (tmp_path / "mails").iterdir()
    assert "To: test@example.org" in mail_file.read_text()


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _settings_from(env, monkeypatch):
    """The settings module as a process with exactly `env` would build it – in this process:
    a subprocess per case costs a second of interpreter and Django start-up."""
    for name in list(os.environ):
        if name.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SITE_URL")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(ROOT / "transfer_portal" / "settings.py"))
    return {name: value for name, value in namespace.items() if name.isupper()}


@pytest.mark.parametrize(
    ("missing", "finding"),
    [
        ("DATABASE_URL", "transfer_portal.E001"),
        ("REDIS_URL", "transfer_portal.W001"),
        ("SITE_URL", "transfer_portal.E002"),
        ("DJANGO_DEFAULT_FROM_EMAIL", "transfer_portal.E003"),
        ("DJANGO_EMAIL_HOST", "transfer_portal.W003"),
    ],
)
def test_check_deploy_names_a_missing_setting(missing, finding, monkeypatch):
    """Only the one finding, and it names the variable to set (the whole `check --deploy`
    with every variable set runs as a subprocess above)."""
    from transfer_portal.lib import checks

    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    monkeypatch.setattr(checks, "settings", SimpleNamespace(**_settings_from(env, monkeypatch)))
    found = [
        message
        for check in (
            checks.database_configured,
            checks.shared_cache_configured,
            checks.public_addresses_configured,
        )
        for message in check(None)
    ]
    assert [message.id for message in found] == [finding]
    assert missing in found[0].msg + found[0].hint


@pytest.mark.parametrize(
    ("setting", "value", "finding"),
    [
        ("SITE_URL", "http://localhost:8000", "transfer_portal.E002"),
        ("SITE_URL", "https://127.0.1.1", "transfer_portal.E002"),
        ("SITE_URL", "http://0.0.0.0:8000", "transfer_portal.E002"),
        ("SITE_URL", "https://[::1]:8443", "transfer_portal.E002"),
        ("SITE_URL", "http://transfer.example.org", "transfer_portal.W002"),
        ("DEFAULT_FROM_EMAIL", "Portal <portal@localhost>", "transfer_portal.E003"),
    ],
)
def test_check_deploy_refuses_local_or_plain_http_addresses(settings, setting, value, finding):
    """The check itself, in this process: the variables reach these settings unchanged
    (the subprocess tests above show the way from the environment)."""
    from transfer_portal.lib.checks import public_addresses_configured

    settings.SITE_URL = PRODUCTION_ENV["SITE_URL"]
    settings.DEFAULT_FROM_EMAIL = PRODUCTION_ENV["DJANGO_DEFAULT_FROM_EMAIL"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    assert public_addresses_configured(None) == []
    setattr(settings, setting, value)
    assert [check.id for check in public_addresses_configured(None)] == [finding]


def test_the_wsgi_entry_point_defaults_to_production(monkeypatch):
    source = (ROOT / "transfer_portal" / "wsgi.py").read_text()
    assert 'os.environ.setdefault("DJANGO_DEBUG", "0")' in source


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    admin = client.get("/admin/login/")
    assert "frame-ancestors 'none'" in admin.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("threshold", "expected"), [(None, 2), ("5", 5), ("0", None)], ids=["default", "5", "off"]
)
def test_postgresql_prepares_repeated_statements_unless_turned_off(
    threshold, expected, monkeypatch
):
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://portal@db.example.org/portal"}
    if threshold is not None:
        env["DJANGO_DB_PREPARE_THRESHOLD"] = threshold
    options = _settings_from(env, monkeypatch)["DATABASES"]["default"]["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": expected}


@pytest.mark.django_db
def test_a_page_s_queries_are_prepared_when_it_is_shown_again(postgres_only, client):
    from django.db import connection

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {statement for (statement,) in cursor.fetchall()}

    before = prepared()
    for _ in range(3):
        assert client.get("/themen/").status_code == 200
    assert any("projects_topic" in statement for statement in prepared() - before)
