"""DSGVO: profile, a person's data download, account deletion and the retention run."""

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from offers.models import Registration
from surveys import services
from surveys.forms import AnswerData
from surveys.models import Response, ResponseVersion
from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def participant_with_history(db):
    """A participant who submitted a survey response and registered for two dates."""
    user = survey_factories.participant(email="paula@kommune.example")
    user.first_name, user.last_name = "Paula", "Teilnehmerin"
    user.save()
    survey, questions = survey_factories.full_survey()
    single = questions["single"]
    response, _first = services.save_response(
        survey=survey,
        municipality=user.survey_participant.municipality,
        user=user,
        answers=[AnswerData(single, choice_ids=[single.choices.first().pk])],
        submit=True,
    )
    upcoming = offer_factories.event_date(days=10, capacity=1)
    past = offer_factories.event_date(days=-10)
    offer_factories.registration(upcoming, name="Paula Teilnehmerin", email=user.email, user=user)
    offer_factories.registration(past, name="Paula Teilnehmerin", email=user.email)
    waiting = offer_factories.registration(
        upcoming, name="Wanda Warteliste", state=Registration.State.WAITING
    )
    return user, response, waiting


def test_profile_changes_the_name(client, db):
    user = factories.user()
    client.force_login(user)
    response = client.post("/konto/profil/", {"first_name": "Erna", "last_name": "Neu"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Erna", "Neu")
    form = client.get("/konto/profil/").content.decode()
    assert 'autocomplete="given-name"' in form and 'autocomplete="family-name"' in form


def test_account_pages_need_a_login(client, db):
    for url in ["/konto/profil/", "/konto/loeschen/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert client.post("/konto/meine-daten/").status_code == 302


def test_download_contains_account_responses_and_registrations(client, participant_with_history):
    user, _response, _waiting = participant_with_history
    client.force_login(user)
    assert client.get("/konto/meine-daten/").status_code == 405  # POST only, with CSRF
    download = client.post("/konto/meine-daten/")
    assert download["Content-Disposition"] == 'attachment; filename="meine-daten.json"'
    data = json.loads(download.content)
    assert data["konto"]["e_mail"] == "paula@kommune.example"
    assert data["kommune"]["stand"] == "bestätigt"
    [version] = data["von_ihnen_gespeicherte_umfrageantworten"]
    assert version["stand"] == "Abgegeben"
    assert version["antworten"][0]["auswahl"] == ["Ja"]
    assert len(data["anmeldungen"]) == 2
    assert "Wanda Warteliste" not in download.content.decode()


def test_deleting_the_account_keeps_answers_without_name_and_frees_places(
    client, mailoutbox, participant_with_history
):
    user, response, waiting = participant_with_history
    client.force_login(user)
    wrong = client.post("/konto/loeschen/", {"password": "falsch"})
    assert wrong.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()

    done = client.post("/konto/loeschen/", {"password": "test-passwort-123"})
    assert done.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    response = Response.objects.get(pk=response.pk)
    assert response.submitted_by is None
    assert response.state == Response.State.SUBMITTED
    # The history keeps the version, naming nobody (pages say "gelöschtes Konto").
    assert ResponseVersion.objects.get(response=response).saved_by is None
    assert not Registration.objects.filter(email__iexact="paula@kommune.example").exists()
    assert not Registration.objects.filter(name="Paula Teilnehmerin").exists()
    waiting.refresh_from_db()
    assert waiting.state == Registration.State.CONFIRMED  # moved up into the freed place
    assert client.get("/konto/profil/").status_code == 302  # logged out


def test_retention_run_anonymises_old_registrations_and_unverified_accounts(db):
    from allauth.account.models import EmailAddress

    old = offer_factories.event_date(days=-100)
    recent = offer_factories.event_date(days=-10)
    old_registration = offer_factories.registration(old, name="Alt Anmeldung")
    recent_registration = offer_factories.registration(recent, name="Neu Anmeldung")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        never_verified = User.objects.create_user("niemals", "niemals@example.org", "x")
        EmailAddress.objects.create(user=never_verified, email=never_verified.email)
        verified_long_ago = factories.user("alt@example.org")
    fresh_unverified = User.objects.create_user("frisch", "frisch@example.org", "x")

    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Anmeldungen anonymisiert: 1" in out.getvalue()
    assert "unbestätigte Konten gelöscht: 1" in out.getvalue()
    old_registration.refresh_from_db()
    recent_registration.refresh_from_db()
    assert old_registration.name == "anonymisiert"
    assert "Alt" not in old_registration.email
    assert recent_registration.name == "Neu Anmeldung"
    assert not User.objects.filter(pk=never_verified.pk).exists()
    assert User.objects.filter(pk__in=[verified_long_ago.pk, fresh_unverified.pk]).count() == 2

    again = StringIO()
    call_command("purge_personal_data", stdout=again)
    assert "Anmeldungen anonymisiert: 0" in again.getvalue()


def test_privacy_page_shows_the_configured_periods(client, seeded, settings):
    settings.REGISTRATION_RETENTION_DAYS = 45
    settings.UNVERIFIED_ACCOUNT_DAYS = 14
    html = client.get("/datenschutz/").content.decode()
    assert "45 Tage nach dem Termin anonymisiert" in html
    assert "nach 14 Tagen gelöscht" in html
    # What confirming a link discloses (surveys/email/confirm_colleague.txt).
    assert "Um die Verknüpfung zu bestätigen, erfahren die Kolleginnen und Kollegen" in html


def test_account_pages_are_valid_html(client, participant_with_history):
    from tests.checkers import assert_valid_html

    user, _response, _waiting = participant_with_history
    client.force_login(user)
    assert_valid_html(
        {
            "profile": client.get("/konto/profil/").content.decode(),
            "delete": client.get("/konto/loeschen/").content.decode(),
            "delete-error": client.post("/konto/loeschen/", {"password": "x"}).content.decode(),
            "privacy": client.get("/datenschutz/").content.decode(),
        }
    )


def test_a_registration_in_the_normalised_spelling_belongs_to_the_account(client, db):
    """Registrations store "info@müller.de"; the account may spell it in ACE form."""
    from offers import services

    user = factories.user("info@xn--mller-kva.de")
    date = offer_factories.event_date(days=10)
    services.register(date.pk, name="Ina Müller", email="info@xn--mller-kva.de")
    assert Registration.objects.get().email == "info@müller.de"
    client.force_login(user)
    data = json.loads(client.post("/konto/meine-daten/").content)
    assert len(data["anmeldungen"]) == 1


def test_every_version_a_person_saved_is_in_their_download_and_only_theirs(client, db):
    """Someone who drafted and submitted first, while a colleague saved last, still gets
    their own versions (the response's last saver is the colleague)."""
    municipality = factories.municipality()
    first = survey_factories.participant(municipality, "erste@example.org")
    colleague = survey_factories.participant(municipality, "zweite@example.org")
    survey, questions = survey_factories.full_survey()
    text = questions["text"]
    for user, words, submit in [
        (first, "Entwurf von Erste", False),
        (first, "Abgabe von Erste", True),
        (colleague, "Änderung von Zweite", True),
    ]:
        services.save_response(
            survey=survey,
            municipality=municipality,
            user=user,
            answers=[AnswerData(text, text=words)],
            submit=submit,
        )
    client.force_login(first)
    data = json.loads(client.post("/konto/meine-daten/").content)
    versions = data["von_ihnen_gespeicherte_umfrageantworten"]
    assert [v["antworten"][0]["text"] for v in versions] == [
        "Entwurf von Erste",
        "Abgabe von Erste",
    ]
    assert [v["stand"] for v in versions] == ["Entwurf", "Abgegeben"]
    assert "Änderung von Zweite" not in json.dumps(data, ensure_ascii=False)


@pytest.fixture
def strangers_registration(db):
    date = offer_factories.event_date(days=10, capacity=5)
    return offer_factories.registration(date, name="Sabine Fremd", email="fremd@example.org")


def test_an_unverified_address_does_not_reach_a_strangers_registration(
    client, mailoutbox, strangers_registration
):
    from allauth.account.models import EmailAddress

    attacker = factories.user("angreifer@example.org")
    EmailAddress.objects.create(user=attacker, email="Fremd@Example.org", verified=False)
    client.force_login(attacker)
    download = client.post("/konto/meine-daten/").content.decode()
    assert "Sabine Fremd" not in download and "fremd@example.org" not in download

    client.post("/konto/loeschen/", {"password": "test-passwort-123"})
    assert not User.objects.filter(pk=attacker.pk).exists()
    strangers_registration.refresh_from_db()
    assert strangers_registration.state == Registration.State.CONFIRMED
    assert strangers_registration.name == "Sabine Fremd"
    assert mailoutbox == []


def test_a_verified_second_address_does_reach_ones_own_registration(client, strangers_registration):
    from allauth.account.models import EmailAddress

    owner = factories.user("sabine@arbeit.example")
    EmailAddress.objects.create(user=owner, email="fremd@example.org", verified=True)
    client.force_login(owner)
    assert "Sabine Fremd" in client.post("/konto/meine-daten/").content.decode()


def test_purging_an_unconfirmed_sign_up_leaves_a_registrants_registration_alone(
    mailoutbox, strangers_registration
):
    from allauth.account.models import EmailAddress

    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        squatter = User.objects.create_user("fremd", "fremd@example.org", "x")
        EmailAddress.objects.create(user=squatter, email="fremd@example.org", verified=False)
    call_command("purge_personal_data", stdout=StringIO())
    assert not User.objects.filter(pk=squatter.pk).exists()
    strangers_registration.refresh_from_db()
    assert strangers_registration.state == Registration.State.CONFIRMED
    assert strangers_registration.name == "Sabine Fremd"
    assert mailoutbox == []
