"""Requests not confirmed yet, as editors see them: labelled, filterable, never participants."""

import csv
import io

import pytest

from offers.models import Registration
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db

LIST = "/admin/offers/registration/"


def _csv_names(response):
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    return [row[3] for row in rows[1:]]


@pytest.fixture
def date_with_request():
    date = factories.event_date(capacity=3)
    factories.registration(date, name="Bestätigt")
    request, _token = factories.pending_request(date, name="Angefragt")
    return date, request


def test_the_list_labels_requests_and_filters_them(editor_client, date_with_request):
    _date, request = date_with_request
    html = editor_client.get(LIST).content.decode()
    assert "<em>noch nicht bestätigt: hält keinen Platz; bestätigen möglich bis " in html
    filtered = editor_client.get(LIST, {"state__exact": State.PENDING})
    assert [r.pk for r in filtered.context["cl"].result_list] == [request.pk]
    assert "noch nicht bestätigt</a>" in filtered.content.decode()  # the filter's choice


def test_a_dates_page_counts_requests_apart_and_lists_only_participants(
    editor_client, date_with_request
):
    date, request = date_with_request
    html = editor_client.get(f"/admin/offers/eventdate/{date.pk}/change/").content.decode()
    base = f"/admin/offers/registration/?event_date__id__exact={date.pk}"
    assert f'<a href="{base}&amp;state__exact=unbestaetigt">1 noch nicht bestätigt</a>' in html
    assert "2 Plätze frei" in html  # the request holds none
    assert f'href="/admin/offers/registration/{request.pk}/change/"' not in html  # not inline
    other = factories.event_date()
    factories.registration(other)
    html = editor_client.get(f"/admin/offers/eventdate/{other.pk}/change/").content.decode()
    assert "noch nicht bestätigt</a>" not in html  # only said when there are any


def test_exports_leave_requests_out(editor_client, date_with_request):
    date, request = date_with_request
    by_date = editor_client.post(
        "/admin/offers/eventdate/",
        {"action": "export_registrations", "_selected_action": [date.pk]},
    )
    assert _csv_names(by_date) == ["Bestätigt"]
    chosen = editor_client.post(LIST, {"action": "export", "_selected_action": [request.pk]})
    assert _csv_names(chosen) == []


def test_a_request_can_be_seen_and_deleted_but_not_edited(editor_client, date_with_request):
    _date, request = date_with_request
    url = f"/admin/offers/registration/{request.pk}/change/"
    page = editor_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name"' not in html  # read-only
    assert "Bestätigen möglich bis" in html
    response = editor_client.post(url, {"name": "Umbenannt", "email": request.email})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.name == "Angefragt"
    delete = editor_client.post(f"/admin/offers/registration/{request.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    assert not Registration.objects.filter(pk=request.pk).exists()


def test_cancelling_in_the_list_leaves_requests_alone(editor_client, date_with_request, mailoutbox):
    _date, request = date_with_request
    editor_client.post(LIST, {"action": "cancel", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.state == State.PENDING and mailoutbox == []


def test_an_editor_enters_a_phone_registration_at_once_despite_a_request(
    editor_client, django_capture_on_commit_callbacks, mailoutbox
):
    date = factories.event_date()
    request, _token = factories.pending_request(date, email="paul@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            "/admin/offers/registration/add/",
            {"event_date": date.pk, "name": "Paul Telefon", "email": "paul@example.org"},
        )
    registration = date.registrations.get()
    assert (registration.name, registration.state) == ("Paul Telefon", State.CONFIRMED)
    assert not Registration.objects.filter(pk=request.pk).exists()
    [message] = mailoutbox
    assert "/bestaetigen/" not in message.body


def test_changing_a_date_tells_the_editor_only_about_participants(
    date_with_request, django_capture_on_commit_callbacks
):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    from offers.admin import announce_changes_on_commit

    date, _request = date_with_request
    date.location = "Neuer Ort"
    date.save()
    request = RequestFactory().post("/admin/")
    request._messages = CookieStorage(request)
    with django_capture_on_commit_callbacks(execute=False):
        announce_changes_on_commit(request, [date])
    [message] = [str(message) for message in request._messages]
    assert "wurde geändert: 1 " in message  # the participant, not the request


def test_staff_with_view_rights_only_see_a_registration_read_only(client):
    """The change form added a validator to the name field, which a read-only page does
    not have: a server error for view-only staff (and for requests, which are read-only)."""
    from django.contrib.auth.models import Permission

    from tests import factories as portal

    clerk = portal.user("nur-lesen@example.org", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(clerk)
    registration = factories.registration()
    page = client.get(f"/admin/offers/registration/{registration.pk}/change/")
    assert page.status_code == 200
    assert registration.name in page.content.decode()
