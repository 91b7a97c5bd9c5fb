"""The invoice PDF: what a reader finds in it (extracted with pypdf), its metadata and paper, and the stored copy
that is never stale."""

import dataclasses
import datetime as dt
import io
import re
from decimal import Decimal

import pypdf
import pytest

from cleverinvo.core import Books, CleverInvo, NotFound
from cleverinvo.core.money import format_money
from cleverinvo.core.pdf import render_invoice
from cleverinvo.core.records import Client, Invoice
from cleverinvo.core.storage import models
from tests.core.helpers import invoice_body, line

NAME = "Zoë Ørsted – Łódź"


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def seller(books: Books) -> None:
    books.settings.update(
        {
            "sellerName": f"{NAME} Studio",
            "sellerAddress": "ul. Piotrkowska 104\n90-926 Łódź",
            "sellerEmail": "zoe@orsted.example",
            "sellerTaxId": "PL7251234567",
        }
    )


@pytest.fixture
def typical(books: Books, client: Client, seller: None) -> Invoice:
    books.clients.update(client.id, {"address": "1200 Market Street\nSan Francisco, CA 94102", "taxId": "US-94"})
    created = books.invoices.create(
        invoice_body(
            client.id,
            line("Web development", 40, "125.00", taxRate=10),
            line("Workshop in Łódź – Ωμέγα, Привет", 2, "950.00", taxRate=10, discountRate=10),
            line("Hosting", Decimal("1.5"), "89.90", taxRate=20),
            invoiceNumber="INV-0042",
            issueDate="2026-11-24",
            dueDate="2026-12-24",
            notes="Thank you!\nQuestions: zoe@orsted.example",
            terms="Net 30",
        )
    )
    books.invoices.mark_sent(created.id)
    books.invoices.record_payment(created.id, {"amount": Decimal("1000.00"), "date": "2026-11-30"})
    return books.invoices.get(created.id)


def test_a_typical_invoice_reads_as_it_should(books: Books, typical: Invoice) -> None:
    pdf = books.documents.pdf(typical.id)
    assert pdf.filename == "INV-0042.pdf"
    assert pdf.version == typical.version
    [text] = pages_text(pdf.data)
    for expected in (
        "INVOICE",
        "INV-0042",
        f"{NAME} Studio",
        "90-926 Łódź",
        "PL7251234567",
        "Acme Corp",
        "billing@acme.example",
        "San Francisco, CA 94102",
        "US-94",
        "Nov 24, 2026",
        "Dec 24, 2026",
        "Workshop in Łódź – Ωμέγα, Привет",
        "Discount 10%",
        "Thank you!",
        "Net 30",
        "Page 1 of 1",
    ):
        assert expected in text, expected

    def money(value: Decimal) -> str:
        return format_money(value, typical.currency)

    assert money(typical.subtotal) == "$7,034.85"
    for label, value in (
        ("Subtotal", typical.subtotal),
        ("Discount", typical.discount_total),
        ("Total", typical.total),
        ("Amount paid", typical.amount_paid),
        ("Amount due", typical.amount_due),
    ):
        assert f"{label} " in text and money(value) in text, label
    for tax in typical.taxes:
        assert f"Tax {tax.rate.normalize():f}% on {money(tax.base)}" in text
        assert money(tax.tax) in text


@pytest.mark.parametrize(
    ("code", "price", "shown"), [("JPY", "3669", "¥3,669"), ("KWD", "1.235", "KWD\u00a01.235"), ("EUR", "5", "€5.00")]
)
def test_amounts_are_formatted_for_the_currency(
    books: Books, client: Client, code: str, price: str, shown: str
) -> None:
    created = books.invoices.create(invoice_body(client.id, line("Thing", 1, price), currency=code))
    [text] = pages_text(books.documents.pdf(created.id).data)
    assert shown in text


def test_120_items_run_over_pages_each_with_the_table_header(books: Books, client: Client) -> None:
    items = [line(f"Item {n:03d} of a long order", n % 7 + 1, "12.50", taxRate=n % 3 * 5) for n in range(1, 121)]
    created = books.invoices.create(invoice_body(client.id, *items))
    pages = pages_text(books.documents.pdf(created.id).data)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "Description" in text and "Unit price" in text and "Amount" in text
        assert f"Page {number} of {len(pages)}" in text
    everything = "\n".join(pages)
    for n in range(1, 121):
        assert everything.count(f"Item {n:03d} of a long order") == 1, n
    assert format_money(created.total, created.currency) in pages[-1]
    first_on_each = [next(int(t.split()[1]) for t in text.splitlines() if t.startswith("Item ")) for text in pages]
    assert first_on_each == sorted(first_on_each)


def test_metadata_title_is_the_invoice_number_author_the_seller(books: Books, client: Client, seller: None) -> None:
    for number in ("INV-7 (draft)", "СЧЁТ-№7 Ωμέγα"):
        created = books.invoices.create(invoice_body(client.id, invoiceNumber=number))
        reader = pypdf.PdfReader(io.BytesIO(books.documents.pdf(created.id).data))
        meta = reader.metadata
        assert meta.title == number
        assert meta.author == f"{NAME} Studio"
        assert "borb" in meta.producer
        created_at = dt.datetime.strptime(meta["/CreationDate"][2:16], "%Y%m%d%H%M%S")
        assert abs(created_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=5)


def test_letter_when_the_account_says_so(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id))
    a4 = pypdf.PdfReader(io.BytesIO(books.documents.pdf(created.id).data)).pages[0].mediabox
    assert (round(a4.width), round(a4.height)) == (595, 842)
    books.settings.update({"paperSize": "Letter"})
    letter = pypdf.PdfReader(io.BytesIO(render_invoice(books.invoices.get(created.id), books.settings.get())))
    assert (round(letter.pages[0].mediabox.width), round(letter.pages[0].mediabox.height)) == (612, 792)


def test_long_descriptions_and_unbroken_words_wrap_without_losing_text(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id))
    word = "".join(chr(ord("a") + n % 26) for n in range(300))
    words = [f"w{n}" for n in range(500)]
    prose = " ".join(words)
    assert len(prose) >= 2000
    item = created.line_items[0]
    long_lines = (dataclasses.replace(item, description=prose), dataclasses.replace(item, description=word))
    invoice = dataclasses.replace(created, line_items=long_lines + created.line_items)
    text = "".join(pages_text(render_invoice(invoice, books.settings.get())))
    assert re.findall(r"\bw\d+\b", text) == words
    assert word in squeeze(text)


def test_a_description_taller_than_a_page_continues_on_the_next(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id))
    description = "\n".join(f"Step {n:03d} of the migration" for n in range(150))
    invoice = dataclasses.replace(
        created, line_items=(dataclasses.replace(created.line_items[0], description=description),)
    )
    pages = pages_text(render_invoice(invoice, books.settings.get()))
    assert len(pages) >= 3
    everything = "\n".join(pages)
    assert all(f"Step {n:03d} of the migration" in everything for n in range(150))
    assert all("Description" in text for text in pages)


def test_the_stored_pdf_is_never_stale(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id, line("Old description")))
    first = books.documents.pdf(created.id)
    assert "Old description" in pages_text(first.data)[0]
    assert books.documents.pdf(created.id).data == first.data  # served from the store, not rendered again
    books.invoices.update(created.id, {"lineItems": [line("New description")]})
    second = books.documents.pdf(created.id)
    assert second.version == first.version + 1
    text = pages_text(second.data)[0]
    assert "New description" in text and "Old description" not in text
    assert models.InvoicePdf.get_by_id(created.id).version == second.version


def test_refresh_renders_once_and_never_stores_an_older_version_over_a_newer(
    books: Books, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleverinvo.core import pdf

    created = books.invoices.create(invoice_body(client.id, line("Version one")))
    renders: list[int] = []

    def render_while_someone_updates(invoice: Invoice, account: object, logo: object, **options: object) -> bytes:
        renders.append(invoice.version)
        if len(renders) == 1:  # the refresh of version 1 is still rendering when version 2 is saved and served
            books.invoices.update(created.id, {"lineItems": [line("Version two")]})
            books.documents.pdf(created.id)
        return render_invoice(invoice, account, logo, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "render_invoice", render_while_someone_updates)
    books.documents.refresh(created.id)
    assert renders == [1, 2]
    stored = models.InvoicePdf.get_by_id(created.id)
    assert stored.version == 2
    assert "Version two" in pages_text(bytes(stored.data))[0]
    books.documents.refresh(created.id)  # current already: nothing rendered
    assert renders == [1, 2]


def test_refresh_after_delete_is_quiet_and_delete_removes_the_pdf(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id))
    books.documents.refresh(created.id)
    assert models.InvoicePdf.select().where(models.InvoicePdf.invoice == created.id).count() == 1
    books.invoices.delete(created.id)
    assert models.InvoicePdf.select().where(models.InvoicePdf.invoice == created.id).count() == 0
    books.documents.refresh(created.id)
    with pytest.raises(NotFound):
        books.documents.pdf(created.id)


def test_another_accounts_invoice_has_no_pdf_here(ci: CleverInvo, books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id))
    ci.accounts.create("other")
    with pytest.raises(NotFound):
        ci.books("other").documents.pdf(created.id)


def test_the_largest_figures_and_a_64_character_number_print_whole(books: Books, client: Client) -> None:
    number = "INV-" + "7" * 60
    big = line("Everything", 999999999, Decimal("88.5"), taxRate=Decimal("12.3456"))
    created = books.invoices.create(invoice_body(client.id, big, invoiceNumber=number, currency="KWD"))
    [text] = pages_text(books.documents.pdf(created.id).data)
    squeezed = squeeze(text)
    assert number in squeezed
    assert squeeze(format_money(created.total, created.currency)) in squeezed
    assert "999,999,999" in text and "12.3456%" in text


def test_changed_seller_or_client_details_are_never_served_stale(books: Books, client: Client) -> None:
    created = books.invoices.create(invoice_body(client.id))
    books.documents.pdf(created.id)
    books.clients.update(client.id, {"address": "7 New Road, Leeds"})
    books.settings.update({"sellerName": NAME, "paperSize": "Letter"})
    pdf = books.documents.pdf(created.id)
    [text] = pages_text(pdf.data)
    assert "7 New Road, Leeds" in text and NAME in text
    assert round(pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].mediabox.height) == 792
    books.documents.refresh(created.id)
    books.settings.update({"numberPrefix": "ZO-"})  # not shown on the PDF: the stored one stays
    assert books.documents.pdf(created.id).data == pdf.data


def test_a_client_change_during_a_background_render_is_not_stored_stale(
    books: Books, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleverinvo.core import pdf

    created = books.invoices.create(invoice_body(client.id))

    def render_while_the_client_moves(invoice: Invoice, account: object, logo: object, **options: object) -> bytes:
        books.clients.update(client.id, {"address": "7 New Road, Leeds"})
        return render_invoice(invoice, account, logo, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "render_invoice", render_while_the_client_moves)
    books.documents.refresh(created.id)
    assert models.InvoicePdf.get_or_none(models.InvoicePdf.invoice == created.id) is None
    monkeypatch.undo()
    assert "7 New Road, Leeds" in pages_text(books.documents.pdf(created.id).data)[0]


def test_a_draft_pdf_rendered_while_other_documents_are_numbered_is_stored(
    books: Books, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compared with what this invoice shows, not the whole account: the invoice counter moving on meanwhile
    (another invoice made) still lets the render be stored."""
    from cleverinvo.core import pdf

    created = books.invoices.create(invoice_body(client.id))

    def render_while_another_is_made(invoice: Invoice, account: object, logo: object, **options: object) -> bytes:
        books.invoices.create(invoice_body(client.id))
        return render_invoice(invoice, account, logo, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "render_invoice", render_while_another_is_made)
    books.documents.refresh(created.id)
    assert models.InvoicePdf.get_by_id(created.id).version == created.version
