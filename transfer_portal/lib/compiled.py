"""Querysets whose SQL is compiled once per process (issue 18).

Building a queryset and compiling it to SQL costs the ORM about as much CPU as the
database needs to run it: on the large benchmark data 2.6 of the home page's 13 ms and
3.9 of the topic page's 23 ms went into `SQLCompiler.as_sql` alone. Most queries of a page
have a fixed shape; only the values they compare with change from request to request (a
topic's id, the current moment). Such a query is written once as a function of its values:

    TOPIC_MEASURES = compiled(
        lambda topic, *, editor: Measure.objects.visible(editor=editor).filter(topics=topic)
    )
    rows = list(TOPIC_MEASURES(topic.pk, editor=False))

The first call of each shape (the keyword arguments, which may change the query's
structure) builds the queryset with a `Param` for each positional value, compiles it and
keeps the compiler; later calls copy that compiler and only fill in the values. The result
is a queryset that can be iterated, counted with len() and prefetches as it was built, but
not filtered or sliced any further (that would be another shape: build it into the query).

Values can be an int, a string, a date or a moment, and a list of ids for `__in` (one
parameter: an array on PostgreSQL, JSON on SQLite). A value that would change the SQL
itself (None, a bool) is refused.

`prefetch(rows, name, query)` is prefetch_related() with a compiled query that takes the
rows' ids: Django's prefetch builds and compiles its query anew for every list.
"""

import datetime
import functools
import json
import threading
from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connections
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    Expression,
    IntegerField,
)
from django.http import Http404

_FIELDS = {
    int: IntegerField(),
    str: CharField(),
    datetime.datetime: DateTimeField(),
    datetime.date: DateField(),
    list: IntegerField(),  # of ids
}
# A list of ids as one parameter, for `__in` (Django puts it in parentheses).
_ID_LISTS = {
    "postgresql": ("SELECT unnest(%s::bigint[])", list),
    "sqlite": ("SELECT value FROM json_each(%s)", json.dumps),
}
_freezing = threading.local()


def run_time_param(compute):
    """A query parameter computed by `compute(values)` each time the query runs.

    While a compiled query is being frozen it stays a slot for later; otherwise it is
    computed now (a queryset compiled the ordinary way is compiled each time it runs)."""
    if getattr(_freezing, "active", False):
        return _Slot(compute)
    return compute(None)


class _Slot:
    __slots__ = ("compute",)

    def __init__(self, compute):
        self.compute = compute


class Param(Expression):
    """The value of the query's `index`th positional argument."""

    def __init__(self, index, output_field, *, id_list=False):
        super().__init__(output_field=output_field)
        self.index, self.id_list = index, id_list

    def as_sql(self, compiler, connection):
        field, index = self.output_field, self.index
        if not getattr(_freezing, "active", False):
            raise TypeError("A Param only has a value in a compiled query.")
        if self.id_list:
            if connection.vendor not in _ID_LISTS:
                raise NotSupportedError(f"No list parameters on {connection.vendor}.")
            sql, dump = _ID_LISTS[connection.vendor]
            return sql, [_Slot(lambda values: dump(values[index]))]
        return "%s", [_Slot(lambda values: field.get_db_prep_value(values[index], connection))]


class compiled:  # noqa: N801 – used like a function, as the decorators of Django are
    """A queryset of a fixed shape, compiled to SQL once per process and database."""

    def __init__(self, build):
        self._build = build
        self._frozen = {}

    def __call__(self, *values, **shape):
        kinds = tuple(_kind(value) for value in values)
        key = (kinds, tuple(sorted(shape.items())))
        frozen = self._frozen.get(key)
        if frozen is None:
            frozen = self._frozen[key] = self._freeze(kinds, shape)
        queryset, compiler, sql, params = frozen
        result = _shallow_copy(queryset)  # not copy.copy(): a QuerySet's would evaluate it
        result._query = _FrozenQuery(  # noqa: SLF001 – the setter would ask it about values()
            queryset.query, compiler, sql, params, values
        )
        return result

    def _freeze(self, kinds, shape):
        queryset = self._build(
            *(
                Param(index, _FIELDS[kind], id_list=kind is list)
                for index, kind in enumerate(kinds)
            ),
            **shape,
        )
        queryset.query  # noqa: B018 – applies a deferred filter (of a related manager)
        compiler = queryset.query.get_compiler(using=queryset.db)
        before, _freezing.active = getattr(_freezing, "active", False), True
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # such as pk__in=[] in the query itself: no rows, no query
            sql, params = None, ()
        finally:
            _freezing.active = before
        return queryset, compiler, sql, tuple(params)


def filtered(queryset, lookups, values):
    """`queryset` filtered by each of `lookups` (a shape: a tuple of lookup names) with the
    value at the same place of `values` (Params): a list filtered by some of its filters."""
    return queryset.filter(**dict(zip(lookups, values, strict=True)))


def first_or_404(queryset):
    """The first row of a compiled query; Http404 if it has none (get_object_or_404())."""
    for row in queryset:
        return row
    raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")


def prefetch(instances, name, query, *shape_args, owner="owner", **shape):
    """prefetch_related(name) for `instances` with a compiled query: `query(ids, ...)`
    returns the related rows of the instances with these ids, each annotated with its
    instance's id as `owner`. Afterwards `instance.<name>.all()` answers without a query
    (relations whose prefetch key is the accessor's name: a many-to-many field, or a
    reverse foreign key with a related_name)."""
    instances = list(instances)
    if not instances:
        return
    ids = [instance.pk for instance in instances]
    # The one id of a detail page as a number, not as a list: PostgreSQL keeps one plan for
    # "IN ($1)" for every later call, where for a list of unknown length it planned anew
    # each time (its plan for any list looked dearer than planning for the one id).
    rows = query(ids[0] if len(ids) == 1 else ids, *shape_args, **shape)
    by_owner = defaultdict(list)
    for row in rows:
        by_owner[getattr(row, owner)].append(row)
    empty = rows.model._base_manager.none()
    for instance in instances:
        related = _shallow_copy(empty)
        related._result_cache = by_owner.get(instance.pk, [])  # noqa: SLF001
        related._prefetch_done = True  # noqa: SLF001
        instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = related


def _shallow_copy(instance):
    duplicate = object.__new__(type(instance))
    duplicate.__dict__.update(instance.__dict__)
    return duplicate


def _kind(value):
    """The kind of a value, the key of its field in _FIELDS. A bool or None would change
    the SQL (IS NULL, a constant condition), so they are refused with anything else."""
    if isinstance(value, list) and all(_is_int(item) for item in value):
        return list
    if _is_int(value):
        return int
    for kind in (str, datetime.datetime, datetime.date):  # a datetime is also a date
        if isinstance(value, kind):
            return kind
    raise TypeError(
        f"A compiled query takes an int, str, date, datetime or list of ids, not {value!r}."
    )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _frozen_sql(sql, params, *args, **kwargs):
    if sql is None:
        raise EmptyResultSet  # the compiler's execute_sql() answers with no rows
    return sql, params


class _FrozenQuery:
    """What a queryset's iteration asks of its query: a compiler, here one that is done,
    and for values() and values_list() the names of the columns."""

    def __init__(self, query, compiler, sql, params, values):
        self.model = query.model
        self.selected, self.extra_select = query.selected, query.extra_select
        self.values_select, self.annotation_select = query.values_select, query.annotation_select
        self._compiler, self._sql, self._params, self._values = compiler, sql, params, values

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = _shallow_copy(self._compiler)
        compiler.connection = connection or connections[using]
        values = self._values
        params = tuple(
            param.compute(values) if isinstance(param, _Slot) else param for param in self._params
        )
        compiler.as_sql = functools.partial(_frozen_sql, self._sql, params)
        return compiler

    def __getattr__(self, name):
        raise TypeError(
            f"A compiled query cannot be changed or asked for {name!r}: build that into it."
        )
