"""The rest of what a person does: the palette, help, paging, editing a draft, duplicate, delete, refusals, PDF."""

from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import Input

from cleverinvo.core import Status
from cleverinvo.tui.screens.base import LOADING_DELAY
from cleverinvo.tui.screens.clients import ClientsScreen
from cleverinvo.tui.screens.dashboard import DashboardScreen
from cleverinvo.tui.screens.help import HelpScreen
from cleverinvo.tui.screens.invoice_detail import InvoiceDetailScreen
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.screens.invoices import InvoicesScreen
from tests.tui.helpers import notifications, settle, table_rows, text_of, type_text

pytestmark = pytest.mark.anyio
ONE_LINE = {"lineItems": [{"description": "Work", "quantity": 2, "unitPrice": Decimal("50.00")}]}


@pytest.fixture
def client(books):
    return books.clients.create({"name": "Acme Corp"})


async def palette(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await type_text(pilot, command)
    await pilot.pause(0.3)  # the palette searches as you type
    await pilot.press("enter")
    await settle(pilot)


async def test_the_palette_reaches_screens_and_the_actions_of_the_current_screen(app, client):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await palette(pilot, "go to clients")
        assert isinstance(app.screen, ClientsScreen)
        await palette(pilot, "archived")  # an action of the clients screen
        assert app.screen.show_archived
        await palette(pilot, "new invoice")
        assert isinstance(app.screen, InvoiceEditorScreen)
        app.screen.grid.rows[0].input("description").focus()  # typing there: the palette still reaches everything
        await settle(pilot)
        await palette(pilot, "add line")
        assert len(app.screen.grid.rows) == 2
        await palette(pilot, "dark/light")
        assert app.theme == "textual-light"
        await palette(pilot, "go to dashboard")
        assert isinstance(app.screen, DashboardScreen) and len(app.screen_stack) == 1


async def test_help_lists_the_keys_of_the_screen_and_of_the_app(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(text_of(s) for s in app.screen.query("#help Static"))
        for words in ("Status", "Client", "Search", "Dashboard", "Settings", "Dark/light theme"):
            assert words in shown
        assert "Next page" not in shown and "Invoices)" not in shown  # one page only; no class names
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)


async def test_paging_through_many_invoices_and_searching(app, books, client):
    for _ in range(230):
        books.invoices.create({"clientId": client.id, **ONE_LINE})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert screen.table.row_count == 50
        assert table_rows(screen.table)[0][0] == "INV-0230"
        assert text_of(screen.query_one("#page-line")) == "Page 1 of 5 · 1–50 of 230"
        await pilot.press("left_square_bracket")  # nothing before the first page
        await settle(pilot)
        assert screen.page_number == 1
        await pilot.press(*["right_square_bracket"] * 4)
        await settle(pilot)
        assert text_of(screen.query_one("#page-line")) == "Page 5 of 5 · 201–230 of 230"
        assert table_rows(screen.table)[-1][0] == "INV-0001"
        await pilot.press("right_square_bracket")  # nothing after the last
        await settle(pilot)
        assert screen.page_number == 5
        await pilot.press("slash")
        await type_text(pilot, "INV-011")
        await settle(pilot)
        assert [r[0] for r in table_rows(screen.table)] == [f"INV-{n:04d}" for n in range(119, 109, -1)]
        assert screen.page_number == 1


async def test_typing_fast_leaves_no_loading_indicator_behind(app, books):
    books.clients.create({"name": "Northwind"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        search = screen.query_one("#search", Input)
        for typed in ("w", "wi", "win", "wind"):  # keys as fast as a terminal sends them: each search supersedes
            search.value = typed
        await settle(pilot)
        await pilot.pause(LOADING_DELAY * 3)  # past the moment a superseded search would have shown its indicator
        assert not screen.table.loading
        assert [r[0] for r in table_rows(screen.table)] == ["Northwind"]


async def test_edit_a_draft_then_sent_invoices_cannot_be_edited(app, books, client):
    made = books.invoices.create({"clientId": client.id, **ONE_LINE, "notes": "First"})
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, InvoiceEditorScreen)
        row = editor.grid.rows[0]
        assert row.values() == {
            "description": "Work",
            "quantity": "2",
            "unitPrice": "50.00",
            "taxRate": "",
            "discountRate": "",
        }
        row.input("quantity").value = "3"
        editor.field("notes").value = "Second"
        await pilot.press("ctrl+n")
        await type_text(pilot, "Extra")
        await pilot.press("tab", "1", "tab", "5")
        await pilot.press("alt+up")  # the new line moves above the first
        await settle(pilot)
        assert [r.values()["description"] for r in editor.grid.rows] == ["Extra", "Work"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
        saved = books.invoices.get(made.id)
        assert (saved.total, saved.notes, saved.version) == (Decimal("155.00"), "Second", 2)
        assert [li.description for li in saved.line_items] == ["Extra", "Work"]
        assert "$155.00" in text_of(app.screen.query_one("#detail-totals"))

        await pilot.press("m")
        await settle(pilot)
        await pilot.press("e")  # no longer a draft: the key does nothing
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
        assert not app.screen.check_action("edit", ())


async def test_remove_a_line_and_the_totals_follow(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        for index, price in enumerate(("10", "20")):
            if index:
                await pilot.press("ctrl+n")
            row = editor.grid.rows[index]
            row.input("description").value, row.input("quantity").value = f"Line {index}", "1"
            row.input("unitPrice").value = price
        await settle(pilot)
        assert "$30.00" in text_of(editor.query_one("#totals"))
        await pilot.press("ctrl+r")  # the focused line, the second
        await settle(pilot)
        assert len(editor.grid.rows) == 1
        assert "$30.00" not in text_of(editor.query_one("#totals"))
        assert "$10.00" in text_of(editor.query_one("#totals"))


async def test_duplicate_then_delete_the_copy(app, books, client):
    made = books.invoices.create({"clientId": client.id, **ONE_LINE})
    books.invoices.mark_sent(made.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        await pilot.press("delete")  # only drafts can be deleted
        await settle(pilot)
        assert books.invoices.get(made.id)
        await pilot.press("u")  # the copy opens in the editor, unsaved
        await settle(pilot)
        assert isinstance(app.screen, InvoiceEditorScreen) and books.invoices.list().total == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        copy_id = app.screen.invoice_id
        copy = books.invoices.get(copy_id)
        assert copy_id != made.id and (copy.status, copy.number, copy.total) == (Status.DRAFT, "INV-0002", made.total)
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [i.id for i in books.invoices.list().items] == [made.id]
        assert not isinstance(app.screen, InvoiceDetailScreen)


async def test_a_taken_number_is_refused_as_a_notification_and_the_editor_stays(app, books, client):
    books.invoices.create({"clientId": client.id, **ONE_LINE})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        editor.use_client(client)
        editor.field("invoiceNumber").value = "INV-0001"
        row = editor.grid.rows[0]
        row.input("description").value, row.input("quantity").value, row.input("unitPrice").value = "X", "1", "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        assert "Invoice number already taken: INV-0001" in notifications(app)
        assert books.invoices.list().total == 1


async def test_a_client_is_required_beside_the_client_field(app, client):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        row = app.screen.grid.rows[0]
        row.input("description").value, row.input("quantity").value, row.input("unitPrice").value = "X", "1", "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        box = app.screen.query_one("#field-clientId")
        assert box.has_class("-invalid") and text_of(box.query_one(".field-error")) == "Client is required"


async def test_export_the_pdf_and_find_it_on_disk(app, books, client, tmp_path: Path):
    made = books.invoices.create({"clientId": client.id, **ONE_LINE})
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#field-path").value = str(tmp_path)  # a folder: the invoice's file name is kept
        await pilot.press("enter")
        await settle(pilot)
        written = tmp_path / "INV-0001.pdf"
        assert written.read_bytes().startswith(b"%PDF")
        assert f"Saved {written}" in notifications(app)


async def test_a_new_invoice_from_a_clients_invoices_is_written_to_that_client(app, books, client):
    books.clients.create({"name": "Other Co"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down", "enter")  # the older client, Acme Corp
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        row = app.screen.grid.rows[0]
        assert app.focused is row.input("description")
        await type_text(pilot, "Support")
        row.input("quantity").value, row.input("unitPrice").value = "1", "80"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
        assert books.invoices.get(app.screen.invoice_id).client_id == client.id


async def test_leaving_the_editor_with_changes_asks_first(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: back at once
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        editor.grid.rows[0].input("description").focus()
        await type_text(pilot, "Work")
        await pilot.press("escape", "n")  # asked, and kept
        await settle(pilot)
        assert app.screen is editor and editor.grid.rows[0].values()["description"] == "Work"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert books.invoices.list().total == 0


async def test_settings_refuse_beside_the_field_then_save(app, books):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#field-sellerName").value = "Zoë Ørsted"
        screen.query_one("#field-numberPrefix").value = "ZO-"
        screen.query_one("#field-numberWidth").value = "three"
        await pilot.press("ctrl+s")
        await settle(pilot)
        width = screen.query_one("#field-numberWidth")
        assert width.has_class("-invalid")
        assert text_of(width.query_one(".field-error")).startswith("Width must be a number as English writes it")
        width.value = "13"  # a number, but the core allows a width of at most 12
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(width.query_one(".field-error")) == "Width must be at most 12"
        assert books.settings.get().number_prefix == "INV-"  # nothing saved yet
        width.value = "3"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Settings saved" in notifications(app)
    account = books.settings.get()
    assert (account.seller.name, account.number_prefix, account.number_width) == ("Zoë Ørsted", "ZO-", 3)


async def test_edit_a_client(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#field-name").value == "Acme Corp"
        form.query_one("#field-phone").value = "+1 555 0199"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        assert table_rows(app.screen.table)[0][2] == "+1 555 0199"
    assert books.clients.get(client.id).phone == "+1 555 0199"


async def test_an_unexpected_failure_is_a_notification_and_the_app_goes_on(app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.books.invoices, "list", broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        assert "disk on fire" in notifications(app)
        assert app.is_running and isinstance(app.screen, InvoicesScreen)
        await pilot.press("escape", "c")  # the rest of the app still works
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
