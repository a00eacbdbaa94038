"""The survey cast: a municipality with two participants, and surveys in every state."""

import pytest

from tests import factories
from tests.surveys import factories as survey_factories


@pytest.fixture
def municipality(db):
    return factories.municipality(name="Musterstadt", slug="musterstadt")


@pytest.fixture
def participant(municipality):
    return survey_factories.participant(municipality, "teilnahme@example.org")


@pytest.fixture
def colleague(municipality):
    """A second participant of the same municipality."""
    return survey_factories.participant(municipality, "kollegin@example.org")


@pytest.fixture
def participant_client(client, participant):
    client.force_login(participant)
    return client


@pytest.fixture
def open_survey(db):
    return survey_factories.full_survey("offen")


@pytest.fixture
def closed_survey(db):
    return survey_factories.full_survey("geschlossen")


@pytest.fixture
def planned_survey(db):
    return survey_factories.full_survey("geplant")


@pytest.fixture
def sample_survey(seeded):
    """The open sample survey that `manage.py serve` adds locally (surveys/local_demo.py)."""
    from surveys.local_demo import load_sample_survey

    return load_sample_survey()
