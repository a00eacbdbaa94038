"""The editors' side: offers with their dates, registrations per date with counts, CSV export."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Permission

from offers.models import Registration
from tests import factories as portal
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db


def _csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_editors_have_every_permission_of_the_offers_app(editor):
    for model in ["contact", "offer", "eventdate", "registration"]:
        for action in ["view", "add", "change", "delete"]:
            assert editor.has_perm(f"offers.{action}_{model}")


def test_admin_pages_of_the_offers_app_open_for_editors(editor_client):
    date = factories.event_date()
    factories.registration(date)
    for url in [
        "/admin/offers/offer/",
        f"/admin/offers/offer/{date.offer.pk}/change/",
        "/admin/offers/offer/add/",
        "/admin/offers/eventdate/",
        f"/admin/offers/eventdate/{date.pk}/change/",
        "/admin/offers/registration/",
        "/admin/offers/contact/",
        f"/admin/offers/contact/{date.offer.contact.pk}/change/",
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_offer_admin_edits_dates_inline(editor_client):
    offer = factories.offer()
    factories.event_date(offer, title="Grundlagen")
    html = editor_client.get(f"/admin/offers/offer/{offer.pk}/change/").content.decode()
    assert 'name="dates-0-title"' in html
    assert 'value="Grundlagen"' in html


def test_date_changelist_counts_registrations_per_state(editor_client):
    date = factories.event_date(capacity=2)
    for state in [State.CONFIRMED, State.CONFIRMED, State.WAITING, State.CANCELLED]:
        factories.registration(date, state=state)
    other = factories.event_date()
    response = editor_client.get("/admin/offers/eventdate/")
    rows = {row.pk: row for row in response.context["cl"].result_list}
    counts = (rows[date.pk].confirmed_count, rows[date.pk].waiting_count)
    assert counts == (2, 1)
    assert rows[date.pk].cancelled_count == 1
    assert (rows[other.pk].confirmed_count, rows[other.pk].cancelled_count) == (0, 0)


def test_editors_export_registrations_of_dates_as_csv(editor_client):
    municipality = portal.municipality(name="Testdorf")
    date = factories.event_date(title="Grundlagen")
    factories.registration(
        date, name="Erika Muster", email="e@example.org", municipality=municipality
    )
    factories.registration(date, name="=HYPERLINK(1)", email="x@example.org", state=State.WAITING)
    factories.registration(factories.event_date(), name="Anderer Termin")
    response = editor_client.post(
        "/admin/offers/eventdate/",
        {"action": "export_registrations", "_selected_action": [date.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = _csv_rows(response)
    assert header[:7] == ["Angebot", "Termin", "Beginn", "Name", "E-Mail", "Kommune", "Status"]
    assert [row[3:7] for row in rows] == [
        ["Erika Muster", "e@example.org", "Testdorf", "bestätigt"],
        ["'=HYPERLINK(1)", "x@example.org", "", "auf der Warteliste"],
    ]
    assert rows[0][1] == "Grundlagen"


def test_the_registrations_export_is_byte_for_byte_as_before(editor_client):
    """What the export wrote before the shared writer (transfer_portal/lib/spreadsheets.py):
    semicolons, a byte-order mark, defused formulas, local times."""
    moment = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        date = factories.event_date(
            factories.offer(title="-Werkstatt; digital"), title='Teil "1"', days=14
        )
        factories.registration(
            date,
            name="Jörg Müller",
            email="j@example.org",
            municipality=portal.municipality(name="Testdorf"),
        )
        factories.registration(
            date, name="=HYPERLINK(1)", email="x@example.org", state=State.WAITING
        )
        factories.registration(
            date,
            name="Weg\nGegangen",
            email="w@example.org",
            state=State.CANCELLED,
            cancelled_at=moment + datetime.timedelta(hours=1),
        )
    response = editor_client.post(
        "/admin/offers/eventdate/",
        {"action": "export_registrations", "_selected_action": [date.pk]},
    )
    assert response["Content-Disposition"] == 'attachment; filename="anmeldungen.csv"'
    offer_and_date = '"\'-Werkstatt; digital";"Teil ""1""";16.03.2026 10:30;'
    assert (
        response.content
        == (
            "\ufeffAngebot;Termin;Beginn;Name;E-Mail;Kommune;Status;Eingetragen am;Abgesagt am\r\n"
            f"{offer_and_date}Jörg Müller;j@example.org;Testdorf;bestätigt;02.03.2026 10:30;\r\n"
            f"{offer_and_date}'=HYPERLINK(1);x@example.org;;auf der Warteliste;"
            "02.03.2026 10:30;\r\n"
            f'{offer_and_date}"Weg\nGegangen";w@example.org;;abgesagt;02.03.2026 10:30;'
            "02.03.2026 11:30\r\n"
        ).encode()
    )


def test_staff_without_registration_rights_cannot_export(client):
    clerk = portal.user("sachbearbeitung@example.org", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_eventdate", "change_eventdate"])
    )
    client.force_login(clerk)
    date = factories.event_date()
    factories.registration(date)
    page = client.get("/admin/offers/eventdate/")
    assert page.status_code == 200
    assert "export_registrations" not in page.content.decode()
    response = client.post(
        "/admin/offers/eventdate/",
        {"action": "export_registrations", "_selected_action": [date.pk]},
    )
    assert response.get("Content-Type", "").startswith("text/html")


def test_registration_export_action_exports_the_selection(editor_client):
    chosen = factories.registration(name="Ausgewählt")
    factories.registration(name="Nicht ausgewählt")
    response = editor_client.post(
        "/admin/offers/registration/", {"action": "export", "_selected_action": [chosen.pk]}
    )
    _header, *rows = _csv_rows(response)
    assert [row[3] for row in rows] == ["Ausgewählt"]


def test_cancelling_in_the_admin_moves_the_waiting_list_up(editor_client, mailoutbox):
    date = factories.event_date(capacity=1)
    confirmed = factories.registration(date)
    waiting = factories.registration(date, state=State.WAITING)
    editor_client.post(
        "/admin/offers/registration/", {"action": "cancel", "_selected_action": [confirmed.pk]}
    )
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert (confirmed.state, waiting.state) == (State.CANCELLED, State.CONFIRMED)
    assert [m.to for m in mailoutbox] == [[confirmed.email], [waiting.email]]
    assert mailoutbox[0].subject.startswith("[Transferportal] Wir haben Ihre Teilnahme abgesagt: ")


def test_the_state_of_a_registration_cannot_be_edited_by_hand(editor_client):
    registration = factories.registration(state=State.WAITING)
    html = editor_client.get(
        f"/admin/offers/registration/{registration.pk}/change/"
    ).content.decode()
    assert 'name="state"' not in html
    # Adding one goes through the portal's rules (test_admin_add_registration.py).
    add_page = editor_client.get("/admin/offers/registration/add/")
    assert add_page.status_code == 200
    assert 'name="state"' not in add_page.content.decode()


def test_more_places_in_the_admin_move_the_waiting_list_up(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    date = factories.event_date(capacity=1)
    factories.registration(date)
    waiting = factories.registration(date, state=State.WAITING)
    local, end = date.starts_at.astimezone(), date.ends_at.astimezone()
    data = {
        "offer": date.offer.pk,
        "title": date.title,
        "starts_at_0": local.strftime("%d.%m.%Y"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%d.%m.%Y"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "location": "",
        "capacity": "2",
        "registration_deadline_0": "",
        "registration_deadline_1": "",
        "registration_enabled": "on",
        "registrations-TOTAL_FORMS": "2",
        "registrations-INITIAL_FORMS": "2",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
        "registrations-0-id": date.registrations.order_by("pk")[0].pk,
        "registrations-0-event_date": date.pk,
        "registrations-1-id": waiting.pk,
        "registrations-1-event_date": date.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/offers/eventdate/{date.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    assert [m.to for m in mailoutbox] == [[waiting.email]]  # only more places: no news


def test_the_dates_inline_shows_what_an_editor_needs_at_a_glance(editor_client):
    date = factories.event_date()
    html = editor_client.get(f"/admin/offers/offer/{date.offer.pk}/change/").content.decode()
    for field in ["title", "starts_at_0", "ends_at_0", "location", "capacity", "cancelled"]:
        assert f'name="dates-0-{field}"' in html
    for field in ["registration_deadline_0", "registration_enabled", "all_day", "is_sample"]:
        assert f'name="dates-0-{field}"' not in html
    assert f'href="/admin/offers/eventdate/{date.pk}/change/"' in html


def test_the_admin_has_no_app_list_beside_each_page(editor_client):
    html = editor_client.get("/admin/offers/eventdate/").content.decode()
    assert 'id="nav-sidebar"' not in html


def test_a_dates_page_sums_up_its_registrations_with_links(editor_client):
    date = factories.event_date(capacity=3)
    confirmed = factories.registration(date)
    factories.registration(date, state=State.WAITING)
    factories.registration(date, state=State.CANCELLED)
    html = editor_client.get(f"/admin/offers/eventdate/{date.pk}/change/").content.decode()
    base = f"/admin/offers/registration/?event_date__id__exact={date.pk}"
    assert f'<a href="{base}&amp;state__exact=bestaetigt">1 bestätigt</a>' in html
    assert f'<a href="{base}&amp;state__exact=warteliste">1 auf der Warteliste</a>' in html
    assert f'<a href="{base}&amp;state__exact=storniert">1 abgesagt</a>' in html
    assert "2 Plätze frei" in html
    assert f'<a href="{base}">Alle Anmeldungen dieses Termins</a>' in html
    assert f'href="/admin/offers/registration/{confirmed.pk}/change/"' in html  # inline link
    listed = editor_client.get(f"{base}&state__exact=bestaetigt")
    assert [r.pk for r in listed.context["cl"].result_list] == [confirmed.pk]


def test_the_dates_list_links_its_counts_and_puts_the_newest_first(editor_client):
    old = factories.event_date(days=-30)
    new = factories.event_date(days=30)
    factories.registration(new)
    response = editor_client.get("/admin/offers/eventdate/")
    assert [d.pk for d in response.context["cl"].result_list] == [new.pk, old.pk]
    link = f"/admin/offers/registration/?event_date__id__exact={new.pk}&amp;state__exact="
    assert f'<a href="{link}bestaetigt">1 bestätigt</a>' in response.content.decode()
    upcoming = editor_client.get("/admin/offers/eventdate/", {"zeitraum": "kommend"})
    assert [d.pk for d in upcoming.context["cl"].result_list] == [new.pk]
    past = editor_client.get("/admin/offers/eventdate/", {"zeitraum": "vergangen"})
    assert [d.pk for d in past.context["cl"].result_list] == [old.pk]


def test_a_photo_without_alternative_text_is_reported_at_that_field(
    editor_client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from offers.models import Contact

    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(
        "/admin/offers/contact/add/",
        {
            "name": "Foto Ohne Text",
            "email": "foto@example.org",
            "photo": SimpleUploadedFile("portrait.png", b"\x89PNG\r\n", "image/png"),
            "photo_alt": "  ",
            "position": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["photo_alt"] == ["Ein Foto braucht einen Alternativtext."]
    assert "__all__" not in form.errors  # not a second time at the top
    assert not Contact.objects.filter(name="Foto Ohne Text").exists()
