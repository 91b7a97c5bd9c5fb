"""PDF renders in worker processes (``RenderPool``): shared per (invoice, version), bounded queues, time and memory
limits, stored after a change, and waits that end at once when the server stops. Real worker processes over the
test's real database."""

import time
from concurrent.futures import wait

import pytest

from cleverinvo.core import Busy
from cleverinvo.core.billing.documents import InvoicePdf, PdfWanted
from cleverinvo.core.billing.rendering import Limits, RenderFailed, RenderPool
from tests.core.helpers import invoice_body, line


@pytest.fixture
def pool(ci):
    made = RenderPool(ci.target)
    yield made
    made.close()


def wanted(books, invoice_id: str) -> PdfWanted:
    found = books.documents.lookup(invoice_id)
    assert isinstance(found, PdfWanted)
    return found


def test_requests_for_one_invoice_version_share_one_render_and_it_is_stored(ci, books, client, pool):
    made = books.invoices.create(invoice_body(client.id))
    first = pool.render(books.account_id, wanted(books, made.id))
    assert pool.render(books.account_id, wanted(books, made.id)) is first
    pdf = first.result(timeout=120)
    assert pdf.data.startswith(b"%PDF") and (pdf.filename, pdf.version) == (f"{made.number}.pdf", 1)
    assert books.documents.lookup(made.id) == pdf  # stored by the worker
    changed = books.invoices.update(made.id, {"notes": "v2"})
    second = pool.render(books.account_id, wanted(books, made.id))
    assert second is not first and second.result(timeout=120).version == changed.version == 2


def test_a_full_queue_is_busy_for_that_account_only(ci, books, client):
    pool = RenderPool(ci.target, Limits(downloads_per_account=2, downloads_overall=3))
    try:
        ids = [books.invoices.create(invoice_body(client.id)).id for _ in range(3)]
        pool.render(books.account_id, wanted(books, ids[0]))
        pool.render(books.account_id, wanted(books, ids[1]))
        pool.render(books.account_id, wanted(books, ids[1]))  # a second request for a render under way: shared
        with pytest.raises(Busy) as busy:
            pool.render(books.account_id, wanted(books, ids[2]))
        assert busy.value.retry_after > 0 and "this account" in busy.value.message
        ci.accounts.create("other")
        other = ci.books("other")
        theirs = other.invoices.create(invoice_body(other.clients.create({"name": "B"}).id))
        assert pool.render(other.account_id, wanted(other, theirs.id)).result(timeout=120).version == 1
    finally:
        pool.close()


def test_a_render_over_its_time_limit_fails_and_the_worker_goes_on(ci, books, client):
    pool = RenderPool(ci.target, Limits(seconds=0.001))
    try:
        made = books.invoices.create(invoice_body(client.id, *[line()] * 50))
        with pytest.raises(RenderFailed, match=r"took longer than 0\.001 s"):
            pool.render(books.account_id, wanted(books, made.id)).result(timeout=120)
        assert isinstance(books.documents.lookup(made.id), PdfWanted)  # nothing stored
    finally:
        pool.close()


def test_a_render_over_its_memory_limit_fails(ci, books, client):
    """A budget of 12 MiB beyond the worker's start, and an invoice near the caps that needs more."""
    pool = RenderPool(ci.target, Limits(memory=12 * 1024**2))
    try:
        pool.start()
        made = books.invoices.create(invoice_body(client.id, *[line(description="x" * 1000)] * 100))
        with pytest.raises(RenderFailed, match=r"needs more memory|could not be made"):  # MemoryError, or the worker
            pool.render(books.account_id, wanted(books, made.id)).result(timeout=120)  # died of it: either way
        assert isinstance(books.documents.lookup(made.id), PdfWanted)
    finally:
        pool.close()


def test_renders_after_changes_are_stored_in_turn(ci, books, client, pool):
    ids = [books.invoices.create(invoice_body(client.id)).id for _ in range(3)]
    for invoice_id in ids:
        pool.refresh(books.account_id, wanted(books, invoice_id))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not all(isinstance(books.documents.lookup(i), InvoicePdf) for i in ids):
        time.sleep(0.2)
    assert all(isinstance(books.documents.lookup(i), InvoicePdf) for i in ids)


def test_abandon_ends_every_wait_at_once(ci, books, client, pool):
    made = books.invoices.create(invoice_body(client.id, *[line()] * 300))
    waiting = pool.render(books.account_id, wanted(books, made.id))
    started = time.monotonic()
    pool.abandon()
    done, _ = wait([waiting], timeout=5)
    assert done and time.monotonic() - started < 1
    with pytest.raises(Busy, match="stopping"):
        waiting.result()
    with pytest.raises(Busy):
        pool.render(books.account_id, wanted(books, made.id))
