"""A stored search vector for dates on PostgreSQL (nothing on other databases).

Like 0003 for the other searched tables, but of the date's own fields only: a generated
column cannot read the offer's title, which the search takes from the offer's stored
vector (transfer_portal.portal.search._date_vector).
"""

from django.db import migrations

TABLE = "offers_eventdate"
COLUMN = "search_vector"


# Written out as transfer_portal.portal.search.search_vector() compiled it for DATE_OWN_FIELDS
# when this migration was made: frozen here, so that every database gets the same column
# whatever the code says later (tests/transfer_portal/test_search.py checks that the two
# still agree). To change the fields, drop and add the column in a new migration; so does
# a change of the length of title or location (PostgreSQL refuses to alter a column that
# a generated column reads).
EXPRESSION = (
    "(setweight(to_tsvector('german'::regconfig, COALESCE(\"title\", '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, COALESCE(\"location\", '')), 'B'))"
)


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector "
        f"GENERATED ALWAYS AS {EXPRESSION} STORED"
    )
    schema_editor.execute(f"CREATE INDEX {TABLE}_search ON {TABLE} USING gin ({COLUMN})")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("transfer_portal", "0003_stored_search_vectors")]

    operations = [migrations.RunPython(add_column, drop_column)]
