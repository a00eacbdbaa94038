"""Database outages, health checks, security headers and two-factor login for staff."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    monkeypatch.setattr(BaseDatabaseWrapper, "_cursor", refuse)


def test_public_page_gives_a_friendly_german_503_when_the_database_is_down(seeded, database_down):
    client = Client(raise_request_exception=False)
    response = client.get("/modellprojekte/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Das Portal ist vorübergehend nicht erreichbar" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert response["Retry-After"] == "60"


def test_healthz_answers_503_when_the_database_is_down(database_down):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


def test_the_portal_recovers_by_itself_when_the_database_is_back(seeded, monkeypatch):
    client = Client(raise_request_exception=False)
    original = BaseDatabaseWrapper.cursor

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    assert client.get("/themen/").status_code == 503
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", original)
    assert client.get("/themen/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_other_errors_get_the_500_page_not_the_503_page(rf):
    from transfer_portal.portal.views import server_error

    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Ein technischer Fehler ist aufgetreten" in response.content.decode()


def test_security_headers_on_every_page(client, seeded):
    for url in ["/", "/modellprojekte/", "/admin/login/", "/konto/login/"]:
        response = client.get(url)
        assert response["Permissions-Policy"].startswith("camera=()")
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


class TestTwoFactorForStaff:
    @pytest.fixture(autouse=True)
    def require_mfa(self, settings):
        settings.ADMIN_REQUIRE_MFA = True

    def test_staff_without_totp_is_sent_to_set_it_up(self, editor_client):
        response = editor_client.get("/admin/", follow=True)
        assert ("/konto/2fa/totp/activate/", 302) in response.redirect_chain
        assert "Zwei-Faktor-Authentifizierung" in response.content.decode()

    def test_staff_with_totp_may_use_the_admin_after_giving_a_code(self, client, editor):
        from tests.auth import log_in_with_totp, set_up_totp

        set_up_totp(editor)
        log_in_with_totp(client, editor)
        assert client.get("/admin/").status_code == 200

    def test_a_session_without_the_code_is_asked_for_it_once_more(self, editor_client, editor):
        """Logged in before the app was set up (or around allauth's login): not an editor
        until the session passed the second factor."""
        from tests.auth import code_to_type, set_up_totp

        set_up_totp(editor)
        response = editor_client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == "/konto/2fa/reauthenticate/?next=%2Fadmin%2F"
        again = editor_client.post(response.redirect_chain[-1][0], {"code": code_to_type()})
        assert again.status_code == 302
        assert editor_client.get("/admin/").status_code == 200

    def test_admin_login_form_is_allauths(self, client):
        response = client.get("/admin/login/")
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/")

    def test_totp_is_available_to_every_account(self, member_client):
        response = member_client.get("/konto/2fa/")
        assert response.status_code == 200


class TestRateLimits:
    @pytest.fixture(autouse=True)
    def production_limits(self, settings):
        """The project's own limits, not a copy of them."""
        from transfer_portal import settings as project_settings

        settings.ACCOUNT_RATE_LIMITS = project_settings.ACCOUNT_RATE_LIMITS
        assert settings.ACCOUNT_RATE_LIMITS  # the project setting itself is not empty

    def test_failed_logins_from_one_address_are_limited_per_account(self, client, db):
        from tests import factories

        factories.user("ziel@example.org")
        pages = [
            client.post(
                "/konto/login/", {"login": "ziel@example.org", "password": "falsch"}
            ).content.decode()
            for _ in range(6)
        ]
        blocked = "Zu viele gescheiterte Anmeldeversuche"
        assert not any(blocked in page for page in pages[:5])
        assert blocked in pages[5]

    def test_password_reset_is_limited(self, client, db):
        statuses = [
            client.post("/konto/password/reset/", {"email": "jemand@example.org"}).status_code
            for _ in range(7)
        ]
        assert 429 in statuses

    def test_signup_is_limited_per_address(self, client, db):
        statuses = [
            client.post(
                "/konto/signup/",
                {"email": f"neu{n}@example.org", "password1": "x", "password2": "y"},
            ).status_code
            for n in range(22)
        ]
        assert statuses[-1] == 429

    def test_a_shorter_proxy_chain_than_configured_still_counts_per_client(
        self, client, settings, db
    ):
        """allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has fewer entries
        than the configured proxies; the portal uses the first entry instead."""
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

        def signup(n, forwarded_for):
            return client.post(
                "/konto/signup/",
                {"email": f"neu{n}@example.org", "password1": "x", "password2": "y"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=forwarded_for,
            ).status_code

        statuses = [signup(n, "198.51.100.7") for n in range(21)]
        assert 500 not in statuses
        assert statuses[-1] == 429
        assert signup(99, "203.0.113.9") == 200  # another client is not blocked

    def test_an_unreadable_forwarded_address_is_refused_not_an_error(self, client, settings, db):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
        response = client.post(
            "/konto/signup/",
            {"email": "neu@example.org", "password1": "x", "password2": "y"},
            HTTP_X_FORWARDED_FOR="<script>",
        )
        assert response.status_code == 403
        assert "<script>" not in response.content.decode()
