"""Automatic numbers stay unique and gapless when many threads create invoices at once on one SQLite file."""

from concurrent.futures import ThreadPoolExecutor

from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body


def test_fifty_invoices_from_eight_threads_are_distinct_and_gapless(books, client):
    def create(_: int) -> str:
        return books.invoices.create(invoice_body(client.id)).number

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(50)))
    assert sorted(numbers) == [f"INV-{n:04d}" for n in range(1, 51)]
    assert models.Invoice.select().count() == 50
    assert books.settings.get().next_number == 51


def test_concurrent_explicit_numbers_give_one_winner(books, client):
    from cleverinvo.core import Conflict

    def create(_: int) -> str:
        try:
            return books.invoices.create(invoice_body(client.id, invoiceNumber="INV-0042")).id
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(16)))
    assert results.count("conflict") == 15
