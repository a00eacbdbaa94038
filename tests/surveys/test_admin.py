"""The editors' side: response count and progress, duplicating, confirming municipalities."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Municipality
from surveys.models import Participant, Response, Survey
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


def test_survey_list_shows_response_count_progress_and_export_links(editor_client):
    survey, _q = survey_factories.full_survey(title="Fortschrittsumfrage")
    survey_factories.response(survey)
    survey_factories.response(survey)
    survey_factories.response(survey, state=Response.State.DRAFT)
    html = editor_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert "Fortschrittsumfrage" in html
    assert "2 von 3 begonnenen Antworten abgegeben" in html
    assert reverse("surveys:survey_export", args=[survey.slug, "xlsx"]) in html


def test_one_started_response_is_said_in_the_singular(editor_client):
    survey, _q = survey_factories.full_survey(title="Einzelumfrage")
    survey_factories.response(survey)
    html = editor_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert "1 von 1 begonnenen Antwort abgegeben" in html


def test_survey_change_page_has_question_inlines(editor_client):
    survey, questions = survey_factories.full_survey()
    html = editor_client.get(
        reverse("admin:surveys_survey_change", args=[survey.pk])
    ).content.decode()
    assert questions["single"].text in html
    html = editor_client.get(
        reverse("admin:surveys_question_change", args=[questions["single"].pk])
    ).content.decode()
    assert "Weiß nicht" in html


def test_duplicate_action_copies_questions_and_options_as_a_draft(editor_client):
    survey, questions = survey_factories.full_survey(title="Runde 1")
    editor_client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "duplicate", "_selected_action": [survey.pk]},
    )
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert copy.title == "Kopie von Runde 1"
    assert not copy.published
    assert [q.text for q in copy.questions.all()] == [q.text for q in questions.values()]
    copied_multiple = copy.questions.get(kind="mehrfach")
    assert [(c.label, c.topic) for c in copied_multiple.choices.all()] == [
        (c.label, c.topic) for c in questions["multiple"].choices.all()
    ]
    assert copied_multiple.max_choices == 2
    assert survey.questions.count() == 5  # the original keeps its questions


def test_confirming_a_named_municipality_creates_and_links_it(editor_client, editor, member):
    participant = Participant.objects.create(user=member, requested_municipality="Neudorf")
    editor_client.post(
        reverse("admin:surveys_participant_changelist"),
        {"action": "confirm_requested", "_selected_action": [participant.pk]},
    )
    participant.refresh_from_db()
    assert participant.municipality == Municipality.objects.get(name="Neudorf")
    assert participant.is_confirmed and participant.decided_by == editor
    assert participant.decided_via == Participant.DecidedVia.EDITOR


def test_a_named_municipality_gets_a_slug_by_the_portals_rule(editor_client, member):
    factories.municipality(name="Groß Döbern (alt)", slug="gross-doebern")
    participant = Participant.objects.create(user=member, requested_municipality="Groß Döbern")
    editor_client.post(
        reverse("admin:surveys_participant_changelist"),
        {"action": "confirm_requested", "_selected_action": [participant.pk]},
    )
    assert Municipality.objects.get(name="Groß Döbern").slug == "gross-doebern-2"


def test_copies_of_a_survey_get_free_slugs_within_the_fields_length(editor_client):
    survey = survey_factories.survey(slug="a" * 200)
    for _round in range(2):
        editor_client.post(
            reverse("admin:surveys_survey_changelist"),
            {"action": "duplicate", "_selected_action": [survey.pk]},
        )
    slugs = set(Survey.objects.exclude(pk=survey.pk).values_list("slug", flat=True))
    assert slugs == {"a" * 194 + "-kopie", "a" * 192 + "-kopie-2"}


def test_pending_requests_are_listed_oldest_first_with_who_asked_and_when(editor_client, db):
    municipality = factories.municipality(name="Wartestadt")
    first = survey_factories.participant(municipality, "zuerst@example.org", status="offen")
    second = survey_factories.participant(municipality, "danach@example.org", status="offen")
    survey_factories.participant(municipality, "bestaetigt@example.org")
    Participant.objects.filter(user=first).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    url = reverse("admin:surveys_participant_changelist") + "?stand=offen"
    html = editor_client.get(url).content.decode()
    assert html.index(first.email) < html.index(second.email)
    assert "bestaetigt@example.org" not in html
    assert "angefragt am" in html.lower()


@pytest.mark.parametrize(
    ("action", "status", "subject"),
    [
        ("confirm_links", "bestaetigt", "Sie können jetzt Umfragen für Wartestadt beantworten"),
        ("decline_links", "abgelehnt", "Ihre Verknüpfung mit Wartestadt wurde nicht bestätigt"),
    ],
)
def test_editors_confirm_or_decline_pending_links(
    editor_client,
    editor,
    db,
    mailoutbox,
    django_capture_on_commit_callbacks,
    action,
    status,
    subject,
):
    municipality = factories.municipality(name="Wartestadt")
    user = survey_factories.participant(municipality, "wartet@example.org", status="offen")
    link = Participant.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:surveys_participant_changelist"),
            {"action": action, "_selected_action": [link.pk]},
        )
    link.refresh_from_db()
    assert link.status == status and link.decided_by == editor
    [told] = mailoutbox
    assert told.to == ["wartet@example.org"] and subject in told.subject


def test_editors_can_correct_a_participants_municipality(
    editor_client, editor, participant, django_capture_on_commit_callbacks
):
    link = Participant.objects.get(user=participant)
    other = factories.municipality(name="Andere Gemeinde")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:surveys_participant_change", args=[link.pk]),
            {"municipality": other.pk, "requested_municipality": "", "status": "bestaetigt"},
        )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.municipality == other
    assert link.decided_by == editor and link.decided_via == Participant.DecidedVia.EDITOR


def test_a_link_cannot_be_confirmed_without_a_municipality_of_the_list(editor_client, member):
    link = Participant.objects.create(user=member, requested_municipality="Neudorf")
    response = editor_client.post(
        reverse("admin:surveys_participant_change", args=[link.pk]),
        {"municipality": "", "requested_municipality": "Neudorf", "status": "bestaetigt"},
    )
    assert response.status_code == 200
    assert "Bestätigt werden kann nur eine Verknüpfung mit einer Kommune aus der Liste" in (
        response.content.decode()
    )
    link.refresh_from_db()
    assert link.is_pending


def test_a_response_shows_its_history_in_the_admin(editor_client, db):
    survey, questions = survey_factories.full_survey()
    municipality = factories.municipality()
    user = survey_factories.participant(municipality, "verlauf@example.org")
    from surveys import services
    from surveys.forms import AnswerData

    for text in ["Erste Fassung", "Zweite Fassung"]:
        response, _first = services.save_response(
            survey=survey,
            municipality=municipality,
            user=user,
            answers=[AnswerData(questions["text"], text=text)],
            submit=False,
        )
    html = editor_client.get(
        reverse("admin:surveys_response_change", args=[response.pk])
    ).content.decode()
    assert html.index("Zweite Fassung") < html.index("Erste Fassung")
    assert html.count("verlauf@example.org") >= 2


def test_non_editors_cannot_open_the_survey_admin(member_client):
    response = member_client.get(reverse("admin:surveys_survey_changelist"))
    assert response.status_code == 302


def test_responses_cannot_be_added_in_the_admin(editor_client):
    assert editor_client.get(reverse("admin:surveys_response_add")).status_code == 403
    html = editor_client.get(reverse("admin:surveys_response_changelist")).content.decode()
    assert reverse("admin:surveys_response_add") not in html


def test_a_response_is_read_only_but_can_be_deleted(editor_client):
    survey, _q = survey_factories.full_survey()
    response = survey_factories.response(survey, state=Response.State.DRAFT)
    updated = response.updated_at
    url = reverse("admin:surveys_response_change", args=[response.pk])
    page = editor_client.get(url)
    assert page.status_code == 200  # editors read it
    html = page.content.decode()
    for field in ["survey", "municipality", "state"]:
        assert f'name="{field}"' not in html
    assert 'name="_save"' not in html
    # Saving would move "updated", which the municipality sees; a draft switched to
    # "submitted" by hand would lack its submission time (a 500 before).
    inline = {"answers-TOTAL_FORMS": "0", "answers-INITIAL_FORMS": "0"}
    submitted = {"survey": survey.pk, "municipality": response.municipality.pk}
    assert editor_client.post(url, {**submitted, "state": "abgegeben", **inline}).status_code == 403
    response.refresh_from_db()
    assert (response.state, response.survey, response.updated_at) == (
        Response.State.DRAFT,
        survey,
        updated,
    )
    editor_client.post(
        reverse("admin:surveys_response_delete", args=[response.pk]), {"post": "yes"}
    )
    assert not Response.objects.filter(pk=response.pk).exists()


def test_editors_give_a_participants_account_by_its_e_mail(editor_client, editor, member):
    from allauth.account.models import EmailAddress

    unverified = factories.user("unbestaetigt@example.org")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    linked = survey_factories.participant(email="schon-verknuepft@example.org")
    html = editor_client.get(reverse("admin:surveys_participant_add")).content.decode()
    assert 'type="email" name="user"' in html
    # No list of accounts at all: the editor types the address.
    for account in (member, editor, unverified, linked):
        assert account.email not in html
    assert "vForeignKeyRawIdAdminField" not in html
    assert "/admin/auth/user/" not in html
    municipality = factories.municipality()
    url = reverse("admin:surveys_participant_add")
    data = {"municipality": municipality.pk, "requested_municipality": "", "status": "offen"}
    # Staff, unconfirmed, already linked and unknown addresses are refused, and say why.
    for email in (editor.email, unverified.email, linked.email, "niemand@example.org"):
        response = editor_client.post(url, {**data, "user": email})
        assert response.status_code == 200
        assert "noch mit keiner Kommune verknüpft ist" in response.content.decode()
        assert f'value="{email}"' in response.content.decode()  # what was typed stays
    assert not Participant.objects.filter(municipality=municipality).exists()
    response = editor_client.post(url, {**data, "user": "  Mitglied@Example.org "})
    assert response.status_code == 302
    assert Participant.objects.get(user=member).municipality == municipality
    assert not editor.has_perm("auth.view_user")


def test_a_superuser_gets_no_account_links_beside_the_address(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:surveys_participant_add")).content.decode()
    assert 'type="email" name="user"' in html
    assert "/admin/auth/user/add/" not in html


def test_the_participant_list_shows_e_mail_addresses(editor_client, participant):
    html = editor_client.get(reverse("admin:surveys_participant_changelist")).content.decode()
    assert "teilnahme@example.org" in html


def test_a_surveys_page_links_its_results_and_its_responses(editor_client):
    survey, _q = survey_factories.full_survey()
    html = editor_client.get(
        reverse("admin:surveys_survey_change", args=[survey.pk])
    ).content.decode()
    assert f'href="{reverse("surveys:survey_results", args=[survey.slug])}"' in html
    responses = reverse("admin:surveys_response_changelist")
    assert f'href="{responses}?survey__id__exact={survey.pk}"' in html


def test_saving_a_survey_warns_about_choice_questions_without_options(editor_client):
    from surveys.models import Question
    from tests.transfer_portal.test_admin_site import form_data

    survey, _q = survey_factories.full_survey()
    empty = survey_factories.question(survey, Question.Kind.MULTIPLE, text="Welche Themen?")
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    response = editor_client.post(url, form_data(editor_client, url), follow=True)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    link = reverse("admin:surveys_question_change", args=[empty.pk])
    assert warnings == [
        f'Diese Auswahlfragen haben noch keine Optionen: <a href="{link}">Welche Themen?</a>'
    ]
    empty.choices.create(label="Mobilität")
    response = editor_client.post(url, form_data(editor_client, url), follow=True)
    assert [m for m in response.context["messages"] if m.level_tag == "warning"] == []
