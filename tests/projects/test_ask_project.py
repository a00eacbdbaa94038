"""“Frage an das Modellprojekt”: delivered by e-mail with a confirmation; stored only as the
queued e-mails (transfer_portal/lib/mail.py), nowhere else."""

import pytest
from django.apps import apps

from projects.models import QuestionAsked
from tests import factories

pytestmark = pytest.mark.django_db

QUESTION = {
    "name": "Karla Kommunal",
    "municipality": "Gemeinde Musterfeld",
    "email": "karla@musterfeld.example",
    "message": "Wie haben Sie den Datenschutz beim LoRaWAN-Netz gelöst?",
    "homepage": "",
}


def _row_count():
    """Rows of every table but the mail queue's (the e-mails and their delivery tasks)."""
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"lib", "django_tasks_db"}
    )


def test_question_goes_to_the_project_contact_with_a_copy_to_the_sender(client, mailoutbox, db):
    project = factories.project(contact_email="kontakt@projekt.example")
    before = _row_count()
    response = client.post(f"/modellprojekte/{project.slug}/frage/", QUESTION)
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    to_project, copy = mailoutbox
    assert to_project.to == ["kontakt@projekt.example"]
    assert to_project.reply_to == ["karla@musterfeld.example"]
    assert "Karla Kommunal (Gemeinde Musterfeld)" in to_project.body
    assert QUESTION["message"] in to_project.body
    assert copy.to == ["karla@musterfeld.example"]
    # A confirmation without anything the sender typed: no relay for texts to anybody.
    for typed in ("message", "name", "municipality"):
        assert QUESTION[typed] not in copy.body and QUESTION[typed] not in copy.subject
    assert project.title in copy.subject
    assert "Ansprechperson des Modellprojekts" in copy.body
    assert f"http://127.0.0.1:8000{project.get_absolute_url()}" in copy.body
    assert to_project.subject.startswith("[Transferportal] ")
    assert copy.subject.startswith("[Transferportal] ")
    # Nothing stored but the two e-mails and that a question went to the project (for
    # DABB's view of transfer), without anything of the question or the sender.
    assert _row_count() == before + 1
    asked = QuestionAsked.objects.get()
    assert (asked.project, asked.measure) == (project, None)
    assert {field.name for field in QuestionAsked._meta.fields} == {
        "id",
        "project",
        "measure",
        "asked_at",
    }


def test_question_about_a_measure_without_contact_goes_to_dabb(client, mailoutbox, settings, db):
    settings.PORTAL_CONTACT_EMAIL = "transfer@dabb.example"
    measure = factories.measure(factories.project(contact_email=""))
    response = client.post(f"/massnahmen/{measure.slug}/frage/", QUESTION)
    assert response.status_code == 302
    assert mailoutbox[0].to == ["transfer@dabb.example"]
    assert measure.title in mailoutbox[0].subject
    assert "Bitte leiten Sie sie weiter" in mailoutbox[0].body


def test_honeypot_blocks_bots_and_sends_nothing(client, mailoutbox, db):
    project = factories.project(contact_email="kontakt@projekt.example")
    response = client.post(
        f"/modellprojekte/{project.slug}/frage/", {**QUESTION, "homepage": "http://spam"}
    )
    assert response.status_code == 400
    assert mailoutbox == []
    # A person whose browser autofilled the hidden field sees why, above the form, and the
    # field comes back empty, so that sending again works.
    page = response.content.decode()
    summary = page[page.index('<div class="alert alert-danger" role="alert" id="fehler"') :]
    summary = summary[: summary.index("</div>")]
    assert "<li>Ihre Frage wurde nicht gesendet" in summary
    assert "http://spam" not in page
    assert QUESTION["message"] in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "keine-adresse"),
        ("message", ""),
        ("name", "Zeile\nBcc: x@y.z"),
        ("message", "x" * 6000),
    ],
)
def test_bad_input_gives_field_errors_and_sends_nothing(client, mailoutbox, db, field, value):
    project = factories.project(contact_email="kontakt@projekt.example")
    response = client.post(f"/modellprojekte/{project.slug}/frage/", {**QUESTION, field: value})
    assert response.status_code == 400
    assert 'class="invalid-feedback"' in response.content.decode()
    assert mailoutbox == []


def test_rate_limit_per_address(client, mailoutbox, settings, db):
    settings.QUESTION_RATE_LIMIT = 2
    project = factories.project(contact_email="kontakt@projekt.example")
    url = f"/modellprojekte/{project.slug}/frage/"
    assert client.post(url, QUESTION).status_code == 302
    assert client.post(url, QUESTION).status_code == 302
    response = client.post(url, QUESTION)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"  # the window of the limit: an hour
    assert "in kurzer Zeit mehrere Fragen" in response.content.decode()
    assert len(mailoutbox) == 4


def test_no_form_for_unpublished_projects(client, db):
    project = factories.project(published=False)
    assert client.get(f"/modellprojekte/{project.slug}/frage/").status_code == 404


def test_project_and_measure_pages_link_to_the_form(client, seeded):
    assert (
        'href="/modellprojekte/guben/frage/"'
        in client.get("/modellprojekte/guben/").content.decode()
    )
    html = client.get("/massnahmen/cottbus-energiemonitoring/").content.decode()
    assert 'href="/massnahmen/cottbus-energiemonitoring/frage/"' in html


def test_question_form_is_valid_html_with_and_without_errors(client, seeded):
    from tests.checkers import assert_valid_html

    assert_valid_html(
        {
            "form": client.get("/modellprojekte/guben/frage/").content.decode(),
            "errors": client.post("/modellprojekte/guben/frage/", {"email": "x"}).content.decode(),
        }
    )


def test_a_form_sent_back_with_errors_does_not_count_against_the_limit(
    client, mailoutbox, settings, db
):
    settings.QUESTION_RATE_LIMIT = 2
    project = factories.project(contact_email="kontakt@projekt.example")
    url = f"/modellprojekte/{project.slug}/frage/"
    for _ in range(4):
        assert client.post(url, {**QUESTION, "email": "keine-adresse"}).status_code == 400
    assert client.post(url, QUESTION).status_code == 302
    assert client.post(url, QUESTION).status_code == 302
    assert client.post(url, QUESTION).status_code == 429


def test_behind_a_proxy_the_limit_is_per_client_not_per_proxy(client, mailoutbox, settings, db):
    settings.QUESTION_RATE_LIMIT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    project = factories.project(contact_email="kontakt@projekt.example")
    url = f"/modellprojekte/{project.slug}/frage/"
    # Everyone comes from the proxy (REMOTE_ADDR 127.0.0.1); the proxy appends the client.
    first = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    second = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.post(url, QUESTION, **first).status_code == 302
    assert client.post(url, QUESTION, **second).status_code == 302
    assert client.post(url, QUESTION, **first).status_code == 429
    # A forged entry in front of the one the proxy appended changes nothing.
    forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.7"}
    assert client.post(url, QUESTION, **forged).status_code == 429


def test_parallel_requests_that_all_passed_the_check_are_still_limited(
    client, mailoutbox, settings, db
):
    """The count is taken atomically before the e-mails go out (there is no separate check
    before it that parallel requests could all pass)."""
    settings.QUESTION_RATE_LIMIT = 1
    project = factories.project(contact_email="kontakt@projekt.example")
    url = f"/modellprojekte/{project.slug}/frage/"
    assert client.post(url, QUESTION).status_code == 302
    assert client.post(url, QUESTION).status_code == 429
    assert len(mailoutbox) == 2  # one question: to the project and the copy


def test_a_mail_server_that_is_down_delays_the_question_without_losing_it(
    client, mailoutbox, settings, monkeypatch, db
):
    from django.core.mail import EmailMessage

    from transfer_portal.lib import mail
    from transfer_portal.lib.models import Mail

    settings.QUESTION_RATE_LIMIT = 1
    project = factories.project(contact_email="kontakt@projekt.example")
    url = f"/modellprojekte/{project.slug}/frage/"

    def down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", down)
        response = client.post(url, QUESTION, follow=True)
    assert response.redirect_chain  # asked: the e-mails wait in the queue
    assert "Ihre Frage wurde gesendet." in response.content.decode()
    assert mailoutbox == []
    queued = Mail.objects.order_by("pk")
    assert [m.status for m in queued] == [Mail.Status.QUEUED] * 2
    assert all("SMTP down" in m.last_error for m in queued)
    assert client.post(url, QUESTION).status_code == 429  # it counted
    # The mail server is back: each e-mail goes out once.
    mail.send_again(queued)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "karla@musterfeld.example",
        "kontakt@projekt.example",
    ]


def test_the_fields_declare_their_purpose_for_autofill(client, db):
    html = client.get(f"/modellprojekte/{factories.project().slug}/frage/").content.decode()
    assert 'autocomplete="name"' in html
    assert 'autocomplete="organization"' in html
    assert 'autocomplete="email"' in html


def test_errors_are_summarised_above_the_form_and_linked_to_their_fields(client, db):
    project = factories.project(contact_email="kontakt@projekt.example")
    response = client.post(f"/modellprojekte/{project.slug}/frage/", {**QUESTION, "email": "x"})
    page = response.content.decode()
    assert page.count("<title>Fehler: ") == 1
    summary = page[page.index('id="fehler" tabindex="-1"') :]
    assert '<a href="#id_email">Ihre E-Mail-Adresse: Bitte gültige E-Mail-Adresse' in summary


def test_a_question_asked_in_english_reaches_the_project_in_german(client, mailoutbox, db):
    project = factories.project(contact_email="kontakt@projekt.example")
    response = client.post(f"/en/modellprojekte/{project.slug}/frage/", QUESTION)
    assert response.status_code == 302
    to_project, confirmation = mailoutbox
    assert to_project.subject.startswith("[Transferportal] Frage zu ")
    assert "has a question" not in to_project.body
    assert confirmation.subject.startswith("[Transferportal] Your question")  # sender's language
