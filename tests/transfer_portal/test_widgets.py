"""FastSelect renders the same markup as Django's Select, without a template per option."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.forms import ProjectFilterForm
from projects.models import Municipality
from transfer_portal.lib.widgets import FastSelect


def squeeze(html):
    return re.sub(r">\s+<", "><", html.strip())


CHOICES = [("", "Alle"), ("a", "Erste & <beste>"), ("b", 'Zweite "Wahl"'), ("b", "Doppelt")]


@pytest.mark.parametrize("value", [None, "", "a", "b", "fehlt", '"><script>'])
def test_the_markup_is_the_same_as_djangos(value):
    attrs = {"id": "id_thema", "class": "form-select", "required": True, "disabled": False}
    django_html = forms.Select(choices=CHOICES).render("thema", value, attrs)
    fast_html = FastSelect(choices=CHOICES).render("thema", value, attrs)
    assert squeeze(fast_html) == squeeze(django_html)


def test_labels_and_values_are_escaped():
    html = FastSelect(choices=[('"><b>', "<script>alert(1)</script>")]).render("x", None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_grouped_choices_fall_back_to_djangos_select():
    grouped = [("Gruppe", [("a", "A"), ("b", "B")])]
    html = FastSelect(choices=grouped).render("x", "b")
    assert '<optgroup label="Gruppe">' in html
    assert squeeze(html) == squeeze(forms.Select(choices=grouped).render("x", "b"))


@pytest.mark.django_db
def test_a_model_select_costs_one_query_however_many_options(seeded):
    form = ProjectFilterForm({"kommune": "guben"})
    assert form.is_valid()  # validating looks the value up: a query of its own
    with CaptureQueriesContext(connection) as queries:
        html = str(form["kommune"])
    assert len(queries) == 1, [q["sql"][:150] for q in queries]
    guben = Municipality.objects.get(slug="guben")
    assert f'<option value="guben" selected>{guben.name}</option>' in html
