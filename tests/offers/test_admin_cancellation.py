"""A date cancelled in the admin: everyone still registered hears of it by e-mail."""

import pytest

from offers.models import Registration
from tests.offers import factories
from tests.transfer_portal.test_admin_site import form_data

State = Registration.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    date = factories.event_date(capacity=1, title="Werkstatt im Mai")
    confirmed = factories.registration(date, email="bestaetigt@example.org")
    waiting = factories.registration(date, state=State.WAITING, email="warte@example.org")
    factories.registration(date, state=State.CANCELLED, email="storniert@example.org")
    return date, confirmed, waiting


def _save(editor_client, url, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, form_data(editor_client, url, **changes), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_cancelling_on_the_dates_page_tells_everyone_registered(
    editor_client, mailoutbox, django_capture_on_commit_callbacks, registered
):
    date, confirmed, waiting = registered
    page = _save(
        editor_client,
        f"/admin/offers/eventdate/{date.pk}/change/",
        django_capture_on_commit_callbacks,
        cancelled="on",
    )
    assert "2 eingetragene Personen werden per E-Mail informiert" in page
    assert sorted(m.to[0] for m in mailoutbox) == ["bestaetigt@example.org", "warte@example.org"]
    for message in mailoutbox:
        assert message.subject.startswith("[Transferportal] Abgesagt: ")
        assert "Werkstatt im Mai" in message.subject
        assert "wurde leider abgesagt" in message.body
        assert "stornieren" not in message.body  # nothing left to cancel
    by_address = {message.to[0]: message for message in mailoutbox}
    # Whoever had the entry in their calendar gets it back marked as cancelled (see
    # test_date_changes.py); the waiting list never had one.
    assert len(by_address["bestaetigt@example.org"].attachments) == 1
    assert by_address["warte@example.org"].attachments == []
    confirmed.refresh_from_db()
    assert confirmed.state == State.CONFIRMED  # kept as it was, for the record


def test_cancelling_in_the_offers_dates_table_tells_them_too(
    editor_client, mailoutbox, django_capture_on_commit_callbacks, registered
):
    date, _confirmed, _waiting = registered
    _save(
        editor_client,
        f"/admin/offers/offer/{date.offer.pk}/change/",
        django_capture_on_commit_callbacks,
        **{"dates-0-cancelled": "on"},
    )
    assert len(mailoutbox) == 2


def test_saving_a_date_that_stays_as_it_was_sends_nothing(
    editor_client, mailoutbox, django_capture_on_commit_callbacks, registered
):
    date, _confirmed, _waiting = registered
    url = f"/admin/offers/eventdate/{date.pk}/change/"
    # The title is not news for the people registered (test_date_changes.py).
    _save(editor_client, url, django_capture_on_commit_callbacks, title="Werkstatt (Mai)")
    assert mailoutbox == []
    date.cancelled = True
    date.save()
    data = form_data(editor_client, url, location="Cottbus")
    assert data["cancelled"] == "on"
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, data)
    assert mailoutbox == []  # already cancelled: no second message, nor one of a new place


def test_recording_that_a_past_date_was_cancelled_sends_nothing(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    date = factories.event_date(days=-20, title="Im Oktober")
    factories.registration(date)
    page = _save(
        editor_client,
        f"/admin/offers/eventdate/{date.pk}/change/",
        django_capture_on_commit_callbacks,
        cancelled="on",
    )
    assert mailoutbox == []
    assert "per E-Mail informiert" not in page
    date.refresh_from_db()
    assert date.cancelled
