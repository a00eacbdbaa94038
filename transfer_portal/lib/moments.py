"""The current moment as a query parameter that is read when the query runs."""

from django.db.models import DateTimeField, Expression
from django.utils import timezone

from transfer_portal.lib.compiled import run_time_param


class Moment(Expression):
    """timezone.now() – or `at(now)`, such as the start of the local day – as a parameter
    that is read each time the query is compiled, that is, each time it runs, not when the
    queryset was built; in a compiled query (lib/compiled.py), each time it runs.

    So a queryset with a subquery that costs more to build than to run (offers with their
    next date: ~2 ms of Python) can be built once per process and run for every request.
    """

    output_field = DateTimeField()

    def __init__(self, at=None):
        super().__init__()
        self.at = at

    def as_sql(self, compiler, connection):
        return "%s", [run_time_param(lambda _values: self._value(connection))]

    def _value(self, connection):
        now = timezone.now()
        value = self.at(now) if self.at is not None else now
        return self.output_field.get_db_prep_value(value, connection)
