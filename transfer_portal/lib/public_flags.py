"""Whether the public may see a row, stored in the row, for content whose visibility depends
on another row's (a measure on its project's, a date on its offer's); PostgreSQL only.

The portal search ranks up to CANDIDATES rows of each kind for every search it has not
seen before. Asking the parents for each candidate (joins) cost a third of its planning and
a fifth of its execution; with the flag in the row, the search reads it where it reads the
vector (search.stored_public). The rule stays the model's: `published()` of its queryset is
what the public sees, everywhere else too; the flag holds the same answer, and the tests
compare the two.

PostgreSQL keeps the flag with triggers, in the writing transaction, whatever writes: a
row computes its own flag when it is written (BEFORE INSERT or UPDATE of the columns the
rule reads), and a parent whose published flag changes (or that is inserted after its
children, as loaddata may do) computes its children's again. The rule is one SQL function
of the row (`<table>_public(item)`), frozen in the migration that adds it, as the search
vectors' weights are. Other databases get no column; the search asks the parents there.
"""

from django.db.migrations.operations.base import Operation

COLUMN = "search_public"


class StoredPublicFlag(Operation):
    """Add a table's stored public flag, its rule and the triggers that keep it; PostgreSQL
    only.

    `rule`: SQL of the flag for a row of the table, named `item` (e.g. "item.published AND
    EXISTS (…)"); `columns`: the row's columns the rule reads; `parents`: (table, column of
    the row pointing at it) of the rows whose published flag the rule reads.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, table, rule, columns, parents):
        self.table = table
        self.rule = rule
        self.columns = tuple(columns)
        self.parents = tuple(tuple(pair) for pair in parents)

    def deconstruct(self):
        kwargs = {
            "table": self.table,
            "rule": self.rule,
            "columns": self.columns,
            "parents": self.parents,
        }
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass  # not a model field: the model state does not change

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table, rule = self.table, f"{self.table}_public"
        for statement in (
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} boolean NOT NULL DEFAULT false",
            f"CREATE FUNCTION {rule}(item {table}) RETURNS boolean LANGUAGE sql STABLE "
            f"AS $$ SELECT {self.rule} $$",
            f"CREATE FUNCTION {rule}_own() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN NEW.{COLUMN} := {rule}(NEW); RETURN NEW; END $$",
            f"CREATE TRIGGER {rule}_own BEFORE INSERT OR UPDATE OF {', '.join(self.columns)} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {rule}_own()",
            *(self._parent_sql(parent, column) for parent, column in self.parents),
            # Names from the migration, no input.
            f"UPDATE {table} AS item SET {COLUMN} = {rule}(item)",  # noqa: S608
        ):
            schema_editor.execute(statement)

    def _parent_sql(self, parent, column):
        function = _parent_function(parent, self.table)
        # Names from the migration, no input.
        return (
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
            "IF TG_OP = 'UPDATE' THEN IF OLD.published = NEW.published THEN RETURN NULL; "
            "END IF; END IF; "
            f"UPDATE {self.table} AS item SET {COLUMN} = {self.table}_public(item) "
            f"WHERE item.{column} = NEW.id; "
            "RETURN NULL; END $$; "
            f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OF published ON {parent} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for parent, _column in self.parents:
            function = _parent_function(parent, self.table)
            schema_editor.execute(f"DROP TRIGGER {function} ON {parent}")
            schema_editor.execute(f"DROP FUNCTION {function}()")
        rule = f"{self.table}_public"
        schema_editor.execute(f"DROP TRIGGER {rule}_own ON {self.table}")
        schema_editor.execute(f"DROP FUNCTION {rule}_own()")
        schema_editor.execute(f"DROP FUNCTION {rule}({self.table})")
        schema_editor.execute(f"ALTER TABLE {self.table} DROP COLUMN {COLUMN}")

    def describe(self):
        return f"Stored public flag of {self.table} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"public_flag_{self.table}"


def _parent_function(parent, table):
    """The trigger (and its function) on `parent` that computes the flags of `table` again."""
    return f"{parent}_publishes_{table}"
