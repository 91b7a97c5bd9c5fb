"""Quotes in the TUI at 80×24: write one in the invoice editor, mark it sent or e-mail it, take the client's answer,
make it an invoice; refusals are messages, never tracebacks."""

from decimal import Decimal

import pytest
from textual.widgets import Input, Select, TextArea

from cleverinvo.core.records import QuoteStatus
from cleverinvo.tui.screens.delivery import EmailDialog
from cleverinvo.tui.screens.invoice_detail import InvoiceDetailScreen
from cleverinvo.tui.screens.quotes import QuoteEditorScreen, QuotesScreen
from cleverinvo.tui.widgets.lines import LINE_COLUMNS, LineGrid
from tests.mail import MailServer
from tests.tui.helpers import line, notifications, settle, table_rows, text_of, type_text

pytestmark = pytest.mark.anyio


async def test_write_send_accept_and_invoice_a_quote(app, books):
    client = books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("Q")
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, QuoteEditorScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await type_text(pilot, "acme")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        editor.field("validUntil").input.focus()
        await type_text(pilot, "2099-12-31")
        row = editor.query_one(LineGrid).rows[0]
        for key, text in zip(LINE_COLUMNS, ("Workshop", "2", "950", "19", ""), strict=True):
            row.input(key).focus()
            await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        (quote,) = books.quotes.list().items
        assert (quote.client_id, quote.total, quote.valid_until.isoformat()) == (
            client.id,
            Decimal("2261.00"),
            "2099-12-31",
        )
        assert table_rows(app.screen.table)[0][0] == "QUO-0001" and table_rows(app.screen.table)[0][-1] == "draft"

        await pilot.press("a")  # not sent yet: the key does nothing
        await settle(pilot)
        assert books.quotes.get(quote.id).status is QuoteStatus.DRAFT
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert books.quotes.get(quote.id).status is QuoteStatus.ACCEPTED
        assert table_rows(app.screen.table)[0][-1] == "accepted"
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
        (invoice,) = books.invoices.list().items
        assert invoice.total == quote.total and books.invoices.get(invoice.id).quote_id == quote.id
        assert any("QUO-0001 became invoice INV-0001" in note for note in notifications(app))


async def test_a_second_conversion_and_an_expired_quote_are_refused_with_a_message(app, books):
    client = books.clients.create({"name": "Acme Corp"})
    old = books.quotes.create(
        {"clientId": client.id, "issueDate": "2021-01-01", "validUntil": "2021-01-31", "lineItems": [line("X", 1, "5")]}
    )
    books.quotes.mark_sent(old.id)
    books.quotes.make_invoice(old.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("Q")
        await settle(pilot)
        assert table_rows(app.screen.table)[0][-1] == "expired"
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        assert any("already been made into an invoice" in note for note in notifications(app))
        await pilot.press("x")
        await settle(pilot)
        assert books.quotes.get(old.id).status is QuoteStatus.DECLINED


async def test_e_mail_a_quote_from_the_list_in_the_invoices_dialog(app, books, smtp_env: MailServer):
    books.settings.update({"sellerName": "Zoë Ørsted", "sellerEmail": "zoe@orsted.example"})
    client = books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
    quote = books.quotes.create({"clientId": client.id, "validUntil": "2099-12-31", "lineItems": [line("X", 1, "5")]})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("Q")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EmailDialog)
        assert "E-mail the quote" in text_of(dialog.query_one(".dialog-title"))
        assert dialog.query_one("#input-to", Input).value == "billing@acme.example"
        assert dialog.query_one("#input-subject", Input).value == "Quote QUO-0001 from Zoë Ørsted"
        assert "{link}" in dialog.query_one("#input-message", TextArea).text
        dialog.query_one("#input-to", Input).value = "nobody"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "invalid e-mail address" in text_of(dialog.query_one("#field-to .field-error"))
        dialog.query_one("#input-to", Input).value = "buyer@acme.example"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen) and "QUO-0001: e-mailed" in notifications(app)
        sent = books.quotes.get(quote.id)
        assert sent.status is QuoteStatus.SENT and table_rows(app.screen.table)[0][-1] == "sent"
        [got] = smtp_env.received
        assert got.recipients == ["buyer@acme.example"] and f"/view/{sent.view_token}" in got.text
        assert [a.get_filename() for a in got.attachments()] == ["QUO-0001.pdf"]


async def test_editing_a_draft_quote_sets_its_details_and_keeps_its_client(app, books):
    client = books.clients.create({"name": "Acme Corp"})
    quote = books.quotes.create({"clientId": client.id, "validUntil": "2099-12-31", "lineItems": [line("X", 1, "5")]})
    books.clients.archive(client.id)  # archived since: the quote keeps it, as long as no other is chosen
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("Q")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, QuoteEditorScreen) and not editor.query("#field-serviceDate")
        assert editor.field("validUntil").value == "2099-12-31"
        editor.query_one("#select-language", Select).value = "de"
        editor.field("buyerReference").value = "PO-77"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuotesScreen)
        saved = books.quotes.get(quote.id)
        assert (saved.language.value, saved.buyer_reference, saved.client_id) == ("de", "PO-77", client.id)
        assert any("Saved QUO-0001" in note for note in notifications(app))
