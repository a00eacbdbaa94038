"""The * of a required field is not read as part of its name, and each form with required
fields explains the mark once."""

import re
from pathlib import Path

import crispy_bootstrap5
import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.test import Client

pytestmark = pytest.mark.django_db

NOTE = "Mit * markierte Felder sind Pflichtfelder."
STAR = re.compile(r'<span class="asteriskField"([^>]*)>\*</span>')
LABEL = re.compile(r"<(label|legend)\b[^>]*>(.*?)</\1>", re.S)


class EveryKind(forms.Form):
    name = forms.CharField(label="Name")
    text = forms.CharField(label="Text", widget=forms.Textarea)
    # With an empty first option: only then may a select carry required (HTML).
    kind = forms.ChoiceField(label="Art", choices=[("", "–"), ("a", "A"), ("b", "B")])
    way = forms.ChoiceField(label="Weg", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label="Themen", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    consent = forms.BooleanField(label="Einverstanden")
    note = forms.CharField(label="Anmerkung", required=False)


def _accessible_label(markup):
    """A label's text as a screen reader reads it: without what is aria-hidden."""
    markup = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>.*?</span>', "", markup, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", markup)).strip()


def _check_marks(html):
    stars = STAR.findall(html)
    assert stars, "no required mark at all"
    assert all('aria-hidden="true"' in attributes for attributes in stars), stars
    for _tag, label in LABEL.findall(html):
        name = _accessible_label(label)
        assert name and "*" not in name, label


@pytest.mark.parametrize(
    "source",
    [
        "{% load crispy_forms_tags %}{{ form|crispy }}",
        "{% load crispy_forms_tags %}"
        "{% for field in form %}{{ field|as_crispy_field }}{% endfor %}",
    ],
    ids=["crispy filter", "field by field"],
)
def test_every_kind_of_required_field_hides_its_mark_and_keeps_required(source):
    html = Template(source).render(Context({"form": EveryKind()}))
    _check_marks(html)
    assert len(STAR.findall(html)) == 6  # every required field, not "Anmerkung"
    # Assistive technology learns it from the field itself (a group of checkboxes has no
    # way to say "at least one" in HTML).
    for name in ["name", "text", "kind", "way", "consent"]:
        assert re.search(rf'<(input|textarea|select)[^>]*name="{name}"[^>]*required', html), name


def test_the_crispy_filter_explains_the_mark_once_per_form():
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}{{ form|crispy }}").render(
        Context({"form": EveryKind()})
    )
    assert html.count(NOTE) == 1
    optional = forms.Form()
    optional.fields["note"] = forms.CharField(required=False)
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": optional})
    )
    assert NOTE not in html


def _pages(seeded_client, member_client):
    return {
        "login": seeded_client.get("/konto/login/"),
        "signup": seeded_client.get("/konto/signup/"),
        "signup with errors": seeded_client.post(
            "/konto/signup/", {"email": "x", "password1": "a", "password2": "b"}
        ),
        "password reset": seeded_client.get("/konto/password/reset/"),
        "question": seeded_client.get("/modellprojekte/cottbus/frage/"),
        "question with errors": seeded_client.post("/modellprojekte/cottbus/frage/", {}),
        "delete account": member_client.get("/konto/loeschen/"),
        "e-mail addresses": member_client.get("/konto/email/"),
        "change password": member_client.get("/konto/password/change/"),
        "English login": seeded_client.get("/en/konto/login/"),
    }


def test_each_form_with_required_fields_explains_the_mark_once(seeded, member_client):
    for name, response in _pages(Client(), member_client).items():
        html = response.content.decode()
        _check_marks(html)
        note = "Fields marked * are required." if name.startswith("English") else NOTE
        assert html.count(note) == 1, name
        # Above the fields it explains: before the first mark.
        assert html.index(note) < html.index("asteriskField"), name


def test_a_form_without_required_fields_has_no_note(member_client):
    html = member_client.get("/konto/profil/").content.decode()
    assert "asteriskField" not in html
    assert NOTE not in html


CRISPY_TEMPLATES = Path(crispy_bootstrap5.__file__).parent / "templates"
OURS = Path(settings.BASE_DIR) / "templates"


def test_every_crispy_template_that_prints_the_mark_is_overridden_or_unused():
    """The portal renders forms with |crispy and as_crispy_field (field.html, uni_form.html)
    and no crispy layouts; should it use a layout, its template needs the same change."""
    printing = {
        path.relative_to(CRISPY_TEMPLATES)
        for path in CRISPY_TEMPLATES.rglob("*.html")
        if "asteriskField" in path.read_text()
    }
    overridden = {name for name in printing if (OURS / name).exists()}
    assert overridden == {Path("bootstrap5/field.html")}
    assert 'aria-hidden="true">*</span>' in (OURS / "bootstrap5/field.html").read_text()
    apps = [
        Path(settings.BASE_DIR) / app
        for app in ("transfer_portal", "projects", "surveys", "offers")
    ]
    users_of_layouts = [
        str(path)
        for app in apps
        for path in app.rglob("*.py")
        if "crispy_forms.helper" in path.read_text() or "crispy_forms.layout" in path.read_text()
    ]
    assert users_of_layouts == []


def test_the_forms_are_valid_html(seeded, member_client):
    from tests.checkers import assert_valid_html

    pages = _pages(Client(), member_client)
    assert_valid_html({name: response.content.decode() for name, response in pages.items()})
