"""Export an issued invoice from its detail screen at 80×24 as an e-invoice: CII, UBL, Factur-X PDF."""

from decimal import Decimal
from pathlib import Path

import facturx
import pytest

from cleverinvo.core import Books
from tests.einvoice.conftest import BUYERS, SELLER, issue, line
from tests.tui.helpers import notifications, settle

pytestmark = pytest.mark.anyio


async def _export(app, pilot, target: Path, downs: int) -> None:
    """Open the export, go back from the file field to the formats, pick the one ``downs`` below the PDF, write
    to ``target`` with Enter."""
    await pilot.press("x")
    await settle(pilot)
    await pilot.press("shift+tab")
    for _ in range(downs):
        await pilot.press("down")
    await pilot.press("space")
    app.screen.query_one("#field-path").value = str(target)
    app.screen.query_one("#input-path").focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_export_xml_in_both_syntaxes_and_the_factur_x_pdf(app, books: Books, tmp_path: Path):
    books.settings.update(SELLER)
    invoice_id = issue(books, "FR", line(taxRate=Decimal(19)))
    number = books.invoices.get(invoice_id).number
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(invoice_id)
        await settle(pilot)
        await _export(app, pilot, tmp_path, downs=2)  # a folder: the file keeps the invoice's name
        assert b"CrossIndustryInvoice" in (tmp_path / f"{number}.xml").read_bytes()
        assert f"Saved {tmp_path / f'{number}.xml'}" in notifications(app)

        await _export(app, pilot, tmp_path / "peppol.xml", downs=3)
        assert b"<Invoice " in (tmp_path / "peppol.xml").read_bytes()

        await _export(app, pilot, tmp_path / "factur-x.pdf", downs=1)
        pdf = (tmp_path / "factur-x.pdf").read_bytes()
        assert facturx.get_xml_from_pdf(pdf, check_xsd=False)[1] == books.einvoices.invoice_xml(invoice_id).data


async def test_missing_data_is_named_and_nothing_is_written(app, books: Books, tmp_path: Path):
    books.settings.update(SELLER)
    invoice_id = issue(books, {**BUYERS["FR"], "country": None}, line(taxRate=Decimal(19)))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(invoice_id)
        await settle(pilot)
        await _export(app, pilot, tmp_path / "x.xml", downs=2)
        assert not (tmp_path / "x.xml").exists()
        assert "Cannot make an EN 16931 invoice: missing buyer country (BT-55)" in notifications(app)


async def test_a_draft_offers_no_e_invoice(app, books: Books):
    books.settings.update(SELLER)
    client = books.clients.create(BUYERS["DE"])
    draft = books.invoices.create({"clientId": client.id, "lineItems": [line(taxRate=Decimal(19))]})
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_invoice(draft.id)
        await settle(pilot)
        screen = app.screen
        await pilot.press("f")
        await settle(pilot)
        assert app.screen is screen
