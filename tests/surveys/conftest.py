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


# A form with errors answers 400 on purpose; Chromium logs that document load as a console
# error. Only this message is let through; everything else (CSP violations too) still fails.
EXPECTED_STATUS_MESSAGE = "the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def page(context):
    """Like the shared `page` fixture, but a deliberate 400 of a form page is no error."""
    errors = []
    browser_page = context.new_page()
    browser_page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and EXPECTED_STATUS_MESSAGE not in message.text
            else None
        ),
    )
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    yield browser_page
    assert errors == [], f"Browser console errors: {errors}"
