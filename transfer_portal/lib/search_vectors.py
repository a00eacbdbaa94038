"""Stored, weighted full-text vectors on PostgreSQL, declared with the models they index.

A searched model names its fields and their weights (A title, B summary, C body, D
context) in `search_weights`; its app's own migration adds the stored column with the
StoredSearchVector operation below, with the weights written out (frozen) as they were
then. The portal search matches and ranks on the column, which Django does not know as a
field: it is never written, and never selected unless the search asks for it. Other
databases get no column; the search reads the fields there.

To change what a vector holds, add a migration with the new weights; so does a change of
the type or length of a column it reads (PostgreSQL refuses to alter a column that a
generated column reads: drop the vector first, add it again after).

The vector is kept in its row (storage MAIN): the search reads it for every candidate it
ranks, and a vector moved out to the TOAST table, as PostgreSQL does with the largest value
of a long row, cost a lookup there each time – on the benchmark's measures half of the
search's time (InlineSearchVector).
"""

from django.db.migrations.operations.base import Operation

COLUMN = "search_vector"
CONFIG = "german"


def vector_sql(weights):
    """The weighted German text vector of (column, weight) pairs, as SQL."""
    parts = [
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(\"{column}\", '')), '{weight}')"
        for column, weight in weights
    ]
    sql = parts[0]
    for part in parts[1:]:
        sql = f"({sql} || {part})"
    return sql


def index_name(table):
    return f"{table}_search"


class StoredSearchVector(Operation):
    """Add (or replace) a table's stored search vector and its GIN index; PostgreSQL only.

    `previous`: the weights the table had before, restored when the migration is reversed
    (None: there was no vector).
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, table, weights, previous=None):
        self.table = table
        self.weights = tuple(tuple(pair) for pair in weights)
        self.previous = None if previous is None else tuple(tuple(pair) for pair in previous)

    def deconstruct(self):
        kwargs = {"table": self.table, "weights": self.weights}
        if self.previous is not None:
            kwargs["previous"] = self.previous
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass  # not a model field: the model state does not change

    def _replace(self, schema_editor, weights):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self.table)
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
        if weights is None:
            return
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({vector_sql(weights)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {index_name(self.table)} ON {table} USING gin ({COLUMN})"
        )
        schema_editor.execute(_storage_sql(table, "MAIN"))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._replace(schema_editor, self.weights)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._replace(schema_editor, self.previous)

    def describe(self):
        return f"Stored search vector of {self.table} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"search_vector_{self.table}"


def _storage_sql(table, storage):
    return f"ALTER TABLE {table} ALTER COLUMN {COLUMN} SET STORAGE {storage}"


class InlineSearchVector(Operation):
    """Keep a table's stored search vector in its rows (storage MAIN, see above); PostgreSQL
    only. Rows written before keep their place until they are written again."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table):
        self.table = table

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"table": self.table})

    def state_forwards(self, app_label, state):
        pass

    def _set(self, schema_editor, storage):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_storage_sql(schema_editor.quote_name(self.table), storage))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._set(schema_editor, "MAIN")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._set(schema_editor, "EXTENDED")

    def describe(self):
        return f"Search vector of {self.table} kept in its rows (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"inline_search_vector_{self.table}"
