"""A survey's period reads in the interface language's own date and time format."""

import datetime
import re
import zoneinfo

import pytest

from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
CLOSES = datetime.datetime(2030, 2, 26, 23, 59, tzinfo=BERLIN)


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " "))


def test_open_survey_period_in_german_and_english(client):
    survey = survey_factories.survey("offen", closes_at=CLOSES)
    german = text(client.get("/umfragen/").content.decode())
    english = text(client.get("/en/umfragen/").content.decode())
    assert "Offen bis 26. Februar 2030, 23:59 Uhr." in german
    assert "Open until Feb. 26, 2030, 11:59 p.m." in english
    assert "p.m.." not in english  # the time's full stop ends the sentence
    assert "26. February" not in english
    assert survey.title in german


def test_planned_survey_period_in_german_and_english(client):
    opens = datetime.datetime(2030, 2, 1, 9, tzinfo=BERLIN)
    survey_factories.survey("geplant", opens_at=opens, closes_at=CLOSES)
    german = text(client.get("/umfragen/").content.decode())
    english = text(client.get("/en/umfragen/").content.decode())
    assert "Beginnt am 1. Februar 2030, 09:00 Uhr, offen bis 26. Februar 2030." in german
    assert "Opens on Feb. 1, 2030, 9 a.m., open until Feb. 26, 2030." in english
