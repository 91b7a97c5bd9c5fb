"""The invoice as a business document on paper: eight languages, the tax summary with its bases, bank details and
the EPC QR code, payments and the DRAFT mark, the symbols the font covers, no blank pages, a small file, and the
layout that credit notes and quotes share."""

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from cleverinvo.core import Books
from cleverinvo.core.i18n.locales import document_locale
from cleverinvo.core.pdf import render_invoice
from cleverinvo.core.pdf.document import Sheet, render
from cleverinvo.core.pdf.invoice import invoice_sheet
from cleverinvo.core.records import Client, Invoice, PaperSize
from tests.core.helpers import invoice_body, line
from tests.core.test_pdf import pages_text, squeeze

D = Decimal
IBAN = "DE89370400440532013000"
REASON = "Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)"


@pytest.fixture
def german_seller(books: Books) -> None:
    books.settings.update(
        {
            "sellerName": "Hofmann & Söhne GmbH",
            "sellerAddress": "Friedrichstraße 123",
            "sellerPostalCode": "10117",
            "sellerCity": "Berlin",
            "sellerCountry": "DE",
            "sellerTaxId": "DE123456789",
            "sellerRegistration": "HRB 123456 B, Amtsgericht Charlottenburg",
            "iban": IBAN,
            "bic": "COBADEFFXXX",
            "bankName": "Commerzbank",
        }
    )


def mixed_invoice(books: Books, client: Client, **fields: object) -> Invoice:
    """Lines at 19 %, 7 %, 0 % zero-rated and 0 % reverse charge, one of them discounted."""
    return books.invoices.create(
        invoice_body(
            client.id,
            line("Beratung", 10, "150.00", taxRate=19, discountRate=10),
            line("Fachbuch", 3, D("33.335"), taxRate=7),
            line("Versand ins Ausland", 1, "20.00", taxRate=0),
            line("Wartung für Kunden im EU-Ausland", 2, "400.00", taxRate=0, taxCategory="AE"),
            invoiceNumber="RE-2026-0117",
            issueDate="2026-12-02",
            dueDate="2027-01-01",
            currency="EUR",
            taxExemptionReason=REASON,
            **fields,
        )
    )


# Per language: the title, a label, the date 2 Dec 2026 and the total of 1,500 euros.
LANGUAGES = {
    "en": ("INVOICE", "Due date", "Dec 2, 2026", "€1,500.00"),
    "de": ("RECHNUNG", "Zahlbar bis", "2. Dez. 2026", "1.500,00 €"),
    "fr": ("FACTURE", "Date d'échéance", "2 déc. 2026", "1 500,00 €"),
    "es": ("FACTURA", "Fecha de vencimiento", "2 dic 2026", "1.500,00 €"),
    "it": ("FATTURA", "Data di scadenza", "2 dic 2026", "1.500,00 €"),
    "nl": ("FACTUUR", "Vervaldatum", "2 dec 2026", "€ 1.500,00"),
    "pl": ("FAKTURA", "Termin płatności", "2 gru 2026", "1 500,00 €"),
    "pt": ("FATURA", "Data de vencimento", "2 de dez. de 2026", "€ 1.500,00"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_invoices_read_in_each_of_the_eight_languages(books: Books, client: Client, language: str) -> None:
    """No seller country: the language's own CLDR formats (``pt`` is Brazil's)."""
    title, label, day, money = LANGUAGES[language]
    books.clients.update(client.id, {"language": language})
    created = books.invoices.create(
        invoice_body(client.id, line("Consulting", 10, "150.00"), issueDate="2026-12-02", currency="EUR")
    )
    assert created.language == language
    [text] = pages_text(books.documents.pdf(created.id).data)
    for expected in (title, label, day):
        assert expected in text, expected
    assert money.replace("\u00a0", " ") in text.replace("\u00a0", " ").replace("\u202f", " ")
    words = document_locale(language)
    for english in ("Description", "Qty", "Unit price", "Amount", "Subtotal", "Total", "Bill to"):
        assert words.gettext(english).upper() in text.upper(), english


def test_a_german_sellers_german_invoice_formats_money_and_dates_as_germans_do(
    books: Books, client: Client, german_seller: None
) -> None:
    books.clients.update(client.id, {"language": "de", "country": "AT", "postalCode": "1010", "city": "Wien"})
    created = mixed_invoice(books, client, serviceDate="2026-11-30", buyerReference="PO-4500-7781")
    [page] = pages_text(books.documents.pdf(created.id).data)
    text = " ".join(page.split())  # wrapped lines joined
    for expected in (
        "RECHNUNG",
        "Rechnungsnummer",
        "Leistungsdatum",
        "30. Nov. 2026",
        "Ihre Referenz",
        "PO-4500-7781",
        "1010 Wien",
        "Österreich",  # the client's country, named in German
        "10117 Berlin",
        "USt-IdNr.: DE123456789",
        "HRB 123456 B, Amtsgericht Charlottenburg",
        "Zahlbar bis 1. Jan. 2027",
    ):
        assert expected in text, expected
    assert "Deutschland" in text  # the seller's country: the letter goes abroad


def test_every_tax_group_is_printed_with_its_base_and_the_bases_add_up_to_the_net(
    books: Books, client: Client, german_seller: None
) -> None:
    created = mixed_invoice(books, client)
    assert len(created.taxes) == 4
    [text] = pages_text(books.documents.pdf(created.id).data)
    flat = text.replace("\u00a0", " ")
    words = document_locale("en", "DE")
    printed_bases = []
    for tax in created.taxes:
        base = words.money(tax.base, created.currency).replace("\u00a0", " ")
        rate = words.percent(tax.rate).replace("\u00a0", " ")
        match = re.search(rf"(\S[^\n]*?) {re.escape(rate)} on {re.escape(base)}", flat)
        assert match, f"no group {tax.category} {rate} on {base} in:\n{flat}"
        printed_bases.append(tax.base)
    assert "Reverse charge 0 % on 800,00 €" in flat
    assert "Zero-rated 0 % on 20,00 €" in flat
    assert sum(printed_bases) == created.subtotal - created.discount_total
    net = words.money(created.subtotal - created.discount_total, created.currency).replace("\u00a0", " ")
    assert f"Net total {net}" in flat
    assert REASON in squeeze(text) or REASON in " ".join(text.split())


def test_bank_details_and_the_payment_reference_are_printed(books: Books, client: Client, german_seller: None) -> None:
    created = mixed_invoice(books, client)
    [text] = pages_text(books.documents.pdf(created.id).data)
    assert "DE89 3704 0044 0532 0130 00" in text
    assert IBAN in squeeze(text)
    for expected in ("COBADEFFXXX", "Commerzbank", "Payment reference", "Scan to pay", "RE-2026-0117"):
        assert expected in text, expected


@pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
    reason="needs zbarimg (Debian zbar-tools) and pdftoppm (poppler-utils) to read the QR code back",
)
def test_the_epc_qr_code_pays_the_amount_due_to_the_iban_with_the_invoice_number(
    books: Books, client: Client, german_seller: None, tmp_path: Path
) -> None:
    created = mixed_invoice(books, client)
    books.invoices.mark_sent(created.id)
    books.invoices.record_payment(created.id, {"amount": D("100.00"), "date": "2026-12-02"})
    invoice = books.invoices.get(created.id)
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(books.documents.pdf(created.id).data)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    [png] = tmp_path.glob("page*.png")
    # -Sbinary: the bytes as they are (zbar would guess a legacy charset for the UTF-8 name)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sbinary", str(png)], capture_output=True, check=True)
    payload = decoded.stdout.decode("utf-8").rstrip("\n").split("\n")
    assert payload[:4] == ["BCD", "002", "1", "SCT"]
    assert payload[4] == "COBADEFFXXX"
    assert payload[5] == "Hofmann & Söhne GmbH"
    assert payload[6] == IBAN
    assert payload[7].startswith("EUR") and D(payload[7][3:]) == invoice.amount_due
    assert invoice.number in payload


def test_no_qr_code_without_an_iban_or_in_another_currency(books: Books, client: Client, german_seller: None) -> None:
    created = mixed_invoice(books, client)
    account = books.settings.get()
    assert invoice_sheet(created, account).bank is not None
    from cleverinvo.core.pdf.document import epc_qr

    assert epc_qr(invoice_sheet(created, account)) is not None
    usd = books.invoices.create(invoice_body(client.id, currency="USD"))
    assert epc_qr(invoice_sheet(usd, account)) is None
    books.settings.update({"iban": None})
    assert epc_qr(invoice_sheet(created, books.settings.get())) is None
    assert "Scan to pay" not in pages_text(books.documents.pdf(created.id).data)[0]


def test_amount_paid_only_when_something_was_paid_with_the_payments_received(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id, line("Work", 1, "500.00"), currency="EUR"))
    books.invoices.mark_sent(created.id)
    [unpaid] = pages_text(books.documents.pdf(created.id).data)
    assert "Amount paid" not in unpaid and "Payments received" not in unpaid.title()
    books.invoices.record_payment(created.id, {"amount": D("120.00"), "date": "2026-11-30", "method": "SEPA"})
    books.invoices.record_payment(created.id, {"amount": D("80.00"), "date": "2026-12-01"})
    [paid] = pages_text(books.documents.pdf(created.id).data)
    assert "Amount paid −€200.00" in paid
    assert "Amount due €300.00" in paid
    assert "PAYMENTS RECEIVED" in paid
    assert "Nov 30, 2026 · SEPA €120.00" in paid
    assert "Dec 1, 2026 €80.00" in paid


def test_drafts_carry_a_draft_mark_sent_invoices_do_not(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id, language="de"))
    assert "ENTWURF" in pages_text(books.documents.pdf(created.id).data)[0]
    books.invoices.mark_sent(created.id)
    assert "ENTWURF" not in pages_text(books.documents.pdf(created.id).data)[0]


def test_unit_prices_keep_their_places_and_discounted_lines_show_their_net(books: Books, client: Client) -> None:
    created = books.invoices.create(
        invoice_body(
            client.id,
            line("Screws", 3, D("33.335")),
            line("Design", 1, "1000.00", discountRate=D("12.5")),
            currency="EUR",
        )
    )
    [text] = pages_text(books.documents.pdf(created.id).data)
    assert "3 €33.335 0% €100.01" in text  # 3 × 33.335 = 100.005 → 100.01
    assert "Discount 12.5%: −€125.00 · Net €875.00" in text


def test_the_symbols_the_font_covers_print(books: Books, client: Client) -> None:
    symbols = "→ ✓ ≤ ≥ € ½ • ★ ← ↑ ≠ ± × ÷ √ ∞ ✔ ✗ ☎ № ™ Ω Ж ẞ ő"
    created = books.invoices.create(invoice_body(client.id, line(symbols)))
    [text] = pages_text(books.documents.pdf(created.id).data)
    assert symbols in text
    assert "?" not in text


def test_a_one_page_invoice_is_at_most_40_kb_its_font_cut_to_what_it_uses(books: Books, client: Client) -> None:
    created = books.invoices.create(
        invoice_body(client.id, line("Web development – Zoë Ørsted, Łódź → ✓"), notes="Thank you!", terms="Net 30")
    )
    data = books.documents.pdf(created.id).data
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert len(data) <= 40 * 1024, f"{len(data) / 1024:.1f} KB"
    for font in _fonts(data):
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold)?", str(font["/BaseFont"]))
        file = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"].get_data()
        assert len(file) < 60_000  # of the ~265 KB bundled face


def _fonts(data: bytes) -> list:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]


def _content_lines(text: str, invoice: Invoice) -> list[str]:
    """The lines of a page's text other than the running head and the footer."""
    return [
        line
        for line in text.splitlines()
        if line.strip()
        and not line.startswith(f"{invoice.number} ·")
        and not line.startswith(f"Invoice {invoice.number}")
        and not re.search(r"Page \d+ of \d+", line)
    ]


def _assert_no_blank_page(data: bytes, invoice: Invoice) -> list[str]:
    pages = pages_text(data)
    for number, text in enumerate(pages, start=1):
        assert _content_lines(text, invoice), f"page {number} of {len(pages)} is blank"
    return pages


def test_no_blank_page_after_120_lines(books: Books, client: Client) -> None:
    items = [line(f"Item {n:03d} of a long order", n % 7 + 1, "12.50", taxRate=n % 3 * 5) for n in range(1, 121)]
    created = books.invoices.create(invoice_body(client.id, *items, notes="Thanks", terms="Net 30"))
    pages = _assert_no_blank_page(books.documents.pdf(created.id).data, created)
    assert len(pages) <= 4


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_no_blank_page_when_a_note_ends_at_the_bottom_of_a_page(books: Books, client: Client, paper: str) -> None:
    """The note grows a line at a time; around the count where it first needs a second page, its last line
    ends at the very bottom of the first, and then the spacing after it must not start a page of its own."""
    books.settings.update({"paperSize": paper})
    created = books.invoices.create(invoice_body(client.id))
    account = books.settings.get()
    previous_pages = 1
    for count in range(10, 80):
        notes = "\n".join(f"Note line {n}" for n in range(count))
        invoice = dataclasses.replace(created, notes=notes, terms=None)
        data = render_invoice(invoice, account)
        pages = _assert_no_blank_page(data, invoice)
        if len(pages) > previous_pages:
            assert f"Note line {count - 1}" in pages[-1]
            assert f"Note line {count - 2}" in pages[0]  # the count before filled the first page to its bottom
            return
        previous_pages = len(pages)
    pytest.fail("the note never reached a second page")


def test_no_blank_page_with_a_2000_character_note(books: Books, client: Client) -> None:
    note = " ".join(f"word{n}" for n in range(400))[:2000]
    created = books.invoices.create(invoice_body(client.id, notes=note, terms="Net 30"))
    pages = _assert_no_blank_page(books.documents.pdf(created.id).data, created)
    assert re.findall(r"word\d+", "".join(pages)) == re.findall(r"word\d+", note)


def test_a_continued_description_is_not_flush_under_the_header_bar(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id))
    description = "\n".join(f"Step {n:03d} of the migration" for n in range(150))
    invoice = dataclasses.replace(
        created, line_items=(dataclasses.replace(created.line_items[0], description=description),)
    )
    reader = pypdf.PdfReader(io.BytesIO(render_invoice(invoice, books.settings.get())))
    for page in reader.pages[1:]:
        positions: dict[str, float] = {}

        def visit(
            text: str, _cm: object, tm: list[float], _font: object, _size: object, found: dict = positions
        ) -> None:
            if text.strip():
                found.setdefault(text.strip(), tm[5])

        page.extract_text(visitor_text=visit)
        header = positions["Description"]
        first_step = max(y for text, y in positions.items() if text.startswith("Step "))
        assert header - first_step >= 8 + 4 + 9, "the first continued line touches the header bar"


def test_a_logo_is_drawn(books: Books, client: Client) -> None:
    image = Image.new("RGBA", (300, 100), (31, 58, 95, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    logo = books.settings.set_logo(buffer.getvalue(), "image/png")
    created = books.invoices.create(invoice_body(client.id))
    data = books.documents.pdf(created.id).data
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    [xobject] = page["/Resources"]["/XObject"].values()
    assert xobject.get_object()["/Subtype"] == "/Image"
    assert logo.width == 300


def test_credit_notes_and_quotes_share_the_layout_with_a_title_and_a_reference_line(
    books: Books, client: Client, german_seller: None
) -> None:
    invoice = mixed_invoice(books, client)
    sheet = invoice_sheet(invoice, books.settings.get())
    credit = dataclasses.replace(
        sheet,
        kind="Credit note",
        number_label="Credit note number",
        number="CN-0001",
        reference="Credit note CN-0001 for invoice RE-2026-0117",
        settlement=(),
        amount_due=None,
        bank=None,
        payments=(),
    )
    [text] = pages_text(render(credit, dt.datetime(2026, 12, 2), "cn_1/1"))
    assert "CREDIT NOTE" in text and "Credit note number" in text and "CN-0001" in text
    assert "Credit note CN-0001 for invoice RE-2026-0117" in text
    assert "Scan to pay" not in text and "Amount due" not in text.title()
    quote = dataclasses.replace(sheet, kind="Quote", number_label="Quote number", number="QUO-0001", amount_due=None)
    assert "QUOTE" in pages_text(render(quote, dt.datetime(2026, 12, 2), "quo_1/1"))[0]
    assert isinstance(credit, Sheet) and credit.paper_size is PaperSize.A4


def test_the_same_invoice_at_the_same_time_gives_the_same_bytes(
    books: Books, client: Client, german_seller: None
) -> None:
    invoice = mixed_invoice(books, client)
    account = books.settings.get()
    at = dt.datetime(2026, 12, 2, 9, 30)
    first = render_invoice(invoice, account, created=at)
    assert render_invoice(invoice, account, created=at) == first
    assert render_invoice(dataclasses.replace(invoice, version=2), account, created=at) != first
