"""How the TUI feels with 10,000 invoices and 1,000 clients: start to dashboard, then page, scroll and search.

    python bench/tui.py [DB]      # builds the books in DB (a temporary file by default) once, then measures

The app runs headless at 80×24 through Textual's test driver, which renders every frame as a terminal would.
"""

import asyncio
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import cleverinvo.core
from cleverinvo.core.storage.db import transaction
from cleverinvo.tui.app import CleverInvoApp
from cleverinvo.tui.screens.dashboard import DashboardScreen

CLIENTS = 1_000
INVOICES = 10_000


def build(path: Path) -> None:
    """The books, written through the core in a few large transactions."""
    ci = cleverinvo.core.open(path)
    books = ci.books()
    if books.invoices.list(limit=1).total >= INVOICES:
        ci.close()
        return
    started = time.perf_counter()
    books.settings.update({"sellerName": "Bench Seller"})  # invoices are not sent without a seller name
    with transaction():
        clients = [
            books.clients.create({"name": f"Client {n:04d} Ltd", "email": f"billing{n}@client{n}.example"})
            for n in range(CLIENTS)
        ]
    for batch in range(0, INVOICES, 1_000):
        with transaction():
            for n in range(batch, batch + 1_000):
                invoice = books.invoices.create(
                    {
                        "clientId": clients[n % CLIENTS].id,
                        "issueDate": "2026-01-01",
                        "dueDate": "2026-12-31" if n % 3 else "2026-02-01",
                        "lineItems": [
                            {
                                "description": f"Work {k}",
                                "quantity": k + 1,
                                "unitPrice": Decimal("99.90"),
                                "taxRate": 20,
                            }
                            for k in range(1 + n % 3)
                        ],
                    }
                )
                if n % 2:
                    books.invoices.mark_sent(invoice.id)
                if n % 4 == 1:
                    books.invoices.record_payment(invoice.id, {"amount": Decimal("10.00"), "date": "2026-01-15"})
    ci.close()
    print(f"built {CLIENTS:,} clients and {INVOICES:,} invoices in {time.perf_counter() - started:.1f} s")


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def timed(pilot, *keys: str) -> float:
    """Seconds from pressing ``keys`` until the app has shown the result."""
    started = time.perf_counter()
    await pilot.press(*keys)
    await settle(pilot)
    return time.perf_counter() - started


async def measure(path: Path) -> None:
    started = time.perf_counter()
    ci = cleverinvo.core.open(path)
    app = CleverInvoApp(ci)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        print(f"start and show the dashboard:      {time.perf_counter() - started:.3f} s")
        idle = statistics.median([await timed(pilot, "z") for _ in range(10)])
        print(f"(a key that does nothing:          {idle:.3f} s: the test driver's own wait, in every figure below)")
        print(f"open the invoice list (page 1):    {await timed(pilot, 'i'):.3f} s")
        pages = [await timed(pilot, "right_square_bracket") for _ in range(10)]
        print(f"next page (median of 10):          {statistics.median(pages):.3f} s")
        scrolls = [await timed(pilot, "pagedown") for _ in range(10)]
        print(f"scroll a screenful (median of 10): {statistics.median(scrolls):.3f} s")
        await pilot.press("slash")
        keystrokes = [await timed(pilot, key) for key in "client 0042"]
        rows = app.screen.table.row_count
        print(f"search as you type (median of {len(keystrokes)}):  {statistics.median(keystrokes):.3f} s per key")
        print(f"search as you type (slowest key):  {max(keystrokes):.3f} s ({rows} rows match)")
        await pilot.press("enter")
        print(f"filter by status:                  {await timed(pilot, 'f'):.3f} s")
        print(f"open an invoice:                   {await timed(pilot, 'enter'):.3f} s")
    ci.close()


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "bench.db"
    build(path)
    asyncio.run(measure(path))


if __name__ == "__main__":
    main()
