"""Fill a PostgreSQL database with the large, clearly labelled sample portal of issue 6.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/transfer_portal_bench \
        uv run python -m benchmarks.generate

For benchmarks only, never part of the normal set-up: `benchmarks/run.sh` calls it on a
database of its own. Every title and name starts with "[Beispieldaten]", every sample
municipality is marked `is_sample`, so nobody can take the rows for real content. The
initial content (`load_initial_content`) must be loaded first: its topics are reused.
"""

import argparse
import datetime
import os
import random
import sys
import time

LABEL = "[Beispieldaten]"
COUNTS = {
    "municipalities": 420,
    "projects": 50,
    "measures": 5000,
    "insights": 20000,
    "offers": 200,
    "dates": 2000,
    "registrations": 20000,
    "surveys": 20,
    "adoptions": 3000,
    "questions_asked": 2000,
    "questions_per_survey": 15,
}
BATCH = 2000
WORDS = [
    "Digitalisierung",
    "Kommune",
    "Bürgerbeteiligung",
    "Verwaltung",
    "Daten",
    "Plattform",
    "Sensorik",
    "Mobilität",
    "Quartier",
    "Energie",
    "Klimaschutz",
    "Bildung",
    "Ehrenamt",
    "Förderung",
    "Netzwerk",
    "Pilotphase",
    "Umsetzung",
    "Erfahrung",
    "Zusammenarbeit",
    "Strategie",
    "Akzeptanz",
    "Schnittstelle",
    "Betrieb",
    "Verstetigung",
    "Wissen",
    "Transfer",
    "Landkreis",
    "Rathaus",
    "Online-Dienst",
    "Infrastruktur",
    "Breitband",
    "Dorf",
    "Region",
    "Werkstatt",
]


def _text(rng, words):
    return f"{LABEL} " + " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "transfer_portal.settings")
    import django

    django.setup()


def generate(seed=6, out=sys.stdout):
    """Create the sample portal in one transaction; returns the number of rows per model."""
    from django.db import transaction

    from projects import topic_counts
    from projects.models import Municipality

    if Municipality.objects.filter(name__startswith=LABEL).exists():
        raise SystemExit("The database already holds benchmark sample data; use a fresh one.")
    rng = random.Random(seed)
    now = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
    created = {}
    with transaction.atomic():
        steps = (_municipalities, _projects, _measures, _insights, _offers, _surveys, _transfer)
        for step in steps:
            started = time.monotonic()
            rows = step(rng, now)
            created.update(rows)
            out.write(f"  {step.__name__[1:]:<15} {rows} ({time.monotonic() - started:.1f} s)\n")
        topic_counts.refresh()  # bulk_create sends no signals
    return created


def _municipalities(rng, now):
    from projects.models import Municipality

    Kind = Municipality.Kind
    # In the 14 Landkreise of the seed data, with populations from a few hundred to
    # 60,000: results by segment (surveys/segments.py) have every size class and Landkreis.
    districts = list(Municipality.objects.filter(kind=Kind.DISTRICT).values_list("pk", flat=True))
    Municipality.objects.bulk_create(
        Municipality(
            name=f"{LABEL} Gemeinde {i:03d}",
            slug=f"beispieldaten-gemeinde-{i:03d}",
            kind=Kind.CITY if i % 5 == 0 else Kind.MUNICIPALITY,
            district_id=districts[i % len(districts)] if districts else None,
            population=int(300 * 1.6 ** rng.uniform(0, 11)),
            is_sample=True,
        )
        for i in range(1, COUNTS["municipalities"] + 1)
    )
    return {"municipalities": COUNTS["municipalities"]}


def _sample_municipality_ids():
    from projects.models import Municipality

    return list(Municipality.objects.filter(is_sample=True).values_list("pk", flat=True))


def _topic_ids():
    from projects.models import Topic

    topic_ids = list(Topic.objects.values_list("pk", flat=True))
    if not topic_ids:
        raise SystemExit("No topics: run `manage.py load_initial_content` first.")
    return topic_ids


def _projects(rng, now):
    from projects.models import ModelProject

    municipality_ids, topic_ids = _sample_municipality_ids(), _topic_ids()
    projects = ModelProject.objects.bulk_create(
        ModelProject(
            title=f"{LABEL} Modellprojekt {i:02d}",
            slug=f"beispieldaten-modellprojekt-{i:02d}",
            funding_round=rng.choice([2019, 2020, 2021]),
            motto=_text(rng, 4),
            summary=_text(rng, 30),
            description="\n\n".join(_text(rng, 60) for _ in range(3)),
            fields_of_action="\n".join(_text(rng, 2) for _ in range(4)),
            contact_name=f"{LABEL} Ansprechperson {i:02d}",
            contact_email=f"projekt{i:02d}@beispieldaten.example",
            published=i % 25 != 0,  # two drafts
        )
        for i in range(1, COUNTS["projects"] + 1)
    )
    Municipalities = ModelProject.municipalities.through
    Topics = ModelProject.topics.through
    Municipalities.objects.bulk_create(
        Municipalities(modelproject_id=p.pk, municipality_id=m)
        for p in projects
        for m in rng.sample(municipality_ids, 8)
    )
    Topics.objects.bulk_create(
        Topics(modelproject_id=p.pk, topic_id=t) for p in projects for t in rng.sample(topic_ids, 3)
    )
    return {"projects": len(projects)}


def _measures(rng, now):
    from projects.models import CostBand, Measure

    contexts = _search_contexts()
    topic_ids = _topic_ids()
    per_project = COUNTS["measures"] // len(contexts)
    statuses = [choice for choice, _label in Measure.Status.choices] + [""]

    def profile(n):
        """Every second measure has a profile (phase, cost band, open source, goal)."""
        if n % 2:
            return {}
        return {
            "goal": _text(rng, 12),
            "transfer_phase": rng.choice(Measure.TransferPhase.values),
            "investment_band": rng.choice(CostBand.values),
            "open_source": rng.choice(["ja", "nein"]),
        }

    # Each row written once, as the portal would save it (bulk_create sends no signals):
    # with its search context and project title, and its profile. Rows written again would
    # leave the tables several times their size until a VACUUM FULL.
    measures = Measure.objects.bulk_create(
        (
            Measure(
                project_id=project_id,
                title=f"{LABEL} Maßnahme {p:02d}-{i:03d}",
                slug=f"beispieldaten-massnahme-{p:02d}-{i:03d}",
                summary=_text(rng, 25),
                description=_text(rng, 120),
                status=rng.choice(statuses),
                transfer_preconditions=_text(rng, 20),
                transfer_effort=_text(rng, 15),
                transfer_notes=_text(rng, 15),
                published=i % 10 != 0,
                search_context=context,
                project_title=title,
                **profile((p - 1) * per_project + i - 1),
            )
            for p, (project_id, (context, title)) in enumerate(contexts.items(), 1)
            for i in range(1, per_project + 1)
        ),
        batch_size=BATCH,
    )
    Topics = Measure.topics.through
    Topics.objects.bulk_create(
        (
            Topics(measure_id=m.pk, topic_id=t)
            for m in measures
            for t in rng.sample(topic_ids, rng.randint(1, 2))
        ),
        batch_size=BATCH * 5,
    )
    return {"measures": len(measures)}


def _search_contexts():
    """{project id: (search context, title)} of the sample projects, in the order of their ids:
    what their measures and lessons learned are also found by (projects/search_context.py)."""
    from projects.models import ModelProject, search_context_of

    projects = ModelProject.objects.filter(title__startswith=LABEL).order_by("pk")
    return {
        project.pk: (search_context_of(project), project.title)
        for project in projects.prefetch_related("municipalities")
    }


def _transfer(rng, now):
    """Profiles for every second measure (phase, cost band, open source, goal, three
    prerequisites, size classes), adoptions by the sample municipalities with a history over
    the last two years – forty of them of one measure and forty by one municipality, the
    pages the benchmark shows – and questions sent to the projects."""
    from projects.models import (
        Adoption,
        AdoptionChange,
        Measure,
        MeasurePrerequisite,
        QuestionAsked,
        SizeClass,
    )

    measures = list(
        Measure.objects.filter(title__startswith=LABEL).order_by("pk").values_list("pk", "project")
    )
    # The measures with a profile (_measures): they get prerequisites and size classes.
    profiled = list(
        Measure.objects.filter(title__startswith=LABEL)
        .exclude(goal="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    kinds = MeasurePrerequisite.Kind.values
    MeasurePrerequisite.objects.bulk_create(
        (
            MeasurePrerequisite(
                measure_id=pk, kind=kind, needed=rng.choice(["ja", "nein"]), note=_text(rng, 6)
            )
            for pk in profiled
            for kind in rng.sample(kinds, 3)
        ),
        batch_size=BATCH,
    )
    sizes = list(SizeClass.objects.values_list("pk", flat=True))
    Sizes = Measure.size_classes.through
    Sizes.objects.bulk_create(
        (
            Sizes(measure_id=pk, sizeclass_id=size)
            for pk in profiled
            for size in rng.sample(sizes, 2)
        ),
        batch_size=BATCH * 5,
    )
    municipality_ids = _sample_municipality_ids()
    measure_ids = [pk for pk, _project in measures]
    pairs = {(municipality_ids[n % 40], measure_ids[0]) for n in range(40)}
    pairs |= {(municipality_ids[0], measure_ids[n * 7]) for n in range(40)}
    while len(pairs) < COUNTS["adoptions"]:
        pairs.add((rng.choice(municipality_ids), rng.choice(measure_ids)))
    stages = Adoption.Stage.values
    adoptions = Adoption.objects.bulk_create(
        (
            Adoption(
                municipality_id=municipality,
                measure_id=measure,
                stage=(stage := rng.choice(stages)),
                reason=_text(rng, 6) if stage == Adoption.Stage.REJECTED else "",
                note=_text(rng, 8),
            )
            for municipality, measure in sorted(pairs)
        ),
        batch_size=BATCH,
    )
    changes = AdoptionChange.objects.bulk_create(
        (
            AdoptionChange(adoption_id=adoption.pk, stage=stage)
            for adoption in adoptions
            for stage in dict.fromkeys([Adoption.Stage.INTERESTED, adoption.stage])
        ),
        batch_size=BATCH,
    )
    asked = QuestionAsked.objects.bulk_create(
        (
            QuestionAsked(project_id=project, measure_id=measure)
            for measure, project in rng.choices(measures, k=COUNTS["questions_asked"])
        ),
        batch_size=BATCH,
    )
    # Spread over the last two years (the fields are set on creation).
    for model, rows, field in (
        (AdoptionChange, changes, "changed_at"),
        (QuestionAsked, asked, "asked_at"),
    ):
        for days in range(0, 730, 30):
            group = [row.pk for row in rows[days // 30 :: 25]]
            model.objects.filter(pk__in=group).update(
                **{field: now - datetime.timedelta(days=days)}
            )
    return {"adoptions": len(adoptions), "adoption_changes": len(changes), "questions": len(asked)}


def _insights(rng, now):
    from projects.models import Insight, Measure

    contexts = _search_contexts()
    measures_by_project = {}
    for pk, project_id in Measure.objects.filter(title__startswith=LABEL).values_list(
        "pk", "project_id"
    ):
        measures_by_project.setdefault(project_id, []).append(pk)
    topic_ids = _topic_ids()
    kinds = [choice for choice, _label in Insight.Kind.choices]
    per_project = COUNTS["insights"] // len(measures_by_project)
    Insight.objects.bulk_create(
        (
            Insight(
                project_id=project_id,
                measure_id=rng.choice(measure_ids) if i % 2 else None,
                topic_id=rng.choice(topic_ids),
                kind=rng.choice(kinds),
                text=_text(rng, 35),
                published=i % 10 != 0,
                search_context=contexts[project_id][0],  # as a save would (see _measures)
            )
            for project_id, measure_ids in measures_by_project.items()
            for i in range(per_project)
        ),
        batch_size=BATCH,
    )
    return {"insights": per_project * len(measures_by_project)}


def _offers(rng, now):
    from offers.models import Contact, EventDate, Offer, Registration

    contacts = Contact.objects.bulk_create(
        Contact(
            name=f"{LABEL} Ansprechperson {i}",
            role=_text(rng, 3),
            email=f"kontakt{i}@beispieldaten.example",
            helps_with=_text(rng, 20),
            position=100 + i,
            published=True,
        )
        for i in range(1, 6)
    )
    kinds = [choice for choice, _label in Offer.Kind.choices]
    formats = [choice for choice, _label in Offer.Format.choices]
    offers = Offer.objects.bulk_create(
        Offer(
            title=f"{LABEL} Angebot {i:03d}",
            slug=f"beispieldaten-angebot-{i:03d}",
            kind=rng.choice(kinds),
            format=rng.choice(formats),
            summary=_text(rng, 25),
            description="\n\n".join(_text(rng, 50) for _ in range(2)),
            contact_id=rng.choice(contacts).pk,
            published=i % 20 != 0,
        )
        for i in range(1, COUNTS["offers"] + 1)
    )
    Topics = Offer.topics.through
    topic_ids = _topic_ids()
    Topics.objects.bulk_create(
        Topics(offer_id=o.pk, topic_id=t) for o in offers for t in rng.sample(topic_ids, 2)
    )
    per_offer = COUNTS["dates"] // len(offers)
    dates = []
    for offer in offers:
        for i in range(per_offer):
            # Spread over the past half year and the coming year, on working-day mornings.
            day = now.date() + datetime.timedelta(days=rng.randint(-180, 365))
            starts = datetime.datetime.combine(day, datetime.time(8 + i % 6), tzinfo=datetime.UTC)
            dates.append(
                EventDate(
                    offer=offer,
                    title=f"{LABEL} Termin {i + 1}",
                    search_context=offer.title,  # bulk_create() sends no signals
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                    upcoming_until=starts + datetime.timedelta(hours=2),  # bulk: no save()
                    location=_text(rng, 4),
                    capacity=rng.choice([None, 20, 30, 40]),
                    is_sample=True,
                )
            )
    dates = EventDate.objects.bulk_create(dates, batch_size=BATCH)
    per_date = COUNTS["registrations"] // len(dates)
    State = Registration.State
    Registration.objects.bulk_create(
        (
            Registration(
                event_date_id=date.pk,
                name=f"{LABEL} Person {n}",
                email=f"person{n}@beispieldaten.example",
                state=State.CONFIRMED if n % 10 else State.CANCELLED,
            )
            for d, date in enumerate(dates)
            for n in range(d * per_date, (d + 1) * per_date)
        ),
        batch_size=BATCH,
    )
    return {
        "offers": len(offers),
        "dates": len(dates),
        "registrations": per_date * len(dates),
    }


def _surveys(rng, now):
    from surveys.models import Answer, Choice, Question, Response, Survey

    Kind = Question.Kind
    kinds = [Kind.SINGLE, Kind.MULTIPLE, Kind.SCALE, Kind.NUMBER, Kind.TEXT]
    topic_ids = _topic_ids()
    day = datetime.timedelta(days=1)
    surveys = Survey.objects.bulk_create(
        Survey(
            title=f"{LABEL} Umfrage {i:02d}",
            slug=f"beispieldaten-umfrage-{i:02d}",
            intro=_text(rng, 30),
            # Most are closed with public results; the last four are open, results shown.
            opens_at=now - (400 - 20 * i) * day if i <= 16 else now - 10 * day,
            closes_at=now - (370 - 20 * i) * day if i <= 16 else now + 20 * day,
            results_visibility=Survey.ResultsVisibility.AFTER_CLOSING
            if i <= 16
            else Survey.ResultsVisibility.WHILE_OPEN,
            published=True,
        )
        for i in range(1, COUNTS["surveys"] + 1)
    )
    questions = Question.objects.bulk_create(
        Question(
            survey=survey,
            position=q,
            text=f"{LABEL} Frage {q}: " + " ".join(rng.choice(WORDS) for _ in range(8)) + "?",
            kind=kinds[(q - 1) % len(kinds)],
            required=q % 3 == 0,
            min_value=0 if kinds[(q - 1) % len(kinds)] == Kind.NUMBER else None,
            max_value=1000 if kinds[(q - 1) % len(kinds)] == Kind.NUMBER else None,
            scale_min_label="gar nicht",
            scale_max_label="sehr",
        )
        for survey in surveys
        for q in range(1, COUNTS["questions_per_survey"] + 1)
    )
    choices = Choice.objects.bulk_create(
        Choice(
            question=question,
            position=c,
            label=f"{LABEL} Option {c}",
            topic_id=rng.choice(topic_ids) if question.kind == Kind.MULTIPLE else None,
        )
        for question in questions
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE)
        for c in range(1, 5)
    )
    choices_by_question = {}
    for choice in choices:
        choices_by_question.setdefault(choice.question_id, []).append(choice.pk)

    municipality_ids = _sample_municipality_ids()
    responses = Response.objects.bulk_create(
        (
            Response(
                survey=survey,
                municipality_id=municipality_id,
                state=Response.State.SUBMITTED,
                submitted_at=survey.opens_at + day,
            )
            for survey in surveys
            for municipality_id in municipality_ids
        ),
        batch_size=BATCH,
    )
    questions_by_survey = {}
    for question in questions:
        questions_by_survey.setdefault(question.survey_id, []).append(question)
    answers, picked = [], []
    for response in responses:
        for question in questions_by_survey[response.survey_id]:
            answer = Answer(response_id=response.pk, question_id=question.pk)
            if question.kind == Kind.SCALE:
                answer.number = rng.randint(1, 5)
            elif question.kind == Kind.NUMBER:
                answer.number = rng.randint(0, 1000)
            elif question.kind == Kind.TEXT:
                answer.text = _text(rng, 12)
            else:
                options = choices_by_question[question.pk]
                count = 1 if question.kind == Kind.SINGLE else rng.randint(1, 3)
                picked.append(rng.sample(options, count))
            answers.append(answer)
    answers = Answer.objects.bulk_create(answers, batch_size=BATCH * 2)
    Through = Answer.choices.through
    choice_answers = [a for a in answers if a.question_id in choices_by_question]
    Through.objects.bulk_create(
        (
            Through(answer_id=answer.pk, choice_id=choice_id)
            for answer, choice_ids in zip(choice_answers, picked, strict=True)
            for choice_id in choice_ids
        ),
        batch_size=BATCH * 5,
    )
    ratings = _self_assessments(rng, surveys, responses, topic_ids)
    from surveys import topics

    topics.rebuild_all()  # the options were written in bulk, without signals
    return {
        "surveys": len(surveys),
        "responses": len(responses),
        "answers": len(answers),
        "ratings": ratings,
    }


def _self_assessments(rng, surveys, responses, topic_ids):
    """A self-assessment as each survey's last question (issue 20): four steps, six
    dimensions on topics, rated in every response. Returns the number of ratings."""
    from surveys.models import Answer, AssessmentDimension, AssessmentRating, Choice, Question

    steps = ["Noch nicht begonnen", "Erste Schritte", "Fortgeschritten", "Vorreiter"]
    questions = Question.objects.bulk_create(
        Question(
            survey=survey,
            position=COUNTS["questions_per_survey"] + 1,
            text=f"{LABEL} Wo stehen Sie im Bereich Smart City, Smart Region?",
            kind=Question.Kind.SELF_ASSESSMENT,
        )
        for survey in surveys
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=position, label=label)
        for question in questions
        for position, label in enumerate(steps, 1)
    )
    dimensions = AssessmentDimension.objects.bulk_create(
        AssessmentDimension(question=question, position=d, name=f"{LABEL} Dimension {d}")
        for question in questions
        for d in range(1, 7)
    )
    AssessmentDimension.topics.through.objects.bulk_create(
        AssessmentDimension.topics.through(assessmentdimension=dimension, topic_id=topic_id)
        for dimension in dimensions
        for topic_id in rng.sample(topic_ids, 2)
    )
    question_of = {question.survey_id: question for question in questions}
    dimensions_of = {}
    for dimension in dimensions:
        dimensions_of.setdefault(dimension.question_id, []).append(dimension)
    answers = Answer.objects.bulk_create(
        (
            Answer(response_id=response.pk, question=question_of[response.survey_id])
            for response in responses
        ),
        batch_size=BATCH * 2,
    )
    ratings = []
    for answer in answers:
        for dimension in dimensions_of[answer.question_id]:
            today = rng.randint(1, 4)
            ratings.append(
                AssessmentRating(
                    answer=answer,
                    dimension=dimension,
                    today=today,
                    target=min(4, today + rng.randint(0, 2)),
                )
            )
    AssessmentRating.objects.bulk_create(ratings, batch_size=BATCH * 5)
    return len(ratings)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=6, help="random seed (default 6)")
    args = parser.parse_args(argv)
    _setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark data set is meant for PostgreSQL: set DATABASE_URL.")
    print(f"Generating the benchmark sample portal in {connection.settings_dict['NAME']} …")
    started = time.monotonic()
    generate(seed=args.seed)
    print(f"Done in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
