"""A freelancer's first day in the TUI at 80×24 (issue 13): nothing misread, nothing cut off, nothing lost."""

from decimal import Decimal

import pytest
from textual import events

from cleverinvo.core import Status
from cleverinvo.tui.app import CleverInvoApp
from cleverinvo.tui.screens.clients import ClientFormScreen, ClientsScreen
from cleverinvo.tui.screens.dashboard import DashboardScreen
from cleverinvo.tui.screens.dialogs import ConfirmDialog
from cleverinvo.tui.screens.help import HelpScreen
from cleverinvo.tui.screens.invoice_detail import InvoiceDetailScreen
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.screens.settings import SettingsScreen
from tests.tui.helpers import notifications, settle, table_rows, text_of, type_text

pytestmark = pytest.mark.anyio
D = Decimal


def footer_text(app) -> str:
    """The keys the footer shows whole."""
    return " ".join(f"{key.key_display} {key.description}" for key in app.screen.query("FooterKey") if key.display)


def shown(app) -> str:
    return app.export_screenshot().replace("&#160;", " ")


async def new_invoice_with(pilot, client, lines: list[tuple[str, str, str]], currency: str = "EUR") -> None:
    """Open the editor for ``client`` and type ``(description, quantity, unit price)`` lines key by key."""
    pilot.app.push_screen(InvoiceEditorScreen(client=client))
    await settle(pilot)
    editor = pilot.app.screen
    editor.field("currency").value = currency
    for index, (description, quantity, price) in enumerate(lines):
        if index:
            await pilot.press("ctrl+n")
            await settle(pilot)
        row = editor.grid.rows[index]
        for key, text in (("description", description), ("quantity", quantity), ("unitPrice", price)):
            row.input(key).focus()
            await type_text(pilot, text)
    await settle(pilot)


@pytest.fixture
def client(books):
    return books.clients.create({"name": "Łódź Studio", "email": "hello@lodz.example"})


async def test_a_decimal_comma_in_german_is_a_decimal_comma(app, books, client):
    books.settings.update({"language": "de"})
    app.use_account(books.settings.get())
    async with app.run_test(size=(80, 24)) as pilot:
        await new_invoice_with(pilot, client, [("Beratung", "1,5", "19,99"), ("Hosting", "2", "1.250,50")])
        assert "2.530,99" in text_of(pilot.app.screen.query_one("#totals"))  # 29,99 + 2.501,00
        await pilot.press("ctrl+s")
        await settle(pilot)
    invoice = books.invoices.list().items[0]
    lines = books.invoices.get(invoice.id).line_items
    assert [(li.quantity, li.unit_price) for li in lines] == [(D("1.5"), D("19.99")), (D(2), D("1250.50"))]
    assert invoice.total == D("2530.99")


async def test_a_decimal_comma_in_english_is_refused_saying_what_was_meant_and_both_errors_show(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        await new_invoice_with(pilot, client, [("Consulting", "1,5", "19,99")])
        await pilot.press("ctrl+s")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, InvoiceEditorScreen)
        row = editor.grid.rows[0]
        error = text_of(row.query_one(".field-error"))
        assert "Line 1: Quantity must be a number as English writes it, e.g. 1,234.56; did you mean 1.5?" in error
        assert "Line 1: Unit price must be a number as English writes it, e.g. 1,234.56; did you mean 19.99?" in error
        assert row.input("quantity").has_class("-refused") and row.input("unitPrice").has_class("-refused")
        assert row.query_one(".field-error").size.height >= 2  # both messages, each whole
    assert books.invoices.list().total == 0


@pytest.mark.parametrize("text", ["1e3", "NaN"])
async def test_exponents_and_words_are_not_numbers(app, books, client, text):
    async with app.run_test(size=(80, 24)) as pilot:
        await new_invoice_with(pilot, client, [("Work", text, "10")])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Line 1: Quantity must be a number" in text_of(app.screen.grid.rows[0].query_one(".field-error"))
    assert books.invoices.list().total == 0


async def test_a_twelve_character_number_is_whole_at_80_columns_and_tables_widen_at_120(ci, books, client):
    books.settings.update({"numberPrefix": "JN-2026-"})
    longer = books.clients.create({"name": "Zoë Ørsted Design and Illustration Studio", "email": "zoe@example.com"})
    for who in (client, longer):
        books.invoices.create({"clientId": who.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 9}]})
    app = CleverInvoApp(ci)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "JN-2026-0001" in shown(app) and "JN-2026-0002" in shown(app)  # the dashboard
        await pilot.press("i")
        await settle(pilot)
        assert "JN-2026-0001" in shown(app) and "JN-2026-0002" in shown(app)
        narrow = sum(c.width for c in app.screen.table.columns.values())
        assert narrow <= 80 - 2 * len(app.screen.table.columns)
    app = CleverInvoApp(ci)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        assert "Zoë Ørsted Design and Illustration Studio" in shown(app)  # the client's whole name
        assert sum(c.width for c in app.screen.table.columns.values()) > narrow + 30


async def test_export_never_overwrites_silently_and_a_slash_is_a_folder(app, books, client, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    made = books.invoices.create(
        {"clientId": client.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 9}]}
    )
    existing = tmp_path / "notes.txt"
    existing.write_text("my notes")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)

        async def export_to(path: str) -> None:
            await pilot.press("x")
            await settle(pilot)
            app.screen.query_one("#field-path").value = path
            await pilot.press("enter")
            await settle(pilot)

        await export_to(str(existing))
        assert (
            isinstance(app.screen, ConfirmDialog) and app.screen.question == f"{existing} already exists. Replace it?"
        )
        await pilot.press("n")
        await settle(pilot)
        assert existing.read_text() == "my notes"
        await pilot.press("escape")
        await settle(pilot)

        await export_to(f"{tmp_path}/new/folder/")
        written = tmp_path / "new" / "folder" / "INV-0001.pdf"
        assert written.read_bytes().startswith(b"%PDF") and f"Saved {written}" in notifications(app)
        await pilot.press("x")  # the folder of the last export is proposed again
        await settle(pilot)
        assert app.screen.query_one("#field-path").value == str(written)
        await pilot.press("escape")
        await settle(pilot)

        await export_to(f"{existing}/x.pdf")  # an OS error, in words
        error = text_of(app.screen.query_one("#field-path .field-error"))
        assert error == f"Cannot make the folder {existing}: a file has that name"
        assert "Errno" not in shown(app)
        await pilot.press("escape")
        await settle(pilot)

        await export_to(str(existing))
        await pilot.press("y")
        await settle(pilot)
        assert existing.read_bytes().startswith(b"%PDF")


async def test_a_payment_dated_in_the_future_is_refused_under_its_date(app, books, client):
    made = books.invoices.create(
        {"clientId": client.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 9}]}
    )
    books.invoices.mark_sent(made.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        app.screen.query_one("#field-date").value = "2099-01-01"
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app.screen.query_one("#field-date .field-error")) == "Date must not be in the future"
    assert books.invoices.get(made.id).payments == ()


async def burst(pilot, *keys: str) -> None:
    """Keys as a terminal delivers a burst (a paste, ``tmux send-keys``): all queued before any is handled."""
    for key in keys:
        pilot.app.post_message(events.Key(key, "\t" if key == "tab" else key))
    await settle(pilot)


async def test_a_burst_of_keys_across_fields_lands_in_each_field(app, books):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await burst(pilot, "a", "b", "c", "tab", "d", "e", "f", "tab", "g", "h", "i")
        values = {f.field: f.value for f in app.screen.query("FormField")}
        assert (values["sellerName"], values["sellerAddress"], values["sellerPostalCode"]) == (
            "abc",  # a field selects what it holds when it takes the focus: typing replaces it
            "def",
            "ghi",
        )


async def test_escape_asks_before_throwing_away_settings_and_client_edits(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("escape")  # nothing changed: straight back
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("s")
        await settle(pilot)
        await type_text(pilot, "!")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert books.settings.get().seller.name == "Zoë Ørsted Design"

        await pilot.press("c")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, " Ltd")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen) and books.clients.get(client.id).name == "Łódź Studio"


async def test_unit_prices_show_the_places_they_have_and_the_detail_shows_discounts_notes_and_methods(
    app, books, client
):
    usd = books.invoices.create(
        {
            "clientId": client.id,
            "currency": "USD",
            "lineItems": [{"description": "Widgets", "quantity": 3, "unitPrice": D("33.335"), "discountRate": 5}],
        }
    )
    books.invoices.mark_sent(usd.id)
    books.invoices.record_payment(
        usd.id, {"amount": D(10), "method": "SEPA credit transfer from Sparkasse", "note": "first instalment, thanks"}
    )
    yen = books.invoices.create(
        {
            "clientId": client.id,
            "currency": "JPY",
            "lineItems": [{"description": "x", "quantity": 2, "unitPrice": D("333.5")}],
        }
    )
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(usd.id)
        await settle(pilot)
        text = shown(app)
        assert "$33.335" in text and "5%" in text
        assert table_rows(app.screen.query_one("#detail-payments"))[0][2:] == [
            "SEPA credit transfer from Sparkasse",
            "first instalment, thanks",
        ]
        app.open_invoice(yen.id)
        await settle(pilot)
        assert "¥333.5" in shown(app)


async def test_a_copy_takes_a_number_only_when_saved(app, books, client):
    made = books.invoices.create(
        {"clientId": client.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 9}]}
    )
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceEditorScreen) and "Copy of INV-0001" in shown(app)
        await pilot.press("escape")  # a copy is new: leaving asks
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDetailScreen)
    assert books.invoices.list().total == 1 and books.settings.get().next_number == 2


async def test_the_first_run_walks_through_the_seller_profile_before_the_first_invoice(ci):
    books = ci.books()
    client = books.clients.create({"name": "Acme Corp"})
    app = CleverInvoApp(ci)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "seller profile" in text_of(app.screen.query_one("#counts"))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen) and "Who issues your invoices?" in shown(app)
        await type_text(pilot, "Zoe Orsted")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceEditorScreen)
    assert books.settings.get().seller.name == "Zoe Orsted"
    made = books.invoices.create(
        {"clientId": client.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 9}]}
    )
    assert made.status == Status.DRAFT


async def test_search_lists_help_and_palette_do_what_they_say(app, books, client):
    acme = books.clients.create({"name": "Acme Corp"})
    books.clients.archive(acme.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash")
        await type_text(pilot, "lodz")  # accents and case do not matter
        await settle(pilot)
        assert [r[0] for r in table_rows(screen.table)] == ["Łódź Studio"]
        screen.query_one("#search").value = "x" * 300  # refused: no stale rows stay
        await settle(pilot)
        assert screen.table.row_count == 0 and "at most 255 characters" in text_of(screen.query_one("#page-line"))
        await pilot.press("escape")  # Escape in the search clears it first
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen) and screen.query_one("#search").value == ""
        await type_text(pilot, "studio")
        await settle(pilot)
        await pilot.press("enter")  # the only match opens
        await settle(pilot)
        assert app.screen.client.id == client.id
        await pilot.press("escape")
        await settle(pilot)
        screen.query_one("#search").value = ""
        screen.table.focus()
        await pilot.press("v")  # archived ones too: "a" on an archived row says Restore
        await settle(pilot)
        screen.table.move_cursor(row=[r[0] for r in table_rows(screen.table)].index("Acme Corp"))
        await settle(pilot)
        footer = footer_text(app)
        assert "Restore" in footer and "Archive" not in footer
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "restore")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert books.clients.get(acme.id).is_active
        await pilot.press("question_mark")
        await settle(pilot)
        help_text = shown(app)
        assert isinstance(app.screen, HelpScreen) and "On this screen" in help_text and "(Clients)" not in help_text


async def test_help_on_a_sent_invoice_lists_only_what_works_there(app, books, client):
    made = books.invoices.create(
        {"clientId": client.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 9}]}
    )
    books.invoices.mark_sent(made.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        keys = " ".join(text_of(s) for s in app.screen.query("#help Static"))
        assert "Payment" in keys and "Export PDF" in keys
        assert "Edit" not in keys and "Delete" not in keys and "Mark sent" not in keys


async def test_the_footer_at_60_columns_shows_no_stray_key(app, books, client):
    made = books.invoices.create(
        {"clientId": client.id, "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 9}]}
    )
    async with app.run_test(size=(60, 20)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        keys = [key for key in app.screen.query("FooterKey") if key.display]
        footer = app.screen.query_one("KeysFooter")
        assert keys and all(key.region.right <= footer.region.right for key in keys)  # every key shown is whole
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert all(key.region.right <= palette[0].region.x for key in keys if key not in palette)


async def test_client_form_messages_name_fields_as_labels(app):
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ClientFormScreen())
        await settle(pilot)
        app.screen.query_one("#field-email").value = "not an address"
        app.screen.query_one("#field-name").value = "Acme"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app.screen.query_one("#field-email .field-error")) == "E-mail must be a valid email address"
