"""Fresh content (issue 21, 3): the editors' monthly list of what has not been checked
against its sources for FRESHNESS_MONTHS, oldest first, with links into the admin."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from offers.models import Contact, Offer
from projects.models import MeasureSource, ProjectSource
from tests import factories
from transfer_portal.portal import freshness

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


@pytest.mark.parametrize(
    "today, months, expected",
    [
        (datetime.date(2026, 12, 6), 12, datetime.date(2025, 12, 6)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 1, 15), 2, datetime.date(2025, 11, 15)),
    ],
)
def test_the_cutoff_is_the_same_day_months_before(settings, today, months, expected):
    settings.FRESHNESS_MONTHS = months
    assert freshness.cutoff(today) == expected


def test_the_list_has_what_is_old_or_never_checked_oldest_first_and_nothing_fresh(
    settings, mailoutbox
):
    settings.SITE_URL = "https://portal.example"
    old_project = factories.project(title="Altes Projekt")
    ProjectSource.objects.create(
        project=old_project, title="Quelle", checked_on=datetime.date(2024, 5, 1)
    )
    fresh_project = factories.project(title="Frisches Projekt")
    ProjectSource.objects.create(
        project=fresh_project, title="Quelle", checked_on=datetime.date(2026, 11, 28)
    )
    # A measure is as fresh as its newest source.
    measure = factories.measure(fresh_project, title="Maßnahme mit zwei Quellen")
    MeasureSource.objects.create(measure=measure, title="alt", checked_on=datetime.date(2020, 1, 1))
    MeasureSource.objects.create(measure=measure, title="neu", checked_on=datetime.date(2026, 6, 1))
    unchecked = factories.measure(fresh_project, title="Maßnahme ohne Quelle")
    factories.measure(fresh_project, title="Entwurf ohne Quelle", published=False)
    offer = Offer.objects.create(
        title="Altes Angebot", slug="alt", published=True, checked_on=datetime.date(2025, 1, 2)
    )
    Contact.objects.create(
        name="Neue Ansprechperson", email="neu@example.org", published=True, checked_on=TODAY
    )
    entries = freshness.stale_entries(TODAY)
    assert [(entry.kind, entry.title, entry.checked_on) for entry in entries] == [
        ("Maßnahme", "Maßnahme ohne Quelle", None),
        ("Modellprojekt", "Altes Projekt", datetime.date(2024, 5, 1)),
        ("Angebot", "Altes Angebot", datetime.date(2025, 1, 2)),
    ]
    assert entries[0].admin_url == (
        f"https://portal.example/admin/projects/measure/{unchecked.pk}/change/"
    )
    assert entries[2].admin_url == f"https://portal.example/admin/offers/offer/{offer.pk}/change/"

    editor = factories.editor("redaktion@example.org")
    assert freshness.send_report(TODAY) == 3
    [mail] = mailoutbox
    assert mail.to == [editor.email]
    assert "3 Einträge" in mail.subject
    body = mail.body
    assert (
        body.index("Maßnahme ohne Quelle")
        < body.index("Altes Projekt")
        < body.index("Altes Angebot")
    )
    assert "nie geprüft" in body and "geprüft am 1. Mai 2024" in body
    assert f"/admin/projects/measure/{unchecked.pk}/change/" in body


def test_nothing_old_sends_nothing_and_the_command_says_so(mailoutbox, django_assert_num_queries):
    with django_assert_num_queries(4):  # one query per kind, however many entries
        assert freshness.stale_entries() == []
    out = StringIO()
    call_command("send_freshness_report", stdout=out)
    assert "(keine E-Mail)" in out.getvalue() and mailoutbox == []


def test_offers_and_contacts_show_when_their_details_were_checked(client, seeded):
    """The seeded ones: the DABB page, checked with the rest of the sources."""
    for url in ("/angebote/schreibwerkstatt-digitalstrategien/", "/kontakt/"):
        assert "Angaben geprüft am 28. November 2026." in client.get(url).text, url
    Offer.objects.update(checked_on=None)
    page = client.get("/angebote/schreibwerkstatt-digitalstrategien/").text
    assert "Angaben geprüft am" not in page
