"""Measures and lessons learned are also found by their project's title and municipalities
(projects.Measure/Insight.search_context, weighted D: below every field of their own).
PostgreSQL only: the stored vectors of 0003 are dropped and added again with it; other
databases search the field directly."""

import importlib

from django.db import migrations

COLUMN = "search_context"
TABLES = ("projects_measure", "projects_insight")


def _expression(table, with_context):
    """0002's frozen expression for the table, and the context weighted D."""
    frozen = importlib.import_module("transfer_portal.portal.migrations.0002_search_indexes")
    sql = frozen.expression(table)
    if with_context:
        sql = f"({sql} || setweight(to_tsvector('german'::regconfig, COALESCE(\"{COLUMN}\", '')), 'D'))"
    return sql


def _rebuild(schema_editor, with_context):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_expression(table, with_context)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)")


def forwards(apps, schema_editor):
    _rebuild(schema_editor, with_context=True)


def backwards(apps, schema_editor):
    _rebuild(schema_editor, with_context=False)


class Migration(migrations.Migration):
    dependencies = [
        ("transfer_portal", "0004_stored_date_search_vector"),
        ("projects", "0004_measure_insight_search_context"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
