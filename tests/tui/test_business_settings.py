"""The TUI's settings screen and client form for the business document: choice lists for the country, currency,
language and paper, addresses on several lines, bank details, the e-invoice switch and the logo from a
file, each refusal shown under its field. At 80×24, through Textual's Pilot."""

import io

import pytest
from PIL import Image
from textual.widgets import Select, Switch, TextArea

from cleverinvo.core.records import Language
from tests.tui.helpers import notifications, settle, text_of

pytestmark = pytest.mark.anyio


def error_under(screen, field: str) -> str:
    return text_of(screen.query_one(f"#field-{field}").query_one(".field-error"))


async def test_every_setting_is_shown_and_saved(app, books, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), "navy").save(logo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#select-language", Select).value == "en"
        assert screen.query_one("#select-defaultCurrency", Select).value == "USD"
        screen.query_one("#input-sellerAddress", TextArea).text = "Hauptstraße 5\nHinterhaus"
        screen.query_one("#field-sellerPostalCode").value = "10115"
        screen.query_one("#field-sellerCity").value = "Berlin"
        screen.query_one("#select-sellerCountry", Select).value = "DE"
        screen.query_one("#field-iban").value = "DE89 3704 0044 0532 0130 00"
        screen.query_one("#field-bic").value = "COBADEFFXXX"
        screen.query_one("#field-bankName").value = "Commerzbank"
        screen.query_one("#field-creditNotePrefix").value = "GS-"
        screen.query_one("#select-defaultCurrency", Select).value = "EUR"
        screen.query_one("#select-language", Select).value = "de"
        screen.query_one("#select-paperSize", Select).value = "Letter"
        screen.query_one("#switch-eInvoice", Switch).value = True
        screen.query_one("#field-logo").value = str(logo)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Settings saved" in notifications(app)
        assert "300×100 PNG" in screen.query_one("#input-logo").placeholder
    account = books.settings.get()
    assert (account.seller.address, account.seller.country, account.bank.iban) == (
        "Hauptstraße 5\nHinterhaus",
        "DE",
        "DE89370400440532013000",
    )
    assert (account.default_currency, account.language, account.paper_size.value) == ("EUR", Language.DE, "Letter")
    assert (account.e_invoice, account.credit_note_prefix) == (True, "GS-")
    assert books.settings.logo().width == 300


async def test_settings_refusals_appear_under_their_field_and_change_nothing(app, books, tmp_path):
    before = books.settings.get()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#field-iban").value = "DE89 3704 0044 0532 0130 01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "IBAN: invalid checksum digits" in error_under(screen, "iban")
        screen.query_one("#field-iban").value = ""
        screen.query_one("#field-logo").value = str(tmp_path / "missing.png")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot read" in error_under(screen, "logo") and "No such file" in error_under(screen, "logo")
        not_image = tmp_path / "notes.txt"
        not_image.write_text("hello")
        screen.query_one("#field-logo").value = str(not_image)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not a PNG or JPEG image" in error_under(screen, "logo")
    assert books.settings.get() == before
    assert books.settings.logo() is None


async def test_the_client_form_takes_a_multiline_address_and_chosen_country_and_language(app, books):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-name").value = "Łódź Studio"
        form.query_one("#input-address", TextArea).text = "ul. Piotrkowska 1\nlok. 2"
        form.query_one("#field-postalCode").value = "90-001"
        form.query_one("#field-city").value = "Łódź"
        form.query_one("#select-country", Select).value = "PL"
        form.query_one("#select-language", Select).value = "pl"
        await pilot.press("ctrl+s")
        await settle(pilot)
    (client,) = books.clients.list().items
    assert (client.address, client.postal_code, client.city, client.country, client.language) == (
        "ul. Piotrkowska 1\nlok. 2",
        "90-001",
        "Łódź",
        "PL",
        Language.PL,
    )


async def test_a_client_name_the_invoice_font_cannot_print_is_refused_under_the_name(app, books):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-name").value = "山田 Ltd"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "山" in error_under(form, "name") and "cannot print" in error_under(form, "name")
    assert books.clients.list().total == 0


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    return out.getvalue()


async def test_the_logo_can_be_removed(app, books):
    books.settings.set_logo(png_bytes())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "Logo removed" in notifications(app)
    assert books.settings.logo() is None
