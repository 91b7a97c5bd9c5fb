"""Substring search that an index serves, so a search stays fast as the books grow.

Searchable text is kept folded in a ``search`` column (clients: name and e-mail; invoices and quotes: number):
casefolded, accents and other marks removed, and letters such as ``ł``, ``ø``, ``æ`` written as their plain Latin
neighbours; a search term is folded the same way. So ``lodz`` finds ``Łódź``, the same way on every backend.

On PostgreSQL a ``pg_trgm`` GIN index serves ``ILIKE '%term%'`` directly. On SQLite an FTS5 table with the trigram
tokenizer, kept in step by triggers, finds the candidate ids; the ordinary ``LIKE`` then confirms each candidate, so
the index only ever narrows the search and can never add a wrong result. Terms shorter than three characters have no
trigram and are matched by ``LIKE`` alone.
"""

import logging
import unicodedata

import peewee as pw

from cleverinvo.core.storage import models

log = logging.getLogger(__name__)
SEARCHABLE: tuple[type[models.BaseModel], ...] = (models.Client, models.Invoice, models.Quote)
# Letters that are not a base letter plus a mark, so Unicode decomposition leaves them as they are.
_PLAIN = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th", "ĸ": "q"}
)


def fold(text: str) -> str:
    """``text`` as searches compare it: ``Łódź Straße`` → ``lodz strasse``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_PLAIN)


def search_key(*parts: str | None) -> str:
    """The folded text a search runs against, the same on every backend."""
    return "\n".join(fold(p) for p in parts if p)


def _fts(model: type[models.BaseModel]) -> str:
    return f"{model._meta.table_name}_fts"


def _sqlite_statements(model: type[models.BaseModel]) -> list[str]:
    table, fts = model._meta.table_name, _fts(model)
    insert = f"INSERT INTO {fts} (rowid, search, id) VALUES (new.rowid, new.search, new.id);"
    delete = f"DELETE FROM {fts} WHERE rowid = old.rowid;"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search, id UNINDEXED, tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {table}_fts_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_fts_update AFTER UPDATE OF search ON {table} "
        f"BEGIN {delete} {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_fts_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"INSERT INTO {fts} (rowid, search, id) SELECT rowid, search, id FROM {table}",
    ]


def create_indexes(database: pw.Database, searchable: tuple[type[models.BaseModel], ...] = SEARCHABLE) -> None:
    """Build the search indexes of these tables (a fresh database, or the migration that introduces them)."""
    if isinstance(database, pw.SqliteDatabase):
        for model in searchable:
            for statement in _sqlite_statements(model):
                database.execute_sql(statement)
    elif isinstance(database, pw.PostgresqlDatabase):
        try:
            with database.atomic():
                database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except pw.DatabaseError as exc:
            log.warning("pg_trgm is not available (%s); searches will scan instead of using an index", exc)
            return
        for model in searchable:
            table = model._meta.table_name
            database.execute_sql(
                f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search gin_trgm_ops)"
            )


def _is_sqlite() -> bool:
    return isinstance(models.proxy.obj, pw.SqliteDatabase)


def within(model: type[models.BaseModel], account_id: str) -> pw.Expression:
    """Rows of ``model`` in account ``account_id``, as a check that never chooses the index on SQLite.

    For queries that another index drives (a search's candidates). SQLite's planner has no statistics and would
    otherwise walk every row of the account and test each against the candidates, a cost that grows with the
    books instead of with the matches; a unary ``+`` is SQLite's documented way to keep a term from an index.
    """
    if not _is_sqlite():
        return model.account == account_id
    return pw.Expression(pw.NodeList((pw.SQL("+"), model.account), glue=""), pw.OP.EQ, account_id)


def matching(model: type[models.BaseModel], account_id: str, term: str) -> pw.Expression:
    """Rows of ``model`` in account ``account_id`` whose search text contains ``term`` (already folded);
    on SQLite the trigram index drives."""
    exact = model.search.contains(term)
    if len(term) < 3 or not _is_sqlite():
        return (model.account == account_id) & exact
    phrase = '"' + term.replace('"', '""') + '"'
    candidates = pw.SQL(f"(SELECT id FROM {_fts(model)} WHERE {_fts(model)} MATCH ?)", [phrase])
    return pw.Expression(model.id, pw.OP.IN, candidates) & within(model, account_id) & exact


def by_number_or_client(model: type[models.BaseModel], account_id: str, term: str) -> pw.Expression:
    """Documents of ``model`` (invoices, quotes) in the account whose number, or whose client's name or e-mail,
    contains ``term`` (already folded): a union of two searches that each use their own index (one OR across both
    tables would use neither), and those ids drive the query instead of the account's whole index."""
    clients = models.Client.select(models.Client.id).where(matching(models.Client, account_id, term))
    by_number = model.select(model.id).where(matching(model, account_id, term))
    by_client = model.select(model.id).where(model.client.in_(clients) & within(model, account_id))
    return model.id.in_(by_number | by_client)
