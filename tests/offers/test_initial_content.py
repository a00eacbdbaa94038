"""The seeded DABB offers, the local sample date, and the German catalogue."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from offers import local_demo
from offers.models import Contact, EventDate, Offer

pytestmark = pytest.mark.django_db
PO_FILE = Path(__file__).resolve().parents[2] / "offers/locale/de/LC_MESSAGES/django.po"


def test_initial_content_has_the_two_offers_with_topics_and_contacts(seeded):
    course = Offer.objects.get(slug="onlinekurs-digitale-buergerbeteiligung")
    workshop = Offer.objects.get(slug="schreibwerkstatt-digitalstrategien")
    assert course.title == "Onlinekurs Digitale Bürgerbeteiligung"
    assert [t.slug for t in course.topics.all()] == ["partizipation"]
    assert (course.contact.name, course.contact.email) == (
        "Stefanie Klein",
        "stefanie.klein@digital-agentur.de",
    )
    assert [t.slug for t in workshop.topics.all()] == ["strategieentwicklung"]
    assert (workshop.contact.name, workshop.contact.email) == (
        "Madleen Poeser",
        "madleen.poeser@digital-agentur.de",
    )
    assert course.published and workshop.published
    assert not course.dates.exists()


def test_the_workshop_dates_are_past_date_only_and_in_the_archive(seeded, client):
    dates = list(EventDate.objects.order_by("starts_at"))
    assert [(d.title, d.starts_at.astimezone().date(), d.all_day) for d in dates] == [
        ("Grundlagen", datetime.date(2022, 4, 5), True),
        ("Vertiefung", datetime.date(2022, 4, 28), True),
    ]
    assert all(d.ends_at is None and not d.is_sample for d in dates)
    assert not EventDate.objects.upcoming().exists()
    archive = client.get("/termine/archiv/").context["listing"]["page"].object_list
    assert [d.title for d in archive] == ["Vertiefung", "Grundlagen"]


def test_only_the_two_named_contacts_are_seeded(seeded):
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "madleen.poeser@digital-agentur.de",
        "stefanie.klein@digital-agentur.de",
    ]
    assert not Contact.objects.exclude(phone="").exists()


def test_loading_again_keeps_edits_and_creates_no_duplicates(seeded):
    offer = Offer.objects.get(slug="schreibwerkstatt-digitalstrategien")
    offer.summary = "Von der Redaktion geändert"
    offer.save()
    offer.dates.get(title="Vertiefung").delete()
    call_command("load_initial_content", verbosity=0)
    offer.refresh_from_db()
    assert offer.summary == "Von der Redaktion geändert"
    assert list(offer.dates.values_list("title", flat=True)) == ["Grundlagen"]
    assert (Offer.objects.count(), Contact.objects.count()) == (2, 2)


def test_local_demo_adds_one_labelled_future_sample_date(seeded, client):
    out = io.StringIO()
    local_demo.load(out)
    local_demo.load(out)
    sample = EventDate.objects.get(is_sample=True)
    assert sample.title == "Teilnahme ausprobieren"
    assert sample.registration_open()
    assert sample.get_absolute_url() in out.getvalue()
    listing = client.get("/termine/").content.decode()
    assert listing.count("Beispieltermin – nur zum Ausprobieren") == 1  # the badge, not twice


def test_every_german_translation_is_filled_in_and_none_is_fuzzy():
    text = PO_FILE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries
    assert "#, fuzzy" not in text
    empty = [entry for entry in entries if re.search(r'^msgstr(\[\d\])? ""\Z', entry, re.M)]
    assert empty == []
    assert PO_FILE.with_suffix(".mo").exists()
