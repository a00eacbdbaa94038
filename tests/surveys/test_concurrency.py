"""At most one response per survey and municipality, also when submits race each other."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from surveys import services
from surveys.forms import AnswerData
from surveys.models import Response
from tests.surveys import factories as survey_factories


@pytest.mark.django_db
def test_database_refuses_a_second_response_of_the_same_municipality(municipality):
    survey = survey_factories.survey()
    Response.objects.create(survey=survey, municipality=municipality)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, municipality=municipality)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_municipality_create_one_response(municipality):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite locks the whole database for every writer, so submits cannot overlap; "
            "the race this test provokes exists only on PostgreSQL."
        )
    survey, questions = survey_factories.full_survey()
    users = [survey_factories.participant(municipality) for _ in range(6)]
    barrier = threading.Barrier(len(users))
    errors, results = [], []

    def submit(user, number):
        try:
            barrier.wait()
            answer = AnswerData(questions["number"], number=number)
            response, first = services.save_response(
                survey=survey, municipality=municipality, user=user, answers=[answer], submit=True
            )
            results.append((response.pk, first))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(user, n)) for n, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Response.objects.filter(survey=survey, municipality=municipality).count() == 1
    assert len({pk for pk, _first in results}) == 1
    # Exactly one of the racing submits was the first submission (one e-mail "submitted").
    assert [first for _pk, first in results].count(True) == 1
    response = Response.objects.get()
    assert response.answers.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_municipality_to_several_surveys_keep_its_interest(
    municipality,
):
    """Each submit recomputes the municipality's PublicTopicInterest; at once, they would
    both insert its rows without the lock they take turns by (surveys/topics.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database for every writer: submits cannot overlap.")
    from surveys.models import PublicTopicInterest
    from tests import factories

    topics = (factories.topic(), factories.topic())
    surveys = [survey_factories.full_survey(topics=topics) for _ in range(6)]
    user = survey_factories.participant(municipality)
    barrier = threading.Barrier(len(surveys))
    errors = []

    def submit(survey, questions):
        try:
            chosen = list(questions["multiple"].choices.filter(topic__isnull=False))
            barrier.wait()
            answers = [AnswerData(questions["multiple"], choice_ids=[c.pk for c in chosen])]
            services.save_response(
                survey=survey, municipality=municipality, user=user, answers=answers, submit=True
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=pair) for pair in surveys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = PublicTopicInterest.objects.values_list("topic", "municipality", "public_from")
    earliest = min(survey.opens_at for survey, _questions in surveys)
    assert sorted(rows) == sorted((topic.pk, municipality.pk, earliest) for topic in topics)
