"""The copied initial content of the tests (tests/seed.py) is what the command loads."""

from django.core.management import call_command
from django.db import transaction

from tests.seed import _models


def _stamped(field):
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _content():
    """Per table, the rows without their keys (which depend on sequences) – a multiset."""
    content = {}
    for model in _models():
        plain = [
            field.attname
            for field in model._meta.concrete_fields
            if not (field.primary_key or field.is_relation or _stamped(field))
        ]
        # values_list() without fields would give every field, keys included.
        rows = sorted(map(repr, model._base_manager.values_list(*plain))) if plain else []
        content[model._meta.label] = (model._base_manager.count(), rows)
    return content


def test_the_copied_content_is_what_the_command_loads(_seed, db):
    with transaction.atomic():
        _seed.load()
        copied = _content()
        transaction.set_rollback(True)
    with transaction.atomic():
        call_command("load_initial_content", verbosity=0)
        loaded = _content()
        transaction.set_rollback(True)
    assert sum(count for count, _rows in loaded.values()) > 100
    assert copied == loaded


def test_a_test_with_content_of_its_own_gets_the_command(_seed, db):
    from tests import factories

    factories.topic(name="Eigenes Thema")
    _seed.load()
    from projects.models import Topic

    assert Topic.objects.filter(name="Eigenes Thema").exists()
    assert Topic.objects.filter(slug="mobilitaet").exists()
