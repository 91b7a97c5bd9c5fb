"""Statements built by peewee once per shape and then run with other values, for the paths every request takes:
building the SQL text of a list's page costs more than running it (9 ms against 7 ms for 100 invoices), model
objects for its rows three times more again, and hundreds of rows inserted one ``VALUES`` group at a time cost
more to build than to write.

The SQL still comes from the models (so a column added to a model is in it), and is kept per database (the
placeholder style differs between SQLite and PostgreSQL).
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import peewee as pw

from cleverinvo.core.storage import models

_inserts: dict[tuple[int, type[pw.Model], tuple[str, ...]], tuple[str, tuple[pw.Field, ...]]] = {}


def insert_rows(model: type[models.BaseModel], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts by field name, all with the same names) with one prepared statement."""
    if not rows:
        return
    database = models.proxy.obj
    names = tuple(rows[0])
    key = (id(database), model, names)
    prepared = _inserts.get(key)
    if prepared is None:
        chosen = set(names)
        fields = tuple(f for f in model._meta.sorted_fields if f.name in chosen)  # the order peewee writes them in
        sql, _ = model.insert({field: None for field in fields}).returning().sql()
        prepared = _inserts[key] = (sql, fields)
    sql, fields = prepared
    database.cursor().executemany(sql, [[f.db_value(row[f.name]) for f in fields] for row in rows])


class Slot:
    """A value a prepared statement takes at each run, standing in for it while peewee builds the SQL."""

    _made = 0

    def __init__(self, sample: object) -> None:
        Slot._made += 1
        # A value of the type the query expects and that no query holds by chance: its place in the parameters
        # is found by identity of value.
        self.marker: object = f"\x00slot{Slot._made}\x00" if isinstance(sample, str) else -(10**15) - Slot._made
        if isinstance(sample, dt.date):
            self.marker = dt.date(1, 1, 1) + dt.timedelta(days=Slot._made)


def _reader(node: pw.Node) -> Callable[[Any], Any] | None:
    """How a column's raw value becomes Python (``None``: as the driver gives it): ISO dates and times parsed in C
    (peewee tries formats one by one), text and integers as they come, anything else by its field."""
    field = node.rel_field if isinstance(node, pw.ForeignKeyField) else node
    if not isinstance(field, pw.Field) or isinstance(field, pw.TextField | pw.CharField | pw.IntegerField):
        return None
    if isinstance(field, pw.DateTimeField):
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(field, pw.DateField):
        return lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v
    return field.python_value


class Prepared:
    """A SELECT that peewee builds once per database and that then runs with new values, its rows as tuples.

    ``build`` receives one ``Slot``'s marker per keyword of ``slots`` (given as sample values) and returns the
    query; ``rows(**values)`` runs it with those values in the slots' places.
    """

    def __init__(self, build: Callable[..., pw.Select], **slots: object) -> None:
        self._build = build
        self._slots = {name: Slot(sample) for name, sample in slots.items()}
        self._built: dict[int, tuple[str, list[Any], list[str | None], list[tuple[int, Callable[[Any], Any]]]]] = {}

    def _prepare(
        self, database: pw.Database
    ) -> tuple[str, list[Any], list[str | None], list[tuple[int, Callable[[Any], Any]]]]:
        query = self._build(**{name: slot.marker for name, slot in self._slots.items()})
        sql, params = query.sql()
        by_marker = {slot.marker: name for name, slot in self._slots.items()}
        names = [by_marker.get(p) if isinstance(p, str | int | dt.date) else None for p in params]
        readers = [(i, read) for i, node in enumerate(query._returning) if (read := _reader(node)) is not None]
        built = self._built[id(database)] = (sql, params, names, readers)
        return built

    def _bound(
        self, database: pw.Database, values: dict[str, Any]
    ) -> tuple[str, list[Any], list[tuple[int, Callable[[Any], Any]]]]:
        """The SQL for ``database``, its parameters with ``values`` in the slots, and the columns' readers."""
        sql, params, names, readers = self._built.get(id(database)) or self._prepare(database)
        return sql, [values[name] if name is not None else p for name, p in zip(names, params, strict=True)], readers

    def statement(self, **values: Any) -> tuple[str, list[Any]]:
        """The SQL this runs on the open database with ``values`` in the slots, and its parameters."""
        sql, bound, _readers = self._bound(models.proxy.obj, values)
        return sql, bound

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        database = models.proxy.obj
        sql, bound, readers = self._bound(database, values)
        rows = database.execute_sql(sql, bound).fetchall()
        if not readers:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for i, read in readers:
                values[i] = read(values[i])
            converted.append(tuple(values))
        return converted
