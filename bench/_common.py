"""What the benches share: seeding through the library, timing, tables, and a ``cleverinvo serve`` on an existing
database. The server pieces reuse tests/server/helpers.py (the CLI path, free ports, keys made by the CLI)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cleverinvo.core import Books  # noqa: E402
from cleverinvo.core.ids import new_id  # noqa: E402
from cleverinvo.core.storage import models  # noqa: E402
from cleverinvo.core.storage.db import transaction  # noqa: E402
from tests.server.helpers import CLI, Server, free_port, run_cli  # noqa: E402

HIGH_RATE_LIMIT = "100000000"  # the operator setting that takes the per-key limit out of the way of a bench
BATCH = 1000


def client_body(index: int) -> dict[str, Any]:
    return {"name": f"Client {index:05d} Ltd", "email": f"billing{index:05d}@client.example"}


def invoice_body(client_id: str, index: int) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "lineItems": [
            {"description": "Consulting", "quantity": 1 + index % 7, "unitPrice": Decimal("125.50"), "taxRate": 20},
            {"description": "Travel", "quantity": 1, "unitPrice": Decimal("40"), "discountRate": 10},
        ],
        "notes": f"Seeded invoice {index}",
    }


def seed(
    books: Books,
    clients: int,
    invoices: int,
    client_ids: list[str],
    already: int,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Grow an account to ``clients`` clients and ``invoices`` invoices through the library, ``BATCH`` operations per
    transaction (each create keeps its own nested transaction, so numbering stays correct). One invoice in ten is
    sent and one in twenty of those paid, so status filters have something to find. Returns the invoice count."""
    if not books.settings.get().seller.name:
        books.settings.update({"sellerName": "Bench Seller"})  # invoices are not sent without a seller name
    while len(client_ids) < clients:
        with transaction():
            for _ in range(min(BATCH, clients - len(client_ids))):
                client_ids.append(books.clients.create(client_body(len(client_ids))).id)
    count = already
    while count < invoices:
        with transaction():
            for _ in range(min(BATCH, invoices - count)):
                made = books.invoices.create(invoice_body(client_ids[count % len(client_ids)], count))
                if count % 10 == 3:
                    books.invoices.mark_sent(made.id)
                    if count % 200 == 3:
                        books.invoices.record_payment(made.id, {"amount": made.total})
                count += 1
        if progress and count % 10_000 == 0:
            progress(f"  seeded {count:,} invoices")
    return count


def copy_invoices(
    books: Books, invoices: int, client_ids: list[str], progress: Callable[[str], None] | None = None
) -> int:
    """Grow an account to ``invoices`` invoices fast: copies of the invoices it has (rows, line items and payments,
    every column as stored, so a column added later is copied too), numbered on from the account's next number,
    newer than the originals and spread over ``client_ids``. For books too large to seed through the library in a
    bench's time; the originals were made by it. Returns the invoice count."""
    account = models.Account.get_by_id(books.account_id)
    templates = list(models.Invoice.select().where(models.Invoice.account == books.account_id).limit(BATCH).dicts())
    lines: dict[str, list[dict[str, Any]]] = {}
    for line in models.LineItem.select().where(models.LineItem.invoice.in_([t["id"] for t in templates])).dicts():
        lines.setdefault(line["invoice"], []).append(line)
    payments: dict[str, list[dict[str, Any]]] = {}
    for paid in models.Payment.select().where(models.Payment.invoice.in_([t["id"] for t in templates])).dicts():
        payments.setdefault(paid["invoice"], []).append(paid)
    count = models.Invoice.select().where(models.Invoice.account == books.account_id).count()
    number, started = account.next_number, dt.datetime.now(dt.UTC).replace(tzinfo=None)
    while count < invoices:
        rows, line_rows, payment_rows = [], [], []
        for template in templates[: min(BATCH, invoices - count)]:
            invoice_id, text = new_id(), f"{account.number_prefix}{number:0{account.number_width}d}"
            at = started + dt.timedelta(microseconds=count)
            rows.append(
                {
                    **template,
                    "id": invoice_id,
                    "number": text,
                    "search": text.casefold(),
                    "client": client_ids[count % len(client_ids)],
                    "created_at": at,
                    "updated_at": at,
                }
            )
            line_rows += [{**li, "id": None, "invoice": invoice_id} for li in lines.get(template["id"], [])]
            payment_rows += [{**p, "id": new_id(), "invoice": invoice_id} for p in payments.get(template["id"], [])]
            number, count = number + 1, count + 1
        for line in line_rows:
            del line["id"]
        with transaction():
            models.Invoice.insert_many(rows).execute()
            for chunk in range(0, len(line_rows), 200):
                models.LineItem.insert_many(line_rows[chunk : chunk + 200]).execute()
            if payment_rows:
                models.Payment.insert_many(payment_rows).execute()
            models.Account.update(next_number=number).where(models.Account.id == books.account_id).execute()
        if progress and count % 10_000 == 0:
            progress(f"  copied up to {count:,} invoices")
    return count


def timed(call: Callable[[], Any], min_runs: int = 5, min_seconds: float = 0.5, max_runs: int = 500) -> list[float]:
    """Seconds per call: at least ``min_runs`` calls and ``min_seconds`` in all (after one warm-up call)."""
    call()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < max_runs and (len(samples) < min_runs or time.perf_counter() - started < min_seconds):
        t = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t)
    return samples


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0–100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain text table, first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])])


def serve(db: str, log: Path, workers: int = 1, env: dict[str, str] | None = None) -> Server:
    """``cleverinvo serve`` on 127.0.0.1 over an existing database, as tests/server/helpers.start_server runs it
    (which always makes a fresh database), with a high rate limit unless ``env`` says otherwise."""
    port = free_port()
    environment = {**os.environ, "CLEVERINVO_RATE_LIMIT": HIGH_RATE_LIMIT, **(env or {})}
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db, "--workers", str(workers)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    server = Server(db=db, log=log, process=process, url=f"http://127.0.0.1:{port}")
    wait_ready(server.url, process, log)
    return server


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
        if process.poll() is not None:
            break
    process.kill()
    process.wait()
    raise RuntimeError(f"server at {url} did not start: {log.read_text(errors='replace')[-2000:]}")


def make_key(db: str, account: str) -> str:
    """A key of ``account`` made by the real CLI (the account is made if new)."""
    return run_cli(db, "keys", "create", "--account", account, "--label", "bench").stdout.strip().splitlines()[-1]


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process does not finish within 30 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
