"""Core benchmark: invoices created per second through the library, and list/search latency as the books grow.

    python bench/core.py                       # 1,000 / 10,000 / 100,000 invoices on a temporary SQLite file
    python bench/core.py --quick               # a smoke run in seconds
    python bench/core.py --db postgresql://user@127.0.0.1/bench --sizes 1000,10000

Each creation is ``books.invoices.create(...)`` on its own, so one transaction per invoice, as the core does
for every caller. The books are grown to each size (one client per ten invoices: 10,000 clients at 100,000
invoices) through the same library calls, batched inside ``cleverinvo.core.storage.db.transaction()`` to seed fast.
Figures are medians (and p95) of repeated calls, and the growth ratio compares the largest size with the
smallest, measured in the same run. The query plans show whether the list and search queries use an index.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import peewee as pw

import cleverinvo.core
from bench._common import invoice_body, median, percentile, seed, table, timed
from cleverinvo.core import Books
from cleverinvo.core.storage.models import proxy

# One client's name and id; client 7 exists at every size (at least ten clients).
CLIENT_NAME = "Client 00007"
QUERIES: dict[str, Callable[[Books, str], Any]] = {
    "invoices page 1, limit 20": lambda b, c: b.invoices.list(page=1, limit=20),
    "invoices page 1, limit 100": lambda b, c: b.invoices.list(page=1, limit=100),
    "invoices search client name": lambda b, c: b.invoices.list(search=CLIENT_NAME),
    "invoices search number": lambda b, c: b.invoices.list(search="INV-0150"),
    "invoices status=PAID": lambda b, c: b.invoices.list(status="PAID"),
    "invoices status=SENT, limit 100": lambda b, c: b.invoices.list(status="SENT", limit=100),
    "invoices clientId filter": lambda b, c: b.invoices.list(client_id=c),
    "clients page 1, limit 20": lambda b, c: b.clients.list(page=1, limit=20),
    "clients search name": lambda b, c: b.clients.list(search=CLIENT_NAME.lower()),
}
PLANNED = (
    "invoices page 1, limit 20",
    "invoices search client name",
    "invoices search number",
    "invoices status=PAID",
    "invoices clientId filter",
    "clients page 1, limit 20",
    "clients search name",
)


def creations_per_second(books: Books, client_ids: list[str], count: int, first_index: int) -> float:
    """``count`` invoices created one call (one transaction) at a time."""
    started = time.perf_counter()
    for i in range(count):
        books.invoices.create(invoice_body(client_ids[i % len(client_ids)], first_index + i))
    return count / (time.perf_counter() - started)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            sql, params = record.msg
            self.statements.append((sql, tuple(params or ())))


def statements_of(call: Callable[[], Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL the core runs for ``call``, as peewee logs it."""
    logger = logging.getLogger("peewee")
    capture, level = _Capture(), logger.level
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    try:
        call()
    finally:
        logger.removeHandler(capture)
        logger.setLevel(level)
    return capture.statements


def query_plan(sql: str, params: tuple[Any, ...]) -> list[str]:
    database = proxy.obj
    if isinstance(database, pw.SqliteDatabase):
        rows = database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        depth: dict[int, int] = {0: 0}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * depth[node] + detail)
        return lines
    return [row[0] for row in database.execute_sql(f"EXPLAIN {sql}", params).fetchall()]


def abridged(sql: str) -> str:
    """The SQL with a long column list shortened to ``SELECT <n columns>``."""
    head, sep, rest = sql.partition(" FROM ")
    if sep and len(head) > 120 and "COUNT(" not in head.upper():
        status = ", the status CASE among them" if " CASE " in head else ""
        return f"SELECT <{head.count(',') + 1} columns{status}> FROM {rest}"
    return sql


def list_statements(books: Books, client_id: str, name: str) -> list[tuple[str, str, tuple[Any, ...]]]:
    """The count and page statements a list runs, as (kind, sql, params)."""
    found = []
    for sql, params in statements_of(lambda: QUERIES[name](books, client_id)):
        if sql.lstrip().upper().startswith("SELECT") and 'FROM "account"' not in sql:
            found.append(("count" if "COUNT(" in sql.upper() else "page", sql, params))
    return found


def time_statements(books: Books, client_id: str) -> dict[str, list[float]]:
    """Each list's count and page statements timed alone (executed and fetched), without the Python around them."""
    times = {}
    for name in PLANNED:
        for kind, sql, params in list_statements(books, client_id, name):
            times[f"{name}: {kind}"] = timed(
                lambda sql=sql, params=params: proxy.obj.execute_sql(sql, params).fetchall()
            )
    return times


def print_plans(books: Books, client_id: str) -> None:
    print("\nQuery plans (the SQL the core builds, captured from the peewee logger):")
    for name in PLANNED:
        for kind, sql, params in list_statements(books, client_id, name):
            print(f"\n[{name}: {kind}]\n  {abridged(sql)}\n  params {params}")
            for line in query_plan(sql, params):
                print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="invoice counts, ascending (comma-separated)")
    parser.add_argument("--db", help="a SQLite path or database URL (default: a temporary SQLite file)")
    parser.add_argument("--creates", type=int, default=500, help="invoices created one by one at each size")
    parser.add_argument("--quick", action="store_true", help="a smoke run: sizes 200,2000 and 100 creations")
    args = parser.parse_args(argv)
    sizes = [200, 2000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    creates = 100 if args.quick else args.creates
    with tempfile.TemporaryDirectory(prefix="cleverinvo-bench-") as tmp:
        target = args.db or str(Path(tmp) / "bench.db")
        ci = cleverinvo.core.open(target)
        try:
            return run(ci, target, sizes, creates)
        finally:
            ci.close()


def run(ci: cleverinvo.core.CleverInvo, target: str, sizes: list[int], creates: int) -> int:
    account = f"bench-{secrets.token_hex(4)}"
    ci.accounts.create(account)
    books = ci.books(account)
    backend = type(proxy.obj).__name__
    print(f"CleverInvo core bench on {backend} ({target.split('@')[-1]}), account {account}, sizes {sizes}")
    client_ids: list[str] = []
    count = 0
    latency: dict[int, dict[str, list[float]]] = {}
    create_rate: dict[int, float] = {}
    statements: dict[int, dict[str, list[float]]] = {}
    for size in sizes:
        started = time.perf_counter()
        count = seed(books, max(10, size // 10), size, client_ids, count, progress=print)
        print(f"{size:,} invoices, {len(client_ids):,} clients: seeded in {time.perf_counter() - started:.1f} s")
        latency[size] = {name: timed(lambda q=query: q(books, client_ids[7])) for name, query in QUERIES.items()}
        statements[size] = time_statements(books, client_ids[7])
        create_rate[size] = creations_per_second(books, client_ids, creates, count)
        count += creates

    first, last = sizes[0], sizes[-1]
    print(f"\nInvoices created per second through the library ({creates} creates, one transaction each):")
    print(table(["at size", "invoices/s"], [(f"{s:,}", f"{create_rate[s]:.0f}") for s in sizes]))
    print(f"\nLatency in ms, median (p95); growth = median at {last:,} / at {first:,} (table ×{last / first:g}):")
    rows = []
    for name in QUERIES:
        cells = [f"{median(latency[s][name]) * 1e3:.2f} ({percentile(latency[s][name], 95) * 1e3:.2f})" for s in sizes]
        growth = median(latency[last][name]) / median(latency[first][name])
        rows.append([name, *cells, f"×{growth:.1f}"])
    print(table(["query", *(f"{s:,}" for s in sizes), "growth"], rows))
    print("\nThe SQL of each list alone (count of matches, then the page), ms median; growth as above:")
    rows = []
    for name in statements[last]:
        cells = [f"{median(statements[s][name]) * 1e3:.2f}" for s in sizes]
        rows.append([name, *cells, f"×{median(statements[last][name]) / median(statements[first][name]):.1f}"])
    print(table(["statement", *(f"{s:,}" for s in sizes), "growth"], rows))
    print_plans(books, client_ids[7])
    return 0


if __name__ == "__main__":
    sys.exit(main())
