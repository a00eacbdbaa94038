"""A stored search vector for dates on PostgreSQL (nothing on other databases).

Like 0003 for the other searched tables, but of the date's own fields only: a generated
column cannot read the offer's title, which the search takes from the offer's stored
vector (transfer_portal.search._date_vector).
"""

from django.db import migrations

TABLE = "offers_eventdate"
COLUMN = "search_vector"


def _expression(schema_editor):
    from django.apps import apps

    from transfer_portal.search import DATE_OWN_FIELDS, TYPES, search_vector

    model = apps.get_model("offers", "EventDate")
    search_type = next(t for t in TYPES if t.key == "dates")
    query = model.objects.all().query
    compiler = query.get_compiler(connection=schema_editor.connection)
    expression = search_vector(search_type, DATE_OWN_FIELDS).resolve_expression(query)
    sql, params = compiler.compile(expression)
    sql = sql % tuple(schema_editor.quote_value(param) for param in params)
    return sql.replace(f'"{TABLE}".', "")


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({_expression(schema_editor)}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {TABLE}_search ON {TABLE} USING gin ({COLUMN})")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("transfer_portal", "0003_stored_search_vectors")]

    operations = [migrations.RunPython(add_column, drop_column)]
