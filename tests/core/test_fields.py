"""Text and dates that would break what they are printed in are refused with a clear message, and change nothing:
lone surrogates anywhere, line breaks and tabs in single-line fields, invisible characters in invoice numbers and
prefixes, dates whose defaults pass 9999-12-31; file names made from invoice numbers name no folder."""

import sys
import unicodedata

import pytest

from cleverinvo.core import ValidationError
from cleverinvo.core.billing.documents import file_name
from cleverinvo.core.fields import _INVISIBLE, Fields
from tests.core.helpers import invoice_body, line


@pytest.mark.parametrize("field", ["name", "taxId", "phone", "email"])
@pytest.mark.parametrize("breaker", ["\n", "\r", "\t", "\u2028"])
def test_single_line_client_fields_refuse_line_breaks_and_tabs(books, field, breaker):
    body = {"name": "Acme", field: f"a{breaker}b@example.com" if field == "email" else f"a{breaker}b"}
    with pytest.raises(ValidationError) as refused:
        books.clients.create(body)
    assert refused.value.message.startswith(f"Invalid field: {field} ")
    assert books.clients.list().total == 0


def test_single_line_errors_say_what_is_wrong(books):
    with pytest.raises(
        ValidationError, match=r"^Invalid field: name must be a single line \(no line breaks or tabs\)$"
    ):
        books.clients.create({"name": "Acme\r\nX-Injected: yes"})


def test_multi_line_fields_keep_their_line_breaks_and_tabs(books, client):
    made = books.clients.create({"name": "Acme", "address": "1 Main St\nSpringfield", "notes": "a\tb\r\nc"})
    assert (made.address, made.notes) == ("1 Main St\nSpringfield", "a\tb\r\nc")
    invoice = books.invoices.create(
        invoice_body(client.id, line(description="Design\n\tphase 1"), notes="n\n1", terms="t\n2")
    )
    assert (invoice.line_items[0].description, invoice.notes, invoice.terms) == ("Design\n\tphase 1", "n\n1", "t\n2")
    books.settings.update({"sellerAddress": "1 Main St\nSpringfield"})


@pytest.mark.parametrize("text", ["Zo\ud800ë", "\udfff", "a\udbff"])
def test_lone_surrogates_are_refused_in_every_text_field(books, client, text):
    for create in (
        lambda: books.clients.create({"name": text}),
        lambda: books.clients.create({"name": "Acme", "notes": text}),
        lambda: books.invoices.create(invoice_body(client.id, line(description=text))),
    ):
        with pytest.raises(ValidationError, match="must be valid Unicode text"):
            create()
    kept = books.clients.create({"name": "Acme", "notes": "Zoë 😀"})  # notes are never printed, so any text goes
    assert kept.notes == "Zoë 😀"  # a character beyond the BMP is one code point


@pytest.mark.parametrize("sneaky", ["\u202e", "\u200b", "\u200d", "\u2066", "\ufeff", "\u00ad", "\u061c"])
def test_invoice_numbers_and_prefixes_refuse_invisible_characters(books, client, sneaky):
    with pytest.raises(ValidationError, match=r"invoiceNumber must not contain invisible or direction-changing"):
        books.invoices.create(invoice_body(client.id, invoiceNumber=f"INV-{sneaky}0001"))
    made = books.invoices.create(invoice_body(client.id, invoiceNumber="INV-0001"))
    with pytest.raises(ValidationError, match=r"U\+"):
        books.invoices.update(made.id, {"invoiceNumber": f"INV{sneaky}-0001"})
    with pytest.raises(ValidationError, match=r"numberPrefix must not contain invisible"):
        books.settings.update({"numberPrefix": f"INV{sneaky}-"})
    assert books.invoices.get(made.id).number == "INV-0001"


@pytest.mark.parametrize("breaker", ["\n", "\t"])
def test_invoice_numbers_client_ids_and_prefixes_are_single_lines(books, client, breaker):
    with pytest.raises(ValidationError, match="invoiceNumber must be a single line"):
        books.invoices.create(invoice_body(client.id, invoiceNumber=f"INV{breaker}1"))
    with pytest.raises(ValidationError, match="clientId must be a single line"):
        books.invoices.create(invoice_body(f"{client.id}{breaker}x"))
    with pytest.raises(ValidationError, match="numberPrefix must be a single line"):
        books.settings.update({"numberPrefix": f"A{breaker}B"})
    assert books.invoices.list().total == 0


def test_the_invisible_set_holds_every_format_character():
    missing = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf" and not _INVISIBLE.fullmatch(chr(c))
    ]
    assert missing == []


def test_a_default_due_date_past_the_last_date_is_refused(books, client):
    with pytest.raises(ValidationError) as refused:
        books.invoices.create(invoice_body(client.id, issueDate="9999-12-25"))
    assert refused.value.message == (
        "Invalid field: issueDate is too late: the default dueDate, 30 days after it, would be past 9999-12-31"
    )
    assert books.invoices.list().total == 0
    made = books.invoices.create(invoice_body(client.id, issueDate="9999-12-25", dueDate="9999-12-31"))
    assert str(made.due_date) == "9999-12-31"


def test_c1_controls_are_control_characters(books):
    with pytest.raises(ValidationError, match="name must not contain control characters"):
        books.clients.create({"name": "Acme\x85Corp"})


def test_fields_text_reads_single_line_by_default():
    assert Fields({"a": " x y "}, ["a"]).text("a") == "x y"
    with pytest.raises(ValidationError):
        Fields({"a": "x\ny"}, ["a"]).text("a")
    assert Fields({"a": "x\ny"}, ["a"]).text("a", multiline=True) == "x\ny"


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("INV-0042", "INV-0042.pdf"),
        ("../../tmp/evil", ".._.._tmp_evil.pdf"),
        ("..\\..\\evil", ".._.._evil.pdf"),
        ("2024/Zoë", "2024_Zoë.pdf"),
    ],
)
def test_file_names_from_invoice_numbers_name_no_folder(number, name):
    assert file_name(number, "pdf") == name
