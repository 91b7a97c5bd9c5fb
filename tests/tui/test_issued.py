"""Issued means final in the TUI, at 80×24: a credit note for the whole rest or chosen lines with a reason, a
payment removed after asking, the history panel, VOID shown and filtered, delete offered for drafts only."""

from decimal import Decimal

import pytest

from cleverinvo.core import Status
from cleverinvo.tui.screens.invoices import InvoicesScreen
from tests.tui.helpers import seed, settle, text_of, type_text

pytestmark = pytest.mark.anyio


async def open_invoice(pilot, invoice_id: str) -> None:
    await settle(pilot)
    pilot.app.open_invoice(invoice_id)
    await settle(pilot)


async def test_credit_the_whole_invoice_with_a_reason(app, books):
    ids = seed(books)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoice(pilot, ids["sent"])
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "Order cancelled")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Void" in text_of(app.screen.query_one("#detail-title"))
        history = text_of(app.screen.query_one("#detail-history"))
        assert "credited CN-0001" in history and "tui" in history
        assert not app.screen.check_action("credit", ())
    [note] = books.credit_notes.list().items
    assert (note.reason, note.total) == ("Order cancelled", books.invoices.get(ids["sent"]).total)
    assert books.invoices.get(ids["sent"]).status == Status.VOID


async def test_credit_chosen_lines(app, books):
    ids = seed(books)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoice(pilot, ids["sent"])
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "Hosting not used")
        await pilot.press("tab")
        await pilot.press("space")  # untick the first line, Logo design: only Hosting is credited
        await pilot.press("ctrl+s")
        await settle(pilot)
    [note] = books.credit_notes.list().items
    assert [li.description for li in note.line_items] == ["Hosting"]
    assert note.total == Decimal("119.88")
    assert books.invoices.get(ids["sent"]).status == Status.PARTIALLY_PAID


async def test_a_credit_note_without_a_reason_is_refused_beside_the_field(app, books):
    ids = seed(books)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoice(pilot, ids["sent"])
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Reason" in text_of(app.screen.query_one("#field-reason .field-error")) or app.screen.query(
            "#field-reason.-invalid"
        )
    assert books.credit_notes.list().total == 0


async def test_remove_a_payment_after_asking(app, books):
    ids = seed(books)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoice(pilot, ids["paid"])
        assert "Paid" in text_of(app.screen.query_one("#detail-title"))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("n")  # not now
        await settle(pilot)
        assert books.invoices.get(ids["paid"]).payments
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Sent" in text_of(app.screen.query_one("#detail-title"))
        assert "payment removed" in text_of(app.screen.query_one("#detail-history"))
        assert not app.screen.check_action("remove_payment", ())
    assert books.invoices.get(ids["paid"]).payments == ()


async def test_history_and_delete_only_for_drafts(app, books):
    ids = seed(books)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoice(pilot, ids["partly"])
        history = text_of(app.screen.query_one("#detail-history"))
        assert [line.split("  ")[1].split(" ")[0] for line in history.splitlines()[1:]] == [
            "created",
            "issued",
            "payment",
        ]
        assert not app.screen.check_action("delete", ())
        await pilot.press("delete")
        await settle(pilot)
        assert books.invoices.get(ids["partly"])  # nothing asked, nothing deleted
        app.screen.dismiss()
        await open_invoice(pilot, ids["draft"])
        assert app.screen.check_action("delete", ()) and not app.screen.check_action("credit", ())


async def test_void_is_a_status_filter(app, books):
    ids = seed(books)
    books.credit_notes.create(ids["sent"], {"reason": "cancelled"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(InvoicesScreen(status=Status.VOID))
        await settle(pilot)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 1
        assert "Void" in str(table.get_row_at(0))
