"""Many people writing at the same moment, over HTTP against gunicorn and PostgreSQL.

tests/surveys and tests/offers race the services in threads; these send real form posts
through the whole stack (sessions in Redis, CSRF, several worker processes and threads).
"""

import threading

import pytest
from django.db.models import Count

from offers.models import Registration
from surveys.models import Question, Response
from tests import factories
from tests.offers import factories as offer_factories
from tests.operations.conftest import logged_in_cookies
from tests.operations.servers import Visitor
from tests.surveys import factories as survey_factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


def all_at_once(visitors, prepare, act):
    """Each visitor prepares (loads its form) on its own, then all act at the same moment."""
    barrier = threading.Barrier(len(visitors))
    answers = [None] * len(visitors)

    def run(index, visitor):
        try:
            prepare(visitor)
            barrier.wait(timeout=120)
            answers[index] = act(index, visitor)
        except Exception as error:  # noqa: BLE001 - every outcome is asserted below
            barrier.abort()
            answers[index] = error

    threads = [threading.Thread(target=run, args=item) for item in enumerate(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers


def form_data(questions):
    """Complete answers to the factory survey; the number question gets the visitor's index.

    Built before the threads start: they must not open database connections of their own.
    """
    single, scale = questions["single"], questions["scale"]
    data = {
        f"frage_{single.pk}": str(single.choices.first().pk),
        f"frage_{scale.pk}": "4",
        "action": "absenden",
    }
    number = f"frage_{questions['number'].pk}"
    return lambda index: {**data, number: str(index % 100)}


def expect_form(path):
    def prepare(visitor):
        answer = visitor.get(path)
        assert answer.status == 200, answer
        assert "csrftoken" in visitor.cookies

    return prepare


@pytest.fixture
def server(start_gunicorn):
    return start_gunicorn()


def test_hundred_municipalities_submit_at_once_and_each_response_is_stored_once(server):
    survey, questions = survey_factories.full_survey("offen")
    path = f"/umfragen/{survey.slug}/teilnehmen/"
    users = [survey_factories.participant(factories.municipality()) for _ in range(100)]
    visitors = [Visitor(server.base, logged_in_cookies(user)) for user in users]

    data = form_data(questions)
    answers = all_at_once(visitors, expect_form(path), lambda i, v: v.post(path, data(i)))

    assert [a.status if hasattr(a, "status") else a for a in answers] == [302] * 100
    responses = Response.objects.filter(survey=survey)
    assert responses.filter(state=Response.State.SUBMITTED).count() == 100
    assert set(responses.values_list("submitted_by", flat=True)) == {user.pk for user in users}
    per_response = responses.annotate(n=Count("answers")).values_list("n", flat=True)
    assert set(per_response) == {3}
    numbers = sorted(
        responses.filter(answers__question=questions["number"]).values_list(
            "answers__number", flat=True
        )
    )
    assert numbers == sorted(i % 100 for i in range(100))


def test_colleagues_racing_for_one_municipality_produce_exactly_one_response(server):
    survey, questions = survey_factories.full_survey("offen")
    path = f"/umfragen/{survey.slug}/teilnehmen/"
    municipality = factories.municipality()
    users = [survey_factories.participant(municipality) for _ in range(20)]
    visitors = [Visitor(server.base, logged_in_cookies(user)) for user in users]

    data = form_data(questions)
    answers = all_at_once(visitors, expect_form(path), lambda i, v: v.post(path, data(i)))

    assert [a.status if hasattr(a, "status") else a for a in answers] == [302] * 20
    response = Response.objects.get(survey=survey, municipality=municipality)
    assert response.state == Response.State.SUBMITTED
    # The last save wins as a whole: one complete set of answers, never a mixture.
    assert response.answers.count() == 3
    assert response.answers.filter(question__kind=Question.Kind.NUMBER).count() == 1


def test_hundred_registrations_at_once_are_stored_once_within_the_capacity(server):
    date = offer_factories.event_date(capacity=30)
    path = date.get_absolute_url()
    visitors = [Visitor(server.base) for _ in range(100)]

    def register(index, visitor):
        data = {"name": f"Person {index}", "email": f"person{index}@example.org"}
        return visitor.post(path, {**data, "privacy_consent": "on"})

    answers = all_at_once(visitors, expect_form(path), register)

    assert [a.status if hasattr(a, "status") else a for a in answers] == [302] * 100
    registrations = Registration.objects.filter(event_date=date)
    assert registrations.count() == 100
    assert registrations.values("email").distinct().count() == 100
    states = dict(registrations.values_list("state").annotate(n=Count("pk")))
    assert states == {Registration.State.CONFIRMED: 30, Registration.State.WAITING: 70}
