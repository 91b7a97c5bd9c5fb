"""The invoice editor's details (issue 12): the document's language, the buyer's reference, the date or period of
supply, the tax exemption reason and each line's tax category. Each is saved through the core and shown again
when the invoice is reopened; a value the core refuses is shown under its field as a person reads it (the field's
label, lines counted from 1, never an API field path) and nothing is saved."""

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Button, OptionList, Select

from cleverinvo.core.billing.taxes import TaxCategory
from cleverinvo.core.i18n.regions import language_choices
from cleverinvo.core.records import Language
from cleverinvo.tui.screens.dialogs import TaxCategoryDialog
from cleverinvo.tui.screens.invoice_editor import InvoiceEditorScreen
from cleverinvo.tui.screens.quotes import QuoteEditorScreen
from cleverinvo.tui.widgets.form import SelectField
from tests.tui.helpers import notifications, settle, table_rows, text_of, type_text

pytestmark = pytest.mark.anyio
D = Decimal
REASON = "Reverse charge: VAT to be paid by the recipient"


@pytest.fixture
def client(books):
    return books.clients.create({"name": "Łódź Studio", "email": "hello@lodz.example", "language": "pl"})


def language(editor: InvoiceEditorScreen) -> SelectField:
    return editor.query_one("#field-language", SelectField)


async def open_editor(pilot, invoice=None, client=None) -> InvoiceEditorScreen:
    pilot.app.push_screen(InvoiceEditorScreen(invoice, client=client))
    await settle(pilot)
    editor = pilot.app.screen
    assert isinstance(editor, InvoiceEditorScreen)
    return editor


async def type_line(pilot, editor: InvoiceEditorScreen, index: int, *values: str) -> None:
    """Type ``description, quantity, unit price[, tax %]`` into line ``index`` (counted from 0) key by key."""
    row = editor.grid.rows[index]
    for key, text in zip(("description", "quantity", "unitPrice", "taxRate"), values, strict=False):
        row.input(key).focus()
        await type_text(pilot, text)
    await settle(pilot)


async def type_into(pilot, editor: InvoiceEditorScreen, field: str, text: str) -> None:
    editor.field(field).input.focus()
    editor.field(field).input.clear()
    await type_text(pilot, text)


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def error_under(editor: InvoiceEditorScreen, field: str) -> str:
    box = editor.field(field)
    return text_of(box.query_one(".field-error")) if box.has_class("-invalid") else ""


def saved_invoice(books):
    page = books.invoices.list()
    assert page.total == 1
    return books.invoices.get(page.items[0].id)


async def choose_category(pilot, code: str) -> None:
    """Ctrl+G on the focused line, then the category ``code`` (``""``: by the rate) with the arrow keys and Enter."""
    await pilot.press("ctrl+g")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, TaxCategoryDialog)
    options = dialog.query_one(OptionList)
    target = options.get_option_index(code or "by-rate")
    await pilot.press(*(["down"] * (target - options.highlighted)), *(["up"] * (options.highlighted - target)))
    await pilot.press("enter")
    await settle(pilot)


async def test_the_language_is_chosen_among_the_core_languages_and_kept(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        select = editor.query_one("#select-language", Select)
        assert [(str(prompt), value) for prompt, value in select._options] == [
            ("Client's or account's", ""),
            *language_choices(),
        ]
        await type_line(pilot, editor, 0, "Beratung", "2", "100")
        select.focus()
        await pilot.press("enter")  # opens the list
        await settle(pilot)
        await pilot.press(*["down"] * 2, "enter")  # English, then German
        await settle(pilot)
        assert language(editor).value == "de"
        await save(pilot)
        assert app.screen is not editor
        invoice = saved_invoice(books)
        assert invoice.language is Language.DE
        editor = await open_editor(pilot, invoice)
        assert language(editor).value == "de"
        assert "" not in [value for _prompt, value in editor.query_one("#select-language", Select)._options]
        language(editor).value = "fr"
        await save(pilot)
    assert books.invoices.get(invoice.id).language is Language.FR


async def test_the_language_left_to_the_core_is_the_clients(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Design", "1", "900")
        await save(pilot)
    assert saved_invoice(books).language is Language.PL


async def test_the_buyer_reference_is_saved_shown_again_and_cleared(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Design", "1", "900")
        await type_into(pilot, editor, "buyerReference", "PO-4711/B")
        await save(pilot)
        invoice = saved_invoice(books)
        assert invoice.buyer_reference == "PO-4711/B"
        editor = await open_editor(pilot, invoice)
        assert editor.field("buyerReference").value == "PO-4711/B"
        await type_into(pilot, editor, "buyerReference", "")
        await save(pilot)
    assert books.invoices.get(invoice.id).buyer_reference is None


async def test_a_buyer_reference_the_pdf_cannot_print_is_refused_under_the_field(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Design", "1", "900")
        editor.field("buyerReference").value = "注文 4711"
        await save(pilot)
        assert app.screen is editor
        assert error_under(editor, "buyerReference") == (
            'Buyer reference contains "注" (U+6CE8 CJK UNIFIED IDEOGRAPH-6CE8), which invoices cannot print'
        )
        assert editor.field("buyerReference").input.has_focus
    assert books.invoices.list().total == 0


async def test_the_service_date_is_saved_and_shown_again(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Design", "1", "900")
        await type_into(pilot, editor, "serviceDate", "2026-11-20")
        await save(pilot)
        invoice = saved_invoice(books)
        assert invoice.service_date == dt.date(2026, 11, 20)
        editor = await open_editor(pilot, invoice)
        assert editor.field("serviceDate").value == "2026-11-20"


async def test_a_service_date_that_is_no_date_is_refused_under_the_field(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Design", "1", "900")
        await type_into(pilot, editor, "serviceDate", "2026-02-30")
        await save(pilot)
        assert app.screen is editor
        assert error_under(editor, "serviceDate") == "Service date must be a date as YYYY-MM-DD"
    assert books.invoices.list().total == 0


async def test_a_service_period_is_saved_shown_again_and_replaced_by_a_date(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Hosting", "1", "30")
        await type_into(pilot, editor, "servicePeriodStart", "2026-11-01")
        await type_into(pilot, editor, "servicePeriodEnd", "2026-11-30")
        await save(pilot)
        invoice = saved_invoice(books)
        assert (invoice.service_period_start, invoice.service_period_end) == (
            dt.date(2026, 11, 1),
            dt.date(2026, 11, 30),
        )
        editor = await open_editor(pilot, invoice)
        assert (editor.field("servicePeriodStart").value, editor.field("servicePeriodEnd").value) == (
            "2026-11-01",
            "2026-11-30",
        )
        await type_into(pilot, editor, "servicePeriodStart", "")
        await type_into(pilot, editor, "servicePeriodEnd", "")
        await type_into(pilot, editor, "serviceDate", "2026-11-30")
        await save(pilot)
    changed = books.invoices.get(invoice.id)
    assert (changed.service_date, changed.service_period_start, changed.service_period_end) == (
        dt.date(2026, 11, 30),
        None,
        None,
    )


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (
            {"servicePeriodStart": "2026-11-30", "servicePeriodEnd": "2026-11-01"},
            "servicePeriodEnd",
            "Service period end must not be before the start of the service period",
        ),
        (
            {"servicePeriodStart": "2026-11-01"},
            "servicePeriodEnd",
            "Service period end is required: a service period needs its start and its end",
        ),
        (
            {"servicePeriodEnd": "2026-11-30"},
            "servicePeriodStart",
            "Service period start is required: a service period needs its start and its end",
        ),
        (
            {"serviceDate": "2026-11-15", "servicePeriodStart": "2026-11-01", "servicePeriodEnd": "2026-11-30"},
            "serviceDate",
            "Service date cannot be given with a service period: give one date or a period, not both",
        ),
    ],
)
async def test_a_service_period_the_core_refuses_is_shown_under_its_field(app, books, client, typed, field, message):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Hosting", "1", "30")
        for name, text in typed.items():
            await type_into(pilot, editor, name, text)
        await save(pilot)
        assert app.screen is editor
        assert error_under(editor, field) == message
        assert editor.field(field).input.has_focus
    assert books.invoices.list().total == 0


async def test_the_tax_category_dialog_offers_the_core_categories_and_the_default(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Consulting", "10", "150")
        await pilot.press("ctrl+g")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["by-rate", *(category.value for category in TaxCategory)]
        assert "Tax category of line 1" in text_of(app.screen.query_one(".dialog-title"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor and editor.grid.rows[0].category == ""


async def test_a_reverse_charged_line_with_its_exemption_reason_is_saved_and_shown_again(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Consulting", "10", "150", "0")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_line(pilot, editor, 1, "Software licence", "1", "200", "19")
        editor.grid.rows[0].input("description").focus()
        await choose_category(pilot, "AE")
        row = editor.grid.rows[0]
        assert row.category == "AE" and row.query_one(Button).has_focus
        assert str(row.query_one(Button).label) == "AE  reverse charge" and row.query_one(".line-category").display
        assert "Tax 0% reverse charge on $1,500.00" in text_of(editor.query_one("#totals"))
        await type_into(pilot, editor, "taxExemptionReason", REASON)
        await save(pilot)
        invoice = saved_invoice(books)
        assert [li.tax_category for li in invoice.line_items] == [TaxCategory.REVERSE_CHARGE, TaxCategory.STANDARD]
        assert invoice.tax_exemption_reason == REASON
        editor = await open_editor(pilot, invoice)
        assert [row.category for row in editor.grid.rows] == ["AE", ""]  # S is the default for 19 %: by the rate
        assert editor.field("taxExemptionReason").value == REASON
        await save(pilot)  # saved unchanged, the category stays
        kept = books.invoices.get(invoice.id)
        assert [li.tax_category for li in kept.line_items] == [TaxCategory.REVERSE_CHARGE, TaxCategory.STANDARD]
        editor = await open_editor(pilot, kept)
        editor.grid.rows[0].input("taxRate").focus()
        await choose_category(pilot, "")  # back to the default for its rate
        assert not editor.grid.rows[0].has_class("-categorised")
        await save(pilot)
    assert books.invoices.get(invoice.id).line_items[0].tax_category is TaxCategory.ZERO_RATED


async def test_an_exempt_line_without_a_reason_is_refused_under_the_reason(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Design", "1", "900", "19")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_line(pilot, editor, 1, "Export", "1", "100", "0")
        await choose_category(pilot, "G")
        await save(pilot)
        assert app.screen is editor
        assert error_under(editor, "taxExemptionReason") == (
            "Tax exemption reason is required: line 2 has tax category G (export outside the EU)"
        )
        assert editor.field("taxExemptionReason").input.has_focus
    assert books.invoices.list().total == 0


async def test_a_category_that_does_not_fit_the_rate_is_refused_under_its_line(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Design", "1", "900", "19")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_line(pilot, editor, 1, "Licence", "1", "100", "7")
        await choose_category(pilot, "AE")
        editor.field("taxExemptionReason").value = REASON
        assert "Line 2: Tax category AE (reverse charge) needs a tax rate of 0" in text_of(editor.query_one("#totals"))
        await save(pilot)
        assert app.screen is editor
        row = editor.grid.rows[1]
        shown = text_of(row.query_one(".field-error"))
        assert shown == "Line 2: Tax category AE (reverse charge) needs a tax rate of 0"
        assert row.query_one(Button).has_focus and row.query_one(Button).has_class("-refused")
        assert "lineItems" not in shown and "taxRate" not in shown
    assert books.invoices.list().total == 0


async def test_a_copy_keeps_the_details_and_the_line_categories(app, books, client):
    made = books.invoices.create(
        {
            "clientId": client.id,
            "language": "de",
            "buyerReference": "PO-1",
            "taxExemptionReason": REASON,
            "lineItems": [{"description": "Work", "quantity": 1, "unitPrice": D(100), "taxCategory": "AE"}],
        }
    )
    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.push_screen(InvoiceEditorScreen(copy=(made, books.invoices.copy_of(made.id))))
        await settle(pilot)
        editor = app.screen
        assert (language(editor).value, editor.field("buyerReference").value) == ("de", "PO-1")
        assert editor.grid.rows[0].category == "AE"
        await save(pilot)
    copy = next(books.invoices.get(i.id) for i in books.invoices.list().items if i.id != made.id)
    assert (copy.language, copy.buyer_reference, copy.tax_exemption_reason) == (Language.DE, "PO-1", REASON)
    assert copy.line_items[0].tax_category is TaxCategory.REVERSE_CHARGE


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_lines_and_every_detail_fit_the_terminal(app, books, client, size):
    async with app.run_test(size=size) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Consulting", "10", "150", "0")
        await choose_category(pilot, "AE")
        width = size[0]
        row = editor.grid.rows[0]
        for key in ("description", "quantity", "unitPrice", "taxRate", "discountRate"):
            region = row.input(key).region
            assert region.width >= (4 if key != "description" else 8) and region.right <= width, key
        assert row.query_one(".col-amount").region.right <= width
        assert row.query_one(Button).region.right <= width
        for field in ("language", "buyerReference", "serviceDate", "servicePeriodStart", "servicePeriodEnd"):
            control = editor.query_one(f"#field-{field}").query_one(".field-row").children[1]
            control.focus()
            await settle(pilot)
            assert control.region.width >= 10 and control.region.right <= width, field


async def test_a_letter_typed_on_a_button_or_in_a_dialog_keeps_the_invoice_being_written(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, client=client)
        await type_line(pilot, editor, 0, "Consulting", "10", "150", "0")
        await choose_category(pilot, "AE")  # the focus is on the line's category button
        assert editor.grid.rows[0].query_one(Button).has_focus
        await pilot.press("d", "c", "i", "s", "R", "Q")  # the app's jumps to its sections
        await settle(pilot)
        assert app.screen is editor
        assert "Save the changes (Ctrl+S) or leave them (Escape) first" in notifications(app)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, TaxCategoryDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor and editor.grid.rows[0].input("description").value == "Consulting"


async def test_the_detail_shows_the_details_and_the_editor_the_client(app, books, client):
    made = books.invoices.create(
        {
            "clientId": client.id,
            "buyerReference": "PO-4711",
            "servicePeriodStart": "2026-11-01",
            "servicePeriodEnd": "2026-11-30",
            "taxExemptionReason": REASON,
            "lineItems": [
                {"description": "Work", "quantity": 1, "unitPrice": D(100), "taxCategory": "AE"},
                {"description": "Licence", "quantity": 1, "unitPrice": D(50), "taxRate": D(19)},
            ],
        }
    )
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(made.id)
        await settle(pilot)
        facts = text_of(app.screen.query_one("#detail-facts"))
        assert "Language Polish · Buyer ref. PO-4711 · Service 2026-11-01 to 2026-11-30" in facts
        assert f"Tax exemption {REASON}" in text_of(app.screen.query_one("#detail-notes"))
        assert [row[-2] for row in table_rows(app.screen.query_one("#detail-lines"))] == ["0% AE", "19%"]
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, InvoiceEditorScreen)
        assert str(editor.query_one("#choice-clientId", Button).label) == "Łódź Studio"
        await save(pilot)  # the client is kept
    assert books.invoices.get(made.id).client_id == client.id


async def test_the_quote_editor_has_the_details_a_quote_takes(app, books, client):
    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.push_screen(QuoteEditorScreen())
        await settle(pilot)
        editor = app.screen
        assert not editor.query("#field-serviceDate, #field-servicePeriodStart, #field-servicePeriodEnd")
        editor.use_client(client)
        await type_line(pilot, editor, 0, "Consulting", "10", "150", "0")
        await choose_category(pilot, "AE")
        await save(pilot)
        assert error_under(editor, "taxExemptionReason") == (
            "Tax exemption reason is required: line 1 has tax category AE (reverse charge)"
        )
        assert books.quotes.list().total == 0
        await type_into(pilot, editor, "taxExemptionReason", REASON)
        await type_into(pilot, editor, "buyerReference", "RFQ-77")
        language(editor).value = "it"
        await save(pilot)
        quote = books.quotes.get(books.quotes.list().items[0].id)
        assert (quote.language, quote.buyer_reference, quote.tax_exemption_reason) == (Language.IT, "RFQ-77", REASON)
        assert quote.line_items[0].tax_category is TaxCategory.REVERSE_CHARGE
        pilot.app.push_screen(QuoteEditorScreen(quote))
        await settle(pilot)
        editor = app.screen
        assert (language(editor).value, editor.field("buyerReference").value) == ("it", "RFQ-77")
        assert editor.grid.rows[0].category == "AE"
