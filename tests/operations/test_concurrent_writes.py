"""Many people writing at the same moment, over HTTP against gunicorn and PostgreSQL.

tests/surveys and tests/offers race the services in threads; these send real form posts
through the whole stack (sessions in Redis, CSRF, several worker processes and threads).
"""

import re
import threading
import time

import pytest
from django.db.models import Count

from offers.models import Registration
from surveys.models import Question, Response
from tests import factories
from tests.offers import factories as offer_factories
from tests.operations.conftest import logged_in_cookies
from tests.operations.servers import Visitor, sent_mails, wait_until
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


def _body(message):
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def mail_server(start_gunicorn, tmp_path):
    """gunicorn writing its e-mails into a folder, behind one (pretended) reverse proxy:
    each visitor sends the X-Forwarded-For a proxy would add, so that the limit of
    registration requests per client applies to each of them, not to all together."""
    folder = tmp_path / "mails"
    env = {"DJANGO_EMAIL_FILE_PATH": str(folder), "DJANGO_TRUSTED_PROXY_COUNT": "1"}
    return start_gunicorn(env=env, task_worker=True), folder


def test_fifty_requests_then_fifty_confirmations_at_once_fill_two_places(mail_server):
    """The row lock of the date holds across worker processes: of 50 people who confirm
    their address at the same moment, exactly 2 get the 2 places, 48 the waiting list."""
    server, mails = mail_server
    date = offer_factories.event_date(capacity=2)
    path = date.get_absolute_url()
    visitors = [
        Visitor(server.base, headers={"X-Forwarded-For": f"198.51.100.{index + 1}"})
        for index in range(50)
    ]

    def ask(index, visitor):
        data = {"name": f"Person {index}", "email": f"person{index}@example.org"}
        return visitor.post(path, {**data, "privacy_consent": "on"})

    answers = all_at_once(visitors, expect_form(path), ask)
    assert [a.status if hasattr(a, "status") else a for a in answers] == [302] * 50
    registrations = Registration.objects.filter(event_date=date)
    assert registrations.pending().count() == 50
    # Sent by the task worker beside gunicorn.
    requests = wait_until(lambda: len(sent_mails(mails)) >= 50 and sent_mails(mails))
    links = {
        message["To"]: re.search(r"https?://[^/\s]+(/\S+/bestaetigen/)", _body(message)).group(1)
        for message in requests
    }
    assert len(requests) == len(links) == 50

    def link_of(index):
        return links[f"person{index}@example.org"]

    def open_link(visitor):
        index = visitors.index(visitor)
        answer = visitor.get(link_of(index))
        assert answer.status == 200, answer

    answers = all_at_once(visitors, open_link, lambda i, v: v.post(link_of(i), {}))

    assert [a.status if hasattr(a, "status") else a for a in answers] == [302] * 50
    assert registrations.count() == 50
    assert registrations.values("email").distinct().count() == 50
    states = dict(registrations.values_list("state").annotate(n=Count("pk")))
    assert states == {Registration.State.CONFIRMED: 2, Registration.State.WAITING: 48}
    # One request and one confirmation per person, none twice; the confirmations say
    # where each landed.
    wait_until(lambda: len(sent_mails(mails)) >= 100)
    time.sleep(1)  # a mail sent twice would show by now
    confirmations = [m for m in sent_mails(mails) if "/bestaetigen/" not in _body(m)]
    assert sorted(m["To"] for m in confirmations) == sorted(links)
    subjects = [str(m["Subject"]) for m in confirmations]
    assert sum("ist bestätigt" in subject for subject in subjects) == 2
    assert sum("Warteliste" in subject for subject in subjects) == 48


def test_the_limit_per_client_is_shared_by_the_worker_processes(mail_server):
    server, _mails = mail_server
    date = offer_factories.event_date(capacity=50)
    path = date.get_absolute_url()
    visitor = Visitor(server.base, headers={"X-Forwarded-For": "203.0.113.5"})
    assert visitor.get(path).status == 200
    statuses = [
        visitor.post(
            path, {"name": "Eine", "email": f"p{i}@example.org", "privacy_consent": "on"}
        ).status
        for i in range(12)
    ]
    assert statuses == [302] * 10 + [429] * 2
    assert Registration.objects.filter(event_date=date).pending().count() == 10
