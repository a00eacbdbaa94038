"""The initial content for tests, loaded once per test process and then copied in.

`load_initial_content` takes most of a second (get_or_create, signals, search contexts);
over a hundred tests start from it. The first time, it runs in a transaction that is rolled
back, and the rows it made are kept here; later tests get the same rows inserted as they
are, in one statement per table. Where a test has made content of its own before, the
command runs as usual, since it may then find rows to reuse.
"""

from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone


def _models():
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]


def _fields(model):
    return [field for field in model._meta.concrete_fields if not field.generated]


def _keys(model):
    return set(model._base_manager.values_list("pk", flat=True))


class Seed:
    def __init__(self, tables):
        # [(model, fields, rows)] in model order; constraints are checked at commit
        # (Django creates foreign keys deferrable), so the order does not matter.
        self.tables = tables
        self.counts_before = None

    @classmethod
    def take(cls):
        """Load the content in a transaction that is rolled back; keep what it added."""
        with transaction.atomic():
            before = {model: _keys(model) for model in _models()}
            call_command("load_initial_content", verbosity=0)
            tables = []
            for model in _models():
                fields = _fields(model)
                added = model._base_manager.exclude(pk__in=before[model]).order_by("pk")
                if rows := list(added.values_list(*(field.attname for field in fields))):
                    tables.append((model, fields, rows))
            transaction.set_rollback(True)
        seed = cls(tables)
        seed.counts_before = {model: len(keys) for model, keys in before.items()}
        return seed

    def _untouched(self):
        """True if the content tables hold only what migrations put there."""
        return all(
            model._base_manager.count() == self.counts_before[model]
            for model, _fields, _rows in self.tables
        )

    def load(self):
        if not self._untouched():
            call_command("load_initial_content", verbosity=0)
            return
        now = timezone.now()  # auto_now fields get the time of this load, as with the command
        # In a transaction, also in transactional tests: foreign keys are checked at commit.
        with transaction.atomic(), connection.cursor() as cursor:
            for model, fields, rows in self.tables:
                stamped = [
                    getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                    for f in fields
                ]
                columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
                    f"({columns}) VALUES ({marks})",
                    [
                        [
                            field.get_db_prep_save(now if stamp else value, connection)
                            for field, stamp, value in zip(fields, stamped, row, strict=True)
                        ]
                        for row in rows
                    ],
                )
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [model for model, _fields, _rows in self.tables]
            ):
                cursor.execute(statement)
        cache.clear()
