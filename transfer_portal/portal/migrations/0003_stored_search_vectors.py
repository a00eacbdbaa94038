"""Stored search vectors on PostgreSQL (nothing on other databases).

The GIN indexes of 0002 let the planner find rare words quickly, but for a word found in
most entries it scans the table and parses every text again (to_tsvector per row, twice:
to match and to rank) – half a second on 5,000 measures. A stored generated column keeps
the parsed vector: matching and ranking read it instead of parsing. Django does not know
the column (it is never written, and never selected unless the search asks for it); the
search refers to it through transfer_portal.portal.search.StoredVector. The expressions are those
written out in 0002 (FIELDS). To change what a table's vector holds, drop and add the column
in a new migration; so does a change of the type or length of a column it reads (PostgreSQL
refuses to alter a column that a generated column reads).
"""

import importlib

from django.db import migrations

COLUMN = "search_vector"


def _indexed():
    return importlib.import_module("transfer_portal.portal.migrations.0002_search_indexes")


def add_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    previous = _indexed()
    for table in previous.FIELDS:
        expression = previous.expression(table)
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_search ON {table} USING gin ({COLUMN})")


def drop_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    previous = _indexed()
    for table in previous.FIELDS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
    previous.create_indexes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("transfer_portal", "0002_search_indexes")]

    operations = [migrations.RunPython(add_columns, drop_columns)]
