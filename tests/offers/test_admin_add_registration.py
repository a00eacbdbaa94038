"""An editor registers someone who signed up by phone: the portal's rules and e-mails."""

import pytest

from offers.models import Registration
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db

ADD_URL = "/admin/offers/registration/add/"
CLOSED = "Für diesen Termin kann die Teilnahme nicht mehr beantragt werden."


@pytest.fixture
def add(editor_client, django_capture_on_commit_callbacks):
    """Posts the add form; the e-mail goes out when the admin's transaction commits."""

    def post(date, **fields):
        data = {"event_date": date.pk, "name": "Paul Telefon", "email": "paul@example.org"}
        with django_capture_on_commit_callbacks(execute=True):
            return editor_client.post(ADD_URL, data | fields, follow=True)

    return post


def test_the_add_page_asks_for_date_name_address_and_municipality(editor_client):
    html = editor_client.get(ADD_URL).content.decode()
    for name in ("event_date", "name", "email", "municipality"):
        assert f'name="{name}"' in html
    assert 'name="state"' not in html  # the rules decide, not the editor


def test_a_free_place_is_confirmed_then_the_waiting_list_follows(add, editor_client, mailoutbox):
    date = factories.event_date(capacity=1)
    page = add(date).content.decode()
    assert "Paul Telefon: bestätigt. Die E-Mail dazu geht jetzt hinaus." in page
    assert Registration.objects.get(email="paul@example.org").state == State.CONFIRMED
    assert mailoutbox[0].to == ["paul@example.org"]

    add(date, name="Wera Warte", email="wera@example.org")
    assert Registration.objects.get(email="wera@example.org").state == State.WAITING
    assert len(mailoutbox) == 2


def test_a_second_registration_of_an_address_is_refused_on_the_form(add, editor_client, mailoutbox):
    date = factories.event_date()
    factories.registration(date, email="paul@example.org")
    response = add(date, email="PAUL@example.org")
    assert response.status_code == 200
    html = response.content.decode()
    # Said to the editor: not the advice to the person about their spam folder.
    assert "Diese E-Mail-Adresse nimmt an diesem Termin bereits teil." in html
    assert "Spam" not in html
    assert date.registrations.count() == 1 and mailoutbox == []


@pytest.mark.parametrize("state", [State.CONFIRMED, State.WAITING])
def test_correcting_an_address_to_one_already_registered_is_refused(editor_client, state):
    date = factories.event_date()
    factories.registration(date, email="paul@example.org", state=state)
    other = factories.registration(date, name="Wera Warte", email="wera@example.org")
    url = f"/admin/offers/registration/{other.pk}/change/"
    data = {"name": "Wera Warte", "email": "PAUL@example.org", "municipality": ""}
    response = editor_client.post(url, data)
    assert response.status_code == 200  # the form again, with the message – not a 500
    assert "Diese E-Mail-Adresse nimmt an diesem Termin bereits teil." in (
        response.content.decode()
    )
    other.refresh_from_db()
    assert other.email == "wera@example.org"


def test_an_address_can_be_corrected_and_is_stored_normalised(editor_client):
    date = factories.event_date()
    factories.registration(date, email="paul@example.org", state=State.CANCELLED)
    other = factories.registration(date, email="wera@example.org")
    url = f"/admin/offers/registration/{other.pk}/change/"
    data = {"name": "Wera Warte", "email": " Paul@Example.ORG ", "municipality": ""}
    assert editor_client.post(url, data).status_code == 302  # the cancelled one does not count
    other.refresh_from_db()
    assert other.email == "paul@example.org"


@pytest.mark.parametrize("fields", [{"cancelled": True}, {"days": -3}])
def test_no_registration_for_a_cancelled_or_past_date(add, editor_client, mailoutbox, fields):
    date = factories.event_date(**fields)
    response = add(date)
    assert CLOSED in response.content.decode()
    assert not Registration.objects.exists() and mailoutbox == []


def test_a_name_on_two_lines_is_refused(add, editor_client):
    date = factories.event_date()
    response = add(date, name="Paul\nBcc: x@evil.example")
    assert "Bitte geben Sie dies in einer Zeile ein." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_registration_closed_in_between_is_reported_not_a_500(
    add, editor_client, mailoutbox, monkeypatch
):
    from offers import services

    date = factories.event_date()

    def closed(*args, **kwargs):
        raise services.RegistrationClosed(CLOSED)

    monkeypatch.setattr(services, "register", closed)
    response = add(date)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == ADD_URL
    assert CLOSED in response.content.decode()
    assert not Registration.objects.exists()


def test_the_dates_page_links_to_registering_someone_for_it(editor_client):
    date = factories.event_date()
    html = editor_client.get(f"/admin/offers/eventdate/{date.pk}/change/").content.decode()
    link = f"/admin/offers/registration/add/?event_date={date.pk}"
    assert f'<a href="{link}">Jemanden eintragen (z. B. telefonisch)</a>' in html
    form = editor_client.get(link).content.decode()
    assert f'<option value="{date.pk}" selected>' in form


def test_no_email_goes_out_for_a_registration_that_is_rolled_back(
    editor_client, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from offers.admin import RegistrationAdmin

    def fails(self, request, obj, message):
        raise RuntimeError("after the registration, before the commit")

    monkeypatch.setattr(RegistrationAdmin, "log_addition", fails)
    editor_client.raise_request_exception = False
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            ADD_URL,
            {"event_date": factories.event_date().pk, "name": "Paul", "email": "paul@example.org"},
        )
    assert response.status_code == 500
    assert not Registration.objects.exists()
    assert mailoutbox == []
