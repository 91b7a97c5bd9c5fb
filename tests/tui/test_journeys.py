"""The journeys of a freelancer, driven with the keyboard through the real app on a real SQLite file."""

from decimal import Decimal

import pytest

from cleverinvo.core import Status
from cleverinvo.core.billing.lines import preview_totals
from cleverinvo.tui.screens.clients import ClientFormScreen, ClientsScreen
from cleverinvo.tui.screens.dashboard import DashboardScreen
from cleverinvo.tui.screens.invoice_detail import InvoiceDetailScreen
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.widgets.form import FormField
from cleverinvo.tui.widgets.lines import LINE_COLUMNS, LineGrid
from cleverinvo.tui.widgets.totals import TotalsPanel
from tests.tui.helpers import notifications, settle, table_rows, text_of, type_text

pytestmark = pytest.mark.anyio


def field(app, name: str) -> FormField:
    return app.screen.query_one(f"#field-{name}", FormField)


async def test_first_run_on_an_empty_database_then_a_client_is_created(app, books):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "No invoices yet" in text_of(app.screen.query_one("#counts"))
        assert app.screen.query_one("#recent").row_count == 0

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen) and app.screen.table.row_count == 0
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ClientFormScreen)
        await pilot.press("ctrl+s")  # nothing typed: the name is required
        await settle(pilot)
        assert isinstance(app.screen, ClientFormScreen)
        assert field(app, "name").has_class("-invalid")
        assert "Name is required" in text_of(field(app, "name").query_one(".field-error"))

        await type_text(pilot, "Zoe Orsted")
        await pilot.press("enter")  # to the next field, the e-mail
        await type_text(pilot, "not-an-address")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert field(app, "email").has_class("-invalid") and field(app, "email").value == "not-an-address"
        assert field(app, "name").value == "Zoe Orsted"  # what was typed stays
        field(app, "email").value = "zoe@example.com"
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, ClientsScreen)
        assert table_rows(app.screen.table)[0][:2] == ["Zoe Orsted", "zoe@example.com"]
    [client] = books.clients.list().items
    assert (client.name, client.email) == ("Zoe Orsted", "zoe@example.com")


async def test_an_invoice_from_writing_to_paid(app, books):
    client = books.clients.create({"name": "Acme Corp", "email": "billing@acme.example"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceEditorScreen)
        editor = app.screen
        await pilot.press("ctrl+l")  # the client picker, searched by typing
        await settle(pilot)
        await type_text(pilot, "acme")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert editor.client == client

        grid = editor.query_one(LineGrid)
        typed = [
            ("Web development", "40", "125.00", "10", ""),
            ("Design", "abc", "99.50", "20", "5"),  # a quantity that is not a number
            ("Hosting", "12", "9.99", "", ""),
        ]
        for index, values in enumerate(typed):
            if index:
                await pilot.press("ctrl+n")
                await settle(pilot)
            row = grid.rows[index]
            for key, text in zip(LINE_COLUMNS, values, strict=True):
                row.input(key).focus()
                await type_text(pilot, text)
        await settle(pilot)
        assert len(grid.rows) == 3
        assert "Line 2: Quantity must be a number" in text_of(editor.query_one(TotalsPanel))

        await pilot.press("ctrl+s")  # refused: the message beside the line, what was typed kept
        await settle(pilot)
        assert isinstance(app.screen, InvoiceEditorScreen)
        second = grid.rows[1]
        assert second.has_class("-invalid") and second.input("quantity").has_class("-refused")
        assert text_of(second.query_one(".field-error")).startswith("Line 2: Quantity must be a number")
        assert second.values()["description"] == "Design" and second.input("quantity").value == "abc"
        assert app.focused is second.input("quantity")

        second.input("quantity").value = "3"  # fixed: the live totals are the core's
        await settle(pilot)
        expected = preview_totals(
            "USD",
            [
                {
                    "description": d,
                    "quantity": Decimal(q),
                    "unitPrice": Decimal(p),
                    "taxRate": Decimal(t or 0),
                    "discountRate": Decimal(r or 0),
                }
                for d, q, p, t, r in [typed[0], ("Design", "3", "99.50", "20", "5"), typed[2]]
            ],
        )
        shown = text_of(editor.query_one(TotalsPanel))
        assert expected.total == Decimal("5960.16")
        for figure in ("$5,418.38", "$14.93", "$500.00", "$56.71", "$5,960.16"):
            assert figure in shown
        assert [text_of(r.query_one(".col-amount")) for r in grid.rows] == ["$5,000.00", "$298.50", "$119.88"]

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
        invoice = books.invoices.get(app.screen.invoice_id)
        assert (invoice.number, invoice.status, invoice.total) == ("INV-0001", Status.DRAFT, expected.total)
        assert [li.description for li in invoice.line_items] == ["Web development", "Design", "Hosting"]

        await pilot.press("m")
        await settle(pilot)
        assert books.invoices.get(invoice.id).status == Status.SENT
        assert "Sent" in text_of(app.screen.query_one("#detail-title"))

        await pilot.press("p")
        await settle(pilot)
        field(app, "amount").value = "2000"
        await type_text(pilot, "")
        field(app, "method").value = "bank transfer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert books.invoices.get(invoice.id).status == Status.PARTIALLY_PAID
        assert "Partly paid" in text_of(app.screen.query_one("#detail-title"))
        await pilot.press("d")
        await settle(pilot)
        assert "Partly paid 1" in text_of(app.screen.query_one("#counts"))
        assert "$3,960.16" in text_of(app.screen.query_one("#owed"))

        await pilot.press("enter")  # the recent invoice, opened from the dashboard
        await settle(pilot)
        await pilot.press("p")  # the amount proposed is what is still due
        await settle(pilot)
        assert field(app, "amount").value == "3960.16"
        await pilot.press("enter")
        await settle(pilot)
        assert books.invoices.get(invoice.id).status == Status.PAID
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        counts = text_of(app.screen.query_one("#counts"))
        assert "Paid 1" in counts and "Partly paid 0" in counts
        assert text_of(app.screen.query_one("#owed")) == "—"
        assert text_of(app.screen.query_one("#paid")) == "$5,960.16"


async def test_a_payment_over_the_amount_due_is_refused_beside_the_field(app, books):
    client = books.clients.create({"name": "Acme Corp"})
    made = books.invoices.create(
        {"clientId": client.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": Decimal("10.00")}]}
    )
    books.invoices.mark_sent(made.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        field(app, "amount").value = "10.01"
        await pilot.press("enter")
        await settle(pilot)
        assert "must not exceed the amount due" in text_of(field(app, "amount").query_one(".field-error"))
        assert field(app, "amount").value == "10.01"
    assert books.invoices.get(made.id).status == Status.SENT


async def test_filter_invoices_by_status_and_by_client(app, books):
    acme = books.clients.create({"name": "Acme Corp"})
    other = books.clients.create({"name": "Other Co"})
    body = {"lineItems": [{"description": "x", "quantity": 1, "unitPrice": Decimal("10.00")}]}
    drafts = [books.invoices.create({"clientId": acme.id, **body}) for _ in range(2)]
    sent = books.invoices.create({"clientId": other.id, **body})
    books.invoices.mark_sent(sent.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert screen.table.row_count == 3
        await pilot.press("f")  # All → Draft
        await settle(pilot)
        assert screen.status == Status.DRAFT
        assert sorted(screen.items) == sorted(d.id for d in drafts)
        assert "draft" in text_of(screen.query_one("#list-title"))
        await pilot.press("f")  # → Sent
        await settle(pilot)
        assert list(screen.items) == [sent.id]
        await pilot.press(*["f"] * (len(Status) - 1))  # through the statuses after Sent, back to all
        await settle(pilot)
        assert screen.status is None and screen.table.row_count == 3

        await pilot.press("k")  # the client filter
        await settle(pilot)
        await type_text(pilot, "other")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert list(screen.items) == [sent.id]
        assert "for Other Co, who owes $10.00" in text_of(screen.query_one("#list-title"))

        await pilot.press("slash")
        await type_text(pilot, "INV-0002")
        await settle(pilot)
        assert screen.table.row_count == 0  # INV-0002 is Acme's
        await pilot.press("enter", "k", "enter")  # back to the table; all clients again (the first choice)
        await settle(pilot)
        assert [row[0] for row in table_rows(screen.table)] == ["INV-0002"]


async def test_archive_and_restore_a_client(app, books):
    client = books.clients.create({"name": "Acme Corp"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        await pilot.press("a")
        await settle(pilot)
        assert not books.clients.get(client.id).is_active
        assert screen.table.row_count == 0
        assert "Acme Corp archived" in notifications(app)
        await pilot.press("v")  # show archived ones too
        await settle(pilot)
        assert table_rows(screen.table) == [["Acme Corp", "", "", "archived"]]
        await pilot.press("a")
        await settle(pilot)
        assert books.clients.get(client.id).is_active
        assert table_rows(screen.table) == [["Acme Corp", "", "", ""]]


async def test_create_a_key_see_it_once_and_revoke_it(app, ci, books):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "shop")
        await pilot.press("enter")
        await settle(pilot)
        key = text_of(app.screen.query_one("#new-key"))
        assert key.startswith("cinv_")
        assert ci.verify_key(key).account_id == books.account_id
        await pilot.press("c")
        await settle(pilot)
        assert "Key copied to the clipboard" in notifications(app)
        await pilot.press("enter")
        await settle(pilot)
        assert table_rows(app.screen.query_one("#keys"))[0][:2] == [f"{key[:12]}…", "shop"]

        await pilot.press("r")
        await settle(pilot)
        await pilot.press("n")  # not yet
        await settle(pilot)
        assert books.keys.list()[0].is_active
        await pilot.press("r", "y")
        await settle(pilot)
        assert not books.keys.list()[0].is_active
        assert table_rows(app.screen.query_one("#keys"))[0][-1] == "revoked"
