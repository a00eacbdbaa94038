"""GIN indexes for the portal search on PostgreSQL (nothing on other databases).

Each index is built from the very vector expression transfer_portal.search uses, so the
planner can answer `vector @@ query` from the index instead of parsing every row.
"""

from django.db import migrations

# (table, model label, search type key); dates and surveys are small and join other tables.
INDEXED = [
    ("projects_modelproject", "projects.ModelProject", "projects"),
    ("projects_measure", "projects.Measure", "measures"),
    ("projects_insight", "projects.Insight", "insights"),
    ("offers_offer", "offers.Offer", "offers"),
]


def _index_sql(schema_editor, model, key):
    from transfer_portal.search import TYPES, search_vector

    search_type = next(t for t in TYPES if t.key == key)
    query = model.objects.all().query
    compiler = query.get_compiler(connection=schema_editor.connection)
    expression = search_vector(search_type).resolve_expression(query)
    sql, params = compiler.compile(expression)
    sql = sql % tuple(schema_editor.quote_value(param) for param in params)
    return sql.replace(f'"{model._meta.db_table}".', "")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.apps import apps as real_apps

    for table, label, key in INDEXED:
        model = real_apps.get_model(label)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search ON {table} "
            f"USING gin (({_index_sql(schema_editor, model, key)}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _label, _key in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")


class Migration(migrations.Migration):
    dependencies = [
        ("transfer_portal", "0001_initial"),
        ("projects", "0001_initial"),
        ("offers", "0002_registration_language"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
