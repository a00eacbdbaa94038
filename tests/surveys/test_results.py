"""Result numbers, visibility, free texts, TOP topics and the query budget of the page."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Municipality
from surveys import topics as response_topics
from surveys.models import Answer, Question, Response, Survey, SurveyTopTopic
from surveys.results import home_highlights, survey_results, top_topics, topic_interest
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics():
    return factories.topic(name="Thema A"), factories.topic(name="Thema B")


@pytest.fixture
def answered(topics):
    """Three submitted responses and one draft with known answers."""
    survey, q = survey_factories.full_survey("offen", topics=topics)
    ja, nein, _weiss_nicht = q["single"].choices.all()
    a, b, newsletter = q["multiple"].choices.all()
    survey_factories.response(
        survey,
        answers={
            q["single"]: [ja],
            q["multiple"]: [a, b],
            q["scale"]: 4,
            q["text"]: "Mehr Austausch",
            q["number"]: 10,
        },
    )
    second = survey_factories.response(
        survey, answers={q["single"]: [nein], q["multiple"]: [a], q["scale"]: 2, q["number"]: 20}
    )
    Answer.objects.filter(response=second, question=q["multiple"]).update(other_text="Kultur")
    survey_factories.response(
        survey, answers={q["single"]: [ja], q["multiple"]: [newsletter], q["scale"]: 4}
    )
    survey_factories.response(
        survey,
        state=Response.State.DRAFT,
        answers={
            q["single"]: [nein],
            q["multiple"]: [a, b],
            q["scale"]: 5,
            q["text"]: "Geheimer Entwurf",
        },
    )
    return survey, q


def _options(result):
    return [(o.label or "Sonstiges", o.count, o.percent) for o in result.options]


def test_result_numbers_are_exact_and_drafts_do_not_count(answered, topics):
    survey, _q = answered
    results = survey_results(survey, include_texts=True)
    single, multiple, scale, text, number = results.questions
    assert results.participants == 3
    assert _options(single) == [("Ja", 2, 66.7), ("Nein", 1, 33.3), ("Weiß nicht", 0, 0.0)]
    assert _options(multiple) == [
        ("Thema A", 2, 66.7),
        ("Thema B", 1, 33.3),
        ("Newsletter", 1, 33.3),
        ("Sonstiges", 1, 33.3),
    ]
    assert [(o.label, o.count) for o in scale.options] == [
        ("1 – gar nicht", 0),
        ("2", 1),
        ("3", 0),
        ("4", 2),
        ("5 – sehr", 0),
    ]
    assert scale.mean == pytest.approx(10 / 3)
    assert (number.mean, number.minimum, number.maximum, number.answered) == (15, 10, 20, 2)
    assert [a.text for a in text.texts] == ["Mehr Austausch"]
    assert [a.other_text for a in multiple.texts] == ["Kultur"]
    assert [(r.topic, r.count) for r in results.top_topics] == [(topics[0], 2), (topics[1], 1)]


def test_results_page_shows_numbers_and_hides_free_text_from_visitors(client, answered):
    survey, _q = answered
    html = client.get(reverse("surveys:survey_results", args=[survey.slug])).content.decode()
    assert "66,7 %" in html
    assert "Mehr Austausch" not in html and "Kultur" not in html
    assert "Geheimer Entwurf" not in html
    assert "Freitextantworten sind nur für die Redaktion sichtbar." in html


def test_editors_see_free_text_answers_but_never_drafts(editor_client, answered):
    survey, _q = answered
    html = editor_client.get(reverse("surveys:survey_results", args=[survey.slug])).content.decode()
    assert "Mehr Austausch" in html and "Kultur" in html
    assert "Geheimer Entwurf" not in html


@pytest.mark.parametrize(
    ("visibility", "state", "visible"),
    [
        (Survey.ResultsVisibility.AFTER_CLOSING, "offen", False),
        (Survey.ResultsVisibility.AFTER_CLOSING, "geschlossen", True),
        (Survey.ResultsVisibility.WHILE_OPEN, "offen", True),
        (Survey.ResultsVisibility.WHILE_OPEN, "geplant", False),
        (Survey.ResultsVisibility.EDITORS, "geschlossen", False),
    ],
)
def test_results_visibility_for_visitors_and_editors(client, editor, visibility, state, visible):
    survey = survey_factories.survey(state, results_visibility=visibility)
    url = reverse("surveys:survey_results", args=[survey.slug])
    assert client.get(url).status_code == (200 if visible else 403)
    client.force_login(editor)
    assert client.get(url).status_code == 200


def test_survey_with_summary_and_no_responses_shows_the_summary_instead_of_charts(client, seeded):
    url = reverse("surveys:survey_results", args=["kommunalumfrage-2022"])
    html = client.get(url).content.decode()
    assert "14 Kommunen haben teilgenommen" in html
    assert "Partizipation" in html and "Strategieentwicklung" in html
    assert "<svg" not in html and "<table" not in html


def test_top_topics_fall_back_to_the_published_findings(seeded):
    survey = Survey.objects.get(slug="kommunalumfrage-2022")
    ranking = top_topics(survey)
    assert [(r.topic.name, r.position, r.count) for r in ranking] == [
        ("Partizipation", 1, None),
        ("Strategieentwicklung", 2, None),
        ("Mobilität", 3, None),
    ]


def test_topic_interest_names_the_2022_top_topic(seeded, django_assert_num_queries):
    topic = factories.Topic.objects.get(slug="partizipation")
    # Public surveys with their counted rankings and municipalities; editorial rankings.
    with django_assert_num_queries(2):
        interest = topic_interest(topic)
    assert [(m.survey.slug, m.position) for m in interest.top_in] == [("kommunalumfrage-2022", 1)]
    # The published findings give the number of participants, not the number per topic.
    assert [(m.count, m.participants) for m in interest.top_in] == [(None, 14)]
    assert interest.municipality_count == 0


def test_the_topic_page_says_how_many_took_part_when_the_numbers_per_topic_are_unknown(
    client, seeded
):
    html = client.get("/themen/partizipation/").content.decode()
    assert "14 teilnehmende Kommunen; wie viele davon das Thema gewählt haben, wurde nicht" in html


def test_topic_interest_counts_municipalities_of_public_surveys_only(answered, topics):
    survey, _q = answered
    interest = topic_interest(topics[0])
    assert interest.municipality_count == 2
    # Ranked among the TOP topics: its numbers are on the mention, not listed again.
    assert interest.per_survey == []
    other = topic_interest(topics[1])
    assert [(m.position, m.count, m.participants) for m in other.top_in] == [(2, 1, 3)]
    assert other.per_survey == []
    assert [(m.survey, m.position, m.count, m.participants) for m in interest.top_in] == [
        (survey, 1, 2, 3)
    ]
    survey.results_visibility = Survey.ResultsVisibility.AFTER_CLOSING
    survey.save()
    assert not topic_interest(topics[0]).has_data


def test_the_topic_page_shows_how_many_of_how_many_municipalities_chose_the_topic(
    client, answered, topics
):
    html = " ".join(client.get(topics[0].get_absolute_url()).content.decode().split())
    assert "gewählt von 2 der 3 teilnehmenden Kommunen." in html
    # One survey counted: no total across surveys.
    assert "Über alle Umfragen" not in html


def test_a_topic_chosen_in_two_surveys_gets_numbers_for_each_and_a_total_across_them(client, db):
    topics = [factories.topic(name=f"Thema {n}") for n in range(5)]
    last = topics[-1]
    for state in ("geschlossen", "geschlossen"):
        survey, q = survey_factories.full_survey(state, topics=topics[:2])
        option = q["multiple"].choices.create(label="Letztes Thema", topic=last, position=9)
        a = q["multiple"].choices.get(topic=topics[0])
        for choices in ([a], [a], [a, option]):
            survey_factories.response(survey, answers={q["multiple"]: choices})
    interest = topic_interest(last)
    assert [(m.count, m.participants) for m in interest.top_in + interest.per_survey] == [
        (1, 3),
        (1, 3),
    ]
    html = " ".join(client.get(last.get_absolute_url()).content.decode().split())
    assert "gewählt von 1 der 3 teilnehmenden Kommunen." in html
    assert "Über alle Umfragen mit öffentlichen Ergebnissen haben 2 Kommunen dieses Thema" in html


def test_home_highlights_offer_the_open_survey_and_the_2022_top_topics(
    sample_survey, django_assert_num_queries
):
    # Open surveys, the latest public ranking with its snapshot, then the editorial TOP topics
    # (the snapshot counted none).
    with django_assert_num_queries(3):
        highlights = home_highlights()
    assert [s.slug for s in highlights.open_surveys] == ["folgeumfrage-testdaten"]
    assert highlights.top_survey.slug == "kommunalumfrage-2022"
    assert [r.topic.slug for r in highlights.top_topics] == [
        "partizipation",
        "strategieentwicklung",
        "mobilitaet",
    ]


def _bulk_responses(survey, questions, count):
    """`count` submitted responses with every question answered, made with bulk_create."""
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            name=f"Massengemeinde {n}",
            slug=f"massengemeinde-{survey.pk}-{n}",
            kind=Municipality.Kind.MUNICIPALITY,
        )
        for n in range(count)
    )
    from django.utils import timezone

    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(survey=survey, municipality=m, state=Response.State.SUBMITTED, submitted_at=now)
        for m in municipalities
    )
    answers = Answer.objects.bulk_create(
        Answer(
            response=r,
            question=q,
            text="Text" if q.kind == "freitext" else "",
            number=3 if q.kind in ("skala", "zahl") else None,
        )
        for r in responses
        for q in questions.values()
    )
    choices = {q.pk: q.choices.first().pk for q in questions.values() if q.is_choice}
    Answer.choices.through.objects.bulk_create(
        Answer.choices.through(answer_id=a.pk, choice_id=choices[a.question_id])
        for a in answers
        if a.question_id in choices
    )
    response_topics.rebuild_all()  # written in bulk, around the signals


# Anonymous visitor: the survey with its results snapshot (participants, option counts,
# statistics, distribution, counts per topic: refreshed on every change of the responses,
# never counted here), questions, options, dimensions (of a self-assessment, asked for
# every survey) and the TOP topics = 5 queries.
VISITOR_QUERIES = 5
# Editors add session and user (2), their membership of the editor group (1, checked once
# per request: transfer_portal/editors.py) and the free-text answers (1).
EDITOR_QUERIES = VISITOR_QUERIES + 4


@pytest.mark.parametrize("responses", [10, 2000])
def test_results_page_query_budget_does_not_grow_with_responses(
    client, editor, responses, django_assert_num_queries
):
    survey, questions = survey_factories.full_survey("offen")
    _bulk_responses(survey, questions, responses)
    url = reverse("surveys:survey_results", args=[survey.slug])
    with django_assert_num_queries(VISITOR_QUERIES):
        page = client.get(url)
    assert page.status_code == 200
    assert f"{responses} Kommunen haben geantwortet." in page.text
    assert page.context["results"].participants == responses
    client.force_login(editor)
    with django_assert_num_queries(EDITOR_QUERIES):
        page = client.get(url)
    assert page.status_code == 200 and page.context["show_texts"] is True
    assert f"{responses} Kommunen haben geantwortet." in page.text


def test_topic_interest_follows_the_editorial_positions_not_the_order_of_entry(db):
    first, second, third = (factories.topic() for _ in range(3))
    survey = survey_factories.survey("geschlossen")
    # Entered in reverse: the positions decide, not the database's order of rows.
    for position, topic in ((3, first), (2, second), (1, third)):
        SurveyTopTopic.objects.create(survey=survey, topic=topic, position=position)
    assert [m.position for m in topic_interest(third).top_in] == [1]
    assert [m.position for m in topic_interest(first).top_in] == [3]
    assert [m.count for m in topic_interest(second).top_in] == [None]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.sets(st.integers(0, 4), max_size=3), min_size=1, max_size=6),
    positions=st.lists(st.integers(0, 2), min_size=5, max_size=5),  # equal ones: by name
)
def test_the_topic_page_and_the_results_rank_topics_alike_ties_included(picks, positions):
    """topic_interest() counts in SQL of its own; its places must be top_topics()'s,
    including the topics' order where counts are equal."""
    with transaction.atomic():  # one example at a time: rolled back at the end
        topics = [factories.topic(position=position) for position in positions]
        survey = survey_factories.survey("geschlossen")
        question = survey_factories.question(
            survey,
            Question.Kind.MULTIPLE,
            [(f"Option {n}", topic) for n, topic in enumerate(topics)],
            max_choices=5,
        )
        options = list(question.choices.order_by("position"))
        for picked in picks:
            survey_factories.response(survey, answers={question: [options[i] for i in picked]})
        ranking = {rank.topic.pk: (rank.position, rank.count) for rank in top_topics(survey)}
        for topic in topics:
            mentions = [
                (m.position, m.count) for m in topic_interest(topic).top_in if m.survey == survey
            ]
            assert mentions == ([ranking[topic.pk]] if topic.pk in ranking else [])
        transaction.set_rollback(True)


def _top_topic_list(html):
    section = html.split('id="top-themen"', 1)[1].split("</section>", 1)[0]
    return section


def test_published_findings_name_top_topics_without_ranking_them(client, seeded):
    """The source names the 2022 TOP topics without an order: no "Platz 1", no numbered
    list – on the results page, the home page and the topic page alike."""
    results = client.get(reverse("surveys:survey_results", args=["kommunalumfrage-2022"]))
    listing = _top_topic_list(results.content.decode())
    assert "<ul>" in listing and "<ol>" not in listing
    home = client.get("/").content.decode()
    assert "Partizipation" in home and "<ol>" not in home
    topic = client.get(reverse("projects:topic_detail", args=["partizipation"])).content.decode()
    assert "TOP-Thema" in topic and "in der Umfrage" in topic
    assert "Platz" not in topic


def test_counted_top_topics_are_a_ranking(client, answered, topics):
    survey, _q = answered
    html = client.get(reverse("surveys:survey_results", args=[survey.slug])).content.decode()
    listing = _top_topic_list(html)
    assert "<ol>" in listing and "2 Kommunen" in listing
    topic = client.get(reverse("projects:topic_detail", args=[topics[0].slug])).content.decode()
    assert "Platz 1 in der Umfrage" in topic


def test_a_survey_without_answers_says_so_once(client, db):
    survey, _questions = survey_factories.full_survey(
        "offen", results_visibility=Survey.ResultsVisibility.WHILE_OPEN
    )
    html = client.get(reverse("surveys:survey_results", args=[survey.slug])).content.decode()
    assert html.count("Bisher hat noch keine Kommune Antworten abgegeben.") == 1


def test_shares_of_a_single_participant_read_naturally(client, db):
    survey, q = survey_factories.full_survey(
        "offen", results_visibility=Survey.ResultsVisibility.WHILE_OPEN
    )
    survey_factories.response(survey, answers={q["single"]: [q["single"].choices.first()]})
    html = client.get(reverse("surveys:survey_results", args=[survey.slug])).content.decode()
    assert "beziehen sich auf die einzige teilnehmende Kommune" in html


def test_home_highlights_rank_counted_topics_with_the_topics_the_home_page_has(
    answered, topics, django_assert_num_queries
):
    survey, _q = answered
    everything = list(factories.Topic.objects.all())
    # Open surveys, the latest public results with its snapshot: the ranking needs no more.
    with django_assert_num_queries(2):
        highlights = home_highlights(topics=everything)
    assert highlights.top_survey == survey
    assert [(r.topic, r.count) for r in highlights.top_topics][:1] == [(topics[0], 2)]
    assert highlights.top_topics == top_topics(survey)
