"""The offer pages, registering and cancelling through the web, seen by visitors and editors."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from offers.models import Registration
from tests import factories as portal
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db


def _form(**fields):
    return {"name": "Erika Musterfrau", "email": "erika@example.org", "privacy_consent": "on"} | (
        fields
    )


def test_offer_list_shows_twenty_offers_a_page_and_counts_all(client):
    for number in range(21):
        factories.offer(title=f"Angebot {number:02d}")
    first = client.get("/angebote/")
    assert first.status_code == 200
    assert len(first.context["listing"]["page"].object_list) == 20
    assert "21 Angebote" in first.text and "Seite 1 von 2" in first.text
    second = client.get("/angebote/", {"seite": "2"})
    assert [o.title for o in second.context["listing"]["page"].object_list] == ["Angebot 20"]


def test_offer_list_filters_by_topic_and_kind(client):
    topic = portal.topic(name="Partizipation", slug="partizipation-test")
    course = factories.offer(topics=[topic], title="Kurs A", kind="onlinekurs")
    workshop = factories.offer(topics=[topic], title="Werkstatt B", kind="werkstatt")
    factories.offer(title="Anderes Thema")

    response = client.get("/angebote/", {"thema": topic.slug})
    assert [o.pk for o in response.context["listing"]["page"].object_list] == [
        course.pk,
        workshop.pk,
    ]
    assert "Alles zum Thema Partizipation" in response.content.decode()

    response = client.get("/angebote/", {"thema": topic.slug, "art": "werkstatt"})
    assert [o.pk for o in response.context["listing"]["page"].object_list] == [workshop.pk]


def test_offer_list_with_an_unknown_filter_value_answers_400(client):
    assert client.get("/angebote/", {"art": "zauberei"}).status_code == 400


def test_the_kind_filter_offers_only_kinds_that_have_a_published_offer(client):
    factories.offer(kind="onlinekurs")
    factories.offer(kind="beratung", published=False)
    form = client.get("/angebote/").context["form"]
    assert [value for value, _label in form.fields["art"].choices] == ["", "onlinekurs"]
    # A kind without offers would always find nothing: not a choice, an old link says so.
    response = client.get("/angebote/", {"art": "beratung"})
    assert response.status_code == 400
    assert "Diesen Filterwert gibt es nicht (mehr)" in response.content.decode()


def test_editors_can_filter_by_the_topics_and_kinds_of_drafts(editor_client):
    topic = portal.topic(slug="entwurfsthema")
    draft = factories.offer(kind="beratung", published=False, topics=[topic])
    response = editor_client.get("/angebote/", {"thema": "entwurfsthema", "art": "beratung"})
    assert response.status_code == 200
    assert [offer.pk for offer in response.context["listing"]["page"].object_list] == [draft.pk]
    assert Client().get("/angebote/", {"art": "beratung"}).status_code == 400


def test_offer_list_title_names_the_filters(client):
    topic = portal.topic(name="Partizipation", slug="partizipation-test")
    factories.offer(topics=[topic], kind="onlinekurs")
    html = client.get("/angebote/", {"thema": topic.slug, "art": "onlinekurs"}).content.decode()
    assert "<title>Angebote – Thema: Partizipation, Art des Angebots: Onlinekurs – " in html
    html = client.get("/angebote/", {"art": "zauberei"}).content.decode()
    assert "<title>Fehler: Angebote – " in html


def test_drafts_are_hidden_from_visitors_but_shown_to_editors(editor_client):
    client = Client()
    draft = factories.offer(published=False, title="Entwurfsangebot")
    date = factories.event_date(draft)
    for url in ["/angebote/", "/termine/"]:
        assert "Entwurfsangebot" not in client.get(url).content.decode()
        assert "Entwurfsangebot" in editor_client.get(url).content.decode()
    for url in [draft.get_absolute_url(), date.get_absolute_url(), f"/termine/{date.pk}.ics"]:
        assert client.get(url).status_code == 404
        assert editor_client.get(url).status_code == 200
    assert "Entwurf" in editor_client.get(draft.get_absolute_url()).content.decode()


def test_offer_page_separates_upcoming_and_past_dates_and_shows_free_places(client):
    offer = factories.offer(external_url="https://kurs.example.org/")
    upcoming = factories.event_date(offer, days=5, capacity=10, title="Kommt noch")
    factories.registration(upcoming)
    past = factories.event_date(offer, days=-30, title="War schon")
    response = client.get(offer.get_absolute_url())
    assert response.context["dates"]["upcoming"] == [upcoming]
    assert response.context["dates"]["past"] == [past]
    html = response.content.decode()
    assert "9 von 10 Plätzen frei" in html
    assert "Vergangene Termine (Archiv)" in html
    assert "Vergangener Termin<" not in html  # the heading says it, no badge on each date
    assert 'href="https://kurs.example.org/"' in html
    assert offer.contact.email in html


def test_event_list_shows_upcoming_dates_and_the_archive_the_past_ones(client):
    upcoming = factories.event_date(days=3, title="Zukunft")
    past = factories.event_date(days=-3, title="Vergangenheit")
    listed = client.get("/termine/").context["listing"]["page"].object_list
    archived = client.get("/termine/archiv/").context["listing"]["page"].object_list
    assert list(listed) == [upcoming]
    assert list(archived) == [past]
    archive_html = client.get("/termine/archiv/").content.decode()
    assert "Diese Termine haben bereits stattgefunden" in archive_html


def test_date_list_titles_name_the_page(client):
    offer = factories.offer()
    for n in range(21):
        factories.event_date(offer, days=n + 1)
    member = Client()
    member.force_login(portal.user("teilnahme@example.org"))
    for visitor in (client, member):
        html = visitor.get("/termine/", {"seite": "2"}).content.decode()
        assert "<title>Termine – Seite 2 von 2 – " in html
    assert "<title>Vergangene Termine – " in client.get("/termine/archiv/").content.decode()


def test_a_date_only_entry_is_upcoming_for_its_whole_day_and_shows_no_invented_time(client):
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    date = factories.event_date(starts_at=midnight, all_day=True, title="Ganztags")
    assert list(client.get("/termine/").context["listing"]["page"].object_list) == [date]
    html = client.get(date.get_absolute_url()).content.decode()
    assert "ohne Uhrzeitangabe" in html
    assert "00:00" not in html


def test_contact_page_lists_published_contacts_with_their_offers(client):
    contact = factories.contact(name="Stefanie Beispiel", helps_with="Fragen zum Kurs.")
    factories.offer(contact=contact, title="Kurs der Person")
    factories.contact(name="Unveröffentlicht", published=False)
    html = client.get("/kontakt/").content.decode()
    assert "Stefanie Beispiel" in html
    assert "Fragen zum Kurs." in html
    assert "Kurs der Person" in html
    assert "Unveröffentlicht" not in html


def confirm_link(message):
    """The confirmation page's path from the e-mail to an unconfirmed address."""
    return re.search(r"https?://[^/\s]+(/\S*/bestaetigen/)", message.body).group(1)


def test_registering_through_the_form_holds_a_place_only_once_the_address_is_confirmed(
    client, mailoutbox
):
    date = factories.event_date(capacity=2)
    municipality = portal.municipality(name="Testdorf")
    page = client.get(date.get_absolute_url()).content.decode()
    assert "Erst wenn Sie Ihre Adresse damit bestätigt haben" in page  # said before sending
    response = client.post(
        date.get_absolute_url(), _form(municipality=municipality.pk), follow=True
    )
    assert response.redirect_chain == [(date.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "Fast geschafft: Wir haben eine E-Mail an erika@example.org geschickt." in html
    assert "2 von 2 Plätzen frei" in html  # the request holds no place
    request = date.registrations.get()
    assert (request.state, request.user) == (State.PENDING, None)
    [message] = mailoutbox

    url = confirm_link(message)
    assert client.get(url).status_code == 200  # a link preview confirms nothing
    request.refresh_from_db()
    assert request.state == State.PENDING
    assert client.post(url).status_code == 302
    request.refresh_from_db()
    assert (request.state, request.municipality) == (State.CONFIRMED, municipality)
    assert len(mailoutbox) == 2 and mailoutbox[1].attachments  # with the calendar entry
    assert "1 von 2 Plätzen frei" in client.get(date.get_absolute_url()).content.decode()


def test_a_member_with_a_verified_address_is_registered_at_once_and_linked(
    member_client, member, mailoutbox
):
    date = factories.event_date()
    response = member_client.get(date.get_absolute_url())
    assert response.context["form"].initial["email"] == member.email
    assert "Mit einer bestätigten E-Mail-Adresse Ihres Kontos" in response.content.decode()
    member_client.post(date.get_absolute_url(), _form(email=member.email.upper()))
    registration = date.registrations.get()
    assert (registration.state, registration.user) == (State.CONFIRMED, member)
    [message] = mailoutbox
    assert "/bestaetigen/" not in message.body


def test_a_member_with_an_unverified_address_confirms_it_like_anyone(member_client, member):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=member, email="zweit@example.org", verified=False)
    date = factories.event_date()
    member_client.post(date.get_absolute_url(), _form(email="zweit@example.org"))
    request = date.registrations.get()
    assert (request.state, request.user) == (State.PENDING, None)


def test_a_registered_member_reads_so_and_may_register_someone_else(member_client, member):
    date = factories.event_date()
    member_client.post(date.get_absolute_url(), _form(email=member.email))
    page = member_client.get(date.get_absolute_url())
    html = page.content.decode()
    assert "Ihre Teilnahme an diesem Termin ist bestätigt." in html
    assert "Teilnahme für eine weitere Person beantragen" in html
    assert page.context["form"].initial == {}  # not prefilled with the member's own data
    response = member_client.post(date.get_absolute_url(), _form(email="kollegin@example.org"))
    assert response.status_code == 302
    colleague = date.registrations.get(email="kollegin@example.org")
    # The colleague confirms her own address; the request is not the member's.
    assert (colleague.state, colleague.user) == (State.PENDING, None)


def test_a_registration_by_address_counts_as_the_members_own(member_client, member):
    waiting = factories.event_date(capacity=1)
    factories.registration(waiting)
    factories.registration(waiting, email=member.email.upper(), state=State.WAITING)
    html = member_client.get(waiting.get_absolute_url()).content.decode()
    assert "Sie stehen auf der Warteliste für diesen Termin." in html
    assert "Ihre Teilnahme an diesem Termin ist bestätigt." not in html


def test_a_registration_of_an_unverified_address_of_the_account_is_not_the_members_own(
    member_client, member
):
    """Anyone can add an address to their account; only a verified one says whose it is."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=member, email="chefin@example.org", verified=False)
    date = factories.event_date()
    factories.registration(date, email="chefin@example.org")
    response = member_client.get(date.get_absolute_url())
    assert response.context["own_registration"] is None
    assert "Ihre Teilnahme an diesem Termin ist bestätigt" not in response.content.decode()
    EmailAddress.objects.filter(email="chefin@example.org").update(verified=True)
    response = member_client.get(date.get_absolute_url())
    assert response.context["own_registration"] == State.CONFIRMED


@pytest.mark.parametrize(
    "registration",
    [
        {"email": "jemand@example.org"},  # someone else's
        {"email": "mitglied@example.org", "state": State.CANCELLED},  # cancelled
    ],
)
def test_only_an_active_own_registration_is_shown(member_client, member, registration):
    date = factories.event_date()
    factories.registration(date, **registration)
    other = factories.event_date()
    factories.registration(other, email=member.email)  # another date's
    response = member_client.get(date.get_absolute_url())
    html = response.content.decode()
    assert "Ihre Teilnahme an diesem Termin ist bestätigt" not in html
    assert "Teilnahme für eine weitere Person beantragen" not in html
    assert response.context["form"].initial["email"] == member.email


def test_anonymous_visitors_see_no_registration_state(client):
    date = factories.event_date()
    factories.registration(date)
    html = client.get(date.get_absolute_url()).content.decode()
    assert "Ihre Teilnahme an diesem Termin ist bestätigt" not in html


def test_a_full_date_puts_new_registrations_on_the_waiting_list_and_says_so(client, mailoutbox):
    date = factories.event_date(capacity=1)
    factories.registration(date)
    page = client.get(date.get_absolute_url()).content.decode()
    assert "Dieser Termin ist ausgebucht." in page
    assert "Platz auf der Warteliste beantragen" in page
    client.post(date.get_absolute_url(), _form())
    response = client.post(confirm_link(mailoutbox[0]), follow=True)
    assert "deshalb stehen Sie auf der Warteliste" in response.content.decode()
    assert date.registrations.get(email="erika@example.org").state == State.WAITING


def test_the_answer_does_not_tell_whether_an_address_is_registered(mailoutbox):
    """A visitor learns nothing about other people: a registered address gets a reminder
    instead of a link, the page says the same."""
    date = factories.event_date()
    factories.registration(date, email="erika@example.org", name="Erika Echt")
    answers = []
    for email in ("ERIKA@example.org", "niemand@example.org"):
        response = Client().post(date.get_absolute_url(), _form(email=email), follow=True)
        messages = [str(m) for m in response.context["messages"]]
        answers.append((response.redirect_chain, [m.replace(email.lower(), "…") for m in messages]))
    assert answers[0] == answers[1]
    reminder, request = mailoutbox
    assert reminder.to == ["erika@example.org"] and "/bestaetigen/" not in reminder.body
    assert "Erika Echt" in reminder.body  # her own registration, as she entered it
    assert "Erika Musterfrau" not in reminder.body  # not what this visitor typed
    assert request.to == ["niemand@example.org"] and "/bestaetigen/" in request.body
    assert date.registrations.filter(email="erika@example.org").count() == 1


def test_registering_ones_own_verified_address_twice_says_so_on_the_email_field(
    member_client, member
):
    date = factories.event_date()
    factories.registration(date, email=member.email)
    response = member_client.post(date.get_absolute_url(), _form(email=member.email))
    assert response.status_code == 400
    assert "nehmen Sie bereits an diesem Termin teil" in response.context["form"].errors["email"][0]
    assert date.registrations.count() == 1


def test_registration_needs_name_valid_email_and_consent(client):
    date = factories.event_date()
    response = client.post(
        date.get_absolute_url(), {"name": "", "email": "keine-adresse", "privacy_consent": ""}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "email", "privacy_consent"}
    assert "Datenschutzhinweis" in response.context["form"].errors["privacy_consent"][0]
    assert not date.registrations.exists()


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"days": -2}, "hat bereits stattgefunden"),
        ({"cancelled": True}, "wurde abgesagt"),
        (
            {"registration_deadline": timezone.now() - datetime.timedelta(hours=1)},
            "Frist, um die Teilnahme zu beantragen, ist vorbei",
        ),
    ],
    ids=["past", "cancelled", "deadline"],
)
def test_closed_dates_show_why_and_refuse_posted_registrations(client, fields, text):
    date = factories.event_date(**fields)
    page = client.get(date.get_absolute_url())
    assert page.context["form"] is None
    assert text in page.content.decode()
    response = client.post(date.get_absolute_url(), _form())
    assert response.status_code == 400
    assert not date.registrations.exists()


def test_registration_is_protected_against_cross_site_requests(client):
    client.handler.enforce_csrf_checks = True
    date = factories.event_date()
    assert client.post(date.get_absolute_url(), _form()).status_code == 403
    assert not date.registrations.exists()


def test_cancel_link_asks_first_and_cancels_only_on_post(client, mailoutbox):
    date = factories.event_date(capacity=1)
    mine = factories.registration(date)
    waiting = factories.registration(date, state=State.WAITING)
    url = mine.get_cancel_url()

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Teilnahme absagen</h1>" in html
    assert "Ja, Teilnahme absagen" in html
    assert page["Cache-Control"].startswith("max-age=0")
    mine.refresh_from_db()
    assert mine.state == State.CONFIRMED

    response = client.post(url, follow=True)
    html = response.content.decode()
    # Said once, in the heading: no message above it, no state row repeating it.
    assert "<title>Teilnahme abgesagt – " in html
    assert html.count("abgesagt") == 3  # <title>, breadcrumb, <h1>
    assert "<h1>Teilnahme abgesagt</h1>" in html
    assert 'class="messages"' not in html
    assert "Sie müssen nichts weiter tun." in html
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.state, waiting.state) == (State.CANCELLED, State.CONFIRMED)
    assert [m.to for m in mailoutbox] == [[mine.email], [waiting.email]]


def test_a_date_that_is_over_says_so_once_on_the_cancel_page(client):
    registration = factories.registration(factories.event_date(days=1))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = client.post(registration.get_cancel_url(), follow=True)
    html = response.content.decode()
    assert html.count("die Teilnahme kann nicht mehr abgesagt werden") == 1
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED


def test_an_unknown_or_guessed_cancel_token_is_not_found(client):
    registration = factories.registration()
    for token in ["unbekannt", registration.cancel_token[:-1]]:
        assert client.get(f"/anmeldung/{token}/stornieren/").status_code == 404
        assert client.post(f"/anmeldung/{token}/stornieren/").status_code == 404
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED


def test_cancel_page_needs_csrf_token(client):
    client.handler.enforce_csrf_checks = True
    registration = factories.registration()
    assert client.post(registration.get_cancel_url()).status_code == 403
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED


def test_sample_dates_are_labelled_on_every_page_that_shows_them(client):
    topic = portal.topic()
    offer = factories.offer(topics=[topic])
    date = factories.event_date(offer, is_sample=True)
    registration = factories.registration(date)
    label = "Beispieltermin – nur zum Ausprobieren"
    for url in [
        "/angebote/",
        offer.get_absolute_url(),
        "/termine/",
        date.get_absolute_url(),
        registration.get_cancel_url(),
    ]:
        assert label in client.get(url).content.decode(), url
    assert "[Beispieltermin]" in client.get(f"/termine/{date.pk}.ics").content.decode()


def test_emails_follow_the_language_the_person_registered_in(client, mailoutbox):
    from offers.models import Registration
    from offers.services import cancel_registration

    date = factories.event_date(capacity=1)
    client.post(f"/termine/{date.pk}/", _form())
    german_request = mailoutbox[-1]
    assert german_request.subject.startswith("[Transferportal] Bitte bestätigen Sie")
    assert "Guten Tag," in german_request.body
    german = client.post(confirm_link(german_request), follow=True)
    assert german.status_code == 200
    client.post(f"/en/termine/{date.pk}/", _form(email="english@example.org"))
    english_request = mailoutbox[-1]
    assert english_request.subject.startswith("[Transferportal] Please confirm")
    assert "/en/teilnahme/" in english_request.body
    response = client.post(confirm_link(english_request), follow=True)
    assert "waiting list" in response.content.decode()
    german_mail, english_mail = mailoutbox[1], mailoutbox[3]
    assert german_mail.subject.startswith("[Transferportal] Ihre Teilnahme ist bestätigt")
    assert "/en/" not in german_mail.body
    assert not english_mail.subject.startswith("[Transferportal] Ihr")
    assert f"/en/termine/{date.pk}/" in english_mail.body
    assert Registration.objects.get(email="english@example.org").language == "en"

    # The freed place goes to the English speaker, in English, whoever cancels.
    cancel_registration(Registration.objects.get(language="de").cancel_token)
    promoted = mailoutbox[-1]
    assert promoted.to == ["english@example.org"]
    assert "A place has become free for you" in promoted.subject


def test_a_name_with_a_line_break_is_refused_and_the_input_kept(client, mailoutbox):
    date = factories.event_date()
    response = client.post(date.get_absolute_url(), _form(name="Max\r\nBcc: x@evil.example"))
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["Bitte geben Sie dies in einer Zeile ein."]
    assert 'value="erika@example.org"' in response.content.decode()
    assert not date.registrations.exists() and mailoutbox == []


def test_a_participant_finds_their_municipality_preset(client):
    from tests.surveys import factories as survey_factories

    town = portal.municipality(name="Testdorf")
    user = survey_factories.participant(town, "paula@testdorf.example")
    client.force_login(user)
    form = client.get(factories.event_date().get_absolute_url()).context["form"]
    assert form["municipality"].value() == town.pk
    assert form["email"].value() == "paula@testdorf.example"


def test_a_link_awaiting_confirmation_presets_no_municipality(client):
    from tests.surveys import factories as survey_factories

    town = portal.municipality(name="Testdorf")
    user = survey_factories.participant(town, "wartet@testdorf.example", status="offen")
    client.force_login(user)
    form = client.get(factories.event_date().get_absolute_url()).context["form"]
    assert form["municipality"].value() is None
    assert form["email"].value() == "wartet@testdorf.example"


def test_a_date_has_one_address(client):
    date = factories.event_date()
    assert client.get(f"/termine/{date.pk}/").status_code == 200
    assert client.get(f"/termine/0{date.pk}/").status_code == 404
    assert client.get(f"/termine/0{date.pk}.ics").status_code == 404
    assert client.get("/termine/99999999999999999999999/").status_code == 404


def test_a_cancelled_date_in_the_archive_still_says_it_was_cancelled(client):
    offer = factories.offer()
    factories.event_date(offer, days=-10, title="Fand nicht statt", cancelled=True)
    factories.event_date(offer, days=-20, title="Fand statt")
    html = client.get("/termine/archiv/").content.decode()
    assert html.count(">Abgesagt<") == 1
    assert "Vergangener Termin<" not in html


def test_a_contact_photo_is_served_where_the_contact_page_points(client, settings, tmp_path):
    """Uploads were linked as /media/… but nothing served them (404 in production)."""
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    person = factories.contact(photo_alt="Porträt von Testperson")
    person.photo.save("portrait.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    html = client.get("/kontakt/").content.decode()
    assert f'src="{person.photo.url}"' in html
    response = client.get(person.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"


def test_only_uploaded_photos_are_served(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "notiz.txt").write_text("geheim")
    (tmp_path / "geheim.png").write_bytes(b"\x89PNG")
    assert client.get("/media/notiz.txt").status_code == 404
    for outside in ("/media/../geheim.png", "/media/%2e%2e/geheim.png"):
        assert client.get(outside).status_code in (400, 404)  # 400: a suspicious path
    assert client.get("/media/fehlt.png").status_code == 404
    assert client.post("/media/fehlt.png").status_code == 405


def test_an_unknown_offer_filter_from_an_old_link_says_so_in_plain_german(client):
    response = client.get("/angebote/", {"thema": "gibt-es-nicht"})
    assert response.status_code == 400
    html = response.content.decode()
    message = "Diesen Filterwert gibt es nicht (mehr). Bitte wählen Sie einen aus der Liste aus."
    assert message in html
    assert "gültige Auswahl" not in html


def test_free_places_read_right_in_english_with_one_place_left(client):
    date = factories.event_date(capacity=2)
    factories.registration(date)
    html = client.get(f"/en{date.get_absolute_url()}").content.decode()
    assert "1 of 2 places free" in html


def test_a_photo_no_contact_shows_is_not_served_and_a_replaced_one_is_deleted(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    person = factories.contact(photo_alt="Porträt")
    person.photo.save("alt.png", ContentFile(b"\x89PNG-alt"), save=True)
    old_url, old_path = person.photo.url, person.photo.path
    hidden = factories.contact(photo_alt="Porträt", published=False)
    hidden.photo.save("entwurf.png", ContentFile(b"\x89PNG-entwurf"), save=True)
    assert client.get(hidden.photo.url).status_code == 404  # unpublished contact
    with django_capture_on_commit_callbacks(execute=True):
        person.photo.save("neu.png", ContentFile(b"\x89PNG-neu"), save=True)
    assert client.get(person.photo.url).status_code == 200
    assert client.get(old_url).status_code == 404
    assert not Path(old_path).exists()  # not left on the server either
    new_path = person.photo.path
    with django_capture_on_commit_callbacks(execute=True):
        person.delete()
    assert not Path(new_path).exists()
