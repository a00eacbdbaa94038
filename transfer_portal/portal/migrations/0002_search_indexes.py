"""GIN indexes for the portal search on PostgreSQL (nothing on other databases).

Each index is built from the very vector expression transfer_portal.portal.search uses, so the
planner can answer `vector @@ query` from the index instead of parsing every row. (The
expressions were derived from the search's code until they were written out below; the
SQL is the same.)
"""

from django.db import migrations

# The searched columns and their weights per table, written out as transfer_portal.portal.search
# had them when this was made: frozen here (and used by 0003 for the stored vectors), so
# that every database gets the same index and column whatever the code says later.
# tests/transfer_portal/test_search.py checks that the search still computes the same
# vectors. Dates and surveys are small and join other tables (dates: 0004).
FIELDS = {
    "projects_modelproject": [
        ("title", "A"),
        ("motto", "B"),
        ("summary", "B"),
        ("description", "C"),
        ("fields_of_action", "C"),
    ],
    "projects_measure": [
        ("title", "A"),
        ("summary", "B"),
        ("description", "C"),
        ("transfer_preconditions", "C"),
        ("transfer_effort", "C"),
        ("transfer_notes", "C"),
    ],
    "projects_insight": [("text", "B")],
    "offers_offer": [("title", "A"), ("summary", "B"), ("description", "C")],
}


def expression(table):
    """The weighted German text vector of the table's FIELDS, as SQL."""
    parts = [
        f"setweight(to_tsvector('german'::regconfig, COALESCE(\"{column}\", '')), '{weight}')"
        for column, weight in FIELDS[table]
    ]
    sql = parts[0]
    for part in parts[1:]:
        sql = f"({sql} || {part})"
    return sql


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search ON {table} USING gin (({expression(table)}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")


class Migration(migrations.Migration):
    dependencies = [
        ("transfer_portal", "0001_initial"),
        ("projects", "0001_initial"),
        ("offers", "0002_registration_language"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
