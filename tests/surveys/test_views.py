"""Listing, detail and taking part: permissions, states, drafts, colleagues, bad input."""

import pytest
from django.urls import reverse

from surveys.forms import OTHER, field_name, other_field_name
from surveys.models import Answer, Response
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


def participate_url(survey):
    return reverse("surveys:survey_participate", args=[survey.slug])


def valid_post(questions, action="absenden", **overrides):
    data = {
        "action": action,
        field_name(questions["single"]): str(questions["single"].choices.first().pk),
        field_name(questions["multiple"]): [
            str(choice.pk) for choice in questions["multiple"].choices.all()[:2]
        ],
        field_name(questions["scale"]): "4",
        field_name(questions["text"]): "Mehr Austausch",
        field_name(questions["number"]): "12",
    }
    data.update(overrides)
    return data


def test_list_shows_open_surveys_first_then_closed_ones(client, open_survey, closed_survey):
    html = client.get(reverse("surveys:survey_list")).content.decode()
    assert html.index(open_survey[0].title) < html.index(closed_survey[0].title)


def test_unpublished_survey_is_hidden_from_visitors_but_not_from_editors(client, editor):
    survey = survey_factories.survey(published=False)
    assert survey.title not in client.get(reverse("surveys:survey_list")).content.decode()
    assert client.get(survey.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert client.get(survey.get_absolute_url()).status_code == 200


def test_detail_counts_only_submitted_responses(client, open_survey):
    survey, _questions = open_survey
    survey_factories.response(survey)
    survey_factories.response(survey, state=Response.State.DRAFT)
    response = client.get(survey.get_absolute_url())
    assert "1 Kommune hat geantwortet." in response.content.decode()


def test_visitor_must_log_in_to_take_part(client, open_survey):
    response = client.get(participate_url(open_survey[0]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_user_without_municipality_is_sent_to_choose_one(client, member, open_survey):
    client.force_login(member)
    response = client.get(participate_url(open_survey[0]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("surveys:choose_municipality"))


def test_user_without_verified_email_cannot_take_part(client, open_survey):
    user = factories.user()
    user.emailaddress_set.update(verified=False)
    client.force_login(user)
    assert client.get(participate_url(open_survey[0])).status_code == 403
    assert client.get(reverse("surveys:choose_municipality")).status_code == 403


def test_a_mail_server_failure_does_not_turn_saved_answers_into_an_error(
    participant_client, open_survey, monkeypatch, mailoutbox
):
    from django.core.mail import EmailMessage

    from transfer_portal.lib.models import Mail

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    survey, questions = open_survey
    response = participant_client.post(participate_url(survey), valid_post(questions))
    assert response.status_code == 302
    assert Response.objects.get(survey=survey).is_submitted
    [waiting] = Mail.objects.all()  # the confirmation waits for the next try
    assert waiting.status == Mail.Status.QUEUED and mailoutbox == []


def test_submitting_saves_all_answers_and_sends_a_confirmation(
    participant_client, open_survey, municipality, mailoutbox
):
    survey, questions = open_survey
    response = participant_client.post(participate_url(survey), valid_post(questions))
    assert response.status_code == 302
    saved = Response.objects.get(survey=survey, municipality=municipality)
    assert saved.is_submitted and saved.submitted_at and saved.submitted_by.email
    assert saved.answers.count() == 5
    assert saved.answers.get(question=questions["number"]).number == 12
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["teilnahme@example.org"]
    assert "Musterstadt" in mailoutbox[0].body


def test_draft_skips_required_answers_and_does_not_count(participant_client, open_survey):
    survey, questions = open_survey
    response = participant_client.post(
        participate_url(survey),
        {"action": "zwischenspeichern", field_name(questions["text"]): "Erst ein Gedanke"},
    )
    assert response.status_code == 302
    draft = Response.objects.get(survey=survey)
    assert draft.state == Response.State.DRAFT and draft.submitted_at is None
    assert Response.objects.submitted().count() == 0


def test_submitting_without_required_answers_gives_field_errors(participant_client, open_survey):
    survey, questions = open_survey
    response = participant_client.post(
        participate_url(survey), {"action": "absenden", field_name(questions["text"]): "x"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte wählen Sie eine Antwort." in html  # the required single-choice question
    # Each of its options points to the error, not only the group around them.
    single = field_name(questions["single"])
    option = html[html.index(f'id="id_{single}_0"') - 300 : html.index(f'id="id_{single}_0"')]
    assert f'aria-describedby="id_{single}_error"' in option
    assert not Response.objects.exists()


def test_colleague_sees_the_saved_draft_and_continues_it(
    client, participant, colleague, open_survey
):
    survey, questions = open_survey
    client.force_login(participant)
    client.post(
        participate_url(survey),
        {"action": "zwischenspeichern", field_name(questions["text"]): "Gemeinsamer Entwurf"},
    )
    client.force_login(colleague)
    page = client.get(participate_url(survey))
    assert "Gemeinsamer Entwurf" in page.content.decode()
    client.post(participate_url(survey), valid_post(questions))
    response = Response.objects.get(survey=survey)
    assert response.is_submitted and response.submitted_by == colleague
    assert Response.objects.count() == 1


def _loaded_version(client, survey):
    """The state the participation form was loaded in (its hidden field)."""
    html = client.get(participate_url(survey)).content.decode()
    return html.split('name="stand" value="', 1)[1].split('"', 1)[0]


def test_a_colleagues_answers_saved_meanwhile_are_not_silently_replaced(
    client, participant, colleague, open_survey, mailoutbox
):
    from django.test import Client

    survey, questions = open_survey
    text = field_name(questions["text"])
    client.force_login(participant)
    loaded = _loaded_version(client, survey)  # opens the empty form …
    other = Client()
    other.force_login(colleague)
    other.post(participate_url(survey), valid_post(questions, **{text: "Von der Kollegin"}))
    # … and sends it after the colleague submitted.
    mine = valid_post(questions, **{text: "Meine Fassung", "stand": loaded})
    page = client.post(participate_url(survey), mine)
    assert page.status_code == 409
    html = page.content.decode()
    assert "Ihre Antworten sind noch nicht gespeichert" in html
    assert "kollegin@example.org" in html or "Kollegin" in html
    assert "Meine Fassung" in html  # what was entered stays on the page
    assert Response.objects.get().answers.get(question=questions["text"]).text == (
        "Von der Kollegin"
    )
    assert len(mailoutbox) == 1  # only the colleague's confirmation
    # Sent again from that page (it now carries the current state), it replaces them.
    mine["stand"] = html.split('name="stand" value="', 1)[1].split('"', 1)[0]
    assert client.post(participate_url(survey), mine).status_code == 302
    assert Response.objects.get().answers.get(question=questions["text"]).text == "Meine Fassung"


def test_a_double_click_with_the_same_loaded_state_is_no_conflict(participant_client, open_survey):
    """The second request of a double click carries the state the first one replaced; the
    same person overwriting their own save is no conflict (it named them as "colleague")."""
    survey, questions = open_survey
    data = valid_post(questions, stand=_loaded_version(participant_client, survey))
    assert participant_client.post(participate_url(survey), data).status_code == 302
    assert participant_client.post(participate_url(survey), data).status_code == 302


def test_sending_the_form_twice_in_a_row_is_no_conflict(participant_client, open_survey):
    survey, questions = open_survey
    loaded = _loaded_version(participant_client, survey)
    data = valid_post(questions, action="zwischenspeichern", stand=loaded)
    assert participant_client.post(participate_url(survey), data).status_code == 302
    data["stand"] = _loaded_version(participant_client, survey)
    assert participant_client.post(participate_url(survey), data).status_code == 302


def test_a_form_sent_back_with_errors_keeps_the_state_it_was_loaded_in(
    client, participant, colleague, open_survey
):
    """Otherwise one round with an error would quietly take on the colleague's state."""
    from django.test import Client

    survey, questions = open_survey
    client.force_login(participant)
    loaded = _loaded_version(client, survey)
    other = Client()
    other.force_login(colleague)
    other.post(participate_url(survey), valid_post(questions))
    bad = valid_post(questions, stand=loaded, **{field_name(questions["number"]): "viele"})
    page = client.post(participate_url(survey), bad)
    assert page.status_code == 400
    assert f'name="stand" value="{loaded}"' in page.content.decode()


def test_submitted_answers_can_be_changed_while_open_and_stay_submitted(
    participant_client, open_survey
):
    survey, questions = open_survey
    participant_client.post(participate_url(survey), valid_post(questions))
    # Even a "draft" save of a submitted response is validated and stays submitted.
    participant_client.post(
        participate_url(survey),
        valid_post(questions, action="zwischenspeichern", **{field_name(questions["number"]): "7"}),
    )
    response = Response.objects.get(survey=survey)
    assert response.is_submitted
    assert response.answers.get(question=questions["number"]).number == 7


def test_the_e_mail_after_changed_answers_says_they_were_changed(
    participant_client, open_survey, mailoutbox
):
    survey, questions = open_survey
    participant_client.post(participate_url(survey), valid_post(questions))
    participant_client.post(participate_url(survey), valid_post(questions))
    first, changed = mailoutbox
    assert first.body.startswith("Vielen Dank")
    assert changed.body.startswith("Die geänderten Antworten von Musterstadt")


@pytest.mark.parametrize("survey_fixture", ["closed_survey", "planned_survey"])
def test_survey_outside_its_period_refuses_writes(
    request, participant_client, survey_fixture, municipality
):
    survey, questions = request.getfixturevalue(survey_fixture)
    page = participant_client.get(participate_url(survey))
    assert page.status_code == 200
    assert page.context.get("form") is None
    message = {"closed_survey": "Diese Umfrage ist geschlossen.", "planned_survey": "beginnt am"}
    assert message[survey_fixture] in page.content.decode()
    response = participant_client.post(participate_url(survey), valid_post(questions))
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_closed_survey_keeps_existing_answers_unchanged(participant_client, municipality):
    survey, questions = survey_factories.full_survey("geschlossen")
    existing = survey_factories.response(survey, municipality, answers={questions["number"]: 5})
    participant_client.post(
        participate_url(survey), valid_post(questions, **{field_name(questions["number"]): "9"})
    )
    assert Answer.objects.get(response=existing).number == 5


@pytest.mark.parametrize(
    "tamper",
    [
        "unknown_choice",
        "choice_of_other_question",
        "too_many_choices",
        "too_long_text",
        "number_out_of_range",
        "scale_out_of_range",
        "other_text_without_other",
    ],
)
def test_bad_input_gives_field_errors_and_saves_nothing(participant_client, open_survey, tamper):
    survey, questions = open_survey
    single, multiple = questions["single"], questions["multiple"]
    foreign = survey_factories.full_survey()[1]["single"].choices.first()
    overrides = {
        "unknown_choice": {field_name(single): "999999"},
        "choice_of_other_question": {field_name(single): str(foreign.pk)},
        "too_many_choices": {
            field_name(multiple): [str(c.pk) for c in multiple.choices.all()] + [OTHER],
            other_field_name(multiple): "Etwas anderes",
        },
        "too_long_text": {field_name(questions["text"]): "x" * 51},
        "number_out_of_range": {field_name(questions["number"]): "101"},
        "scale_out_of_range": {field_name(questions["scale"]): "6"},
        "other_text_without_other": {other_field_name(multiple): "Etwas anderes"},
    }[tamper]
    for action in ("absenden", "zwischenspeichern"):
        response = participant_client.post(
            participate_url(survey), valid_post(questions, action=action, **overrides)
        )
        assert response.status_code == 400
        assert response.context["form"].errors
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_other_option_is_saved_with_its_text(participant_client, open_survey):
    survey, questions = open_survey
    multiple = questions["multiple"]
    participant_client.post(
        participate_url(survey),
        valid_post(
            questions,
            **{
                field_name(multiple): [str(multiple.choices.first().pk), OTHER],
                other_field_name(multiple): "Kultur",
            },
        ),
    )
    answer = Answer.objects.get(question=multiple)
    assert answer.other_text == "Kultur"
    assert list(answer.choices.all()) == [multiple.choices.first()]


def test_a_draft_keeps_other_ticked_before_its_text_is_written(participant_client, open_survey):
    """Saving a draft with "Sonstiges" ticked and no text yet said "gespeichert" and lost
    the tick; only submitting needs the text."""
    survey, questions = open_survey
    multiple = questions["multiple"]
    response = participant_client.post(
        participate_url(survey),
        {"action": "zwischenspeichern", field_name(multiple): [OTHER]},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(question=multiple)
    assert answer.other_selected and answer.other_text == ""
    html = participant_client.get(participate_url(survey)).content.decode()
    other = html[html.index(f'value="{OTHER}"') - 200 : html.index(f'value="{OTHER}"') + 200]
    assert "checked" in other


def test_other_without_text_is_refused_on_submit(participant_client, open_survey):
    survey, questions = open_survey
    multiple = questions["multiple"]
    response = participant_client.post(
        participate_url(survey), valid_post(questions, **{field_name(multiple): [OTHER]})
    )
    assert response.status_code == 400
    assert other_field_name(multiple) in response.context["form"].errors


def test_visitor_is_invited_to_log_in_on_an_open_survey(client, open_survey):
    survey, _q = open_survey
    html = client.get(survey.get_absolute_url()).content.decode()
    assert "Anmelden und teilnehmen" in html
    assert "?next=/umfragen/" + survey.slug + "/teilnehmen/" in html


def test_participant_is_offered_to_continue_the_draft_of_the_municipality(
    participant_client, open_survey, municipality
):
    survey, _q = open_survey
    survey_factories.response(survey, municipality, state=Response.State.DRAFT)
    html = participant_client.get(survey.get_absolute_url()).content.decode()
    assert "Weiter beantworten" in html


def test_survey_must_close_after_it_opens(db):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        survey_factories.survey(opens_at=now, closes_at=now)


def test_all_errors_of_a_choice_question_show_at_once(participant_client):
    from surveys.models import Question

    survey = survey_factories.survey("offen")
    topics = survey_factories.question(
        survey, Question.Kind.MULTIPLE, ["Mobilität", "Bildung"], required=True, allow_other=True
    )
    response = participant_client.post(
        participate_url(survey),
        {"action": "absenden", other_field_name(topics): "Ländliche Nahversorgung"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors[field_name(topics)] == ["Bitte wählen Sie mindestens eine Antwort."]
    assert errors[other_field_name(topics)] == [
        "Wählen Sie auch „Sonstiges“ aus oder lassen Sie dieses Feld leer."
    ]


def test_a_number_question_asks_for_a_number_not_an_id(participant_client, open_survey):
    """The open data's "Number" is an identifier ("Nummer"); here it is "Zahl"."""
    survey, questions = open_survey
    html = participant_client.get(participate_url(survey)).content.decode()
    number_id = f"id_{field_name(questions['number'])}"
    assert f'<label class="form-label" for="{number_id}">Zahl</label>' in html


def test_an_option_with_an_error_is_still_described_by_the_questions_hint(
    participant_client, open_survey
):
    survey, questions = open_survey
    multiple = field_name(questions["multiple"])
    too_many = [str(choice.pk) for choice in questions["multiple"].choices.all()]
    response = participant_client.post(
        participate_url(survey), valid_post(questions, **{multiple: too_many})
    )
    assert response.status_code == 400
    html = response.content.decode()
    option = html[html.index(f'id="id_{multiple}_0"') - 300 : html.index(f'id="id_{multiple}_0"')]
    assert f'aria-describedby="id_{multiple}_error id_{multiple}_helptext"' in option
    assert f'id="id_{multiple}_helptext">Wählen Sie höchstens 2 aus.' in html


def test_answers_that_break_a_rule_say_so_in_the_participants_words(participant_client, db):
    survey, questions = survey_factories.full_survey("offen")
    questions["text"].max_length = 10
    questions["text"].required = True
    questions["text"].save()
    page = participant_client.post(
        participate_url(survey),
        valid_post(
            questions,
            **{
                field_name(questions["text"]): "x" * 12,
                field_name(questions["number"]): "12 Stück",
            },
        ),
    )
    html = page.content.decode()
    assert "Bitte kürzen Sie Ihre Antwort auf höchstens 10 Zeichen (sie hat 12)." in html
    assert "Bitte geben Sie eine ganze Zahl ein, ohne Buchstaben oder Einheiten." in html
    page = participant_client.post(
        participate_url(survey),
        valid_post(
            questions, **{field_name(questions["text"]): "", field_name(questions["scale"]): ""}
        ),
    )
    html = page.content.decode()
    assert "Bitte beantworten Sie diese Frage." in html
    assert "Bitte wählen Sie einen Wert." in html  # the required scale
    assert "zwingend erforderlich" not in html


@pytest.mark.parametrize("mark", ["\u202e", "\u2066", "\u202a"])
def test_free_text_answers_refuse_direction_marks(participant_client, open_survey, mark):
    survey, questions = open_survey
    data = valid_post(questions, **{field_name(questions["text"]): f"Mehr{mark} Austausch"})
    data[field_name(questions["multiple"])] = [OTHER]
    data[other_field_name(questions["multiple"])] = f"Anderes{mark}"
    response = participant_client.post(participate_url(survey), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("unsichtbare Zeichen") >= 2
    assert not Response.objects.exists()
