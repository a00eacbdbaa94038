"""get_FOO_display() of the portal's content (ChoiceLabels) says what Django's own says,
for every choice of every model, in both languages, and for a value that is no choice."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from transfer_portal.lib.models import ChoiceLabels

FIELDS = [
    (model, field)
    for model in apps.get_models()
    if issubclass(model, ChoiceLabels)
    for field in model._meta.concrete_fields
    if field.choices
]


def test_the_portal_has_content_with_choices():
    assert len(FIELDS) >= 4


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    ("model", "field"), FIELDS, ids=[f"{m.__name__}.{f.name}" for m, f in FIELDS]
)
def test_choice_labels_are_djangos(model, field, language):
    with translation.override(language):
        for value in [*(value for value, _label in field.flatchoices), "keine-auswahl", None]:
            instance = model(**{field.attname: value})
            ours = getattr(instance, f"get_{field.name}_display")()
            assert ours == models.Model._get_FIELD_display(instance, field)
            assert isinstance(ours, str) or ours is None
