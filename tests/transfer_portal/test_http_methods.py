"""HTTP methods and the error pages around them: what a page does not take is a 405 with a
page a person can read, a stale form a German 403, a malformed request a German 400."""

import pytest
from django.test import Client

from offers.models import Registration
from tests.offers import factories as offer_factories

pytestmark = pytest.mark.django_db

READ_ONLY = [
    "/",
    "/modellprojekte/",
    "/modellprojekte/cottbus/",
    "/massnahmen/",
    "/erkenntnisse/",
    "/themen/",
    "/themen/mobilitaet/",
    "/umfragen/",
    "/umfragen/kommunalumfrage-2022/ergebnisse/",
    "/angebote/",
    "/angebote/schreibwerkstatt-digitalstrategien/",
    "/termine/",
    "/termine/archiv/",
    "/termine.ics",
    "/kontakt/",
    "/suche/?q=Beteiligung",
    "/daten/",
    "/daten/massnahmen.csv",
    "/feeds/neu.atom",
    "/feeds/themen/mobilitaet.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/impressum/",
    "/en/massnahmen/",
]


@pytest.mark.parametrize("path", READ_ONLY)
def test_read_only_addresses_take_get_and_head_only(client, seeded, path):
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path)
        assert response["Allow"] == "GET, HEAD"


def test_a_wrong_method_gets_a_page_that_says_what_happened(client, seeded):
    response = client.post("/massnahmen/")
    assert response.status_code == 405
    page = response.content.decode()
    assert "<h1>Diese Adresse kann so nicht aufgerufen werden</h1>" in page
    assert 'href="/"' in page
    english = client.post("/en/massnahmen/")
    assert "<h1>This address cannot be opened this way</h1>" in english.content.decode()


def test_opening_the_data_download_address_directly_is_explained(member_client):
    response = member_client.get("/konto/meine-daten/")  # only the profile's button posts
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Diese Adresse kann so nicht aufgerufen werden" in response.content.decode()


def test_forms_take_get_head_and_post_but_nothing_else(client, seeded, member_client):
    date = offer_factories.event_date(capacity=5)
    token = offer_factories.registration(date).cancel_token
    _request, confirm_token = offer_factories.pending_request(date)
    for path in (
        date.get_absolute_url(),
        "/modellprojekte/cottbus/frage/",
        "/massnahmen/cottbus-verkehrszaehlung/frage/",
        f"/anmeldung/{token}/stornieren/",
        f"/teilnahme/{confirm_token}/bestaetigen/",
    ):
        assert client.head(path).status_code == 200, path
        assert client.put(path).status_code == 405, path
        assert client.delete(path).status_code == 405, path
    for path in ("/konto/profil/", "/umfragen/kommune-waehlen/"):
        assert member_client.head(path).status_code == 200, path
        assert member_client.put(path).status_code == 405, path


def test_calendar_files_answer_head_requests(client, seeded):
    date = offer_factories.event_date()
    for path in ("/termine.ics", f"/termine/{date.pk}.ics"):
        response = client.head(path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")


class TestStaleForm:
    """A form sent without a valid CSRF token: a German page in the portal's design."""

    def test_german_page_with_a_link_back_to_the_form(self, seeded):
        date = offer_factories.event_date(capacity=5)
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(
            date.get_absolute_url(),
            {"name": "Erika", "email": "erika@example.org", "consent": "on"},
            HTTP_REFERER=f"http://testserver{date.get_absolute_url()}",
        )
        assert response.status_code == 403
        page = response.content.decode()
        assert "<h1>Das Formular konnte nicht gesendet werden</h1>" in page
        assert f'<a href="http://testserver{date.get_absolute_url()}">Zurück zum Formular</a>' in (
            page
        )
        assert 'class="site-header' in page  # the portal's layout, not Django's bare page
        assert not Registration.objects.exists()

    def test_no_link_back_to_another_host(self, seeded):
        response = Client(enforce_csrf_checks=True).post(
            "/modellprojekte/cottbus/frage/", HTTP_REFERER="https://evil.example/form/"
        )
        assert response.status_code == 403
        page = response.content.decode()
        assert "evil.example" not in page
        assert "Zurück zum Formular" not in page


def test_a_malformed_request_gets_the_german_400_page(client, seeded):
    response = client.get("/", HTTP_HOST="nicht-erlaubt.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Ungültige Anfrage</h1>" in page
    assert "Bad Request" not in page
