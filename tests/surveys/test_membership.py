"""Who speaks for a municipality: choosing one, confirmation by e-mail domain, colleague or
editor, what a pending member sees, and the requests' links that must not be misused."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from surveys import membership
from surveys.models import Participant, Response
from tests import factories
from tests.surveys import factories as survey_factories
from tests.surveys.test_views import participate_url, valid_post

# Committed for real: the e-mails go out once the decision is committed (on_commit).
pytestmark = pytest.mark.django_db(transaction=True)
Status = Participant.Status
CHOOSE = reverse("surveys:choose_municipality")
LINK = reverse("surveys:link_municipality")
MISSING = reverse("surveys:report_missing_municipality")


def choose(client, user, municipality, **extra):
    client.force_login(user)
    return client.post(LINK, {"municipality": municipality.pk, **extra})


def decide_url_in(message):
    """The path of the one-click link in a colleague's e-mail (SITE_URL + path)."""
    [url] = re.findall(r"https?://\S+/umfragen/ihre-kommune/anfrage/\S+/", message.body)
    return urlsplit(url).path


def link_of(user):
    return Participant.objects.select_related("municipality").get(user=user)


# Choosing


def test_choosing_a_municipality_makes_a_pending_link_and_says_what_happens_next(
    client, member, municipality, participant, colleague
):
    client.force_login(member)
    html = client.get(CHOOSE).content.decode()
    assert "Die Verknüpfung wird geprüft" in html
    assert "Danach ändert nur die Redaktion die Verknüpfung" in html

    response = choose(client, member, municipality, next="/umfragen/")
    assert response.status_code == 302 and response["Location"] == "/umfragen/"
    link = link_of(member)
    assert link.status == Status.PENDING and link.municipality == municipality
    assert not link.is_confirmed

    for url in [reverse("surveys:membership"), CHOOSE, "/konto/profil/"]:
        html = client.get(url).content.decode()
        assert "wartet auf Bestätigung" in html, url
        assert "die 2 Personen, die bereits für Musterstadt antworten" in html, url


def test_the_search_ignores_punctuation_and_spacing(client, member, db):
    factories.municipality(name="Frankfurt (Oder)")
    factories.municipality(name="Eisenhüttenstadt")
    client.force_login(member)
    for query in ["Frankfurt/Oder", "Frankfurt Oder", "frankfurt-oder", "FrankfurtOder"]:
        html = client.get(CHOOSE, {"q": query}).content.decode()
        assert "Frankfurt (Oder)" in html, query
        assert "Eisenhüttenstadt" not in html, query


def test_choosing_nothing_after_a_search_keeps_the_search_and_says_what_is_missing(
    client, member, municipality
):
    for n in range(3):
        factories.municipality(name=f"Anderswo {n}")
    client.force_login(member)
    page = client.post(LINK + "?q=muster", {"next": "/umfragen/"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Musterstadt" in html and "Anderswo" not in html  # the matches, not every one
    assert 'id="fehler"' in html and 'href="#id_municipality_0"' in html
    assert "Bitte wählen Sie Ihre Kommune aus der Liste aus." in html
    assert not Participant.objects.filter(user=member).exists()


def test_a_municipality_beyond_the_offered_ones_can_still_be_chosen(client, member, db):
    """The list shows the first matches; the id of any municipality is accepted."""
    from surveys.forms import MUNICIPALITY_RESULTS

    rows = [
        factories.municipality(name=f"Gemeinde {n:03}") for n in range(MUNICIPALITY_RESULTS + 2)
    ]
    client.force_login(member)
    page = client.get(CHOOSE).content.decode()
    assert "Gemeinde 000" in page and rows[-1].name not in page
    assert "Es werden nur die ersten Einträge angezeigt" in page
    assert choose(client, member, rows[-1]).status_code == 302
    assert link_of(member).municipality == rows[-1]


@pytest.mark.parametrize(
    # Another host, and words that are no path: redirect() took "zzz" for a view's name (500).
    "target",
    [
        "https://example.com/",
        "//example.com/",
        "/\\example.com",
        "zzz",
        "umfragen",
        "http://testserver/",
    ],
)
def test_choosing_goes_on_to_a_path_of_the_portal_only(client, member, municipality, target):
    response = choose(client, member, municipality, next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:survey_list")
    assert link_of(member).municipality == municipality


@pytest.mark.parametrize("target", ["zzz", "//example.com/"])
def test_reporting_a_missing_municipality_goes_on_to_a_path_of_the_portal_only(
    client, member, target
):
    client.force_login(member)
    response = client.post(MISSING, {"name": "Neudorf am See", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:survey_list")
    assert link_of(member).requested_municipality == "Neudorf am See"


@pytest.mark.parametrize("status", [Status.PENDING, Status.CONFIRMED, Status.DECLINED])
def test_a_link_once_made_is_changed_only_by_the_editors(client, municipality, status, mailoutbox):
    user = survey_factories.participant(municipality, status=status)
    other = factories.municipality()
    assert choose(client, user, other).status_code == 403
    assert client.post(MISSING, {"name": "Neudorf"}).status_code == 403
    assert link_of(user).municipality == municipality and link_of(user).status == status
    assert mailoutbox == []


def test_choosing_needs_a_verified_address(client, municipality):
    user = factories.user()
    user.emailaddress_set.update(verified=False)
    client.force_login(user)
    assert client.get(CHOOSE).status_code == 403
    assert client.post(LINK, {"municipality": municipality.pk}).status_code == 403
    assert client.post(MISSING, {"name": "Neudorf"}).status_code == 403
    assert not Participant.objects.exists()


def test_the_choose_views_take_only_their_methods(member_client):
    assert member_client.post(CHOOSE, {"name": "Neudorf"}).status_code == 405
    assert member_client.get(LINK).status_code == 405
    assert member_client.get(MISSING).status_code == 405


# Confirmation through the municipality's e-mail domain


@pytest.mark.parametrize("address", ["amt@musterstadt.de", "it@verwaltung.musterstadt.de"])
def test_a_verified_address_on_the_municipalitys_domain_confirms_at_once(
    client, municipality, mailoutbox, address
):
    municipality.email_domains = "musterstadt.de"
    municipality.save()
    user = factories.user(address)
    response = choose(client, user, municipality)
    assert response.status_code == 302
    link = link_of(user)
    assert link.is_confirmed and link.decided_via == Participant.DecidedVia.EMAIL_DOMAIN
    assert mailoutbox == []  # nobody to ask; the page says it at once
    follow = client.get(response["Location"])
    assert "Ihre E-Mail-Adresse gehört zu Musterstadt" in follow.content.decode()


def test_an_unverified_or_lookalike_address_does_not_confirm(client, municipality):
    municipality.email_domains = "musterstadt.de"
    municipality.save()
    lookalike = factories.user("amt@falsche-musterstadt.de")
    choose(client, lookalike, municipality)
    assert link_of(lookalike).is_pending

    user = factories.user("privat@example.org")
    EmailAddress.objects.create(user=user, email="amt@musterstadt.de", verified=False)
    choose(client, user, municipality)
    assert link_of(user).is_pending


def test_another_municipalitys_domain_does_not_confirm(client, municipality):
    factories.municipality(name="Nachbarort", email_domains="nachbarort.de")
    user = factories.user("amt@nachbarort.de")
    choose(client, user, municipality)
    assert link_of(user).is_pending


def test_editors_may_list_several_domains_but_no_public_mail_provider(municipality):
    from django.core.exceptions import ValidationError

    municipality.email_domains = "Musterstadt.de, @amt-muster.de\nmusterstadt.de"
    municipality.full_clean()
    assert municipality.email_domains == "musterstadt.de\namt-muster.de"
    for wrong in ["gmx.de", "web.de", "kein domain", "localhost"]:
        municipality.email_domains = wrong
        with pytest.raises(ValidationError):
            municipality.full_clean()


# Confirmation by a colleague


def test_confirmed_colleagues_are_asked_by_mail_in_german(
    client, member, participant, colleague, municipality, mailoutbox
):
    pending = survey_factories.participant(municipality, status=Status.PENDING)
    client.force_login(member)
    client.post("/en" + LINK, {"municipality": municipality.pk})
    assert sorted(message.to[0] for message in mailoutbox) == [
        "kollegin@example.org",
        "teilnahme@example.org",
    ]
    assert pending.email not in {message.to[0] for message in mailoutbox}
    for message in mailoutbox:
        assert message.subject == (
            "[Transferportal] Bitte bestätigen: Wer darf für Musterstadt antworten?"
        )
        assert member.email in message.body
        assert "http://testserver" not in message.body  # links from SITE_URL
    # Each colleague gets a link of their own.
    assert decide_url_in(mailoutbox[0]) != decide_url_in(mailoutbox[1])


def test_only_colleagues_reachable_at_their_confirmed_address_are_asked(
    client, member, participant, municipality, mailoutbox, settings
):
    EmailAddress.objects.filter(user=participant).update(verified=False)
    choose(client, member, municipality)
    # Nobody to ask: the editors decide.
    assert [message.to for message in mailoutbox] == [[settings.PORTAL_CONTACT_EMAIL]]
    assert "wartet auf Bestätigung" in mailoutbox[0].subject
    assert "/admin/surveys/participant/" in mailoutbox[0].body


def test_a_colleague_confirms_with_one_click_from_the_mail(
    client, member, participant, municipality, open_survey, mailoutbox
):
    survey, questions = open_survey
    choose(client, member, municipality)
    url = decide_url_in(mailoutbox[0])
    client.logout()
    mailoutbox.clear()

    page = client.get(url)  # a link preview decides nothing
    assert page.status_code == 200
    assert member.email in page.content.decode()
    assert link_of(member).is_pending

    response = client.post(url, {"entscheidung": "bestaetigen"})
    assert response.status_code == 302 and response["Location"] == url
    link = link_of(member)
    assert link.is_confirmed and link.decided_by == participant
    assert link.decided_via == Participant.DecidedVia.COLLEAGUE
    assert client.get(url).content.decode().count("Anfrage bestätigt") == 2  # title, heading
    [told] = mailoutbox
    assert told.to == [member.email] and "Musterstadt" in told.subject

    client.force_login(member)
    assert client.post(participate_url(survey), valid_post(questions)).status_code == 302
    assert Response.objects.get().municipality == municipality


def test_a_colleague_declines_and_the_requester_is_told(
    client, member, participant, municipality, mailoutbox
):
    choose(client, member, municipality)
    url = decide_url_in(mailoutbox[0])
    mailoutbox.clear()
    client.logout()
    assert client.post(url, {"entscheidung": "ablehnen"}).status_code == 302
    link = link_of(member)
    assert link.is_declined and link.decided_by == participant
    [told] = mailoutbox
    assert "nicht bestätigt" in told.subject and told.to == [member.email]

    client.force_login(member)
    html = client.get(CHOOSE).content.decode()
    assert "wurde abgelehnt" in html
    assert choose(client, member, factories.municipality()).status_code == 403


def test_the_decision_is_taken_once(client, member, participant, colleague, municipality):
    choose(client, member, municipality)
    first = membership.decision_token(link_of(member), participant)
    second = membership.decision_token(link_of(member), colleague)
    client.logout()
    decide = reverse("surveys:decide_link", args=[first])
    assert client.post(decide, {"entscheidung": "bestaetigen"}).status_code == 302
    late = client.post(reverse("surveys:decide_link", args=[second]), {"entscheidung": "ablehnen"})
    assert late.status_code == 409
    assert "bereits entschieden" in late.content.decode()
    assert link_of(member).is_confirmed


def test_a_decision_needs_one_of_the_two_answers(client, member, participant, municipality):
    choose(client, member, municipality)
    token = membership.decision_token(link_of(member), participant)
    response = client.post(reverse("surveys:decide_link", args=[token]), {"entscheidung": "ja"})
    assert response.status_code == 400
    assert "Bitte wählen Sie" in response.content.decode()
    assert link_of(member).is_pending


@pytest.mark.parametrize(
    "token",
    ["kaputt", "a" * 300, signing.dumps({"p": 1}, salt=membership.DECISION_SALT)],
    ids=["garbage", "too-long", "no-such-link"],  # the same names in every test process
)
def test_a_wrong_link_is_a_404(client, db, token):
    assert client.get(reverse("surveys:decide_link", args=[token])).status_code == 404
    assert client.post(reverse("surveys:decide_link", args=[token])).status_code == 404


def test_a_link_signed_for_another_purpose_is_refused(client, member, participant, municipality):
    choose(client, member, municipality)
    forged = signing.dumps({"p": link_of(member).pk, "c": participant.pk})  # default salt
    assert (
        client.post(
            reverse("surveys:decide_link", args=[forged]), {"entscheidung": "bestaetigen"}
        ).status_code
        == 404
    )
    assert link_of(member).is_pending


def test_an_expired_link_is_refused(client, member, participant, municipality):
    choose(client, member, municipality)
    token = membership.decision_token(link_of(member), participant)
    later = timezone.now() + datetime.timedelta(seconds=membership.TOKEN_MAX_AGE + 60)
    with time_machine.travel(later):
        response = client.post(
            reverse("surveys:decide_link", args=[token]), {"entscheidung": "bestaetigen"}
        )
    assert response.status_code == 404
    assert link_of(member).is_pending


def test_nobody_but_a_confirmed_colleague_can_decide(client, member, participant, municipality):
    choose(client, member, municipality)
    request = link_of(member)
    outsider = survey_factories.participant(factories.municipality())
    pending = survey_factories.participant(municipality, status=Status.PENDING)
    inactive = survey_factories.participant(municipality)
    inactive.is_active = False
    inactive.save()
    for who in [outsider, pending, inactive, member]:  # member: their own request
        token = membership.decision_token(request, who)
        url = reverse("surveys:decide_link", args=[token])
        assert client.get(url).status_code == 403, who
        assert client.post(url, {"entscheidung": "bestaetigen"}).status_code == 403, who
    assert link_of(member).is_pending


def test_a_colleague_whose_own_link_was_withdrawn_can_no_longer_decide(
    client, member, participant, municipality
):
    choose(client, member, municipality)
    token = membership.decision_token(link_of(member), participant)
    Participant.objects.filter(user=participant).update(status=Status.DECLINED)
    url = reverse("surveys:decide_link", args=[token])
    assert client.post(url, {"entscheidung": "bestaetigen"}).status_code == 403
    assert link_of(member).is_pending


def test_confirmed_members_decide_from_the_portal_too(
    client, member, participant, municipality, mailoutbox
):
    choose(client, member, municipality)
    other_town = survey_factories.participant(factories.municipality(), status=Status.PENDING)
    client.force_login(participant)
    page = client.get(reverse("surveys:membership"))
    html = page.content.decode()
    assert member.email in html and other_town.email not in html
    [action] = re.findall(r'action="(/umfragen/ihre-kommune/anfrage/[^"]+/)"', html)
    assert client.post(action, {"entscheidung": "bestaetigen"}).status_code == 302
    assert link_of(member).is_confirmed
    assert "Es wartet keine Anfrage." in client.get(reverse("surveys:membership")).content.decode()


def test_a_pending_member_sees_no_requests_of_others(client, member, participant, municipality):
    choose(client, member, municipality)
    newcomer = factories.user()
    choose(client, newcomer, municipality)
    client.force_login(member)
    html = client.get(reverse("surveys:membership")).content.decode()
    assert newcomer.email not in html and "anfrage/" not in html


# What a pending member sees


def test_a_pending_member_sees_the_questions_but_not_the_answers(
    client, member, municipality, open_survey
):
    survey, questions = open_survey
    survey_factories.response(
        survey, municipality, answers={questions["text"]: "Geheime Antwort der Kommune"}
    )
    choose(client, member, municipality)
    page = client.get(participate_url(survey))
    html = page.content.decode()
    assert page.status_code == 200
    assert questions["single"].text in html
    assert "Geheime Antwort der Kommune" not in html
    assert "disabled" in html and 'name="action"' not in html
    assert "wartet auf Bestätigung" in html
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert "wartet auf Bestätigung" in detail and "abgegeben" not in detail

    assert client.post(participate_url(survey), valid_post(questions)).status_code == 403
    assert Response.objects.get().answers.get().text == "Geheime Antwort der Kommune"
    history = reverse("surveys:response_history", args=[survey.slug])
    assert client.get(history).status_code == 403


def test_a_missing_municipality_waits_for_the_editors(
    client, member, open_survey, mailoutbox, settings
):
    survey, questions = open_survey
    client.force_login(member)
    assert client.post(MISSING, {"name": "Neudorf am See"}).status_code == 302
    link = link_of(member)
    assert link.municipality is None and link.requested_municipality == "Neudorf am See"
    assert link.is_pending
    [notice] = mailoutbox
    assert notice.to == [settings.PORTAL_CONTACT_EMAIL] and "Neudorf am See" in notice.body
    page = client.get(participate_url(survey))
    assert page.status_code == 200 and "Neudorf am See" in page.content.decode()
    assert client.post(participate_url(survey), valid_post(questions)).status_code == 403
    assert not Response.objects.exists()


def test_a_missing_municipality_needs_a_name(client, member):
    client.force_login(member)
    response = client.post(MISSING, {"name": "  "})
    assert response.status_code == 400
    assert not Participant.objects.exists()


def test_a_missing_municipality_name_is_one_line_without_direction_marks(client, member):
    client.force_login(member)
    for name in ["Neu\ndorf", "Neu\u202edorf"]:
        assert client.post(MISSING, {"name": name}).status_code == 400
    assert not Participant.objects.exists()
