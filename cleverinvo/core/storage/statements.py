"""Statements built by peewee once per shape and then run with other values, for the paths every request takes:
building SQL text is a third of the cost of a short query, and hundreds of rows inserted one ``VALUES`` group
at a time cost more to build than to write.

The SQL still comes from the models (so a column added to a model is in it), and is kept per database (the
placeholder style differs between SQLite and PostgreSQL).
"""

from collections.abc import Mapping, Sequence
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
        fields = tuple(model._meta.fields[name] for name in names)
        sql, _ = model.insert({field: None for field in fields}).returning().sql()
        prepared = _inserts[key] = (sql, fields)
    sql, fields = prepared
    database.cursor().executemany(sql, [[f.db_value(row[f.name]) for f in fields] for row in rows])
