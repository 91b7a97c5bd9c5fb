"""A busy or full database is named as such (``Unavailable``: a message and a time to retry), whatever raised it;
a PDF that cannot be stored is still handed out. Real SQLite: a write lock held by another connection, and a
database that may not grow (``max_page_count``: SQLite's own "database or disk is full")."""

import sqlite3

import pytest

import cleverinvo.core
from cleverinvo.core import Unavailable, unavailable
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body

pytestmark = pytest.mark.sqlite_only


def test_a_full_database_is_unavailable_and_a_pdf_that_cannot_be_stored_is_still_served(books, client, ci):
    invoice = books.invoices.create(invoice_body(client.id))
    pages = ci.database.execute_sql("PRAGMA page_count").fetchone()[0]
    ci.database.execute_sql(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(Exception) as failed:
        for n in range(200):
            books.clients.create({"name": f"Overflow {n}", "notes": "x" * 5000})
    fault = unavailable(failed.value)
    assert isinstance(fault, Unavailable) and fault.retry_after > 0
    assert fault.message.startswith("The database's disk is full; nothing was changed")
    pdf = books.documents.pdf(invoice.id)
    assert pdf.data.startswith(b"%PDF") and pdf.version == invoice.version
    assert not models.InvoicePdf.select().exists()


def test_a_database_locked_beyond_the_wait_is_unavailable(db_path):
    ci = cleverinvo.core.open(db_path)
    try:
        books = ci.books()
        ci.database.execute_sql("PRAGMA busy_timeout = 50")
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(Exception) as failed:
                books.clients.create({"name": "Waits"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        fault = unavailable(failed.value)
        assert fault is not None and fault.retry_after == 1
        assert fault.message.startswith("The database is busy (locked by another writer); nothing was changed")
        assert books.clients.list().total == 0
    finally:
        ci.close()


def test_other_errors_are_not_unavailable():
    assert unavailable(ValueError("database is locked")) is None
    assert unavailable(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
    assert unavailable(OSError(28, "No space left on device")) is not None
